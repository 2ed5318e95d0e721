"""PDF of any report or document, rendered by LibreOffice as the office would print it.

LibreOffice reads the workbook's own page setup (A4, landscape, margins, repeated header
rows, fit to width) and the document's layout, so the PDF is the printed report and no
second layout has to be kept. It is a system program that `make run` does not need:
where it is missing, `available()` is False and the pages say so instead of offering the
button. Times New Roman is printed with Liberation Serif, its metric twin (fontconfig's
alias), so the lines break where they would in Word or Excel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from registry.services import ServiceError

TIMEOUT_SECONDS = 180
MISSING = (
    "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản Excel hoặc Word "
    "(quản trị: cài gói libreoffice-calc-nogui và libreoffice-writer-nogui)."
)


class PdfError(ServiceError, RuntimeError):
    """No PDF could be made; the message is for the user."""


def _program() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return _program() is not None


def to_pdf(data: bytes, suffix: str) -> bytes:
    """The PDF of an .xlsx or .docx file. Each conversion has its own LibreOffice profile,
    so two at once (two gunicorn workers) do not wait on each other's lock."""
    program = _program()
    if program is None:
        raise PdfError(MISSING)
    with tempfile.TemporaryDirectory(prefix="registry-pdf-") as folder:
        work = Path(folder)
        source = work / f"report{suffix}"
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ]
        env = {**os.environ, "HOME": str(work)}
        try:
            subprocess.run(
                command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False, env=env
            )
        except subprocess.TimeoutExpired:
            raise PdfError("Tạo PDF quá lâu nên đã dừng; hãy tải bản Excel hoặc Word.") from None
        target = work / "report.pdf"
        if not target.exists():
            raise PdfError("LibreOffice không tạo được PDF của báo cáo này.")
        return target.read_bytes()

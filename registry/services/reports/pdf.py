"""PDF of any report or document, rendered by LibreOffice as the office would print it.

LibreOffice reads the workbook's own page setup (A4, landscape, margins, repeated header
rows, fit to width) and the document's layout, so the PDF is the printed report and no
second layout has to be kept. It is a system program that `make run` does not need:
where it is missing, `available()` is False and the pages say so instead of offering the
button. Times New Roman is printed with Liberation Serif, its metric twin (fontconfig's
alias), so the lines break where they would in Word or Excel.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from registry.services import ServiceError

# Below gunicorn's worker timeout (120 s), so the user reads why rather than a dropped
# connection; larger documents are for the background jobs.
TIMEOUT_SECONDS = 90
# LibreOffice instances at once on this server (each takes a core and ~200 MB); a third
# request waits for a slot, up to the timeout.
SLOTS = 2
MISSING = (
    "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; hãy tải bản Excel hoặc Word "
    "(quản trị: cài gói libreoffice-calc-nogui và libreoffice-writer-nogui)."
)
BUSY = "Máy chủ đang in nhiều báo cáo cùng lúc; hãy thử lại sau ít phút."


class PdfError(ServiceError, RuntimeError):
    """No PDF could be made; the message is for the user."""


def _program() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return _program() is not None


@contextmanager
def _slot(deadline: float) -> Iterator[None]:
    """One of SLOTS conversions at once across every worker process (a lock file each)."""
    folder = Path(tempfile.gettempdir())
    while True:
        for number in range(SLOTS):
            handle = open(folder / f"registry-pdf-slot-{number}.lock", "a+b")  # noqa: SIM115
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()
            return
        if time.monotonic() > deadline:
            raise PdfError(BUSY)
        time.sleep(0.2)


def to_pdf(data: bytes, suffix: str) -> bytes:
    """The PDF of an .xlsx or .docx file. Each conversion has its own LibreOffice profile
    (two at once do not wait on each other's lock) and its own process group, killed
    whole on timeout: `soffice` is a script whose `soffice.bin` would outlive it."""
    program = _program()
    if program is None:
        raise PdfError(MISSING)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    with _slot(deadline), tempfile.TemporaryDirectory(prefix="registry-pdf-") as folder:
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
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        try:
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise PdfError("Tạo PDF quá lâu nên đã dừng; hãy tải bản Excel hoặc Word.") from None
        finally:
            _kill_group(process)
        target = work / "report.pdf"
        if not target.exists():
            raise PdfError("LibreOffice không tạo được PDF của báo cáo này.")
        return target.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    """End the conversion's whole process group (nothing is left once it returns)."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()

"""Answers that send a workbook, named in Vietnamese where browsers allow (RFC 6266)."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from flask import Response, send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(data: BytesIO, ascii_name: str, display_name: str) -> Response:
    """An xlsx download: `ascii_name` for old browsers, `display_name` (UTF-8) for the rest."""
    response = send_file(data, mimetype=XLSX, as_attachment=True, download_name=ascii_name)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(display_name)}"
    )
    return response

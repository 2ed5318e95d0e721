"""Answers that send a report file, named in Vietnamese where browsers allow (RFC 6266)."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from flask import Response, send_file

MIMETYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}


def download_response(data: BytesIO, ascii_name: str, display_name: str) -> Response:
    """A download (xlsx, docx or pdf, by the name's suffix): `ascii_name` for old
    browsers, `display_name` (UTF-8) for the rest."""
    mimetype = MIMETYPES[ascii_name[ascii_name.rindex(".") :]]
    response = send_file(data, mimetype=mimetype, as_attachment=True, download_name=ascii_name)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(display_name)}"
    )
    return response

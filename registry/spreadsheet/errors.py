"""Limits of what the reader accepts, and the error raised when a file can't be read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Reader limits (settings; DESIGN "Import contract")."""

    max_rows: int = 200_000
    max_cols: int = 200
    max_file_bytes: int = 50 << 20
    # Total size of a workbook's unzipped parts, and the largest compression ratio
    # accepted for a part of a few MiB or more (zip-bomb guard).
    max_uncompressed: int = 1 << 30
    max_ratio: int = 200
    # Cells holding a value a sheet may have (ODS repeats multiplied out), and the grid
    # (rows × columns from A1 to the last cell) past which a sheet must be filled at
    # least one cell in `sparse_ratio`: calamine allocates the whole grid.
    max_cells: int = 8_000_000
    grid_cells: int = 2_000_000
    sparse_ratio: int = 8
    # The child process that reads the file: its address-space ceiling and time limit.
    # isolate=False reads in this process (the child itself does).
    memory_mb: int = 1536
    seconds: float = 60
    isolate: bool = True


_MESSAGES: dict[str, str] = {
    "empty_file": "Tệp rỗng, không có dữ liệu.",
    "unsupported_type": (
        "Không nhận ra loại tệp{name}: chỉ nhận tệp Excel (.xlsx, .xlsm, .xls), "
        "OpenDocument (.ods) hoặc CSV."
    ),
    "xlsb": "Tệp Excel nhị phân (.xlsb) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại dạng .xlsx.",
    "corrupt_file": (
        "Tệp{name} bị hỏng hoặc không đầy đủ (có thể việc tải lên bị gián đoạn): hãy mở "
        "bằng Excel, lưu lại rồi tải lên lần nữa."
    ),
    "password_protected": (
        "Tệp{name} được đặt mật khẩu nên không đọc được: hãy gỡ mật khẩu (Tệp > Thông tin > "
        "Bảo vệ sổ làm việc > Mã hóa bằng mật khẩu) rồi tải lên lại."
    ),
    "too_large": "Tệp quá lớn ({size} MB, tối đa {limit} MB): hãy chia thành nhiều tệp.",
    "zip_bomb": (
        "Tệp nén bất thường (dung lượng sau giải nén quá lớn), không thể đọc an toàn: "
        "hãy mở bằng Excel, chỉ giữ bảng dữ liệu và lưu lại."
    ),
    "too_many_rows": (
        "Trang tính{sheet} có {count} dòng, vượt giới hạn {limit} dòng: hãy xóa các dòng "
        "thừa hoặc chia thành nhiều tệp."
    ),
    "too_many_columns": (
        "Trang tính{sheet} có {count} cột, vượt giới hạn {limit} cột: hãy xóa các cột thừa."
    ),
    "too_many_cells": (
        "Trang tính{sheet} có {count} ô dữ liệu, vượt giới hạn {limit} ô: hãy chia thành nhiều tệp."
    ),
    "sparse_sheet": (
        "Trang tính{sheet} có dữ liệu ở tận ô {cell}, rất xa bảng dữ liệu (chỉ {count} ô có "
        "dữ liệu): hãy xóa các dòng, cột thừa ở ngoài bảng rồi lưu lại và tải lên lần nữa."
    ),
    "reader_failed": (
        "Tệp{name} không đọc được: việc đọc cần quá nhiều bộ nhớ hoặc tệp có cấu trúc bất "
        "thường. Hãy mở bằng Excel, chỉ giữ bảng dữ liệu, lưu lại rồi tải lên lần nữa."
    ),
    "reader_timeout": (
        "Tệp{name} không đọc được trong {seconds} giây: hãy chia thành nhiều tệp nhỏ hơn, "
        "hoặc mở bằng Excel, chỉ giữ bảng dữ liệu, lưu lại rồi tải lên lần nữa."
    ),
    "nul_bytes": (
        "Tệp CSV có ký tự NUL nên không phải tệp văn bản: hãy mở bằng Excel và lưu lại "
        "dạng «CSV UTF-8 (phân cách bằng dấu phẩy)»."
    ),
    "bad_encoding": (
        "Không xác định được bảng mã của tệp CSV: hãy lưu lại dạng «CSV UTF-8 (phân cách "
        "bằng dấu phẩy)»."
    ),
    "sheet_not_found": "Không có trang tính «{sheet_name}» trong tệp; các trang có: {sheets}.",
    "no_data": "Tệp không có trang tính nào chứa dữ liệu.",
    "no_header": (
        "Không tìm thấy dòng tiêu đề trong {scan} dòng đầu của trang tính{sheet}: cần có "
        "cột «Họ và tên» và ít nhất một cột khác của mẫu (ví dụ «Ngày sinh»)."
    ),
}


class ReadError(Exception):
    """The file can't be read at all (CLI exit code 2); `message` is for users."""

    def __init__(self, code: str, message: str | None = None, **details: object) -> None:
        self.code = code
        self.details = details
        self.message = message or _message(code, details)
        super().__init__(code, self.message)

    def __str__(self) -> str:
        return self.message

    def naming(self, filename: str) -> ReadError:
        """The same error with the file's name in its message."""
        if not filename or "filename" in self.details:
            return self
        return ReadError(self.code, None, **self.details, filename=filename)


def _message(code: str, details: dict[str, object]) -> str:
    name = details.get("filename")
    sheet = details.get("sheet")
    values = {
        "name": f" «{name}»" if name else "",
        "sheet": f" «{sheet}»" if sheet else "",
        "count": details.get("count", "quá nhiều"),
        "limit": details.get("limit", "cho phép"),
        "size": details.get("size", "?"),
        "sheet_name": details.get("sheet_name", ""),
        "sheets": details.get("sheets", ""),
        "scan": details.get("scan", 20),
        "cell": details.get("cell", "?"),
        "seconds": details.get("seconds", "?"),
    }
    template = _MESSAGES.get(code, "Không đọc được tệp.")
    if code == "too_many_rows" and "count" not in details:
        template = "Trang tính{sheet} có quá nhiều dòng (tối đa {limit} dòng)."
    if code == "too_many_columns" and "count" not in details:
        template = "Trang tính{sheet} có quá nhiều cột (tối đa {limit} cột)."
    return template.format(**values)

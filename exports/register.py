"""`register`: a party cell's register of its candidates (sổ theo dõi quần chúng ưu tú), one
sheet per cell, one row per person with each stage's date and the cell's own notes."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from exports.data import REGISTER_FIELDS, RegisterBook
from exports.layout import Col, Look, close_sheet, open_sheet, save, workbook
from exports.styles import DATE_FORMAT

_DATE_WIDTH = 11


def _day(label: str) -> Col:
    return Col(label, width=_DATE_WIDTH)


REGISTER_COLUMNS = (
    Col("STT", width=5),
    Col("Họ và tên", width=22),
    _day("Ngày sinh"),
    Col("Giới tính", width=7),
    Col("Dân tộc", width=8),
    Col("Tôn giáo", width=9),
    Col("Quê quán", width=16),
    Col("Trình độ học vấn", width=9),
    Col("Đơn vị", width=20),
    Col("Lớp / Công việc", width=12),
    _day("Ngày vào Đoàn"),
    _day("Ngày vào danh sách nguồn"),
    Col("Học lớp nhận thức về Đảng", children=(_day("Ngày cấp GCN"), Col("Số GCN", width=10))),
    Col("Đảng viên được phân công giúp đỡ", width=18),
    Col("Người giới thiệu", width=18),
    _day("Ngày hoàn thiện hồ sơ"),
    _day("Ngày chi bộ đề nghị kết nạp"),
    _day("Ngày Đảng ủy cơ sở đề nghị"),
    Col("Quyết định kết nạp", children=(Col("Số", width=10), _day("Ngày"))),
    _day("Ngày kết nạp"),
    _day("Ngày công nhận đảng viên chính thức"),
    Col("Ra khỏi danh sách", children=(_day("Ngày"), Col("Lý do", width=14))),
    Col("Ghi chú", width=18),
)

_TEXT = Look(border=True, horizontal="left")
_DATE = Look(border=True, number_format=DATE_FORMAT, wrap=False)
_NUMBER = Look(border=True)
_EMPTY = Look(italic=True, horizontal="left")
# Characters a sheet name may not hold, and its length limit (Excel).
_NOT_IN_NAMES = re.compile(r"[\[\]:*?/\\]")
_NAME_LENGTH = 31


def sheet_names(names: list[str]) -> list[str]:
    """Sheet names Excel accepts, distinct, from the cells' names."""
    out: list[str] = []
    for name in names:
        # "Chi bộ" goes without saying in a register's sheet names.
        name = re.sub(r"^chi bộ\s+", "", name.strip(), flags=re.IGNORECASE)
        base = _NOT_IN_NAMES.sub(" ", name)[:_NAME_LENGTH].strip() or "Chi bộ"
        candidate, n = base, 1
        while candidate.casefold() in (o.casefold() for o in out):
            n += 1
            suffix = f" ({n})"
            candidate = base[: _NAME_LENGTH - len(suffix)] + suffix
        out.append(candidate)
    return out


def build_register(book: RegisterBook) -> BytesIO:
    """The register workbook: a sheet per cell, each headed by the cell."""
    if not isinstance(book, RegisterBook):
        raise TypeError(f"expected RegisterBook, got {type(book).__name__}")
    if not book.sheets:
        raise ValueError("a register has at least one cell")
    names = sheet_names([sheet.name or sheet.meta.area_name for sheet in book.sheets])
    with workbook(book.meta) as wb:
        for sheet, name in zip(book.sheets, names, strict=True):
            # Twenty-six columns: two pages across, each repeating STT and the name.
            sw = open_sheet(wb, name, sheet.meta, REGISTER_COLUMNS, pages_wide=2)
            for i, row in enumerate(sheet.rows, 1):
                if len(row) != len(REGISTER_FIELDS):
                    raise ValueError(f"row {i}: {len(row)} values, expected {len(REGISTER_FIELDS)}")
                items: list[tuple[object, Look]] = [(i, _NUMBER)]
                items += [(v, _DATE if isinstance(v, date) else _TEXT) for v in row]
                sw.line(items)
            if not sheet.rows:
                sw.band([(1, sw.width, "Không có quần chúng nào của chi bộ trong kỳ.", _EMPTY)])
            close_sheet(sw, sheet.meta)
        return save(wb)

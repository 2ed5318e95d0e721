"""Helpers shared by the export tests (no tests here)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from exports import ReportMeta


def make_meta(**changes) -> ReportMeta:
    fields = {
        "title": "Báo cáo kết quả phát triển đảng viên",
        "period_from": date(2025, 1, 1),
        "period_to": date(2025, 12, 31),
        "period_label": "Năm 2025",
        "area_name": "Tỉnh Lào Cai",
        "place": "Lào Cai",
        "report_date": date(2026, 1, 5),
        "issuing_body": ["UBND TỈNH LÀO CAI", "SỞ NỘI VỤ"],
        "preparer_name": "Nguyễn Thị Lập",
        "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        "signer_name": "Trần Văn Ký",
    }
    return ReportMeta(**{**fields, **changes})


def open_book(stream: BytesIO) -> Workbook:
    assert stream.tell() == 0, "builders hand back a rewound stream"
    return load_workbook(stream)


def find_cell(ws: Worksheet, text: str):
    """The first cell whose value is exactly `text`."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text:
                return cell
    raise AssertionError(f"{text!r} not found in {ws.title}")


def all_texts(ws: Worksheet) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def line(ws: Worksheet, label: str, label_col: int = 2) -> list:
    """The values of the table line whose label column holds `label`."""
    for row in ws.iter_rows():
        if row[label_col - 1].value == label:
            return [c.value for c in row]
    raise AssertionError(f"no line {label!r}")


def line_cells(ws: Worksheet, label: str, label_col: int = 2) -> tuple:
    for row in ws.iter_rows():
        if row[label_col - 1].value == label:
            return row
    raise AssertionError(f"no line {label!r}")


def merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


XML_CHAR = st.characters(
    exclude_categories=("Cs",),
    exclude_characters="".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32)])),
)


# Text that is all blanks reads back empty (openpyxl does not mark it to be kept); the
# import treats both as a blank cell.
VISIBLE_TEXT = st.text(XML_CHAR, min_size=1, max_size=12).filter(str.strip)

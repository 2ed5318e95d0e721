"""The candidate template: the canonical headers, an example row, drop-down lists.

Pure: no Flask, no queries; the ethnicity list comes from the reference data.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from registry.domain.refdata import ethnicities
from registry.spreadsheet import CANONICAL_HEADERS

GENDERS = ("Nam", "Nữ")
GROUPS = ("Học sinh THPT", "Học viên GDNN-GDTX", "Sinh viên", "Công nhân")
LIST_SHEET = "Danh mục"
ROWS = 2000  # rows the drop-down lists cover below the header
EXAMPLE = {
    "row_no": "Ví dụ",
    "full_name": "Nguyễn Văn An",
    "birth_date": date(2006, 3, 15),
    "gender": "Nam",
    "ethnicity": "Kinh",
    "religion": "Không",
    "id_number": "010206001234",
    "hometown": "Phường Lào Cai, tỉnh Lào Cai",
    "education": "12/12",
    "group": "Học sinh THPT",
    "unit_code": "MA-DON-VI",
    "unit_name": "Trường THPT …",
    "trained_date": date(2024, 1, 15),
    "certificate_no": "123-GCN/TTCT",
    "note": "Dòng ví dụ: hãy xóa dòng này trước khi nhập.",
    "source_date": date(2023, 9, 5),
    "dossier_date": date(2024, 4, 1),
    "cell_resolution_date": date(2024, 5, 10),
    "class_or_job": "12A1",
    "introducers": "Trần Văn Bình; Lê Thị Cúc",
    "introducer_1_name": "Trần Văn Bình",
    "introducer_1_date": date(2024, 3, 1),
    "introducer_1_member_date": date(2015, 5, 19),
    "introducer_1_months": 24,
    "introducer_2_name": "Lê Thị Cúc",
    "introducer_2_date": date(2024, 3, 1),
    "introducer_2_member_date": date(2019, 9, 2),
    "introducer_2_months": 18,
    "cell_vote": "18/20",
}
_DATE_FIELDS = {f for f, _label in CANONICAL_HEADERS if f.endswith("_date")}
# The vote "18/20" as text too: Excel would read "7/9" as a date.
_TEXT_FIELDS = {"id_number", "unit_code", "certificate_no", "decision_no", "cell_vote"}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE_FONT = Font(italic=True, color="808080")


def _lists(wb: Workbook) -> str:
    """A hidden sheet with the ethnicity names; returns the range the list uses."""
    ws = wb.create_sheet(LIST_SHEET)
    names = [e.name for e in ethnicities()]
    ws.append(["Dân tộc"])
    for name in names:
        ws.append([name])
    ws.sheet_state = "hidden"
    return f"{quote_sheetname(LIST_SHEET)}!$A$2:$A${len(names) + 1}"


def _validation(ws, column: int, formula: str, prompt: str) -> None:
    letter = get_column_letter(column)
    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
    rule.error = prompt
    rule.errorTitle = "Giá trị không có trong danh sách"
    rule.showErrorMessage = True
    ws.add_data_validation(rule)
    rule.add(f"{letter}2:{letter}{ROWS + 1}")


def build_template() -> BytesIO:
    """The .xlsx users fill in: the first sheet is the list, row 1 the headers."""
    wb = Workbook()
    ws = wb.active
    if not isinstance(ws, Worksheet):  # a new workbook opens on its one worksheet
        raise TypeError("a new workbook has no active worksheet")
    ws.title = "Danh sách"
    fields = [f for f, _label in CANONICAL_HEADERS]
    ws.append([label for _f, label in CANONICAL_HEADERS])
    ws.append([EXAMPLE.get(f) for f in fields])
    for index, name in enumerate(fields, 1):
        letter = get_column_letter(index)
        head = ws.cell(1, index)
        head.font, head.fill = Font(bold=True), _HEADER_FILL
        head.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[letter].width = 26 if name in ("full_name", "unit_name") else 16
        example = ws.cell(2, index)
        example.font = _EXAMPLE_FONT
        # Dates typed day first; CCCD and codes as text so that Excel keeps leading zeros.
        style = "dd/mm/yyyy" if name in _DATE_FIELDS else "@" if name in _TEXT_FIELDS else None
        if style:
            for row in range(2, ROWS + 2):
                ws.cell(row, index).number_format = style
    ws.freeze_panes = "C2"
    column = {name: index for index, name in enumerate(fields, 1)}
    _validation(ws, column["gender"], f'"{",".join(GENDERS)}"', "Chọn Nam hoặc Nữ.")
    _validation(ws, column["group"], f'"{",".join(GROUPS)}"', "Chọn một đối tượng trong danh sách.")
    _validation(ws, column["ethnicity"], _lists(wb), "Chọn một dân tộc trong danh mục.")
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out

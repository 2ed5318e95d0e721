"""The targets sheet to fill in: the columns the upload reads, an example row per choice,
and a drop-down of the groups and subgroups the user may set.

Pure: no Flask, no queries.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

HEADERS = ("Năm", "Đối tượng", "Mã địa bàn", "Mã đơn vị", "Chỉ tiêu")
LIST_SHEET = "Danh mục"
ROWS = 1000  # rows the drop-down covers below the header
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE_FONT = Font(italic=True, color="808080")


def build_target_template(year: int, choices: list[str]) -> BytesIO:
    """The .xlsx of the targets upload; `choices` are the "Đối tượng" labels offered."""
    wb = Workbook()
    ws = wb.active
    if not isinstance(ws, Worksheet):  # a new workbook opens on its one worksheet
        raise TypeError("a new workbook has no active worksheet")
    ws.title = "Chỉ tiêu"
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
    # One example per choice, on an area code to replace: examples the upload would
    # refuse ("không có địa bàn mã …") until they are filled in for real.
    for label in choices:
        ws.append([year, label, "MA-DIA-BAN", None, 0])
        for cell in ws[ws.max_row]:
            cell.font = _EXAMPLE_FONT
    for column, width in zip("ABCDE", (8, 30, 16, 16, 10), strict=True):
        ws.column_dimensions[column].width = width
        for row in range(2, ROWS + 2):
            if column in "CD":
                ws[f"{column}{row}"].number_format = "@"  # codes keep their leading zeros
    ws.freeze_panes = "A2"
    lists = wb.create_sheet(LIST_SHEET)
    lists.append(["Đối tượng"])
    for label in choices:
        lists.append([label])
    lists.sheet_state = "hidden"
    rule = DataValidation(
        type="list",
        formula1=f"{quote_sheetname(LIST_SHEET)}!$A$2:$A${len(choices) + 1}",
        allow_blank=True,
    )
    rule.error = "Chọn một đối tượng trong danh sách."
    rule.errorTitle = "Giá trị không có trong danh sách"
    rule.showErrorMessage = True
    ws.add_data_validation(rule)
    rule.add(f"B2:B{ROWS + 1}")
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out

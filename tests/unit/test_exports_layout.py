"""Shared parts: safe cell values, the registry, dates and nested headers."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from python_calamine import CalamineWorkbook

from exports import BUILDERS, UnknownReport, build
from exports.cells import safe_value
from exports.layout import Col, date_line, header_grid
from tests.unit.test_exports_support import VISIBLE_TEXT, make_meta

RISKY = ['=HYPERLINK("http://x","y")', "=1+1", "+84912345678", "-1", "@SUM(A1)", "#N/A", "\tx"]


def write_row(values: list) -> BytesIO:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    ws.append([safe_value(ws, v) for v in values])
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_risky_text_reads_back_as_the_same_text():
    cells = load_workbook(write_row(RISKY))["S"][1]
    assert [(c.value, c.data_type) for c in cells] == [(v, "s") for v in RISKY]


def test_plain_values_pass_through_untouched():
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    assert safe_value(ws, "Nguyễn Văn An") == "Nguyễn Văn An"
    assert safe_value(ws, 12) == 12
    assert isinstance(safe_value(ws, "=1"), Cell)


def test_control_characters_are_dropped_so_the_file_still_saves():
    assert load_workbook(write_row(["a\x01b\x0bc"]))["S"]["A1"].value == "abc"


@settings(max_examples=60, deadline=None)
@given(st.lists(VISIBLE_TEXT, min_size=1, max_size=5))
def test_any_text_reaches_the_import_reader_unchanged(texts):
    # calamine is what the import pipeline reads with; it decodes Excel's _xHHHH_ escapes.
    got = CalamineWorkbook.from_filelike(write_row(texts)).get_sheet_by_name("S").to_python()
    assert got[0] == texts


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 1, 5), "Lào Cai, ngày 05 tháng 01 năm 2026"),
        (date(2025, 2, 28), "Lào Cai, ngày 28 tháng 02 năm 2025"),
        (date(2025, 3, 15), "Lào Cai, ngày 15 tháng 3 năm 2025"),
        (date(2025, 12, 9), "Lào Cai, ngày 09 tháng 12 năm 2025"),
    ],
)
def test_date_line_follows_decree_30(day, text):
    assert date_line("Lào Cai", day) == text


def test_nested_headers_span_their_children_and_leaves_span_down():
    cols = [Col("A"), Col("B", children=(Col("B1"), Col("B2", children=(Col("x"), Col("y")))))]
    grid, merges = header_grid(cols)
    assert grid == [["A", "B", None, None], [None, "B1", "B2", None], [None, None, "x", "y"]]
    assert sorted(merges) == [(0, 0, 2, 0), (0, 1, 0, 3), (1, 1, 2, 1), (1, 2, 1, 3)]


def test_builders_are_looked_up_by_name():
    assert set(BUILDERS) == {
        "students",
        "workers",
        "ct33",
        "summary",
        "candidates",
        "breakdown",
        "register",
        "round",
    }
    with pytest.raises(UnknownReport, match="nope"):
        build("nope", None)
    with pytest.raises(TypeError):
        build("summary", make_meta())


def test_meta_is_checked_and_frozen():
    meta = make_meta()
    assert meta.issuing_body == ("UBND TỈNH LÀO CAI", "SỞ NỘI VỤ")
    with pytest.raises(ValueError, match="style"):
        make_meta(style="company")
    with pytest.raises(ValueError, match="period"):
        make_meta(period_from=date(2026, 1, 1))

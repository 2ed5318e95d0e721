"""The JSON figures are the workbook's table, cell for cell, and are computed without
building a workbook; a period may be a preset of the reports page."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from exports.breakdown import BREAKDOWN_COLUMNS
from exports.ct33 import CT33_COLUMNS
from exports.layout import leaves
from exports.progress import STUDENT_COLUMNS, WORKER_COLUMNS
from exports.summary import SUMMARY_COLUMNS
from registry.extensions import db
from registry.models import AuditLog
from tests.integration.api.conftest import Api, error_of
from tests.integration.reports_world import build_world

YEAR = "from=2025-01-01&to=2025-12-31"
COLUMNS = {
    "students": STUDENT_COLUMNS,
    "workers": WORKER_COLUMNS,
    "ct33": CT33_COLUMNS,
    "summary": SUMMARY_COLUMNS,
    "breakdown": BREAKDOWN_COLUMNS,
}


@pytest.fixture
def place(ctx):
    return build_world()


@pytest.fixture
def province(place, client, token_for):
    return Api(client, token_for(place["users"]["province"]))


def _table(workbook: bytes, count: int) -> list[list]:
    """The first `count` lines under the frozen header of the workbook's first sheet."""
    sheet = load_workbook(BytesIO(workbook)).worksheets[0]
    first = int(re.sub(r"\D", "", sheet.freeze_panes))
    rows = sheet.iter_rows(min_row=first, max_row=first + count - 1, values_only=True)
    return [list(row) for row in rows]


def _cell(value):
    """A percentage to 12 significant digits (the xlsx may keep one digit less)."""
    return float(f"{value:.12g}") if isinstance(value, float) else value


def _grouped_lines(body: dict) -> list[tuple[str, dict]]:
    """(label, figures) of each line the JSON describes, in the workbook's order."""
    lines = [(row["unit"] or row["area"], row["values"]) for row in body["rows"]]
    return [*lines, ("TỔNG CỘNG", body["total"])]


def _breakdown_lines(body: dict, table: list[list]) -> list[tuple[str, dict]]:
    """(label, figures) of each line of the workbook's table, the figures taken from the
    JSON: a block's own (STT empty for the report's area, Roman for the others), a
    section's (STT a number) or a criterion's key `<section> / <label> / …`."""
    blocks = iter([body["total"], *(row["values"] for row in body["rows"])])
    lines: list[tuple[str, dict]] = []
    values: dict = {}
    totals: dict = {}
    section = ""
    for i, (stt, label, *_) in enumerate(table):
        if i == 0 or isinstance(stt, str):
            values = next(blocks)
            totals = {"admitted_total": values["admitted"], "followed_total": values["followed"]}
            lines.append((label, {**values, **totals}))
        elif isinstance(stt, int):
            section = label
            lines.append((label, {"admitted": None, "followed": None, **totals}))
        else:
            key = f"{section} / {label} / "
            figures = {m: values[key + m] for m in ("admitted", "followed")}
            lines.append((label, {**figures, **totals}))
    assert next(blocks, None) is None
    return lines


def _breakdown_count(body: dict) -> int:
    count = 0
    for values in (body["total"], *(row["values"] for row in body["rows"])):
        criteria = [k.split(" / ") for k in values if k.endswith(" / admitted")]
        count += 1 + len(criteria) + len({c[0] for c in criteria})
    return count


@pytest.mark.parametrize("report", list(COLUMNS))
def test_the_json_figures_are_the_workbooks_cells_read_back(place, province, report):
    body = province.get(f"/reports/figures?report={report}&{YEAR}").get_json()
    download = province.get(f"/reports/workbook?report={report}&{YEAR}")
    assert download.status_code == 200
    if report == "breakdown":
        table = _table(download.data, _breakdown_count(body))
        lines = _breakdown_lines(body, table)
    else:
        lines = _grouped_lines(body)
        table = _table(download.data, len(lines))
    figure_cols = leaves(COLUMNS[report])[2:]
    for (label, figures), cells in zip(lines, table, strict=True):
        assert cells[1] == label
        expected = [col.value(figures) if col.value else None for col in figure_cols]
        assert [_cell(v) for v in cells[2 : 2 + len(figure_cols)]] == [
            _cell(v) for v in expected
        ], label
    assert any(isinstance(v, int) and v > 0 for _, f in lines for v in f.values())


def test_figures_are_computed_without_building_a_workbook(place, province, monkeypatch):
    def no_workbook(*_args, **_kwargs):
        raise AssertionError("the figures built a workbook")

    monkeypatch.setattr("registry.services.reports.workbooks.build", no_workbook)
    response = province.get(f"/reports/figures?report=students&{YEAR}")
    assert response.status_code == 200, response.get_json()
    logged = db.session.scalar(select(AuditLog).where(AuditLog.action == "export"))
    assert logged.after["format"] == "json"


def test_a_preset_period_is_the_reports_pages_period(place, province):
    quarter = province.get("/reports/figures?report=students&preset=quarter&year=2025&quarter=2")
    assert quarter.get_json()["period"] == {"from": "2025-04-01", "to": "2025-06-30"}
    dates = province.get("/reports/figures?report=students&from=2025-04-01&to=2025-06-30")
    assert quarter.get_json() == dates.get_json()
    nd09 = province.get("/reports/figures?report=summary&preset=nd09_year&year=2025").get_json()
    assert nd09["period"] == {"from": "2024-12-15", "to": "2025-12-14"}


def test_a_workbook_of_a_preset_carries_the_presets_label(place, province):
    for query in ("preset=year&year=2025", YEAR):
        download = province.get(f"/reports/workbook?report=students&{query}")
        sheet = load_workbook(BytesIO(download.data)).worksheets[0]
        texts = [c for row in sheet.iter_rows(max_row=12, values_only=True) for c in row if c]
        assert any("Năm 2025" in str(text) for text in texts), query


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("preset=quarter&year=2025", "invalid_period", None),
        ("preset=year", "invalid_period", None),
        ("preset=year&year=1800", "invalid_period", None),
        ("preset=thang&year=2025", "invalid_period", None),
        ("from=2025-01-01", "validation", "to"),
        ("", "validation", "from"),
    ],
)
def test_a_period_that_cannot_be_made_answers_422_with_its_code(
    place, province, query, code, field
):
    response = province.get(f"/reports/figures?report=students&{query}")
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == code, error
    if field:
        assert [f["field"] for f in error["fields"]] == [field]
    else:
        assert error["message"]  # the web's own message

"""Report figures as JSON, the same as the workbook's lines; the workbook download."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditLog
from tests.integration.api.conftest import Api, error_of
from tests.integration.reports_world import build_world, workbook_of
from tests.unit.test_exports_support import line

YEAR = "from=2025-01-01&to=2025-12-31"


@pytest.fixture
def place(ctx):
    return build_world()


@pytest.fixture
def province(place, client, token_for):
    return Api(client, token_for(place["users"]["province"]))


def test_students_figures_match_the_workbook_line_by_line(place, province):
    area = place["areas"]["province"]
    body = province.get(f"/reports/figures?report=students&{YEAR}&area={area.id}").get_json()
    assert body["report"] == "students"
    assert body["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    school = next(r for r in body["rows"] if r["unit"] == "Trường THPT Bắc")
    assert school["values"]["source_at_end"] == 7 and school["values"]["trained"] == 2
    book, _ = workbook_of(place["users"]["province"], "students", area)
    sheet_line = line(book.active, "Trường THPT Bắc")
    assert sheet_line[3:5] == [7, 2]
    total = line(book.active, "TỔNG CỘNG")
    assert [body["total"]["source_at_end"], body["total"]["admitted"]] == [total[3], total[8]]
    subtotals = [r for r in body["rows"] if r["unit"] is None]
    assert subtotals and all(r["area"] for r in subtotals)


@pytest.mark.parametrize("report", ["workers", "ct33", "summary", "breakdown"])
def test_every_report_with_figures_answers_in_the_same_shape(place, province, report):
    response = province.get(f"/reports/figures?report={report}&{YEAR}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"report", "period", "rows", "total"}
    assert body["rows"] and all(set(r) == {"area", "unit", "values"} for r in body["rows"])
    assert all(isinstance(v, int | float) or v is None for v in body["total"].values())


def test_figures_are_logged_like_a_download(place, province):
    province.get(f"/reports/figures?report=summary&{YEAR}")
    logged = db.session.scalar(select(AuditLog).where(AuditLog.action == "export"))
    assert logged.after["report"] == "summary" and logged.after["period_to"] == "2025-12-31"


def test_an_area_officer_gets_their_area_and_404_for_another(place, client, token_for):
    north = Api(client, token_for(place["users"]["north"]))
    own = north.get(f"/reports/figures?report=students&{YEAR}").get_json()
    assert {r["area"] for r in own["rows"]} <= {place["areas"]["north"].name} | {
        a.name for a in place["areas"].values() if a.parent_id == place["areas"]["north"].id
    }
    south = place["areas"]["south"]
    response = north.get(f"/reports/figures?report=students&{YEAR}&area={south.id}")
    assert response.status_code == 404


def test_the_workbook_downloads_as_on_the_reports_page(place, province):
    response = province.get(f"/reports/workbook?report=students&{YEAR}")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert line(book.active, "Trường THPT Bắc")[3] == 7
    detail = province.get(f"/reports/workbook?report=candidates&{YEAR}")
    assert detail.status_code == 200 and detail.data[:2] == b"PK"


def test_bad_report_requests_answer_422_with_codes(place, province):
    cases = {
        f"/reports/figures?report=khong-co&{YEAR}": "invalid_report",
        "/reports/figures?report=students&from=2025-13-01&to=2025-12-31": "invalid_date",
        "/reports/figures?report=students&from=2025-12-31&to=2025-01-01": "invalid_period",
        f"/reports/figures?report=candidates&{YEAR}": "invalid_report",
        "/reports/figures?report=students": "validation",
    }
    for path, code in cases.items():
        response = province.get(path)
        assert response.status_code == 422, path
        assert error_of(response)["code"] == code, (path, response.get_json())


def test_a_cell_secretary_may_not_read_reports(place, client, token_for, world=None):
    from tests.factories import UserFactory

    cell = place["units"]["school"].cell
    secretary = UserFactory(role="cell", cell=cell)
    db.session.commit()
    response = Api(client, token_for(secretary)).get(f"/reports/figures?report=students&{YEAR}")
    assert response.status_code == 403

"""Enterprise surveys: the latest on or before a date, the entry form, the sheet import."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import AuditLog, EnterpriseSurvey, ImportBatch
from registry.services.org.surveys import latest_surveys, latest_surveys_select
from tests.factories import login
from tests.integration.units_world import build_world


@pytest.fixture
def world(ctx):
    w = build_world()
    firm_a = w["units"]["firm_a"]
    for day, workers, org in (
        (date(2024, 6, 30), 50, "none"),
        (date(2024, 12, 31), 60, "chi_bo_co_so"),
        (date(2025, 12, 31), 70, "chi_bo_co_so"),
    ):
        db.session.add(
            EnterpriseSurvey(unit=firm_a, survey_date=day, workers=workers, party_org=org)
        )
    db.session.commit()
    return w


@pytest.mark.parametrize(
    ("on", "firm_a_workers", "with_b"),
    [
        (date(2024, 1, 1), None, False),  # before any survey of either
        (date(2024, 6, 30), 50, False),  # on the survey date itself
        (date(2024, 12, 30), 50, False),
        (date(2025, 6, 30), 60, True),
        (date(2026, 3, 1), 70, True),
    ],
)
def test_latest_survey_on_or_before_the_date(world, on, firm_a_workers, with_b):
    admin = world["users"]["admin"]
    found = {s.unit_id: s for s in latest_surveys(db.session, admin, on)}
    firm_a, firm_b = world["units"]["firm_a"], world["units"]["firm_b"]
    assert (found[firm_a.id].workers if firm_a.id in found else None) == firm_a_workers
    assert (firm_b.id in found) == with_b
    assert len(found) == len({s.unit_id for s in found.values()})


def test_latest_surveys_follow_scope_and_aggregate_in_one_query(world):
    district = world["users"]["district"]
    picked = latest_surveys(db.session, district, date(2026, 1, 1))
    assert {s.unit_id for s in picked} == {world["units"]["firm_a"].id}
    latest = latest_surveys_select(district, date(2026, 1, 1)).subquery()
    assert db.session.scalar(select(func.sum(latest.c.workers))) == 70


def test_officer_enters_a_survey_and_sees_it_in_the_history(world, client):
    login(client, world["users"]["district"])
    firm_a = world["units"]["firm_a"]
    response = client.post(
        f"/units/{firm_a.id}/surveys/new",
        data={
            "survey_date": "2026-01-15",
            "operating": "y",
            "workers": "120",
            "party_org": "dang_bo_co_so",
            "party_members": "12",
            "party_members_held": "9",
            "has_trade_union": "y",
            "trade_union_members": "80",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Đã lưu phiếu khảo sát" in page and "15/01/2026" in page and "Đảng bộ cơ sở" in page
    saved = db.session.scalar(
        select(EnterpriseSurvey).where(EnterpriseSurvey.survey_date == date(2026, 1, 15))
    )
    assert (saved.workers, saved.party_members_held, saved.trade_union_members) == (120, 9, 80)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "survey"))
    assert entry.action == "create" and entry.after["workers"] == 120


def test_contradicting_figures_and_a_second_survey_on_the_same_day_are_refused(world, client):
    login(client, world["users"]["district"])
    firm_a = world["units"]["firm_a"]
    bad = client.post(
        f"/units/{firm_a.id}/surveys/new",
        data={
            "survey_date": "2026-01-15",
            "workers": "10",
            "party_members": "3",
            "party_members_held": "5",
            "party_org": "chi_bo_co_so",
        },
    ).get_data(as_text=True)
    assert "không thể lớn hơn số đảng viên" in bad
    same_day = client.post(
        f"/units/{firm_a.id}/surveys/new",
        data={"survey_date": "2025-12-31", "workers": "10", "party_org": "none"},
    ).get_data(as_text=True)
    assert "đã có phiếu khảo sát ngày 31/12/2025" in same_day
    assert db.session.scalar(select(func.count()).select_from(EnterpriseSurvey)) == 4


def test_schools_have_no_survey_form(world, client):
    login(client, world["users"]["district"])
    school = world["units"]["school_a"]
    response = client.post(
        f"/units/{school.id}/surveys/new", data={"survey_date": "2026-01-15", "party_org": "none"}
    )
    assert "Chỉ doanh nghiệp" in response.get_data(as_text=True)


def _upload(client, text: str, name: str = "khaosat.csv"):
    return client.post(
        "/units/surveys/import",
        data={"file": (io.BytesIO(text.encode("utf-8")), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


SHEET = (
    "Mã đơn vị,Ngày khảo sát,Số lao động,Tổ chức đảng,Số đảng viên,"
    "Đảng viên sinh hoạt tại doanh nghiệp,Đoàn viên công đoàn\n"
)


def test_survey_sheet_adds_and_updates_by_unit_and_date(world, client):
    login(client, world["users"]["district"])
    response = _upload(
        client,
        SHEET + "DNA,31/12/2025,75,Chi bộ cơ sở,4,4,30\nDNA,30/06/2026,80,Chưa có,0,0,\n",
    )
    assert "Đã nhập 2 phiếu khảo sát: 1 mới, 1 cập nhật" in response.get_data(as_text=True)
    updated = db.session.scalar(
        select(EnterpriseSurvey).where(EnterpriseSurvey.survey_date == date(2025, 12, 31))
    )
    assert updated.workers == 75 and updated.has_trade_union and updated.trade_union_members == 30
    assert db.session.scalar(select(ImportBatch.kind)) == "surveys"


def test_survey_sheet_with_any_bad_row_writes_nothing(world, client):
    login(client, world["users"]["district"])
    response = _upload(
        client,
        SHEET + "DNA,15/01/2026,75,Chi bộ cơ sở,4,4,30\n"
        "DNB,15/01/2026,10,,,,\n"  # another district's enterprise
        "DNA,32/01/2026,abc,Không rõ,2,3,\n",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dòng 3, cột «Mã đơn vị»: không có đơn vị mã «DNB» trong phạm vi của bạn" in page
    assert "Dòng 4, cột «Ngày khảo sát»" in page and "Dòng 4, cột «Số lao động»" in page
    assert "Dòng 4, cột «Tổ chức đảng»" in page
    assert db.session.scalar(select(func.count()).select_from(EnterpriseSurvey)) == 4

"""Submitted reports: kept as sent, listed in scope, flagged when an event of their period
is recorded, corrected or undone afterwards."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditLog, SubmittedReport
from registry.services.candidates.stages import correct_event, record_stage, undo_last_event
from registry.services.reports.submitted import flag_submitted_reports
from tests.factories import UserFactory
from tests.integration.reports_world import build_world
from tests.integration.test_reports_http import form, login
from tests.unit.test_exports_support import all_texts


@pytest.fixture
def world(ctx):
    return build_world()


def submit(client, area, report="students", **changes):
    data = form(area, report, **changes)
    data.pop("download")
    data["send"] = "Nộp báo cáo kỳ này"
    return client.post("/reports/", data=data)


def kept() -> list[SubmittedReport]:
    db.session.expire_all()
    return list(db.session.scalars(select(SubmittedReport).order_by(SubmittedReport.id)))


def test_a_submitted_report_is_kept_as_sent_and_listed(client, world):
    officer, north = world["users"]["north"], world["areas"]["north"]
    login(client, officer)
    response = submit(client, north)
    assert response.status_code == 302
    (report,) = kept()
    assert (report.report, report.area_id, report.period_from) == (
        "students",
        north.id,
        date(2025, 1, 1),
    )
    rows = report.figures["groups"][0]["rows"]
    assert {row["name"]: row["admitted"] for row in rows}["Trường THPT Bắc"] == 1
    assert report.figures["request"]["period_to"] == "2025-12-31" and not report.flagged
    page = client.get("/reports/")
    assert "Báo cáo đã nộp" in page.text and "Không thay đổi" in page.text
    download = client.get(f"/reports/submitted/{report.id}")
    assert download.status_code == 200 and download.data == report.workbook
    assert "da-nop" in download.headers["Content-Disposition"]
    texts = all_texts(load_workbook(BytesIO(download.data)).active)
    assert "UBND PHƯỜNG BẮC" in texts
    actions = set(db.session.scalars(select(AuditLog.action)))
    assert {"submit", "export"} <= actions


def test_submitted_reports_stay_in_their_scope(client, world):
    login(client, world["users"]["north"])
    submit(client, world["areas"]["north"])
    (report,) = kept()
    client.post("/logout")
    login(client, world["users"]["south"])
    assert "Trường THPT Bắc" not in client.get("/reports/").text
    assert client.get(f"/reports/submitted/{report.id}").status_code == 404
    client.post("/logout")
    login(client, world["users"]["province"])
    assert client.get(f"/reports/submitted/{report.id}").status_code == 200


def test_the_detail_list_is_not_submitted(client, world):
    login(client, world["users"]["province"])
    response = submit(client, world["areas"]["province"], "candidates")
    assert response.status_code == 422 and "không nộp" in response.text
    assert kept() == []


def test_an_event_recorded_inside_the_period_flags_the_report(client, world):
    login(client, world["users"]["north"])
    submit(client, world["areas"]["north"])
    client.post("/logout")
    login(client, world["users"]["province"])
    submit(client, world["areas"]["province"], "workers")
    admin, people = world["users"]["admin"], world["people"]
    # A change in Xã Nam flags the province's report, not Phường Bắc's.
    record_stage(db.session, admin, people["quang"], "trained", date(2025, 11, 11))
    db.session.commit()
    north_report, province_report = kept()
    assert province_report.flagged and not north_report.flagged
    # Outside the period: nothing.
    record_stage(db.session, admin, people["ha"], "trained", date(2026, 1, 1))
    db.session.commit()
    assert not kept()[0].flagged
    # Inside it, for Phường Bắc.
    record_stage(db.session, admin, people["binh"], "trained", date(2025, 5, 5))
    db.session.commit()
    assert kept()[0].flagged
    assert "Có thay đổi sau khi nộp" in client.get("/reports/").text


def test_corrections_and_undos_flag_the_periods_they_touch(client, world):
    login(client, world["users"]["north"])
    submit(client, world["areas"]["north"], preset="quarter", year="2026", quarter="1")
    admin, giang = world["users"]["admin"], world["people"]["giang"]
    event = next(e for e in giang.events if e.stage == "exited")
    # Moving an event from 2/1/2026 (inside Q1 2026) to 2/5/2026 flags Q1.
    correct_event(db.session, admin, event, date(2026, 5, 2), None)
    db.session.commit()
    assert kept()[0].flagged
    report = kept()[0]
    report.flagged = False
    db.session.commit()
    undo_last_event(db.session, admin, giang)  # the exit, now dated 2/5/2026: outside Q1
    db.session.commit()
    assert not kept()[0].flagged


def test_old_districts_are_covered_by_the_communes_that_replaced_them(world):
    areas = world["areas"]
    db.session.add(
        SubmittedReport(
            report="summary", period_from=date(2024, 1, 1), period_to=date(2024, 12, 31),
            area_id=areas["db"].id, workbook=b"x", figures={},
        )
    )  # fmt: skip
    db.session.commit()
    assert flag_submitted_reports(db.session, date(2024, 6, 1), [areas["north"].id]) == 1
    assert flag_submitted_reports(db.session, date(2024, 6, 1), [areas["north"].id]) == 0


def submitted_links(client) -> set[str]:
    return set(re.findall(r'href="(/reports/submitted/\d+)"', client.get("/reports/").text))


def test_a_group_restricted_province_user_sees_only_its_groups_submitted_reports(client, world):
    province = world["areas"]["province"]
    login(client, world["users"]["province"])
    asked = (
        ("workers", ""), ("ct33", ""), ("students", ""), ("students", "thpt"),
        ("students", "gdnn_gdtx"), ("students", "sinh_vien"),
    )  # fmt: skip
    for report, group in asked:
        assert submit(client, province, report, group=group).status_code == 302
    workers, ct33, students, thpt_only, centres_only, college_only = kept()
    client.post("/logout")
    # Sở GD&ĐT: THPT and GDNN-GDTX, the same set in another order for the colleague.
    gddt = UserFactory(username="so_gddt", role="province", subgroups="thpt,gdnn_gdtx")
    colleague = UserFactory(username="so_gddt_2", role="province", subgroups="thpt,gdnn_gdtx")
    thpt_desk = UserFactory(username="so_gddt_thpt", role="province", subgroups="thpt")
    db.session.commit()
    login(client, gddt)
    assert submitted_links(client) == {
        f"/reports/submitted/{thpt_only.id}", f"/reports/submitted/{centres_only.id}",
    }  # fmt: skip
    for hidden in (workers, ct33, students, college_only):
        assert client.get(f"/reports/submitted/{hidden.id}").status_code == 404
    assert client.get(f"/reports/submitted/{thpt_only.id}").status_code == 200
    # A report sent by a user of the same restriction counts only those subgroups.
    assert submit(client, province, "summary").status_code == 302
    own = kept()[-1]
    client.post("/logout")
    login(client, colleague)
    assert f"/reports/submitted/{own.id}" in submitted_links(client)
    client.post("/logout")
    # A narrower restriction does not see what the wider one counted.
    login(client, thpt_desk)
    assert submitted_links(client) == {f"/reports/submitted/{thpt_only.id}"}
    assert client.get(f"/reports/submitted/{own.id}").status_code == 404
    client.post("/logout")
    login(client, world["users"]["province"])
    assert len(submitted_links(client)) == 7

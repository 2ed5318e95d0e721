"""Deadline alerts from the database: the SQL windows agree with alerts_for
(registry.domain.alerts.candidate) on the same rows, with the holidays of the Holiday
table (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select

from registry.domain.alerts.candidate import alerts_for
from registry.domain.alerts.kinds import ALERT_KINDS
from registry.domain.workdays import add_working_days, fmt_date
from registry.extensions import db
from registry.models import Candidate, Holiday
from registry.services.calendar.holidays import holiday_set, seed_holidays
from registry.services.candidates.alert_lists import (
    alert_counts,
    alert_facts,
    alert_page,
    alert_query,
)
from tests.factories import CandidateFactory, UnitFactory, UserFactory
from tests.integration.test_candidate_list import login

TODAY = date(2026, 4, 6)
DAY = timedelta(days=1)


def days(start: date, end: date, step: int = 1):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=step)


def make(unit, name: str, **dates) -> Candidate:
    """A candidate whose stored stage columns are `dates` (source on the earliest)."""
    last = dates.pop("last_event_date", None)
    stage_dates = {k: v for k, v in dates.items() if k.removesuffix("_date") in ALERT_STAGES}
    stage_dates.setdefault("source_date", min(stage_dates.values(), default=date(2020, 1, 1)))
    stage = max((k.removesuffix("_date") for k in stage_dates), key=ALERT_STAGES.index)
    last = last or max(stage_dates.values())
    return CandidateFactory(
        full_name=name,
        unit=unit,
        stage=stage,
        last_event_date=last,
        **{**dates, **stage_dates},
    )


ALERT_STAGES = (
    "source", "trained", "dossier", "cell_resolution", "committee_resolution",
    "decision", "admitted", "full_member", "exited",
)  # fmt: skip


@pytest.fixture
def spread(ctx):
    """Candidates whose dates fall on both sides of every threshold around TODAY."""
    seed_holidays(db.session)
    school = UnitFactory()
    firm = UnitFactory(kind="cong_ty_tnhh")
    n = iter(range(10_000))
    for d in days(date(2025, 12, 20), date(2026, 1, 20)):
        make(
            school, f"Chưa quyết định {next(n)}", trained_date=d - 300 * DAY, cell_resolution_date=d
        )
    make(school, "Đã có quyết định", cell_resolution_date=date(2026, 1, 1),
         decision_date=date(2026, 1, 20))  # fmt: skip
    for d in days(date(2026, 1, 25), date(2026, 3, 5)):
        make(school, f"Chưa lễ {next(n)}", cell_resolution_date=d - 20 * DAY, decision_date=d)
    for d in days(date(2025, 1, 20), date(2025, 6, 1), 2):
        make(firm, f"Dự bị {next(n)}", decision_date=d - 30 * DAY, admitted_date=d,
             group_code="worker", subgroup="cong_nhan")  # fmt: skip
    make(firm, "Đã chính thức", admitted_date=date(2025, 3, 1), full_member_date=date(2026, 3, 2),
         group_code="worker", subgroup="cong_nhan")  # fmt: skip
    # The chi bộ proposed recognition: the committee's 30 working days run from it.
    for d in days(date(2025, 12, 15), date(2026, 3, 10), 2):
        make(firm, f"Chờ công nhận {next(n)}", admitted_date=d - 400 * DAY,
             recognition_resolution_date=d, group_code="worker",
             subgroup="cong_nhan")  # fmt: skip
    for d in days(date(2021, 5, 1), date(2021, 8, 1), 2):
        make(school, f"Giấy chứng nhận {next(n)}", trained_date=d, last_event_date=TODAY - 9 * DAY)
    for d in days(date(2008, 3, 20), date(2008, 7, 20), 3):
        make(school, f"Học sinh {next(n)}", birth_date=d, source_date=date(2025, 9, 5))
        make(firm, f"Công nhân {next(n)}", birth_date=d, source_date=date(2025, 9, 5),
             group_code="worker", subgroup="cong_nhan")  # fmt: skip
    for d in days(date(2025, 3, 25), date(2025, 4, 15)):
        make(school, f"Đứng yên {next(n)}", source_date=d)
    make(school, "Đã ra khỏi", source_date=date(2024, 1, 1), exited_date=date(2024, 6, 1),
         exit_reason="moved")  # fmt: skip
    db.session.flush()
    return school, firm


@pytest.mark.parametrize(
    "today",
    [TODAY, date(2026, 4, 3), date(2026, 3, 30), date(2026, 4, 20), date(2026, 2, 18)],
)
def test_sql_windows_list_exactly_what_alerts_for_finds(spread, today):
    admin = UserFactory(role="admin")
    holidays = holiday_set(db.session)
    everyone = db.session.scalars(select(Candidate)).all()
    expected = {code: set() for code in ALERT_KINDS}
    for c in everyone:
        for alert in alerts_for(alert_facts(c), today, holidays):
            expected[alert.code].add(c.id)
    counts = alert_counts(db.session, admin, today)
    for code in ALERT_KINDS:
        found = set(db.session.scalars(alert_query(admin, code, today, holidays)).unique())
        assert {c.id for c in found} == expected[code], code
        assert counts[code] == len(expected[code]), code
    assert sum(counts.values()) > 0


def test_working_days_skip_tet_from_the_holiday_table(ctx):
    """Cell resolution on 05/01/2026: 60 working days end on 06/04/2026 because the Tết
    break (16–20/02/2026) is in the Holiday table, and the alert starts the next day;
    without it they end on 30/03/2026."""
    admin = UserFactory(role="admin")
    make(UnitFactory(), "Nguyễn Văn Tết", trained_date=date(2025, 6, 1),
         cell_resolution_date=date(2026, 1, 5))  # fmt: skip
    seed_holidays(db.session)
    db.session.flush()
    assert date(2026, 2, 17) in holiday_set(db.session)
    assert alert_counts(db.session, admin, date(2026, 4, 6))["no_decision"] == 0
    assert alert_counts(db.session, admin, date(2026, 4, 7))["no_decision"] == 1
    db.session.execute(delete(Holiday))
    assert alert_counts(db.session, admin, date(2026, 3, 30))["no_decision"] == 0
    assert alert_counts(db.session, admin, date(2026, 3, 31))["no_decision"] == 1
    # An extra day off (an admin adds a swapped day off) moves the deadline by one day.
    db.session.add(Holiday(day=date(2026, 3, 2), name="Nghỉ hoán đổi", kind="swap_off"))
    db.session.flush()
    assert alert_counts(db.session, admin, date(2026, 3, 31))["no_decision"] == 0
    assert alert_counts(db.session, admin, date(2026, 4, 1))["no_decision"] == 1
    # A Saturday worked in exchange moves it back.
    db.session.add(Holiday(day=date(2026, 3, 7), name="Làm bù", kind="worked"))
    db.session.flush()
    assert alert_counts(db.session, admin, date(2026, 3, 31))["no_decision"] == 1


def test_counts_and_lists_stay_within_the_scope(spread):
    _school, firm = spread
    mine = UserFactory(role="cell", cell=firm.cell)
    holidays = holiday_set(db.session)
    counts = alert_counts(db.session, mine, TODAY)
    assert counts["no_decision"] == 0 and counts["turning_18"] == 0
    assert counts["recognition_overdue"] + counts["probation_ending"] > 0
    listed = db.session.scalars(alert_query(mine, "recognition_overdue", TODAY, holidays)).all()
    assert listed and all(c.unit_id == firm.id for c in listed)


def test_pages_of_one_kind_continue_without_repeats(spread):
    admin = UserFactory(role="admin")
    holidays = holiday_set(db.session)
    total = db.session.scalar(
        select(func.count()).select_from(
            alert_query(admin, "no_decision", TODAY, holidays).subquery()
        )
    )
    seen, cursor = [], None
    while True:
        page = alert_page(db.session, admin, "no_decision", TODAY, holidays, cursor=cursor, limit=7)
        seen += [row.candidate.id for row in page.rows]
        assert all(row.alert is not None and row.alert.code == "no_decision" for row in page.rows)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == total > 7
    dates = [db.session.get(Candidate, i).cell_resolution_date for i in seen]
    assert dates == sorted(dates)  # the longest waiting first


@pytest.fixture
def fixed_today(monkeypatch):
    import registry.candidates.views_list as views_list
    import registry.main.views as main_views

    monkeypatch.setattr(views_list, "today_vn", lambda: TODAY)
    monkeypatch.setattr(main_views, "today_vn", lambda: TODAY)


def test_alerts_page_shows_counts_candidates_and_due_dates(spread, client, fixed_today):
    admin = UserFactory(role="admin")
    make(spread[0], "Nguyễn Văn Tết", trained_date=date(2025, 6, 1),
         cell_resolution_date=date(2026, 1, 2))  # fmt: skip
    db.session.commit()
    login(client, admin)
    html = client.get("/candidates/alerts?kind=no_decision").get_data(as_text=True)
    assert ALERT_KINDS["no_decision"] in html
    assert "Căn cứ: QĐ 232 mục 4.3.1" in html
    last_day = add_working_days(date(2026, 1, 2), 60, holiday_set(db.session))
    assert last_day < TODAY
    row = html.split("Nguyễn Văn Tết")[1].split("</tr>")[0]
    assert fmt_date(last_day) in row and "02/01/2026" in row
    counts = dict(re.findall(r'data-kind="(\w+)".*?data-count>(\d+)<', html, re.S))
    assert int(counts["no_decision"]) == alert_counts(db.session, admin, TODAY)["no_decision"]
    assert client.get("/candidates/alerts?kind=nonsense").status_code == 200


def test_the_committees_recognition_deadline_is_its_own_alert_on_the_page(
    spread, client, fixed_today
):
    admin = UserFactory(role="admin")
    holidays = holiday_set(db.session)
    # The last resolution whose 30th working day is before TODAY, and the first after it.
    late = max(
        c.recognition_resolution_date
        for c in db.session.scalars(select(Candidate))
        if c.recognition_resolution_date
        and add_working_days(c.recognition_resolution_date, 30, holidays) < TODAY
    )
    db.session.commit()
    login(client, admin)
    html = client.get("/candidates/alerts?kind=recognition_decision_overdue").get_data(as_text=True)
    assert ALERT_KINDS["recognition_decision_overdue"] in html
    assert "Căn cứ: QĐ 29 mục 4.3.1: cấp ủy có thẩm quyền quyết định công nhận" in html
    assert fmt_date(late) in html
    counts = alert_counts(db.session, admin, TODAY)
    assert counts["recognition_decision_overdue"] > 0
    # Those the chi bộ has proposed are no longer "recognition_overdue".
    overdue = db.session.scalars(alert_query(admin, "recognition_overdue", TODAY, holidays))
    assert all(c.recognition_resolution_date is None for c in overdue)


def test_home_page_shows_the_alert_counts(spread, client, fixed_today):
    admin = UserFactory(role="admin")
    db.session.commit()
    login(client, admin)
    html = client.get("/").get_data(as_text=True)
    card = html.split('data-testid="alert-counts"')[1]
    expected = alert_counts(db.session, admin, TODAY)
    assert ALERT_KINDS["stalled"] in card
    assert 'href="/candidates/alerts?kind=stalled"' in card
    assert str(expected["stalled"]) in card.split("kind=stalled")[1].split("</li>")[0]

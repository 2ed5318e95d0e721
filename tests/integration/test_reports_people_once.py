"""Figures an official can sign: each person counted once, in the unit of their time; the
detail list of a period; the home page's headline; the Chỉ thị 33 units and workers.

Each test reads the workbook (or page) back and recomputes the figure from the stored
rows in the test itself.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from registry.domain.periods import whole_year
from registry.domain.vocabulary import ENTERPRISE_KINDS, group_for_unit_kind
from registry.extensions import db
from registry.models import Candidate, EnterpriseSurvey, StageEvent, Unit
from registry.services.candidates.stages import record_stage
from registry.services.org.units import transfer_candidate
from tests.factories import UnitFactory, login
from tests.integration.reports_world import build_world, person, workbook_of
from tests.integration.test_reports_figures import STUDENT_EXTRA, figures
from tests.unit.test_exports_support import all_texts, find_cell, line, merged

YEAR = whole_year(2025)


@pytest.fixture
def world(ctx):
    return build_world()


def _event(candidate, stage: str, day: date, unit) -> None:
    db.session.add(
        StageEvent(candidate=candidate, stage=stage, event_date=day, unit_id=unit.id, sequence=9)
    )


def _trained_in_2025(unit_ids: set[int]) -> set[int]:
    """Independently: the people with a certificate dated in 2025 at one of these units."""
    rows = db.session.execute(
        select(StageEvent.candidate_id, StageEvent.unit_id, StageEvent.event_date).where(
            StageEvent.stage == "trained"
        )
    )
    return {c for c, u, d in rows if u in unit_ids and YEAR.contains(d)}


def test_a_person_retrained_after_a_move_in_the_same_ward_counts_once(world):
    """The issue's case: moved between two schools of one ward with a second certificate,
    the person is trained once, at the school of the later certificate, and the ward's
    subtotal is the distinct count, the summary's figure."""
    units, north = world["units"], world["areas"]["north"]
    second = UnitFactory(code="THPT-B2", name="Trường THPT Bắc Hai", kind="thpt", area=north)
    mai = person("Đinh Thị Mai", units["school"], date(2024, 9, 5), ("trained", date(2025, 2, 1)))
    mai.unit, mai.cell = second, second.cell
    _event(mai, "trained", date(2025, 9, 1), second)
    db.session.flush()
    from registry.services.candidates.stages import sync_stage_columns

    sync_stage_columns(mai)
    db.session.commit()

    ws = workbook_of(world["users"]["province"], "students", world["areas"]["province"])[0].active
    school = figures(ws, "Trường THPT Bắc", STUDENT_EXTRA)
    moved_to = figures(ws, "Trường THPT Bắc Hai", STUDENT_EXTRA)
    ward = figures(ws, "Phường Bắc", STUDENT_EXTRA)
    total = figures(ws, "TỔNG CỘNG", STUDENT_EXTRA)
    assert moved_to["trained"] == 1  # Mai, by her latest certificate of the year
    assert school["trained"] == 2  # An and Em, as before; Mai is not counted twice
    north_schools = set(
        db.session.scalars(
            select(Unit.id).where(Unit.area_id == north.id, Unit.kind != "cong_ty_tnhh")
        )
    )
    assert ward["trained"] == len(_trained_in_2025(north_schools))
    everyone = set(
        db.session.scalars(
            select(Unit.id).where(Unit.kind.in_(("thpt", "gdnn_gdtx", "cao_dang_dai_hoc")))
        )
    )
    assert total["trained"] == len(_trained_in_2025(everyone))
    # Mai is on the list at the end once, at the school of her latest event.
    assert moved_to["source_at_end"] == 1 and school["source_at_end"] == 7

    summary = workbook_of(world["users"]["province"], "summary", world["areas"]["province"])[0]
    assert line(summary["Tổng hợp"], "Phường Bắc")[3] == ward["trained"]


def test_the_state_at_the_end_stays_where_the_person_was_after_a_later_transfer(world):
    """A transfer after the end, and events at the new unit, rewrite no 2025 figure; a
    transfer with no event since counts the person where their latest event was."""
    units, province = world["units"], world["areas"]["province"]
    user = world["users"]["admin"]
    nam = person(
        "Chu Văn Nam", units["school"], date(2024, 3, 1), ("trained", date(2025, 3, 1)),
        birth_date=date(2005, 1, 1),
    )  # fmt: skip
    db.session.commit()
    before = workbook_of(user, "students", province)[0].active
    figures_before = {
        name: figures(before, name, STUDENT_EXTRA)
        for name in ("Trường THPT Bắc", "Trung tâm GDNN - GDTX Bắc", "Phường Bắc", "TỔNG CỘNG")
    }
    assert not nam.moved
    transfer_candidate(db.session, user, nam, units["centre"])
    record_stage(db.session, user, nam, "cell_resolution", date(2026, 2, 1))
    db.session.commit()
    db.session.refresh(nam)
    assert nam.moved  # set by the database whatever the write path
    after = workbook_of(user, "students", province)[0].active
    for name, values in figures_before.items():
        assert figures(after, name, STUDENT_EXTRA) == values, name
    school = figures(after, "Trường THPT Bắc", STUDENT_EXTRA)
    # Independently: the people on the list at 31/12/2025 whose latest event by then was
    # at the school (Nam among them, though he is at the centre now).
    end = YEAR.end
    on_list = [
        c
        for c in db.session.scalars(select(Candidate))
        if c.source_date
        and c.source_date <= end
        and not (c.admitted_date and c.admitted_date <= end)
        and not (c.exited_date and c.exited_date <= end)
    ]
    latest_unit = {}
    for c in on_list:
        events = sorted(
            (e for e in c.events if e.event_date <= end),
            key=lambda e: (e.event_date, e.sequence, e.id),
        )
        latest_unit[c.id] = events[-1].unit_id
    assert nam.unit_id == units["centre"].id and latest_unit[nam.id] == units["school"].id
    assert school["source_at_end"] == sum(u == units["school"].id for u in latest_unit.values())


def _names(ws) -> set[str]:
    header = find_cell(ws, "STT").row
    return {row[1].value for row in ws.iter_rows(min_row=header + 1) if row[1].value}


def test_the_detail_list_of_a_period_holds_the_people_on_the_list_in_it(world):
    units = world["units"]
    person(
        "Tạ Văn Cũ", units["school"], date(2022, 1, 1),
        ("admitted", date(2023, 1, 1)), ("full_member", date(2024, 1, 2)),
    )  # fmt: skip
    person(
        "Tạ Văn Chính", units["school"], date(2022, 1, 1),
        ("admitted", date(2024, 2, 1)), ("full_member", date(2025, 2, 1)),
    )  # fmt: skip
    person("Tạ Văn Rời", units["school"], date(2022, 1, 1), ("exited", date(2024, 12, 31)))
    person("Tạ Văn Cuối", units["school"], date(2022, 1, 1), ("exited", date(2025, 1, 1)))
    # No source date: the earliest event says when the person entered.
    no_source = person("Tạ Thị Không", units["school"], None, ("trained", date(2025, 5, 5)))
    assert no_source.source_date is None
    db.session.commit()

    book, export = workbook_of(world["users"]["province"], "candidates", world["areas"]["province"])
    ws = book.active
    start, end = YEAR.start, YEAR.end

    def on_list(c: Candidate) -> bool:
        dates = [e.event_date for e in c.events]
        entered = c.source_date or (min(dates) if dates else c.created_at.date())
        return (
            entered <= end
            and not (c.exited_date and c.exited_date < start)
            and not (c.full_member_date and c.full_member_date < start)
        )

    expected = {c.full_name for c in db.session.scalars(select(Candidate)) if on_list(c)}
    assert _names(ws) == expected and export.rows == len(expected)
    assert {"Tạ Văn Chính", "Tạ Văn Cuối", "Tạ Thị Không"} <= expected
    assert not expected & {"Tạ Văn Cũ", "Tạ Văn Rời", "Lê Văn Minh"}
    texts = all_texts(ws)
    assert "DANH SÁCH QUẦN CHÚNG ƯU TÚ CÓ TÊN TRONG DANH SÁCH THEO DÕI TRONG KỲ" in texts
    assert any(t.startswith("Gồm những người có tên trong danh sách") for t in texts)

    reached = workbook_of(
        world["users"]["province"], "candidates", world["areas"]["province"], reached="admitted"
    )[0].active
    admitted = {
        c.full_name
        for c in db.session.scalars(select(Candidate))
        if any(e.stage == "admitted" and YEAR.contains(e.event_date) for e in c.events)
    }
    assert _names(reached) == admitted
    assert "DANH SÁCH QUẦN CHÚNG ƯU TÚ ĐÃ KẾT NẠP (DỰ BỊ) TRONG KỲ" in all_texts(reached)


def _card(page: str, testid: str) -> int:
    found = re.search(rf'data-testid="{testid}">([\d.]+)<', page)
    assert found, testid
    return int(found.group(1).replace(".", ""))


def test_the_home_page_counts_those_being_followed_by_the_definition(world, client):
    from registry.domain.workdays import today_vn

    today = today_vn()
    page = login(client, world["users"]["admin"]).get_data(as_text=True)
    people = list(db.session.scalars(select(Candidate)))

    def followed(c: Candidate) -> bool:
        return bool(
            c.source_date
            and c.source_date <= today
            and not (c.admitted_date and c.admitted_date <= today)
            and not (c.full_member_date and c.full_member_date <= today)
            and not (c.exited_date and c.exited_date <= today)
        )

    assert _card(page, "total") == sum(followed(c) for c in people) < len(people)
    assert _card(page, "on-record") == len(people)
    assert "Đã vào danh sách nguồn, chưa kết nạp, chưa ra khỏi danh sách" in page
    this_year = sum(
        bool(c.admitted_date and c.admitted_date.year == today.year and c.admitted_date <= today)
        for c in people
    )
    assert _card(page, "admitted-year") == this_year


def test_ct33_gives_each_column_group_its_unit_and_counts_the_workers(world):
    ws = workbook_of(world["users"]["province"], "ct33", world["areas"]["province"])[0].active
    header = find_cell(ws, "STT").row
    units_row = find_cell(ws, "Đơn vị tính").row  # under the labels, over the numbers
    assert units_row == find_cell(ws, "(1)").row - 1 > header
    assert f"A{units_row}:B{units_row}" in merged(ws)
    assert ws.cell(units_row, 3).value == "Doanh nghiệp"
    assert f"C{units_row}:G{units_row}" in merged(ws)
    assert ws.cell(units_row, 8).value == "%"
    assert ws.cell(units_row, 9).value == "Người"
    assert f"I{units_row}:M{units_row}" in merged(ws)
    assert [ws.cell(units_row, c).value for c in range(14, 19)] == [
        "Doanh nghiệp",
        "Người",
        "Doanh nghiệp",
        "Người",
        None,  # merged with the column before: both count people
    ]
    assert f"Q{units_row}:R{units_row}" in merged(ws)
    # No single unit over the whole table.
    assert not any(str(t).startswith("Đơn vị tính:") for t in all_texts(ws))
    assert ws.cell(header, 18).value == "Số lao động trong các doanh nghiệp đang hoạt động"

    # Independently: the workers of each enterprise's latest survey by the end, if operating.
    latest: dict[int, EnterpriseSurvey] = {}
    for survey in db.session.scalars(select(EnterpriseSurvey)):
        if survey.survey_date <= YEAR.end and (
            survey.unit_id not in latest or survey.survey_date > latest[survey.unit_id].survey_date
        ):
            latest[survey.unit_id] = survey
    kinds = dict(db.session.execute(select(Unit.id, Unit.kind)).all())
    by_kind: dict[str, int] = {}
    for unit_id, survey in latest.items():
        if survey.operating:
            by_kind[kinds[unit_id]] = by_kind.get(kinds[unit_id], 0) + survey.workers
    assert line(ws, "Công ty TNHH")[17] == by_kind["cong_ty_tnhh"] == 100
    assert line(ws, "Hợp tác xã")[17] == by_kind["hop_tac_xa"]
    assert line(ws, "Công ty cổ phần")[17] == 0  # stopped operating
    assert line(ws, "TỔNG CỘNG")[17] == sum(by_kind.values())


def _ct33_expected(area_ids: set[int]) -> dict[str, int]:
    """Independently: the Chỉ thị 33 totals of the enterprises in these areas, from every
    stored admission event and survey."""
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    counted = {i for i, u in units.items() if u.kind in ENTERPRISE_KINDS and u.area_id in area_ids}
    admitted = sum(
        1
        for e in db.session.scalars(select(StageEvent).where(StageEvent.stage == "admitted"))
        if e.unit_id in counted and YEAR.contains(e.event_date)
    )
    latest: dict[int, EnterpriseSurvey] = {}
    for survey in db.session.scalars(select(EnterpriseSurvey)):
        earlier = latest.get(survey.unit_id)
        if survey.survey_date <= YEAR.end and (
            earlier is None or survey.survey_date > earlier.survey_date
        ):
            latest[survey.unit_id] = survey
    operating = [s for i, s in latest.items() if i in counted and s.operating]
    return {
        "operating": len(operating),
        "members": sum(s.party_members for s in operating),
        "admitted": admitted,
        "members_without_org": sum(s.party_members for s in operating if s.party_org == "none"),
        "workers": sum(s.workers for s in operating),
    }


def _ct33_total(ws) -> dict[str, int]:
    total = line(ws, "TỔNG CỘNG")
    names = ("operating", "members", "admitted", "members_without_org", "workers")
    return dict(zip(names, (total[2], total[8], total[11], total[12], total[17]), strict=True))


def test_ct33_admissions_and_surveys_recomputed_in_each_scope(world):
    """Admissions where they happened (transfers both ways, both edges of the year, one
    either side), each enterprise by its latest survey by the end (two in the year, one
    after it); an officer's figures hold their own area's enterprises alone."""
    units, areas = world["units"], world["areas"]
    north_firm = UnitFactory(code="DN-B2", name="Công ty TNHH Bắc Hai", kind="cong_ty_tnhh")
    north_firm.area = areas["north"]
    for day, facts in (
        (date(2025, 2, 1), {"operating": False, "workers": 9, "party_members": 9}),
        (date(2025, 11, 30), {"operating": True, "workers": 40, "party_members": 2}),
        (date(2026, 1, 1), {"operating": False, "workers": 1}),
    ):
        db.session.add(EnterpriseSurvey(unit_id=north_firm.id, survey_date=day, **facts))
    to_school = person("Mai Văn Tới", units["firm_n"], date(2024, 1, 1), ("admitted", YEAR.start))
    to_firm = person("Mai Văn Đến", units["school"], date(2024, 1, 1), ("admitted", YEAR.end))
    for moved, unit in ((to_school, units["school"]), (to_firm, units["coop_s"])):
        moved.unit, moved.cell = unit, unit.cell
        moved.group_code, moved.subgroup = group_for_unit_kind(unit.kind)
    person("Mai Văn Sau", units["coop_s"], date(2024, 1, 1), ("admitted", date(2026, 1, 1)))
    person("Mai Văn Trước", north_firm, date(2024, 1, 1), ("admitted", date(2024, 12, 31)))
    person("Mai Thị Nam", units["firm_s"], date(2024, 1, 1), ("admitted", date(2025, 6, 6)))
    db.session.commit()
    assert db.session.get(Candidate, to_firm.id).moved

    north, south = areas["north"].id, areas["south"].id
    cases = (
        (world["users"]["province"], areas["province"], {north, south}),
        (world["users"]["north"], areas["north"], {north}),
        (world["users"]["south"], areas["south"], {south}),
    )
    for user, area, area_ids in cases:
        ws = workbook_of(user, "ct33", area)[0].active
        assert _ct33_total(ws) == _ct33_expected(area_ids), user.username
    # Phúc and Tới, admitted at Công ty TNHH Bắc; not Đến, admitted at the school.
    assert _ct33_expected({north})["admitted"] == 2
    assert _ct33_expected({north, south}) == {
        "operating": 3, "members": 9, "admitted": 3, "members_without_org": 4, "workers": 170,
    }  # fmt: skip

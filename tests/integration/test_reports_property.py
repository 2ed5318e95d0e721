"""Random histories against the students, workers and summary reports.

People move between units and areas, are trained again, leave the list, and have a date
corrected; each figure the workbooks show must equal a count of distinct people worked
out here from the histories alone, line by line, per area and in total. One small world
serves every example (a database per example would cost seconds each); each example
replaces the people and their events.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from io import BytesIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from sqlalchemy import delete

from registry.domain.periods import (
    Period,
    first_half,
    period_year_before,
    quarter,
    school_year,
    whole_year,
)
from registry.domain.rules.dates import certificate_expiry
from registry.domain.vocabulary import UNIT_KINDS, group_for_unit_kind
from registry.extensions import db
from registry.models import Candidate, StageEvent
from registry.services.candidates.stages import sync_stage_columns
from registry.services.reports.workbooks import ReportRequest, make_report
from tests.factories import AreaFactory, CandidateFactory, UnitFactory, UserFactory
from tests.integration.test_reports_figures import PROGRESS

START = date(2023, 1, 1)
# code, name, kind, area (0: Phường Một, 1: Xã Hai)
UNITS = (
    ("THPT-1", "Trường THPT Một", "thpt", 0),
    ("THPT-2", "Trường THPT Hai", "thpt", 0),
    ("DN-1", "Công ty Một", "cong_ty_tnhh", 0),
    ("DN-2", "Công ty Hai", "cong_ty_tnhh", 0),
    ("GDNN-3", "Trung tâm Ba", "gdnn_gdtx", 1),
    ("HTX-3", "Hợp tác xã Ba", "hop_tac_xa", 1),
)
AREAS = ("Phường Một", "Xã Hai")
PROGRESSION = ("cell_resolution", "decision", "admitted", "full_member")
PERIODS = (whole_year(2025), quarter(2025, 2), school_year(2024), first_half(2026))
COUNTED = ("trained", "proposed", "decided", "admitted")
STAGE_OF = {"trained": "trained", "proposed": "cell_resolution", "decided": "decision"}


@dataclass
class Event:
    stage: str
    day: date
    unit: int  # index into UNITS
    sequence: int


@dataclass
class History:
    gender: str
    events: list[Event] = field(default_factory=list)
    unit: int = 0  # the current unit, after any transfer without an event


@st.composite
def histories(draw) -> History:
    """One person: source, certificates, further stages or an exit, moves, a correction."""
    unit = draw(st.integers(0, len(UNITS) - 1))
    stages = ["source"] + ["trained"] * draw(st.integers(0, 2))
    stages += list(PROGRESSION[: draw(st.integers(0, len(PROGRESSION)))])
    if stages[-1] != "full_member" and draw(st.booleans()):
        stages.append("exited")
    day = START + timedelta(days=draw(st.integers(0, 900)))
    person = History(draw(st.sampled_from("MF")))
    for sequence, stage in enumerate(stages, 1):
        if sequence > 1:
            day += timedelta(days=draw(st.integers(0, 300)))
        moved = draw(st.one_of(st.none(), st.integers(0, len(UNITS) - 1)))
        unit = unit if moved is None else moved
        person.events.append(Event(stage, day, unit, sequence))
    final = draw(st.one_of(st.none(), st.integers(0, len(UNITS) - 1)))
    person.unit = unit if final is None else final
    if len(person.events) > 1 and draw(st.booleans()):
        # A corrected date: anywhere between the events before and after it.
        i = draw(st.integers(1, len(person.events) - 1))
        low = person.events[i - 1].day
        high = person.events[i + 1].day if i + 1 < len(person.events) else low + timedelta(300)
        person.events[i].day = low + timedelta(days=draw(st.integers(0, (high - low).days)))
    return person


# --- the figures, worked out from the histories alone -------------------------------------


def _latest(events: list[Event]) -> Event | None:
    return max(events, key=lambda e: (e.day, e.sequence), default=None)


def expected(people: list[History], period: Period) -> dict[str, dict[int, set[int]]]:
    """{field: {unit index: {person index}}}: where each person counts for each figure."""
    out: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    end = period.end
    for i, person in enumerate(people):
        for name in COUNTED:
            stage = STAGE_OF.get(name, name)
            event = _latest(
                [e for e in person.events if e.stage == stage and period.contains(e.day)]
            )
            if event is not None:
                out[name][event.unit].add(i)
                if name == "admitted" and person.gender == "F":
                    out["women"][event.unit].add(i)
        before = period_year_before(period)
        for e in person.events:
            if e.stage == "admitted" and before.contains(e.day):
                out["admitted_year_before"][e.unit].add(i)
        by_end = [e for e in person.events if e.day <= end]
        stages = {e.stage for e in by_end}
        if "source" in stages and not stages & {"admitted", "full_member", "exited"}:
            where = _latest(by_end).unit
            out["source_at_end"][where].add(i)
            if any(e.stage == "trained" and certificate_expiry(e.day) >= end for e in by_end):
                out["followed_at_end"][where].add(i)
    return out


def _people_under(found: dict[int, set[int]], units: list[int]) -> int:
    """The distinct people counted in any of these units."""
    return len(set().union(*(found.get(u, set()) for u in units)))


# --- the world and the examples -----------------------------------------------------------


@pytest.fixture
def small_world(ctx):
    province = AreaFactory(code="PT", name="Tỉnh Ngẫu Nhiên", level="province")
    areas = [AreaFactory(code=f"X{i}", name=name, parent=province) for i, name in enumerate(AREAS)]
    units = [
        UnitFactory(code=code, name=name, kind=kind, area=areas[a]) for code, name, kind, a in UNITS
    ]
    user = UserFactory(username="tinh_ngau_nhien", role="province")
    db.session.commit()
    return {"province": province, "units": units, "user": user}


def _store(people: list[History], units) -> None:
    db.session.rollback()  # after a failed example, while Hypothesis shrinks it
    db.session.execute(delete(StageEvent))
    db.session.execute(delete(Candidate))
    for i, person in enumerate(people):
        unit = units[person.unit]
        group, subgroup = group_for_unit_kind(unit.kind)
        candidate = CandidateFactory(
            full_name=f"Người Thứ {i}", unit=unit, source_date=None, gender=person.gender,
            group_code=group, subgroup=subgroup, stage="source", last_event_date=None,
        )  # fmt: skip
        events = [
            StageEvent(
                candidate_id=candidate.id, stage=e.stage, event_date=e.day, sequence=e.sequence,
                unit_id=units[e.unit].id, reason="other" if e.stage == "exited" else None,
            )
            for e in person.events
        ]  # fmt: skip
        db.session.add_all(events)
        db.session.flush()
        sync_stage_columns(candidate, events)
    db.session.commit()


def _sheet(user, report: str, area, period: Period, sheet: str | None = None) -> list[list]:
    """The rows of a report's sheet as python-calamine reads them (quicker than openpyxl)."""
    export = make_report(db.session, user, ReportRequest(report, period, area))
    book = CalamineWorkbook.from_filelike(BytesIO(export.data()))
    return book.get_sheet_by_name(sheet or book.sheet_names[0]).to_python()


def line(rows: list[list], label: str) -> list:
    """The values of the line whose label (second column) is `label`."""
    for row in rows:
        if len(row) > 1 and row[1] == label:
            return row
    raise AssertionError(f"no line {label!r}")


def _check_students(ws, found, units_of_area) -> None:
    fields = ("source_at_end", "trained", "followed_at_end", "proposed", "decided", "admitted")
    index = {name: 2 + PROGRESS.index(name) for name in fields}
    women = 2 + len(PROGRESS)
    schools = {
        a: [u for u in us if UNITS[u][2] in ("thpt", "gdnn_gdtx")]
        for a, us in units_of_area.items()
    }
    for label, units in [
        *((UNITS[u][1], [u]) for us in schools.values() for u in us),
        *((AREAS[a], us) for a, us in schools.items()),
        ("TỔNG CỘNG", [u for us in schools.values() for u in us]),
    ]:
        values = line(ws, label)
        for name, col in index.items():
            assert values[col] == _people_under(found[name], units), (label, name)
        assert values[women] == _people_under(found["women"], units), (label, "women")


def _check_workers(ws, found, units_of_area) -> None:
    fields = ("source_at_end", "trained", "followed_at_end", "proposed", "decided", "admitted")
    index = {name: 2 + PROGRESS.index(name) for name in fields}
    firms = {
        a: [u for u in us if UNITS[u][2] in ("cong_ty_tnhh", "hop_tac_xa")]
        for a, us in units_of_area.items()
    }
    kind_lines = [
        (UNIT_KINDS[kind], [u for u in us if UNITS[u][2] == kind])
        for us in firms.values()
        for kind in sorted({UNITS[u][2] for u in us})
    ]
    for label, units in [
        *kind_lines,
        *((AREAS[a], us) for a, us in firms.items()),
        ("TỔNG CỘNG", [u for us in firms.values() for u in us]),
    ]:
        values = line(ws, label)
        for name, col in index.items():
            assert values[col] == _people_under(found[name], units), (label, name)


def _check_summary(ws, found, units_of_area) -> None:
    fields = ("source_at_end", "trained", "proposed", "admitted", "admitted_year_before")
    all_units = [u for us in units_of_area.values() for u in us]
    for label, units in [
        *((AREAS[a], us) for a, us in units_of_area.items()),
        ("TỔNG CỘNG", all_units),
    ]:
        values = line(ws, label)[2:]
        for offset, group in ((0, "student"), (6, "worker")):
            mine = [u for u in units if group_for_unit_kind(UNITS[u][2])[0] == group]
            for j, name in enumerate(fields):
                assert values[offset + j] == _people_under(found[name], mine), (label, group, name)
        assert values[12] == _people_under(found["admitted"], units), (label, "all admitted")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(histories(), min_size=1, max_size=8), period=st.sampled_from(PERIODS))
def test_every_figure_is_a_count_of_distinct_people(small_world, people, period):
    _store(people, small_world["units"])
    found = expected(people, period)
    units_of_area = {
        a: [u for u, spec in enumerate(UNITS) if spec[3] == a] for a in range(len(AREAS))
    }
    user, province = small_world["user"], small_world["province"]
    _check_students(_sheet(user, "students", province, period), found, units_of_area)
    _check_workers(_sheet(user, "workers", province, period), found, units_of_area)
    summary = _sheet(user, "summary", province, period, "Tổng hợp")
    _check_summary(summary, found, units_of_area)

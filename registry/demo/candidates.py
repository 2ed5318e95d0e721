"""The demo's candidates: where each stops on the path to admission, the dates of the
stages reached, the unit each is recorded in (a few moved to another at the merger), and
their events, dossiers, readmissions and helpers' notes."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from registry.demo.areas import REFORM
from registry.demo.dossiers import dossier_rows, new_dossiers, store_dossiers
from registry.demo.people import birth_places, person
from registry.demo.training import add_extras, new_extras, store_extras
from registry.domain.stage_columns import EventFact, columns_from_events
from registry.domain.vocabulary import STAGE_ORDER, Stage, group_for_unit_kind
from registry.domain.workdays import add_months
from registry.models import Candidate, StageEvent, Unit, User

# Share of the people followed across the merger who moved to another unit after it.
MOVED_AFTER_REFORM = 0.05

# Where candidates stop, in percent.
FINAL_STAGE_WEIGHTS = {
    Stage.SOURCE: 28,
    Stage.TRAINED: 18,
    Stage.DOSSIER: 10,
    Stage.CELL_RESOLUTION: 6,
    Stage.COMMITTEE_RESOLUTION: 2,
    Stage.DECISION: 4,
    Stage.ADMITTED: 14,
    Stage.FULL_MEMBER: 12,
    Stage.EXITED: 6,
}


@dataclass
class _History:
    """One candidate's stages with their dates, the unit they were recorded in and the
    one they moved to at the merger (None: they stayed)."""

    unit: Unit
    later: Unit | None
    dates: dict[Stage, date]
    exit_reason: str | None

    def facts(self) -> list[EventFact]:
        return [
            EventFact(s.value, d, None, self.exit_reason if s == Stage.EXITED else None)
            for s, d in self.dates.items()
        ]

    def events(self, candidate_id: int, admin_id: int) -> list[dict]:
        """The stage events, each recorded in the unit the candidate was in on its day."""
        rows = []
        for sequence, (s, d) in enumerate(self.dates.items()):
            there = self.later if self.later is not None and d >= REFORM else self.unit
            rows.append(
                {
                    "candidate_id": candidate_id,
                    "stage": s.value,
                    "event_date": d,
                    "unit_id": there.id,
                    "cell_id": there.cell_id,
                    "reason": self.exit_reason if s == Stage.EXITED else None,
                    "recorded_by_id": admin_id,
                    "sequence": sequence,
                }
            )
        return rows


def add_candidates(
    session: Session, rng: random.Random, units: list[Unit], count: int, today: date, admin: User
) -> int:
    """`count` candidates of `units`, with their events, dossiers, readmissions and
    helpers' notes; returns `count`."""
    cccd_seen: set[str] = set()
    place = birth_places(units)
    events: list[dict] = []
    files = new_dossiers()
    found = new_extras()
    for _ in range(count):
        unit = rng.choice(units)
        row, history = _candidate(rng, unit, units, today, admin.id, cccd_seen, place[unit.id])
        candidate_id = session.execute(insert(Candidate).returning(Candidate.id), row).scalar_one()
        events += history.events(candidate_id, admin.id)
        dossier_rows(candidate_id, history.dates, row["group_code"], admin.id, today, files)
        add_extras(candidate_id, row, history.dates, admin.id, today, found)
    session.execute(insert(StageEvent), events)
    store_extras(session, found)
    store_dossiers(session, files, today)
    return count


def _candidate(
    rng: random.Random,
    unit: Unit,
    units: list[Unit],
    today: date,
    admin_id: int,
    cccd_seen: set[str],
    place: str,
) -> tuple[dict, _History]:
    """One candidate of `unit`: the row to insert, with its stage columns, and its history."""
    group, subgroup = group_for_unit_kind(unit.kind)
    final, start, dates = _path(rng, unit, today)
    cell_res = dates.get(Stage.CELL_RESOLUTION, start + timedelta(days=200))
    birth = _birth_date(rng, group, cell_res)
    row = person(rng, cccd_seen, birth, place)
    later = _moved_after_reform(rng, unit, units, dates)
    now = later or unit
    row.update(
        group_code=group,
        subgroup=subgroup,
        unit_id=now.id,
        cell_id=now.cell_id,
        education="12/12",
        trade_union=group == "worker" and rng.random() < 0.6,
        # Students join the youth union at 16 (their dossiers take the Đoàn route).
        youth_union_date=add_months(birth, 192) if group == "student" else None,
        introducers="2 đảng viên chính thức" if Stage.DOSSIER in dates else None,
        created_by_id=admin_id,
    )
    history = _History(unit, later, dates, _exit(rng, final, dates, today))
    row.update(columns_from_events(history.facts()))
    return row, history


def _path(rng: random.Random, unit: Unit, today: date) -> tuple[Stage, date, dict[Stage, date]]:
    """Where a candidate stops, the day they were found and the dates of the stages
    reached (one who exits goes the full member's way until `_exit`)."""
    committee = unit.cell is not None and unit.cell.kind == "truc_thuoc"
    finals, weights = list(FINAL_STAGE_WEIGHTS), list(FINAL_STAGE_WEIGHTS.values())
    final = rng.choices(finals, weights=weights)[0]
    start = today - timedelta(days=rng.randint(30, 5 * 365))
    dates = _stage_dates(
        rng, Stage.FULL_MEMBER if final == Stage.EXITED else final, start, today, committee
    )
    return final, start, dates


def _birth_date(rng: random.Random, group: str, cell_res: date) -> date:
    """Students are 18 to 20 on the day of the cell's resolution, workers 19 to 45."""
    if group == "student":
        return cell_res - timedelta(days=18 * 366 + rng.randint(0, 700))
    return cell_res - timedelta(days=rng.randint(19 * 366, 45 * 366))


def _exit(rng: random.Random, final: Stage, dates: dict[Stage, date], today: date) -> str | None:
    """For one who stops by exiting before admission: the exit's day, added to `dates`
    when it has come, and the reason returned (None: no exit)."""
    reached = max(dates, key=lambda s: STAGE_ORDER.index(s))
    if final != Stage.EXITED or reached in (Stage.ADMITTED, Stage.FULL_MEMBER):
        return None
    exit_day = max(dates.values()) + timedelta(days=rng.randint(20, 200))
    if exit_day > today:
        return None
    dates[Stage.EXITED] = exit_day
    return rng.choice(["removed", "moved", "other"])


def _stage_dates(
    rng: random.Random, final: Stage, start: date, today: date, committee: bool
) -> dict[Stage, date]:
    """Dates for each stage up to `final`, never in the future; stops early if needed."""
    dates: dict[Stage, date] = {}
    current = start
    for stage in STAGE_ORDER:
        if stage == Stage.COMMITTEE_RESOLUTION and not committee:
            continue
        if stage == Stage.FULL_MEMBER:
            current = add_months(dates[Stage.ADMITTED], 12) + timedelta(days=rng.randint(0, 40))
        elif stage != Stage.SOURCE:
            current = current + timedelta(days=rng.randint(10, 120))
        if current > today:
            break
        dates[stage] = current
        if stage == final:
            break
    return dates


def _moved_after_reform(rng: random.Random, unit: Unit, units: list[Unit], dates) -> Unit | None:
    """For a few people followed across the merger: the unit (of the same kind) they
    moved to on it, where their later events are recorded."""
    days = dates.values()
    if not (min(days) < REFORM <= max(days)) or rng.random() >= MOVED_AFTER_REFORM:
        return None
    others = [u for u in units if u.kind == unit.kind and u.id != unit.id]
    return rng.choice(others) if others else None

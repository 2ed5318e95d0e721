"""`breakdown`: those admitted in the period and those followed at its end, by gender, age
band, ethnicity, religion, education level and group, per area; of them, readmissions.

One GROUP BY statement: the people of both measures (admitted: the ceremony's unit; being
followed at the end: the unit of the latest event by then, states.unit_at), grouped by
area, unit kind and the person's criteria; the grouped rows (tens of thousands at a
million candidates) are folded here into one block per area and one for the whole report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise

from sqlalchemy import and_, case, func, literal, or_, select, text
from sqlalchemy.orm import Session

from exports import BreakdownBlock, BreakdownReport, BreakdownRow, ReportMeta
from exports.tables import TOTAL_LABEL
from registry.domain.refdata import ethnicity_names, religion_names
from registry.domain.vocabulary import GENDERS, SUBGROUPS, Stage, group_for_unit_kind
from registry.domain.workdays import add_months
from registry.models import Candidate, Setting, StageEvent, Unit, User
from registry.services.candidates.sqlite_plans import MovedCandidate, Unindexed
from registry.services.reports.areas import report_areas
from registry.services.reports.queries import Scope
from registry.services.reports.states import being_followed_at, unit_at

AGE_BANDS_SETTING = "report.age_bands"
# First age of each band after "under 18": 18–20, 21–25, 26–30, 31–40, 41–50, over 50.
DEFAULT_AGE_BANDS = (18, 21, 26, 31, 41, 51)


def age_bands(session: Session) -> tuple[int, ...]:
    """The band starts from the setting "report.age_bands" ("18,21,26,31,41,51")."""
    value = session.scalar(
        select(Setting.value).where(Setting.key == AGE_BANDS_SETTING, Setting.area_id.is_(None))
    )
    try:
        bands = tuple(int(part) for part in (value or "").split(",") if part.strip())
    except ValueError:
        bands = ()
    if not bands or list(bands) != sorted(set(bands)):
        return DEFAULT_AGE_BANDS
    return bands


def band_labels(bands: tuple[int, ...]) -> list[str]:
    labels = [f"Dưới {bands[0]} tuổi"]
    labels += [f"Từ {a} đến {b - 1} tuổi" for a, b in pairwise(bands)]
    return [*labels, f"Trên {bands[-1] - 1} tuổi"]


def born_by(end: date, years: int) -> date:
    """The latest birth date of someone `years` full years old on `end` (the same day
    number completes a month, as the admission rules count age)."""
    day = date(end.year - years, end.month, 1) + timedelta(days=end.day - 1)
    while add_months(day, 12 * years) > end:
        day -= timedelta(days=1)
    while add_months(day + timedelta(days=1), 12 * years) <= end:
        day += timedelta(days=1)
    return day


def _band(end: date, bands: tuple[int, ...]):
    whens = [(Candidate.birth_date > born_by(end, years), i) for i, years in enumerate(bands)]
    return case(*whens, else_=len(bands))


def breakdown_statement(scope: Scope, period, bands: tuple[int, ...]):
    """(area_id, kind, gender, band, ethnicity, religion, education, readmission, admitted,
    followed):
    how many of the people with these criteria were admitted in the period (in the
    ceremony's unit) and are being followed at its end (in the unit of their latest event
    by then). As in the other reports (queries._Parts), those who never moved are read in
    one pass off ix_candidate_report_state, the others from their events."""
    end = period.end
    criteria = (
        Candidate.gender.label("gender"),
        _band(end, bands).label("band"),
        Candidate.ethnicity.label("ethnicity"),
        Candidate.religion.label("religion"),
        Candidate.education.label("education"),
        # Biểu số 2-BTCTW's "Trong đó: kết nạp lại".
        case((Candidate.readmission.is_(True), 1), else_=0).label("readmission"),
    )
    followed = and_(*being_followed_at(end))
    admitted_in = Candidate.admitted_date.between(period.start, end)
    stayed = (
        select(
            Unit.area_id,
            Unit.kind,
            *criteria,
            case((admitted_in, 1), else_=0).label("admitted"),
            case((followed, 1), else_=0).label("followed"),
        )
        .select_from(Candidate)
        .join(Unit, Unit.id == Candidate.unit_id)
        .where(Candidate.moved.is_(False), or_(admitted_in, followed), *scope.units())
    )
    moved_admitted = (
        select(Unit.area_id, Unit.kind, *criteria, literal(1), literal(0))
        .select_from(StageEvent)
        .join(Candidate, Candidate.id == StageEvent.candidate_id)
        .join(Unit, Unit.id == Unindexed(StageEvent.unit_id))
        .where(
            MovedCandidate(StageEvent.candidate_id),
            Unindexed(StageEvent.stage) == Stage.ADMITTED.value,
            Unindexed(StageEvent.event_date).between(period.start, end),
            *scope.units(),
        )
    )
    moved_followed = (
        select(Unit.area_id, Unit.kind, *criteria, literal(0), literal(1))
        .select_from(Candidate)
        .join(Unit, Unit.id == unit_at(end))
        .where(MovedCandidate(Candidate.id), *being_followed_at(end), *scope.units())
    )
    people = stayed.union_all(moved_admitted, moved_followed).subquery("people")
    keys = [people.c[name] for name in ("area_id", "kind", *(c.name for c in criteria))]
    return select(
        *keys, func.sum(people.c.admitted).label("admitted"), func.sum(people.c.followed)
    ).group_by(*keys)


def _labels(
    found: set[object], names: dict[str, str], unknown: str, first: tuple[str, ...] = ()
) -> list[tuple[object, str]]:
    """(value, label) of the values present: `first` ones, the rest sorted, unknown last."""
    known = [v for v in first if v in found]
    rest = sorted((v for v in found if v is not None and v not in first), key=str)
    values = [*known, *rest] + ([None] if None in found else [])
    return [(v, unknown if v is None else names.get(str(v), str(v))) for v in values]


Counts = dict[int | None, Counter[tuple[str, str | None, object]]]


def _fold(rows, group_of: dict[int, int]) -> tuple[Counts, dict[str, set[object]]]:
    """{area group (None: the whole report): {(measure, criterion, value): people}}, and
    the values seen of each criterion."""
    counts: Counts = defaultdict(Counter)
    seen: dict[str, set[object]] = defaultdict(set)
    for area_id, kind, gender, band, ethnicity, religion, education, again, *measures in rows:
        values = {
            "gender": gender,
            "age": band,
            "ethnicity": ethnicity,
            "religion": religion,
            "education": education,
            "subgroup": group_for_unit_kind(kind)[1],
            "readmission": int(again),
        }
        for measure, n in zip(("admitted", "followed"), measures, strict=True):
            if not n:
                continue
            for area_key in (None, group_of[area_id]):
                counts[area_key][(measure, None, None)] += n
                for criterion, value in values.items():
                    counts[area_key][(measure, criterion, value)] += n
                    seen[criterion].add(value)
    return counts, seen


def _sections(seen: dict[str, set[object]], bands: tuple[int, ...]):
    """(title, criterion, [(value, label)]) of each section, in the sheet's order."""
    return [
        ("1. Giới tính", "gender", [(c, GENDERS[c]) for c in GENDERS]),
        ("2. Độ tuổi (tròn năm đến ngày cuối kỳ)", "age", list(enumerate(band_labels(bands)))),
        (
            "3. Dân tộc",
            "ethnicity",
            _labels(seen["ethnicity"], ethnicity_names(), "Chưa rõ dân tộc", ("01",)),
        ),
        (
            "4. Tôn giáo",
            "religion",
            _labels(seen["religion"], religion_names(), "Chưa rõ tôn giáo", ("99",)),
        ),
        ("5. Trình độ học vấn", "education", _labels(seen["education"], {}, "Chưa rõ trình độ")),
        (
            "6. Đối tượng",
            "subgroup",
            [(s, SUBGROUPS[s]) for s in SUBGROUPS if s in seen["subgroup"]],
        ),
        ("7. Trong đó", "readmission", [(1, "Kết nạp lại")]),
    ]


def breakdown(session: Session, user: User, request, meta: ReportMeta) -> BreakdownReport:
    areas = report_areas(session, user, request.area, request.period.end)
    scope = Scope(user, request.kinds, areas.area_ids)
    bands = age_bands(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))  # see queries.run
    rows = session.execute(breakdown_statement(scope, request.period, bands))
    counts, seen = _fold(rows, areas.group_of)
    sections = _sections(seen, bands)

    def block(name: str, key: int | None) -> BreakdownBlock:
        found = counts.get(key, Counter())
        rows = []
        for title, criterion, choices in sections:
            rows.append(BreakdownRow(title, None, None, section=True))
            rows += [
                BreakdownRow(
                    label,
                    found[("admitted", criterion, value)],
                    found[("followed", criterion, value)],
                )
                for value, label in choices
            ]
        return BreakdownBlock(
            name, found[("admitted", None, None)], found[("followed", None, None)], rows
        )

    blocks = [block(TOTAL_LABEL, None)]
    blocks += [
        block(g.name, g.id) for g in areas.groups if g.id in areas.valid_ids or g.id in counts
    ]
    return BreakdownReport(meta, blocks)

"""Arrange the grouped figures of one statement into the builders' dataclasses.

The loops here run over GROUP BY results (a line per unit, or per area and unit kind:
a few thousand at most) and over the area table, never over candidates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from exports import (
    AreaGroup,
    Ct33Row,
    GroupedReport,
    GroupFigures,
    ReportMeta,
    StudentRow,
    SummaryReport,
    SummaryRow,
    WorkerRow,
)
from registry.domain.periods import period_year_before
from registry.domain.vocabulary import UNIT_KINDS, group_for_unit_kind
from registry.models import Area, Target, Unit, User
from registry.scoping import scope_filter
from registry.services.org.targets import target_year, targets_by_area
from registry.services.reports.areas import ReportAreas, report_areas
from registry.services.reports.breakdown import breakdown
from registry.services.reports.queries import (
    CT33_FIELDS,
    PROGRESS_FIELDS,
    SUMMARY_FIELDS,
    Scope,
    ct33_statement,
    progress_statement,
    run,
    summary_statement,
)

Figures = dict[str, int]
_STUDENT_KIND_FIELD = {"thpt": "thpt", "gdnn_gdtx": "gdnn_gdtx", "cao_dang_dai_hoc": "college"}


def _groups_of(request) -> list[str]:
    """Target groups (student, worker) the request's kinds belong to."""
    return sorted({group_for_unit_kind(kind)[0] for kind in request.kinds})


def _add(total: Figures, more: Figures) -> None:
    for name, value in more.items():
        total[name] = total.get(name, 0) + value


def _own_target(session: Session, user: User, area_id: int, year: int, groups) -> int | None:
    """An area's own target (not what lies below it), or None."""
    value = session.scalar(
        select(func.sum(Target.count)).where(
            Target.area_id == area_id,
            Target.year == year,
            Target.group_code.in_(groups),
            scope_filter(user, Target),
        )
    )
    return int(value) if value is not None else None


def _group_targets(
    session: Session, user: User, areas: ReportAreas, year: int, groups
) -> dict[int, int | None]:
    """Each group's target: its own (or what lies below it), else that of the areas that
    count under it only through the successor links."""

    def load(ids) -> list[Area]:
        return list(session.scalars(select(Area).where(Area.id.in_(ids), scope_filter(user, Area))))

    group_areas = load(areas.group_ids())
    borrowed_areas = load(sorted({i for ids in areas.borrowed.values() for i in ids}))
    found: dict[int, int | None] = {}
    for group in groups:
        own = targets_by_area(session, group_areas, year, group)
        lent = targets_by_area(session, borrowed_areas, year, group)
        for area in group_areas:
            value = own.get(area.id)
            if value is None:
                parts = [
                    part for i in areas.borrowed.get(area.id, []) if (part := lent[i]) is not None
                ]
                value = sum(parts) if parts else None
            if value is not None:
                found[area.id] = (found.get(area.id) or 0) + value
            else:
                found.setdefault(area.id, None)
    # Units hung directly on the report's area have no group target of their own.
    if len(areas.groups) > 1:
        found[areas.area.id] = None
    return found


def _unit_targets(
    session: Session, user: User, scope: Scope, year: int, groups, keys
) -> dict[tuple, int]:
    """Unit targets summed by `keys` (columns of Unit)."""
    stmt = (
        select(*keys, func.sum(Target.count))
        .join(Unit, Unit.id == Target.unit_id)
        .where(
            Target.year == year,
            Target.group_code.in_(groups),
            scope_filter(user, Target),
            *scope.units(),
        )
        .group_by(*keys)
    )
    return {tuple(row[:-1]): int(row[-1]) for row in session.execute(stmt)}


def _units(session: Session, scope: Scope) -> Sequence[Row[tuple[int, str, str, int, bool]]]:
    return session.execute(
        select(Unit.id, Unit.name, Unit.kind, Unit.area_id, Unit.active)
        .where(*scope.units())
        .order_by(Unit.name_key, Unit.id)
    ).all()


def _setup(session: Session, user: User, request) -> tuple[ReportAreas, Scope, int, list[str]]:
    areas = report_areas(session, user, request.area, request.period.end)
    scope = Scope(user, request.kinds, areas.area_ids)
    return areas, scope, target_year(request.period.end), _groups_of(request)


def _grouped(areas: ReportAreas, lines: dict[int, list], targets: dict[int, int | None]):
    """AreaGroups in the areas' order: those with lines, or valid then with a target."""
    return [
        AreaGroup(g.name, lines.get(g.id, []), targets.get(g.id))
        for g in areas.groups
        if lines.get(g.id) or (g.id in areas.valid_ids and targets.get(g.id) is not None)
    ]


def students(session: Session, user: User, request, meta: ReportMeta) -> GroupedReport:
    areas, scope, year, groups = _setup(session, user, request)
    figures = run(session, progress_statement(scope, request.period, by_unit=True), 1)
    unit_targets = _unit_targets(session, user, scope, year, groups, [Unit.id])
    lines: dict[int, list[StudentRow]] = defaultdict(list)
    for unit in _units(session, scope):
        own = figures.get((unit.id,), {})
        target = unit_targets.get((unit.id,))
        if not (unit.active or any(own.values()) or target is not None):
            continue
        values = {f: own.get(f, 0) for f in PROGRESS_FIELDS}
        by_kind = {field: 0 for field in _STUDENT_KIND_FIELD.values()}
        by_kind[_STUDENT_KIND_FIELD[unit.kind]] = values["admitted"]
        row = StudentRow(
            unit.name,
            target=target,
            **{k: v for k, v in values.items() if k not in ("youth_union", "trade_union")},
            **by_kind,
        )
        lines[areas.group_of[unit.area_id]].append(row)
    targets = _group_targets(session, user, areas, year, groups)
    area_target = _own_target(session, user, areas.area.id, year, groups)
    return GroupedReport(meta, _grouped(areas, lines, targets), target=area_target)


def _by_group_and_kind(areas: ReportAreas, found: dict[tuple, Figures]) -> dict[tuple, Figures]:
    """Fold (area, kind) figures into (group area, kind)."""
    out: dict[tuple, Figures] = defaultdict(dict)
    for (area_id, kind), values in found.items():
        _add(out[(areas.group_of[area_id], kind)], values)
    return out


def _kind_lines(
    session: Session,
    scope: Scope,
    areas: ReportAreas,
    figures: dict[tuple, Figures],
    make: Callable[[str, Figures, int | None], object],
    targets: dict[tuple, int] | None = None,
) -> dict[int, list]:
    """One line per unit kind present in each group (active units, figures or a target)."""
    present = set(figures)
    active = select(Unit.area_id, Unit.kind).where(*scope.units(), Unit.active.is_(True))
    for area_id, kind in session.execute(active.distinct()):
        present.add((areas.group_of[area_id], kind))
    kind_targets: dict[tuple, int] = defaultdict(int)
    for (area_id, kind), value in (targets or {}).items():
        kind_targets[(areas.group_of[area_id], kind)] += value
        present.add((areas.group_of[area_id], kind))
    lines: dict[int, list] = defaultdict(list)
    order = {kind: i for i, kind in enumerate(UNIT_KINDS)}
    for group_id, kind in sorted(present, key=lambda key: order[key[1]]):
        target = kind_targets.get((group_id, kind)) if targets is not None else None
        lines[group_id].append(make(kind, figures.get((group_id, kind), {}), target))
    return lines


def workers(session: Session, user: User, request, meta: ReportMeta) -> GroupedReport:
    areas, scope, year, groups = _setup(session, user, request)
    found = run(session, progress_statement(scope, request.period, by_unit=False), 2)
    figures = _by_group_and_kind(areas, found)
    unit_targets = _unit_targets(session, user, scope, year, groups, [Unit.area_id, Unit.kind])

    def make(kind: str, values: Figures, target: int | None) -> WorkerRow:
        counts = {f: values.get(f, 0) for f in PROGRESS_FIELDS}
        return WorkerRow(UNIT_KINDS[kind], target=target, **counts)

    lines = _kind_lines(session, scope, areas, figures, make, unit_targets)
    targets = _group_targets(session, user, areas, year, groups)
    area_target = _own_target(session, user, areas.area.id, year, groups)
    return GroupedReport(meta, _grouped(areas, lines, targets), target=area_target)


def ct33(session: Session, user: User, request, meta: ReportMeta) -> GroupedReport:
    areas, scope, _year, _groups = _setup(session, user, request)
    found = run(session, ct33_statement(scope, request.period), 2)
    figures = _by_group_and_kind(areas, found)

    def make(kind: str, values: Figures, _target: int | None) -> Ct33Row:
        return Ct33Row(UNIT_KINDS[kind], **{f: values.get(f, 0) for f in CT33_FIELDS})

    lines = _kind_lines(session, scope, areas, figures, make)
    return GroupedReport(meta, _grouped(areas, lines, {}))


def summary(session: Session, user: User, request, meta: ReportMeta) -> SummaryReport:
    areas, scope, _year, _groups = _setup(session, user, request)
    statement = summary_statement(scope, request.period, period_year_before(request.period))
    per_group: dict[int, dict[str, Figures]] = defaultdict(lambda: defaultdict(dict))
    for (area_id, kind), values in run(session, statement, 2).items():
        group = group_for_unit_kind(kind)[0]
        _add(per_group[areas.group_of[area_id]][group], values)

    def figures(values: Figures) -> GroupFigures:
        return GroupFigures(**{f: values.get(f, 0) for f in SUMMARY_FIELDS})

    rows = [
        SummaryRow(
            g.name,
            students=figures(per_group[g.id]["student"]),
            workers=figures(per_group[g.id]["worker"]),
        )
        for g in areas.groups
        if g.id in areas.valid_ids or g.id in per_group
    ]
    return SummaryReport(meta, rows)


BUILDERS: dict[str, Callable] = {
    "students": students,
    "workers": workers,
    "ct33": ct33,
    "summary": summary,
    "breakdown": breakdown,
}

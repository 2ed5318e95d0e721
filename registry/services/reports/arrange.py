"""Arrange the grouped figures of one statement into the builders' dataclasses.

The loops here run over GROUP BY results (a line per unit, or per area and unit kind:
a few thousand at most) and over the area table, never over candidates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import cached_property

from sqlalchemy import Row, select
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
from registry.domain.report_kinds import counted_subgroups
from registry.domain.vocabulary import UNIT_KINDS, group_for_unit_kind
from registry.models import Area, Target, Unit, User
from registry.scoping import restriction_of, scope_filter
from registry.services.org.targets import TargetTree, target_tree, target_year
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


def _add(total: Figures, more: Figures) -> None:
    for name, value in more.items():
        total[name] = total.get(name, 0) + value


class _Targets:
    """The targets a report uses: those of exactly the subgroups it counts, read once."""

    def __init__(self, session: Session, user: User, areas: ReportAreas, year: int, what):
        self.session, self.user, self.areas, self.year, self.what = session, user, areas, year, what

    @cached_property
    def tree(self) -> TargetTree:
        areas = self.areas
        roots = [areas.area.id, *sorted({i for ids in areas.borrowed.values() for i in ids})]
        loaded = self.session.scalars(
            select(Area).where(Area.id.in_(roots), scope_filter(self.user, Area))
        )
        return target_tree(self.session, list(loaded), self.year, scope_filter(self.user, Target))

    def unit(self, unit_id: int) -> int | None:
        return self.tree.of_unit(unit_id, self.what)

    def groups(self) -> dict[int, int | None]:
        """Each group's target: its own (or what lies below it), else that of the areas
        that count under it only through the successor links."""
        found: dict[int, int | None] = {}
        for group in self.areas.groups:
            value = self.tree.of(group.id, self.what)
            if value is None:
                lent = [self.tree.of(i, self.what) for i in self.areas.borrowed.get(group.id, [])]
                parts = [v for v in lent if v is not None]
                value = sum(parts) if parts else None
            found[group.id] = value
        # Units hung directly on the report's area have no group target of their own.
        if len(self.areas.groups) > 1:
            found[self.areas.area.id] = None
        return found

    def report(self) -> int | None:
        """The report area's target where it sets one itself (else the groups' sum)."""
        root = self.areas.area.id
        return self.tree.of(root, self.what) if self.tree.has_own(root, self.what) else None


def _units(session: Session, scope: Scope) -> Sequence[Row[tuple[int, str, str, int, bool]]]:
    return session.execute(
        select(Unit.id, Unit.name, Unit.kind, Unit.area_id, Unit.active)
        .where(*scope.units())
        .order_by(Unit.name_key, Unit.id)
    ).all()


def _setup(session: Session, user: User, request) -> tuple[ReportAreas, Scope, _Targets]:
    areas = report_areas(session, user, request.area, request.period.end)
    scope = Scope(user, request.kinds, areas.area_ids)
    what = counted_subgroups(request.report, request.group, restriction_of(user))
    targets = _Targets(session, user, areas, target_year(request.period.end), what)
    return areas, scope, targets


def _grouped(areas: ReportAreas, lines: dict[int, list], targets: dict[int, int | None]):
    """AreaGroups in the areas' order: those with lines, or valid then with a target."""
    return [
        AreaGroup(g.name, lines.get(g.id, []), targets.get(g.id))
        for g in areas.groups
        if lines.get(g.id) or (g.id in areas.valid_ids and targets.get(g.id) is not None)
    ]


def students(session: Session, user: User, request, meta: ReportMeta) -> GroupedReport:
    areas, scope, targets = _setup(session, user, request)
    figures = run(session, progress_statement(scope, request.period, by_unit=True), 1)
    lines: dict[int, list[StudentRow]] = defaultdict(list)
    for unit in _units(session, scope):
        own = figures.get((unit.id,), {})
        target = targets.unit(unit.id)
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
    return GroupedReport(meta, _grouped(areas, lines, targets.groups()), target=targets.report())


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
    areas, scope, targets = _setup(session, user, request)
    found = run(session, progress_statement(scope, request.period, by_unit=False), 2)
    figures = _by_group_and_kind(areas, found)
    unit_targets: dict[tuple, int] = defaultdict(int)
    for unit in _units(session, scope):
        value = targets.unit(unit.id)
        if value is not None:
            unit_targets[(unit.area_id, unit.kind)] += value

    def make(kind: str, values: Figures, target: int | None) -> WorkerRow:
        counts = {f: values.get(f, 0) for f in PROGRESS_FIELDS}
        return WorkerRow(UNIT_KINDS[kind], target=target, **counts)

    lines = _kind_lines(session, scope, areas, figures, make, unit_targets)
    return GroupedReport(meta, _grouped(areas, lines, targets.groups()), target=targets.report())


def ct33(session: Session, user: User, request, meta: ReportMeta) -> GroupedReport:
    areas, scope, _targets = _setup(session, user, request)
    found = run(session, ct33_statement(scope, request.period), 2)
    figures = _by_group_and_kind(areas, found)

    def make(kind: str, values: Figures, _target: int | None) -> Ct33Row:
        return Ct33Row(UNIT_KINDS[kind], **{f: values.get(f, 0) for f in CT33_FIELDS})

    lines = _kind_lines(session, scope, areas, figures, make)
    return GroupedReport(meta, _grouped(areas, lines, {}))


def summary(session: Session, user: User, request, meta: ReportMeta) -> SummaryReport:
    areas, scope, _targets = _setup(session, user, request)
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

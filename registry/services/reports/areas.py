"""The areas a report groups by: the tree valid at the period end.

Units hang on current areas (the communes of the July 2025 reform). A report groups its
lines by the areas one level below the report's area *as they were at the period end*,
so a period ending before 1 July 2025 is grouped by the old districts. A unit's commune
is mapped back to the area it replaced through the successor links (old commune →
successor = new commune; old commune → parent = district).

The report's area itself may not have existed then: the merged Lào Cai (from 1 July
2025) stood in 2024 for the former Lào Cai and Yên Bái, its predecessors. A report on it
for such a period is grouped by those predecessors (two provinces, each line in the one
its unit's area lay in); a report on one former province groups by its own districts.
The other way, an area abolished before the period end (a unit left on a former commune
or district, a figure of "the same period a year earlier") counts where its successor
stands at the end, or, with no successor of its own, where its parent's does: figures
are always mapped forward onto the tree of the current period, like with like.

When the communes a new commune replaced lay in different districts, the district that
held most of them wins (ties: the lowest district code), then the lowest commune code:
the registry does not know in which old commune a unit stood, and a unit must count in
one place only. The whole mapping is worked out over the area table (hundreds of rows),
never per candidate.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.models import Area, User
from registry.scoping import scope_filter


@dataclass(frozen=True)
class AreaInfo:
    id: int
    code: str
    name: str
    parent_id: int | None
    path: str
    valid_from: date | None
    valid_to: date | None
    successor_id: int | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def holds(self, other: AreaInfo) -> bool:
        """Whether `other` is this area or lies below it."""
        return other.path.startswith(self.path)


@dataclass
class ReportAreas:
    """The report's area, its groups and where each area's units count."""

    area: AreaInfo
    groups: list[AreaInfo]  # in display order
    group_of: dict[int, int]  # area id (where units hang) → group area id
    # Areas that count under a group only through the successor links (not in its subtree):
    # their targets stand in for the group's when the group has none of its own.
    borrowed: dict[int, list[int]] = field(default_factory=dict)
    # Groups valid at the period end, shown even when empty; the others only with lines.
    valid_ids: set[int] = field(default_factory=set)

    @property
    def area_ids(self) -> list[int]:
        """Every area whose units the report counts."""
        return sorted(self.group_of)

    def group_ids(self) -> list[int]:
        return [g.id for g in self.groups]


def _load(session: Session, user: User) -> dict[int, AreaInfo]:
    rows = session.execute(
        select(
            Area.id,
            Area.code,
            Area.name,
            Area.parent_id,
            Area.path,
            Area.valid_from,
            Area.valid_to,
            Area.successor_id,
        ).where(scope_filter(user, Area))
    ).all()
    return {row.id: AreaInfo(*row) for row in rows}


class _Tree:
    def __init__(self, areas: dict[int, AreaInfo]) -> None:
        self.areas = areas
        self.predecessors: dict[int, list[AreaInfo]] = defaultdict(list)
        for area in areas.values():
            if area.successor_id is not None:
                self.predecessors[area.successor_id].append(area)

    def at(self, area: AreaInfo, end: date) -> AreaInfo:
        """The area that stood for `area` at `end` (itself when it was valid then)."""
        if area.valid_on(end):
            return area
        if area.valid_to is not None and area.valid_to < end:
            return self._forward(area, end)
        return self._backward(area, end)

    def _forward(self, area: AreaInfo, end: date) -> AreaInfo:
        """An area abolished before `end`: its successor (followed along a chain), else
        the area standing for its parent then (a former district has no successor of
        its own, its province has)."""
        seen, current = {area.id}, area
        while current.successor_id in self.areas and current.successor_id not in seen:
            current = self.areas[current.successor_id]
            seen.add(current.id)
            if current.valid_on(end):
                return current
        parent = self.areas.get(current.parent_id) if current.parent_id is not None else None
        if parent is not None and parent.valid_to is not None and parent.valid_to < end:
            then = self._forward(parent, end)
            if then.valid_on(end):
                return then
        return area

    def stand_ins(self, area: AreaInfo, end: date) -> list[AreaInfo]:
        """The areas that stood for `area` at `end`: itself when valid then (or when
        nothing did), else every area valid then that it replaced (the former provinces
        of a merged one), in code order."""
        if area.valid_on(end) or area.valid_from is None or end >= area.valid_from:
            return [area]
        found: list[AreaInfo] = []
        frontier, seen = [area.id], {area.id}
        while frontier:
            following: list[AreaInfo] = []
            for ident in frontier:
                for before in self.predecessors.get(ident, ()):
                    if before.id not in seen:
                        seen.add(before.id)
                        (found if before.valid_on(end) else following).append(before)
            frontier = [a.id for a in following]
        return sorted(found, key=lambda a: a.code) or [area]

    def _backward(self, area: AreaInfo, end: date) -> AreaInfo:
        """An area created after `end`: the one it replaced (see the module docstring)."""
        found: list[AreaInfo] = []
        frontier, seen = [area.id], {area.id}
        while frontier:
            following: list[int] = []
            for ident in frontier:
                for before in self.predecessors.get(ident, ()):
                    if before.id in seen:
                        continue
                    seen.add(before.id)
                    if before.valid_on(end):
                        found.append(before)
                    else:
                        following.append(before.id)
            frontier = following
        if not found:
            return area
        votes = Counter(a.parent_id for a in found)

        def parent_rank(parent_id: int | None) -> tuple[int, str]:
            parent = self.areas.get(parent_id) if parent_id is not None else None
            return (-votes[parent_id], parent.code if parent else "")

        parent_id = min(votes, key=parent_rank)
        return min((a for a in found if a.parent_id == parent_id), key=lambda a: a.code)


def _group_below(top: AreaInfo, area: AreaInfo) -> int:
    """The area one level below `top` on the way down to `area` (`top` itself if equal)."""
    depth = len(top.ids)
    ids = area.ids
    return ids[depth] if len(ids) > depth else top.id


def report_areas(session: Session, user: User, area: Area, end: date) -> ReportAreas:
    """Groups of a report on `area` for a period ending on `end`, within the user's scope."""
    areas = _load(session, user)
    top = areas[area.id]
    tree = _Tree(areas)
    tops = tree.stand_ins(top, end)

    # Several stand-ins (the former provinces of a merged one) are the groups themselves.
    def group_in(then: AreaInfo) -> int | None:
        for stand_in in tops:
            if stand_in.holds(then):
                return stand_in.id if len(tops) > 1 else _group_below(stand_in, then)
        return None

    group_of: dict[int, int] = {}
    borrowed: dict[int, list[int]] = defaultdict(list)
    for info in areas.values():
        then = tree.at(info, end)
        group = group_in(then)
        if group is not None:
            group_of[info.id] = group
            if then.id != info.id and not areas[group].holds(info):
                borrowed[group].append(info.id)
        elif top.holds(info):
            group_of[info.id] = _group_below(top, info)
    if len(tops) > 1:
        valid = {a.id for a in tops}
    else:
        valid = {a.id for a in areas.values() if a.parent_id == tops[0].id and a.valid_on(end)}
    if not valid:
        valid = {tops[0].id}  # nothing below the area at that date: one group, the area itself
    ids = set(group_of.values()) | valid
    groups = sorted((areas[i] for i in ids), key=lambda a: (a.id != top.id, a.code))
    return ReportAreas(top, groups, group_of, dict(borrowed), valid)

"""Targets (chỉ tiêu kết nạp): setting them, and the number that applies to a report.

A target belongs to an area or a unit, a year, and a group or one subgroup of it. What
a report (or a line of it) counts is a set of subgroups; its target (`TargetTree.of`):
- the year that contains the period's end;
- at each area or unit, its own targets first: a group's own target stands for all of
  that group's subgroups when the set holds them all, else each subgroup's own target;
- what no own target settles is the sum of what lies below (units and sub-areas), so a
  group's target is the sum of its subgroups' unless set itself, and an area's own
  target wins over the sum of its units';
- nothing set for any of the set's subgroups: None (the report leaves % blank). A
  subgroup's report never borrows its group's target.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from registry import access
from registry.domain.vocabulary import (
    GROUP_SUBGROUPS,
    GROUPS,
    SUBGROUP_GROUP,
    SUBGROUPS,
    UNIT_KIND_GROUPS,
    canonical_subgroups,
)
from registry.models import Area, Target, Unit, User
from registry.services import audit
from registry.services.org.units import UnitError, may_see

TARGET_FIELDS = ["year", "group_code", "subgroup", "area_id", "unit_id", "count"]
ALL_SUBGROUPS = frozenset(SUBGROUPS)
Own = dict[tuple[str, str | None], int]  # (group, subgroup or None) → count


def target_year(period_end: date | int) -> int:
    """The target year for a period: the year that contains its end."""
    return period_end.year if isinstance(period_end, date) else int(period_end)


def counted(what: str | Iterable[str] | None) -> frozenset[str]:
    """The subgroups a group code, a subgroup code or a set of them stands for (None:
    every subgroup)."""
    if what is None:
        return ALL_SUBGROUPS
    return frozenset(canonical_subgroups([what] if isinstance(what, str) else what))


def _settle(own: Own, wanted: frozenset[str]) -> tuple[int | None, frozenset[str]]:
    """What one owner's own targets give for `wanted`, and the subgroups they leave."""
    found: list[int] = []
    left = set(wanted)
    for group, subs in GROUP_SUBGROUPS.items():
        if set(subs) <= left and (group, None) in own:
            found.append(own[(group, None)])
            left -= set(subs)
    for sub in sorted(left):
        key = (SUBGROUP_GROUP[sub], sub)
        if key in own:
            found.append(own[key])
            left.discard(sub)
    return (sum(found) if found else None), frozenset(left)


def _plus(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


@dataclass
class TargetTree:
    """The targets of one year under some areas, read once; answers for any area or
    unit and any set of subgroups without another query."""

    area_own: dict[int, Own] = field(default_factory=lambda: defaultdict(dict))
    unit_own: dict[int, Own] = field(default_factory=lambda: defaultdict(dict))
    child_areas: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    units_of: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _memo: dict[tuple[int, frozenset[str]], int | None] = field(default_factory=dict)

    def of_unit(self, unit_id: int, what: str | Iterable[str] | None = None) -> int | None:
        return _settle(self.unit_own.get(unit_id, {}), counted(what))[0]

    def of(self, area_id: int, what: str | Iterable[str] | None = None) -> int | None:
        """The target of an area for these subgroups (see the module's rules)."""
        return self._of_area(area_id, counted(what))

    def has_own(self, area_id: int, what: str | Iterable[str] | None = None) -> bool:
        """Whether the area itself sets a target for some of these subgroups."""
        wanted = counted(what)
        return _settle(self.area_own.get(area_id, {}), wanted)[1] != wanted

    def _of_area(self, area_id: int, wanted: frozenset[str]) -> int | None:
        key = (area_id, wanted)
        if key not in self._memo:
            value, left = _settle(self.area_own.get(area_id, {}), wanted)
            if left:
                for unit_id in self.units_of.get(area_id, []):
                    value = _plus(value, _settle(self.unit_own.get(unit_id, {}), left)[0])
                for child in self.child_areas.get(area_id, []):
                    value = _plus(value, self._of_area(child, left))
            self._memo[key] = value
        return self._memo[key]


def target_tree(
    session: Session,
    areas: Iterable[Area],
    year: date | int,
    visible: ColumnElement[bool] | None = None,
) -> TargetTree:
    """The targets of a year under these areas (three queries whatever their number);
    `visible` limits the targets read (a user's scope)."""
    tree = TargetTree()
    areas = list(areas)
    if not areas:
        return tree
    subtree = or_(*(Area.path.startswith(a.path) for a in areas))
    parents = dict(session.execute(select(Area.id, Area.parent_id).where(subtree)).tuples().all())
    for child, parent in parents.items():
        if parent in parents:
            tree.child_areas[parent].append(child)
    conditions = [Target.year == target_year(year)]
    if visible is not None:
        conditions.append(visible)
    own_rows = session.execute(
        select(Target.area_id, Target.group_code, Target.subgroup, Target.count)
        .join(Area, Area.id == Target.area_id)
        .where(subtree, *conditions)
    )
    for area_id, group, sub, count in own_rows:
        tree.area_own[area_id][(group, sub)] = count
    unit_rows = session.execute(
        select(Unit.area_id, Unit.id, Unit.kind, Target.group_code, Target.subgroup, Target.count)
        .join(Unit, Unit.id == Target.unit_id)
        .join(Area, Area.id == Unit.area_id)
        .where(subtree, *conditions)
    )
    for area_id, unit_id, kind, group, sub, count in unit_rows:
        if unit_id not in tree.unit_own:
            tree.units_of[area_id].append(unit_id)
        tree.unit_own[unit_id][(group, sub or _unit_subgroup(kind, group))] = count
    return tree


def _unit_subgroup(kind: str, group: str) -> str | None:
    """A school's group target is its one subgroup's (its people are all of it)."""
    unit_group, unit_sub = UNIT_KIND_GROUPS.get(kind, (None, None))
    return unit_sub if kind != "other" and unit_group == group == "student" else None


def target_for(
    session: Session,
    owner: Area | Unit,
    year: date | int,
    what: str | Iterable[str] | None = None,
) -> int | None:
    """The target of an area or unit for a year (or the period ending on a date), for a
    group, a subgroup or a set of subgroups (None: both groups). None: nothing set."""
    if isinstance(owner, Unit):
        tree = target_tree(session, [owner.area], year)
        return tree.of_unit(owner.id, what)
    return target_tree(session, [owner], year).of(owner.id, what)


def targets_by_area(
    session: Session,
    areas: Iterable[Area],
    year: date | int,
    what: str | Iterable[str] | None = None,
    visible: ColumnElement[bool] | None = None,
) -> dict[int, int | None]:
    """Targets of several areas at once."""
    areas = list(areas)
    tree = target_tree(session, areas, year, visible)
    return {area.id: tree.of(area.id, what) for area in areas}


@dataclass
class TargetData:
    year: int
    group_code: str  # a group, or a subgroup (the group it belongs to is implied)
    count: int
    area: Area | None = None
    unit: Unit | None = None


TARGET_KINDS: dict[str, str] = {
    **{code: f"{label} (cả nhóm)" for code, label in GROUPS.items()},
    **SUBGROUPS,
}
# A group with one subgroup is that subgroup: one choice, the group's.
TARGET_KINDS.pop("cong_nhan")


def choice_of(code: str) -> str:
    """The TARGET_KINDS choice a group or subgroup code names (cong_nhan: the workers)."""
    return "worker" if code == "cong_nhan" else code


def _subgroup_of(target: Target) -> str | None:
    if target.subgroup is None and target.unit is not None:
        return _unit_subgroup(target.unit.kind, target.group_code)
    return target.subgroup


def target_kind(target: Target) -> str:
    """The group or subgroup code a target is for."""
    return choice_of(_subgroup_of(target) or target.group_code)


def target_label(target: Target) -> str:
    sub = _subgroup_of(target)
    return SUBGROUPS[sub] if sub else GROUPS[target.group_code]


def allowed_kinds(user: User | str) -> list[str]:
    """Groups and subgroups whose targets this user may set: a restricted user, those of
    its own subgroups (a group only when all of its subgroups are theirs)."""
    restriction = set(user.subgroup_codes) if isinstance(user, User) else set()
    if not restriction:
        return list(TARGET_KINDS)
    return [code for code in TARGET_KINDS if set(counted(code)) <= restriction]


def _owned(data: TargetData) -> tuple[str, str | None]:
    """(group, subgroup) of the target the data sets. A unit's people are all of the
    subgroup its kind gives, so its target is that subgroup's."""
    code = data.group_code
    if code in GROUPS:
        group, sub = code, None
    elif code in SUBGROUPS:
        group, sub = SUBGROUP_GROUP[code], code
    else:
        raise UnitError("Đối tượng không hợp lệ.")
    if sub == "cong_nhan":
        sub = None  # the worker group has this one subgroup: one target, the group's
    if data.unit is not None and data.unit.kind != "other":
        unit_group, unit_sub = UNIT_KIND_GROUPS[data.unit.kind]
        if group != unit_group or sub not in (None, unit_sub):
            raise UnitError(
                f"Đơn vị «{data.unit.name}» chỉ có {SUBGROUPS[unit_sub].lower()}: "
                "hãy giao chỉ tiêu cho đúng đối tượng đó."
            )
        sub = unit_sub if unit_group == "student" else None
    return group, sub


def _check_may_set(session: Session, user: User | str, data: TargetData) -> None:
    if not access.may(user, access.SET_TARGETS):
        raise UnitError("Chỉ cấp tỉnh và quản trị viên được giao chỉ tiêu.")
    if choice_of(data.group_code) not in allowed_kinds(user):
        raise UnitError("Bạn không được giao chỉ tiêu cho đối tượng này.")
    if (data.area is None) == (data.unit is None):
        raise UnitError("Chỉ tiêu giao cho một địa bàn hoặc một đơn vị.")
    if data.unit is not None and not may_see(session, user, Unit, data.unit.id):
        raise UnitError("Đơn vị này nằm ngoài phạm vi của bạn.")


def _owner(data: TargetData) -> ColumnElement[bool]:
    """The condition that finds the target of the area or the unit the data names."""
    if data.area is not None:
        return Target.area_id == data.area.id
    if data.unit is not None:
        return Target.unit_id == data.unit.id
    raise UnitError("Chỉ tiêu giao cho một địa bàn hoặc một đơn vị.")


def save_target(session: Session, user: User | str, data: TargetData) -> tuple[Target, bool]:
    """Set the target of an area or unit for a year and a group or subgroup;
    (target, created)."""
    _check_may_set(session, user, data)
    group, sub = _owned(data)
    target = session.scalar(
        select(Target).where(
            _owner(data),
            Target.year == data.year,
            Target.group_code == group,
            Target.subgroup.is_(None) if sub is None else Target.subgroup == sub,
        )
    )
    created = target is None
    before = None if target is None else audit.snapshot(target, TARGET_FIELDS)
    if target is None:
        target = Target(
            year=data.year, group_code=group, subgroup=sub, area=data.area, unit=data.unit
        )
        session.add(target)
    target.count = data.count
    session.flush()
    audit.record_saved(
        session, user, "target", target.id, before, audit.snapshot(target, TARGET_FIELDS)
    )
    return target, created


def may_change(user: User | str, target: Target) -> bool:
    """Whether the user may change or delete this target (one of its own subgroups')."""
    return access.may(user, access.SET_TARGETS) and target_kind(target) in allowed_kinds(user)


def delete_target(session: Session, user: User | str, target: Target) -> None:
    if not access.may(user, access.SET_TARGETS):
        raise UnitError("Chỉ cấp tỉnh và quản trị viên được giao chỉ tiêu.")
    if not may_change(user, target):
        raise UnitError("Bạn không được sửa chỉ tiêu của đối tượng này.")
    audit.delete_recorded(session, user, "target", target, TARGET_FIELDS)

"""Targets (chỉ tiêu kết nạp): setting them, and the number that applies to a period.

Rules: a period uses the target of the year that contains its end; an area's own target
wins over the sum of what lies below it (its units' targets and its sub-areas').
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from registry import access
from registry.domain.vocabulary import GROUPS, SUBGROUP_GROUP
from registry.models import Area, Target, Unit, User
from registry.services import audit
from registry.services.org.units import UnitError, may_see

TARGET_FIELDS = ["year", "group_code", "area_id", "unit_id", "count"]


def target_year(period_end: date | int) -> int:
    """The target year for a period: the year that contains its end."""
    return period_end.year if isinstance(period_end, date) else int(period_end)


def _groups(group: str | None) -> list[str]:
    return [group] if group else list(GROUPS)


def target_for(
    session: Session, owner: Area | Unit, year: date | int, group: str | None = None
) -> int | None:
    """The target of an area or unit for a year (or the period ending on a date).

    `group` None adds both groups. None means no target was set anywhere below.
    """
    if isinstance(owner, Unit):
        total = session.scalar(
            select(func.sum(Target.count)).where(
                Target.unit_id == owner.id,
                Target.year == target_year(year),
                Target.group_code.in_(_groups(group)),
            )
        )
        return int(total) if total is not None else None
    return targets_by_area(session, [owner], year, group)[owner.id]


def targets_by_area(
    session: Session, areas: Iterable[Area], year: date | int, group: str | None = None
) -> dict[int, int | None]:
    """Effective targets of several areas at once (three queries whatever their number)."""
    areas = list(areas)
    if not areas:
        return {}
    year = target_year(year)
    groups = _groups(group)
    subtree = or_(*(Area.path.startswith(a.path) for a in areas))
    parents = dict(session.execute(select(Area.id, Area.parent_id).where(subtree)).tuples().all())
    own: dict[tuple[int, str], int] = {}
    for area_id, code, total in session.execute(
        select(Target.area_id, Target.group_code, func.sum(Target.count))
        .join(Area, Area.id == Target.area_id)
        .where(subtree, Target.year == year, Target.group_code.in_(groups))
        .group_by(Target.area_id, Target.group_code)
    ):
        own[(area_id, code)] = int(total)
    of_units: dict[tuple[int, str], int] = {}
    for area_id, code, total in session.execute(
        select(Unit.area_id, Target.group_code, func.sum(Target.count))
        .join(Unit, Unit.id == Target.unit_id)
        .join(Area, Area.id == Unit.area_id)
        .where(subtree, Target.year == year, Target.group_code.in_(groups))
        .group_by(Unit.area_id, Target.group_code)
    ):
        of_units[(area_id, code)] = int(total)
    children: dict[int, list[int]] = defaultdict(list)
    for child, parent in parents.items():
        if parent in parents:
            children[parent].append(child)

    def effective(area_id: int, code: str) -> int | None:
        if (area_id, code) in own:
            return own[(area_id, code)]
        parts = [of_units.get((area_id, code))]
        parts += [effective(child, code) for child in children[area_id]]
        found = [p for p in parts if p is not None]
        return sum(found) if found else None

    result: dict[int, int | None] = {}
    for area in areas:
        per_group = [effective(area.id, code) for code in groups]
        found = [p for p in per_group if p is not None]
        result[area.id] = sum(found) if found else None
    return result


@dataclass
class TargetData:
    year: int
    group_code: str
    count: int
    area: Area | None = None
    unit: Unit | None = None


def allowed_groups(user: User | str) -> list[str]:
    """Groups whose targets this user may set (a restricted province user: theirs only)."""
    if not isinstance(user, User):
        return list(GROUPS)
    restriction = SUBGROUP_GROUP.get(user.subgroup or "") or user.group_code
    return [restriction] if restriction else list(GROUPS)


def _check_may_set(session: Session, user: User | str, data: TargetData) -> None:
    if not access.may(user, access.SET_TARGETS):
        raise UnitError("Chỉ cấp tỉnh và quản trị viên được giao chỉ tiêu.")
    if data.group_code not in allowed_groups(user):
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
    """Set the target of an area or unit for a year and group; (target, created)."""
    _check_may_set(session, user, data)
    owner = _owner(data)
    target = session.scalar(
        select(Target).where(owner, Target.year == data.year, Target.group_code == data.group_code)
    )
    created = target is None
    before = None if target is None else audit.snapshot(target, TARGET_FIELDS)
    if target is None:
        target = Target(year=data.year, group_code=data.group_code, area=data.area, unit=data.unit)
        session.add(target)
    target.count = data.count
    session.flush()
    audit.record_saved(
        session, user, "target", target.id, before, audit.snapshot(target, TARGET_FIELDS)
    )
    return target, created


def delete_target(session: Session, user: User | str, target: Target) -> None:
    if not access.may(user, access.SET_TARGETS):
        raise UnitError("Chỉ cấp tỉnh và quản trị viên được giao chỉ tiêu.")
    if target.group_code not in allowed_groups(user):
        raise UnitError("Bạn không được sửa chỉ tiêu của đối tượng này.")
    audit.delete_recorded(session, user, "target", target, TARGET_FIELDS)

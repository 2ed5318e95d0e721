"""Managing the area tree: create, rename, move, validity and successor; finding by code.

The tree's paths are kept right by area_paths.py (add_area, move_area); these functions
add the checks users need and write the audit log. A code is unique within its validity,
not for ever (DESIGN "Area"): one code may name an abolished area and the one that took
it over, so a code is looked up together with a day (`by_code`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.workdays import today_vn
from registry.models import Area, User
from registry.services import audit
from registry.services.org.area_paths import AreaError, add_area, move_area
from registry.services.org.values import RowError

AREA_FIELDS = ["code", "name", "level", "parent_id", "valid_from", "valid_to", "successor_id"]
AREA_FIELDS += ["disadvantaged", "path"]


@dataclass
class AreaData:
    code: str
    name: str
    level: str
    parent: Area | None
    valid_from: date | None = None
    valid_to: date | None = None
    successor: Area | None = None
    disadvantaged: bool = False


def _check_dates(data: AreaData) -> None:
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        raise AreaError("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")


def validity_text(valid_from: date | None, valid_to: date | None) -> str:
    """A validity in words: "từ 01/07/2025", "đến 30/06/2025", "không thời hạn"."""
    parts = []
    if valid_from is not None:
        parts.append(f"từ {valid_from:%d/%m/%Y}")
    if valid_to is not None:
        parts.append(f"đến {valid_to:%d/%m/%Y}")
    return " ".join(parts) or "không thời hạn"


def clash_message(code: str, other: Area) -> str:
    """Why a code cannot be used: the area holding it in the same time."""
    return (
        f"Mã địa bàn «{code}» đang là mã của «{other.name}» "
        f"(hiệu lực {validity_text(other.valid_from, other.valid_to)}); một mã chỉ dùng cho "
        "một địa bàn trong cùng thời gian hiệu lực. Hãy ghi ngày hết hiệu lực của địa bàn "
        "cũ trước, hoặc chọn mã khác."
    )


def _check_code_free(session: Session, data: AreaData, own_id: int | None) -> None:
    """Refuse a code another area holds on some day of this one's validity."""
    for other in session.scalars(
        select(Area).where(Area.code == data.code, Area.id != (own_id or 0))
    ):
        if other.overlaps(data.valid_from, data.valid_to):
            raise AreaError(clash_message(data.code, other))


def with_code(session: Session, code: str) -> list[Area]:
    """Every area that has held `code`, the latest validity first."""
    found = list(session.scalars(select(Area).where(Area.code == code)))
    return sorted(found, key=_recency, reverse=True)


def _recency(area: Area) -> tuple:
    return (area.valid_to is None, area.valid_to or date.min, area.valid_from or date.min)


def pick(areas: list[Area], day: date | None, today: date) -> Area | None:
    """Of the areas of one code: the one valid on `day`, else today, else the latest."""
    for when in (day, today):
        if when is not None:
            valid = [a for a in areas if a.is_valid_on(when)]
            if valid:
                return valid[0]
    return max(areas, key=_recency) if areas else None


def by_code(session: Session, code: str, day: date | None = None) -> Area | None:
    """The area of `code` valid on `day` (else today, else the latest to hold the code)."""
    return pick(with_code(session, code), day, today_vn())


def grouped_by_code(session: Session, *criteria) -> dict[str, list[Area]]:
    """Code → the areas that held it (meeting `criteria`), for `pick` row by row."""
    grouped: dict[str, list[Area]] = {}
    for area in session.scalars(select(Area).where(*criteria).order_by(Area.id)):
        grouped.setdefault(area.code, []).append(area)
    return grouped


def code_index(session: Session, day: date | None = None, *criteria) -> dict[str, Area]:
    """Code → area, each code resolved as `by_code` does (one query for a whole sheet)."""
    today = today_vn()
    found = grouped_by_code(session, *criteria).items()
    return {code: area for code, areas in found if (area := pick(areas, day, today))}


def create_area(session: Session, user: User | str, data: AreaData) -> Area:
    """Add an area under data.parent and record it."""
    _check_dates(data)
    _check_code_free(session, data, None)
    area = add_area(
        session, data.code, data.name, data.level, data.parent, data.valid_from, data.valid_to
    )
    area.successor = data.successor
    area.disadvantaged = data.disadvantaged
    session.flush()
    audit.record(session, user, "create", "area", area.id, after=audit.snapshot(area, AREA_FIELDS))
    return area


def update_area(session: Session, user: User | str, area: Area, data: AreaData) -> Area:
    """Rename, move, change validity or successor; the subtree's paths follow a move."""
    _check_dates(data)
    _check_code_free(session, data, area.id)
    if data.successor is not None and data.successor.id == area.id:
        raise AreaError("Một địa bàn không thể kế thừa chính nó.")
    before = audit.snapshot(area, AREA_FIELDS)
    new_parent_id = data.parent.id if data.parent else None
    if new_parent_id != area.parent_id:
        move_area(session, area, data.parent)
    area.code, area.name, area.level = data.code, data.name, data.level
    area.valid_from, area.valid_to = data.valid_from, data.valid_to
    area.successor_id = data.successor.id if data.successor else None
    area.disadvantaged = data.disadvantaged
    session.flush()
    old, new = audit.changed(before, audit.snapshot(area, AREA_FIELDS))
    if new:
        action = "move" if "parent_id" in new else "update"
        audit.record(session, user, action, "area", area.id, old, new)
    return area


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    cells_created: int = 0
    errors: list[RowError] = field(default_factory=list)


def current_areas_filter():
    """Areas valid today (not abolished): where new units and cells may be placed."""
    today = today_vn()
    return (Area.valid_to.is_(None) | (Area.valid_to >= today)) & (
        Area.valid_from.is_(None) | (Area.valid_from <= today)
    )

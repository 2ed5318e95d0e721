"""The area tree: creating and moving areas keeps every materialised path right."""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, func, literal, update
from sqlalchemy.orm import Session

from registry.models import Area
from registry.services import ServiceError


class AreaError(ServiceError, ValueError):
    """A change the tree cannot take; the message is for the user."""


def add_area(
    session: Session,
    code: str,
    name: str,
    level: str,
    parent: Area | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Area:
    """Create an area under `parent` (None: a root) with its path set."""
    area = Area(
        code=code,
        name=name,
        level=level,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        depth=(parent.depth + 1) if parent else 0,
    )
    session.add(area)
    session.flush()  # the id is part of the path
    area.path = f"{parent.path if parent else '/'}{area.id}/"
    return area


def move_area(session: Session, area: Area, new_parent: Area | None) -> None:
    """Put `area` under `new_parent`, rewriting the paths of its whole subtree."""
    if new_parent is not None and new_parent.path.startswith(area.path):
        raise AreaError("Không thể chuyển một địa bàn vào chính nó hoặc địa bàn cấp dưới của nó.")
    old_path = area.path
    new_path = f"{new_parent.path if new_parent else '/'}{area.id}/"
    depth_shift = ((new_parent.depth + 1) if new_parent else 0) - area.depth
    session.execute(
        update(Area)
        .where(Area.path.startswith(old_path))
        .values(
            path=literal(new_path, String).concat(func.substr(Area.path, len(old_path) + 1)),
            depth=Area.depth + depth_shift,
        )
        .execution_options(synchronize_session=False)
    )
    area.parent_id = new_parent.id if new_parent else None
    session.flush()
    session.expire_all()

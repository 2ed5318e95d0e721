"""The choices of the candidate list's filter form: areas, units and cells in the scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from registry.domain.textutil import fold
from registry.models import Area, PartyCell, Unit, User
from registry.scoping import scope_filter
from registry.services.candidates.filtering import CandidateFilters
from registry.services.candidates.selection import area_units

# A select of more units or cells than this is no help and costs the page (a province
# of 2,000 units: 20 ms and 200 KB per page); past it, an area must be chosen first.
CHOICES_MAX = 300


@dataclass
class FilterChoices:
    areas: list[tuple[int, str]]  # indented by depth, tree order
    units: list[tuple[int, str]]
    cells: list[tuple[int, str]]
    # False when the scope (or the chosen area) holds more than CHOICES_MAX of them: the
    # list then holds only the chosen one, and the page asks for an area first.
    all_units: bool = True
    all_cells: bool = True


def _limited(session: Session, stmt: Select, model, chosen: int | None):
    """(id, name) rows of stmt, up to CHOICES_MAX; past it only the chosen row."""
    rows = [tuple(r) for r in session.execute(stmt.limit(CHOICES_MAX + 1)).all()]
    if len(rows) <= CHOICES_MAX:
        return rows, True
    if chosen is None:
        return [], False
    return [tuple(r) for r in session.execute(stmt.where(model.id == chosen)).all()], False


def filter_choices(
    session: Session, user: User, today: date, filters: CandidateFilters | None = None
) -> FilterChoices:
    """The areas (current ones, as a tree), units and cells the user may filter by; units
    and cells within the chosen area."""
    f = filters or CandidateFilters()
    areas = session.execute(
        select(Area.id, Area.name, Area.parent_id)
        .where(scope_filter(user, Area))
        .where(or_(Area.valid_to.is_(None), Area.valid_to >= today))
    ).all()
    by_parent: dict[int | None, list] = {}
    ids = {a.id for a in areas}
    for a in areas:
        by_parent.setdefault(a.parent_id if a.parent_id in ids else None, []).append(a)
    ordered: list[tuple[int, str]] = []

    def walk(parent: int | None, depth: int) -> None:
        for a in sorted(by_parent.get(parent, []), key=lambda a: fold(a.name)):
            ordered.append((a.id, "\u2003" * depth + a.name))
            walk(a.id, depth + 1)

    walk(None, 0)
    units = select(Unit.id, Unit.name).where(scope_filter(user, Unit))
    cells = select(PartyCell.id, PartyCell.name).where(scope_filter(user, PartyCell))
    if f.area:
        units = units.where(Unit.id.in_(area_units(f.area)))
        top = select(Area.path).where(Area.id == f.area).scalar_subquery()
        subtree = select(Area.id).where(Area.path.startswith(top, autoescape=False))
        cells = cells.where(PartyCell.area_id.in_(subtree))
    unit_rows, all_units = _limited(session, units.order_by(Unit.name_key, Unit.id), Unit, f.unit)
    cell_rows, all_cells = _limited(
        session, cells.order_by(PartyCell.name_key, PartyCell.id), PartyCell, f.cell
    )
    return FilterChoices(ordered, unit_rows, cell_rows, all_units, all_cells)

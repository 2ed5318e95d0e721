"""Units (schools, enterprises) and party cells: create, edit, link; moving candidates.

The functions check the scope themselves (a CLI actor, given as a string, has full
scope) so a view that forgot a check still cannot write outside the user's scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.textutil import fold
from registry.domain.vocabulary import group_for_unit_kind
from registry.models import Area, Candidate, PartyCell, Unit, User
from registry.scoping import in_scope
from registry.services import ServiceError, audit

UNIT_FIELDS = ["code", "name", "kind", "area_id", "cell_id", "tax_code", "address", "active"]
CELL_FIELDS = ["name", "area_id", "kind", "parent_org", "active"]
TRANSFER_FIELDS = ["unit_id", "cell_id", "group_code", "subgroup"]


class UnitError(ServiceError, ValueError):
    """A change that can't be made; the message is for the user."""


def may_see(session: Session, user: User | str, model: type, ident: int | None) -> bool:
    """Whether the actor's scope holds this row (a CLI actor, a string, holds everything)."""
    if ident is None:
        return True
    return not isinstance(user, User) or in_scope(session, user, model, ident)


@dataclass
class UnitData:
    code: str
    name: str
    kind: str
    area: Area
    cell: PartyCell | None = None
    tax_code: str | None = None
    address: str | None = None
    active: bool = True


def save_unit(session: Session, user: User | str, data: UnitData, unit: Unit | None = None) -> Unit:
    """Create a unit (unit=None) or update one; both recorded in the audit log."""
    other = session.scalar(select(Unit.id).where(Unit.code == data.code))
    if other is not None and (unit is None or other != unit.id):
        raise UnitError(f"Mã đơn vị «{data.code}» đã có.")
    if not may_see(session, user, Area, data.area.id):
        raise UnitError("Địa bàn này nằm ngoài phạm vi của bạn.")
    if data.cell is not None and not may_see(session, user, PartyCell, data.cell.id):
        raise UnitError("Chi bộ này nằm ngoài phạm vi của bạn.")
    before = audit.snapshot(unit, UNIT_FIELDS) if unit is not None else None
    target = unit or Unit()
    target.code, target.name, target.name_key = data.code, data.name, fold(data.name)
    target.kind, target.area, target.cell = data.kind, data.area, data.cell
    target.tax_code, target.address, target.active = data.tax_code, data.address, data.active
    if unit is None:
        session.add(target)
    session.flush()
    if not may_see(session, user, Unit, target.id):
        # e.g. an officer limited to students adding an enterprise
        raise UnitError("Loại đơn vị này nằm ngoài phạm vi của bạn.")
    audit.record_saved(
        session, user, "unit", target.id, before, audit.snapshot(target, UNIT_FIELDS)
    )
    return target


@dataclass
class CellData:
    name: str
    area: Area
    kind: str = "co_so"
    parent_org: str | None = None
    active: bool = True
    units: list[Unit] = field(default_factory=list)


def save_cell(
    session: Session, user: User | str, data: CellData, cell: PartyCell | None = None
) -> PartyCell:
    """Create or update a party cell and set the units it looks after (within scope)."""
    key = fold(data.name)
    clash = session.scalar(
        select(PartyCell.id).where(PartyCell.area_id == data.area.id, PartyCell.name_key == key)
    )
    if clash is not None and (cell is None or clash != cell.id):
        raise UnitError(f"Địa bàn {data.area.name} đã có chi bộ «{data.name}».")
    if not may_see(session, user, Area, data.area.id):
        raise UnitError("Địa bàn này nằm ngoài phạm vi của bạn.")
    before = audit.snapshot(cell, CELL_FIELDS) if cell is not None else None
    target = cell or PartyCell()
    target.name, target.name_key, target.area = data.name, key, data.area
    target.kind = data.kind
    target.parent_org = data.parent_org if data.kind == "truc_thuoc" else None
    target.active = data.active
    if cell is None:
        session.add(target)
    session.flush()
    old_units, new_units = _link_units(session, user, target, data.units)
    after = audit.snapshot(target, CELL_FIELDS)
    if before is None:
        after["units"] = new_units
        audit.record(session, user, "create", "cell", target.id, after=after)
    else:
        old, new = audit.changed(before, after)
        if old_units != new_units:
            old["units"], new["units"] = old_units, new_units
        if new:
            audit.record(session, user, "update", "cell", target.id, old, new)
    return target


def _link_units(session: Session, user, cell: PartyCell, units: list[Unit]):
    """Point the chosen units at the cell; units it no longer looks after lose it."""
    current = list(session.scalars(select(Unit).where(Unit.cell_id == cell.id)))
    old_codes = sorted(u.code for u in current)
    chosen = {u.id for u in units}
    for unit in units:
        if not may_see(session, user, Unit, unit.id):
            raise UnitError(f"Đơn vị «{unit.name}» nằm ngoài phạm vi của bạn.")
        unit.cell = cell
    for unit in current:
        # Units this user can't see stay where they are.
        if unit.id not in chosen and may_see(session, user, Unit, unit.id):
            unit.cell = None
    session.flush()
    new_codes = sorted(session.scalars(select(Unit.code).where(Unit.cell_id == cell.id)))
    return old_codes, new_codes


def transfer_candidate(
    session: Session,
    user: User | str,
    candidate: Candidate,
    new_unit: Unit,
    new_cell: PartyCell | None = None,
) -> Candidate:
    """Move a candidate to another unit and cell, keeping every past event as it was.

    StageEvent rows keep the unit and cell of their time, so past figures never move; only
    the candidate's current unit, cell and group change. The user's scope must hold both
    the candidate and the destination (an admin's holds everything).
    """
    if not may_see(session, user, Candidate, candidate.id):
        raise UnitError("Quần chúng này nằm ngoài phạm vi của bạn.")
    if not may_see(session, user, Unit, new_unit.id):
        raise UnitError("Đơn vị chuyển đến nằm ngoài phạm vi của bạn.")
    cell = new_cell if new_cell is not None else new_unit.cell
    if cell is not None and not may_see(session, user, PartyCell, cell.id):
        raise UnitError("Chi bộ chuyển đến nằm ngoài phạm vi của bạn.")
    if candidate.unit_id == new_unit.id and candidate.cell_id == (cell.id if cell else None):
        raise UnitError("Quần chúng đã thuộc đơn vị và chi bộ này.")
    before = audit.snapshot(candidate, TRANSFER_FIELDS)
    candidate.unit = new_unit
    candidate.cell = cell
    # A student who leaves school for an enterprise becomes a worker from now on.
    candidate.group_code, candidate.subgroup = group_for_unit_kind(new_unit.kind)
    session.flush()
    old, new = audit.changed(before, audit.snapshot(candidate, TRANSFER_FIELDS))
    audit.record(session, user, "transfer", "candidate", candidate.id, old, new)
    return candidate

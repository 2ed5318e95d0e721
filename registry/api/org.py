"""Areas, units and cells in the caller's scope (read only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from registry import access
from registry.api import schemas
from registry.api.frame import ApiBlueprint, caller, require
from registry.extensions import db
from registry.models import Area, PartyCell, Unit
from registry.scoping import get_in_scope, scoped

blp = ApiBlueprint("org_api", __name__, description="Địa bàn, đơn vị, chi bộ trong phạm vi")


def _in_area(stmt: Select, area_column: Any, args: dict) -> Select:
    """Rows of the area given (and the areas under it), which must be in scope (404)."""
    if "area" not in args:
        return stmt
    area = get_in_scope(db.session(), caller(), Area, args["area"])
    subtree = select(Area.id).where(Area.path.startswith(area.path))
    return stmt.where(area_column.in_(subtree))


def _browse() -> None:
    require(access.BROWSE_ORG)


@blp.route("/areas")
@blp.arguments(schemas.OrgListArgs, location="query", as_kwargs=False)
@blp.response(200, schemas.AreaList)
def areas(args: dict):
    """Địa bàn trong phạm vi, theo mã."""
    _browse()
    stmt = _in_area(scoped(caller(), Area), Area.id, args)
    return {"items": db.session().scalars(stmt.order_by(Area.path, Area.id)).all()}


@blp.route("/areas/<int:area_id>")
@blp.response(200, schemas.AreaSchema)
def area(area_id: int):
    """Một địa bàn."""
    _browse()
    return get_in_scope(db.session(), caller(), Area, area_id)


@blp.route("/units")
@blp.arguments(schemas.OrgListArgs, location="query", as_kwargs=False)
@blp.response(200, schemas.UnitList)
def units(args: dict):
    """Đơn vị (trường, doanh nghiệp) trong phạm vi."""
    _browse()
    stmt = _in_area(scoped(caller(), Unit), Unit.area_id, args)
    return {"items": db.session().scalars(stmt.order_by(Unit.name_key, Unit.id)).all()}


@blp.route("/units/<int:unit_id>")
@blp.response(200, schemas.UnitSchema)
def unit(unit_id: int):
    """Một đơn vị."""
    _browse()
    return get_in_scope(db.session(), caller(), Unit, unit_id)


@blp.route("/cells")
@blp.arguments(schemas.OrgListArgs, location="query", as_kwargs=False)
@blp.response(200, schemas.CellList)
def cells(args: dict):
    """Chi bộ trong phạm vi."""
    _browse()
    stmt = _in_area(scoped(caller(), PartyCell), PartyCell.area_id, args)
    return {"items": db.session().scalars(stmt.order_by(PartyCell.name_key, PartyCell.id)).all()}


@blp.route("/cells/<int:cell_id>")
@blp.response(200, schemas.CellSchema)
def cell(cell_id: int):
    """Một chi bộ."""
    _browse()
    return get_in_scope(db.session(), caller(), PartyCell, cell_id)

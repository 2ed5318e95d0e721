"""Units list (the blueprint's index); the other pages are in views_*.py beside it."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from forms.units import UploadForm
from registry import access
from registry.domain.textutil import fold
from registry.domain.vocabulary import ENTERPRISE_KINDS, PARTY_ORG_KINDS, UNIT_KINDS
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import Area, PartyCell, Unit
from registry.scoping import scope_filter
from registry.services.org.surveys import latest_surveys_select
from registry.units import bp, helpers


def _unit_filters(stmt, latest, area_id: int | None):
    args = request.args
    if area_id is not None:
        area_path = db.session.scalar(select(Area.path).where(Area.id == area_id))
        stmt = stmt.where(Unit.area_id.in_(select(Area.id).where(Area.path.startswith(area_path))))
    if args.get("kind") in UNIT_KINDS:
        stmt = stmt.where(Unit.kind == args["kind"])
    elif args.get("kind") == "enterprise":
        stmt = stmt.where(Unit.kind.in_(ENTERPRISE_KINDS))
    elif args.get("kind") == "school":
        stmt = stmt.where(Unit.kind.not_in(ENTERPRISE_KINDS))
    has_party = args.get("party")
    if has_party in ("yes", "no"):
        with_org = latest.c.party_org.is_not(None) & (latest.c.party_org != "none")
        stmt = stmt.where(
            Unit.kind.in_(ENTERPRISE_KINDS), with_org if has_party == "yes" else ~with_org
        )
    if args.get("status") != "all":
        stmt = stmt.where(Unit.active.is_(args.get("status") != "inactive"))
    q = (args.get("q") or "").strip()
    if q:
        stmt = stmt.where(
            or_(
                Unit.name_key.contains(fold(q), autoescape=True),
                Unit.code == q,
                Unit.tax_code.startswith(q, autoescape=True),
            )
        )
    return stmt


@bp.route("/")
@login_required
def index():
    """Units in scope with their area, cell and the latest survey's figures."""
    user = current_user
    area_id = helpers.scoped_id_arg(db.session(), user, Area, "area")
    latest = latest_surveys_select(user, today_vn()).subquery()
    stmt = (
        select(
            Unit,
            Area.name.label("area_name"),
            PartyCell.name.label("cell_name"),
            latest.c.party_org,
            latest.c.workers,
            latest.c.party_members,
            latest.c.survey_date,
        )
        .join(Area, Area.id == Unit.area_id)
        .outerjoin(PartyCell, PartyCell.id == Unit.cell_id)
        .outerjoin(latest, latest.c.unit_id == Unit.id)
        .where(scope_filter(user, Unit))
        .order_by(Unit.name_key, Unit.id)
    )
    stmt = _unit_filters(stmt, latest, area_id)
    page = helpers.paginate(db.session(), stmt)
    return render_template(
        "units/index.html",
        page=page,
        areas=helpers.area_choices(db.session(), user, blank="Tất cả địa bàn"),
        area_id=area_id,
        unit_kinds=UNIT_KINDS,
        party_org_kinds=PARTY_ORG_KINDS,
        enterprise_kinds=ENTERPRISE_KINDS,
        may_manage=access.may(user, access.MANAGE_UNITS),
        upload_form=UploadForm(),
        args=request.args,
    )

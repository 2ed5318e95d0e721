"""Organisations (the bodies users work for): list, create, change (admins only).

Their report settings (header lines, signer, style) are edited on the reports'
settings page (services/reports/headings); here, what an organisation is.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.domain.textutil import clean_text
from registry.domain.vocabulary import DOCUMENT_STYLES, SUBGROUPS
from registry.models import Area, Organisation, User
from registry.services import ServiceError, audit

FIELDS = [
    "code",
    "name",
    "style",
    "issuer_code",
    "area_id",
    "subgroups",
    "active",
    "opens_rounds",
    "email",
]


class OrganisationError(ServiceError, ValueError):
    """A change refused; the message is for the user."""


@dataclass
class OrganisationData:
    code: str
    name: str
    style: str = "state"
    issuer_code: str = ""
    area: Area | None = None
    subgroups: tuple[str, ...] = ()
    active: bool = True
    opens_rounds: bool | None = None  # None: the default (province-level bodies open rounds)
    email: str = ""


def all_organisations(session: Session, *, active_only: bool = False) -> list[Organisation]:
    stmt = select(Organisation).order_by(Organisation.name, Organisation.id)
    if active_only:
        stmt = stmt.where(Organisation.active.is_(True))
    return list(session.scalars(stmt))


def find_organisation(session: Session, code: str) -> Organisation | None:
    """By code, in any case (the command line's --org)."""
    return session.scalar(
        select(Organisation).where(func.lower(Organisation.code) == code.strip().lower())
    )


def members(session: Session, organisation: Organisation) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(User).where(User.organisation_id == organisation.id)
        )
        or 0
    )


def _apply(session: Session, organisation: Organisation, data: OrganisationData) -> None:
    code, name = clean_text(data.code).upper(), clean_text(data.name)
    if not code or not name:
        raise OrganisationError("Cần có mã và tên cơ quan, tổ chức.")
    other = find_organisation(session, code)
    if other is not None and other.id != organisation.id:
        raise OrganisationError(f"Mã «{code}» đã dùng cho {other.name}.")
    if data.style not in DOCUMENT_STYLES:
        raise OrganisationError("Thể thức văn bản không hợp lệ.")
    unknown = [s for s in data.subgroups if s not in SUBGROUPS]
    if unknown:
        raise OrganisationError(f"Đối tượng không hợp lệ: {', '.join(unknown)}.")
    organisation.code = code
    organisation.name = name
    organisation.style = data.style
    organisation.issuer_code = clean_text(data.issuer_code).upper()
    organisation.area = data.area
    organisation.subgroups = ",".join(s for s in SUBGROUPS if s in data.subgroups)
    organisation.active = data.active
    organisation.opens_rounds = data.opens_rounds
    organisation.email = clean_text(data.email)


def create_organisation(
    session: Session, admin: User | str, data: OrganisationData
) -> Organisation:
    organisation = Organisation(
        issuing_body="",
        place="",
        signer_title="",
        signer_name="",
        preparer_name="",
        form_code="",
    )
    _apply(session, organisation, data)
    session.add(organisation)
    session.flush()
    audit.record(
        session,
        admin,
        "create",
        "organisation",
        organisation.id,
        after=audit.snapshot(organisation, FIELDS),
    )
    return organisation


def update_organisation(
    session: Session, admin: User | str, organisation: Organisation, data: OrganisationData
) -> Organisation:
    before = audit.snapshot(organisation, FIELDS)
    _apply(session, organisation, data)
    session.flush()
    old, new = audit.changed(before, audit.snapshot(organisation, FIELDS))
    if new:
        audit.record(session, admin, "update", "organisation", organisation.id, old, new)
    return organisation

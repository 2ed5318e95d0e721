"""What reports print around their tables (header block, place, signatures), per issuer.

The issuer of a download is the downloader's organisation (DESIGN "Organisation"),
whatever area the report covers: a report Sở GD&ĐT downloads for one commune still
carries Sở GD&ĐT's header. What the organisation leaves blank, and everything for an
account that belongs to no organisation, falls back to a default made from the area
names (the province's department, or the commune's People's Committee).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from exports import ReportMeta
from registry.domain.periods import Period
from registry.domain.textutil import clean_text, fold
from registry.domain.vocabulary import DOCUMENT_STYLES
from registry.domain.workdays import today_vn
from registry.models import Area, Organisation, User
from registry.services import audit

STYLES = DOCUMENT_STYLES
# Level words that a place name leaves out ("Tỉnh Lào Cai" → "Lào Cai").
_LEVEL_WORDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Tỉnh", "Xã")


@dataclass
class ReportSettings:
    issuing_body: list[str]
    place: str
    signer_title: str = ""
    signer_name: str = ""
    preparer_name: str = ""
    style: str = "state"
    form_code: str = ""
    addressee: str = ""  # the narrative report's "Kính gửi"
    recipients: str = ""  # its "Nơi nhận", one per line
    issuer_code: str = ""  # the issuer's abbreviation in the number: "Số:    /BC-UBND"


FIELDS = tuple(f.name for f in fields(ReportSettings))


def issuer_area_id(user: User | None) -> int | None:
    """Whose settings a user's downloads carry: an area officer's area, else the province's."""
    if user is not None and user.role == "area":
        return user.area_id
    return None


def root_area(session: Session) -> Area | None:
    """The province: the root of the area tree valid today (after a merger the merged
    province, not the former ones kept as history), else the one valid the latest."""
    today = today_vn()
    roots = list(session.scalars(select(Area).where(Area.parent_id.is_(None)).order_by(Area.id)))
    current = [a for a in roots if a.is_valid_on(today)]
    if current or not roots:
        return current[0] if current else None
    return max(roots, key=lambda a: a.valid_to or date.max)


def place_name(area: Area | None) -> str:
    """The place in "Lào Cai, ngày …": the area's name without its level word."""
    if area is None:
        return ""
    name = area.name.strip()
    for word in _LEVEL_WORDS:
        if fold(name).startswith(fold(word) + " "):
            return name[len(word) :].strip()
    return name


def _upper_province(area: Area | None) -> str:
    if area is None:
        return "UBND TỈNH"
    name = area.name.strip()
    has_level = fold(name).startswith(("tinh ", "thanh pho "))
    return f"UBND {name.upper()}" if has_level else f"UBND TỈNH {name.upper()}"


def defaults(session: Session, area_id: int | None, body: str = "SỞ NỘI VỤ") -> ReportSettings:
    """The header of an issuer that set nothing: a province department (area_id None,
    `body` naming it) or a commune's People's Committee."""
    if area_id is None:
        root = root_area(session)
        return ReportSettings(
            issuing_body=[_upper_province(root), body],
            place=place_name(root),
            signer_title="GIÁM ĐỐC",
            issuer_code="SNV",
        )
    area = session.get(Area, area_id)
    name = area.name.upper() if area is not None else ""
    return ReportSettings(
        issuing_body=[f"UBND {name}".strip()],
        place=place_name(area),
        signer_title="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        issuer_code="UBND",
    )


def _default_for(session: Session, organisation: Organisation | None, user: User | None):
    if organisation is None:
        return defaults(session, issuer_area_id(user))
    area = organisation.area
    if area is not None and area.parent_id is not None:
        return defaults(session, area.id)
    settings = defaults(session, None, organisation.name.upper())
    settings.issuer_code = ""  # the department's own mark, never Sở Nội vụ's
    return settings


def settings_of(
    session: Session, organisation: Organisation | None, user: User | None = None
) -> ReportSettings:
    """An organisation's settings, defaults filling what it left blank (None: the
    defaults of the user's scope)."""
    settings = _default_for(session, organisation, user)
    if organisation is None:
        return settings
    lines = [line.strip() for line in organisation.issuing_body.split("\n") if line.strip()]
    if lines:
        settings.issuing_body = lines
    settings.style = organisation.style if organisation.style in STYLES else "state"
    for name in (
        "place", "signer_title", "signer_name", "preparer_name", "form_code", "addressee",
        "recipients", "issuer_code",
    ):  # fmt: skip
        value = getattr(organisation, name)
        if value:
            setattr(settings, name, value)
    return settings


def load_settings(session: Session, user: User | None) -> ReportSettings:
    """What the user's downloads carry: their organisation's settings."""
    return settings_of(session, user.organisation if user is not None else None, user)


def _as_text(name: str, value: object) -> str:
    if name == "issuing_body":
        lines = value if isinstance(value, list) else str(value).split("\n")
        return "\n".join(clean_text(line) for line in lines if clean_text(line))
    if name in ("signer_title", "recipients"):
        return "\n".join(clean_text(line) for line in str(value).split("\n") if clean_text(line))
    return clean_text(str(value or ""))


def save_settings(
    session: Session, user: User | str, organisation: Organisation, data: ReportSettings
) -> None:
    """Store an organisation's settings (the caller has checked the user may edit them)."""
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for name, value in asdict(data).items():
        text = _as_text(name, value)
        if name == "style" and text not in STYLES:
            text = "state"
        if getattr(organisation, name) != text:
            before[name], after[name] = getattr(organisation, name), text
            setattr(organisation, name, text)
    session.flush()
    if after:
        audit.record(session, user, "update", "organisation", organisation.id, before, after)


def report_meta(
    session: Session,
    user: User | None,
    title: str,
    period: Period,
    area: Area,
    today: date,
) -> ReportMeta:
    """The ReportMeta of a report the user downloads (or the command line makes)."""
    settings = load_settings(session, user)
    return ReportMeta(
        title=title,
        period_from=period.start,
        period_to=period.end,
        period_label=period.label,
        area_name=area.name,
        place=settings.place,
        report_date=today,
        issuing_body=settings.issuing_body,
        style=settings.style,
        form_code=settings.form_code or None,
        issuer_code=settings.issuer_code,
        preparer_name=settings.preparer_name,
        signer_title=settings.signer_title,
        signer_name=settings.signer_name,
    )

"""What reports print around their tables (header block, place, signatures), per issuer.

Stored in the Setting table under "report.<field>": province-wide values (area_id NULL)
for admins and province users, an area's own values for that area's officers. Each is
the issuer of what it downloads, whatever area the report covers: a report the
Department of Home Affairs downloads for one commune still carries its own header.
Anything not set falls back to a default made from the area names.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from exports import ReportMeta
from registry.domain.periods import Period
from registry.domain.textutil import clean_text, fold
from registry.models import Area, Setting, User
from registry.services import audit

PREFIX = "report."
STYLES = {"state": "Văn bản hành chính (Nghị định 30/2020)", "party": "Văn bản của Đảng"}
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
    issuer_code: str = ""  # the issuer's abbreviation in the number: "Số:    /BC-UBND"


FIELDS = tuple(f.name for f in fields(ReportSettings))


def issuer_area_id(user: User | None) -> int | None:
    """Whose settings a user's downloads carry: an area officer's area, else the province's."""
    if user is not None and user.role == "area":
        return user.area_id
    return None


def root_area(session: Session) -> Area | None:
    """The province: the root of the area tree (the first one if there are several)."""
    return session.scalar(select(Area).where(Area.parent_id.is_(None)).order_by(Area.id).limit(1))


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


def defaults(session: Session, area_id: int | None) -> ReportSettings:
    if area_id is None:
        root = root_area(session)
        return ReportSettings(
            issuing_body=[_upper_province(root), "SỞ NỘI VỤ"],
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


def _stored(session: Session, area_id: int | None) -> dict[str, str]:
    owner = Setting.area_id.is_(None) if area_id is None else Setting.area_id == area_id
    rows = session.execute(
        select(Setting.key, Setting.value).where(owner, Setting.key.startswith(PREFIX))
    ).all()
    return {key[len(PREFIX) :]: value for key, value in rows}


def load_settings(session: Session, area_id: int | None) -> ReportSettings:
    """The settings of an issuer (None: province-wide), defaults filling the gaps."""
    settings = defaults(session, area_id)
    for name, value in _stored(session, area_id).items():
        if name == "issuing_body":
            lines = [line.strip() for line in value.split("\n") if line.strip()]
            if lines:
                settings.issuing_body = lines
        elif name == "style":
            settings.style = value if value in STYLES else "state"
        elif name in FIELDS:
            setattr(settings, name, value)
    return settings


def _as_text(name: str, value: object) -> str:
    if name == "issuing_body":
        lines = value if isinstance(value, list) else str(value).split("\n")
        return "\n".join(clean_text(line) for line in lines if clean_text(line))
    if name == "signer_title":
        return "\n".join(clean_text(line) for line in str(value).split("\n") if clean_text(line))
    return clean_text(str(value or ""))


def save_settings(
    session: Session, user: User | str, area_id: int | None, data: ReportSettings
) -> None:
    """Store an issuer's settings (the caller has checked the user may edit them)."""
    owner = Setting.area_id.is_(None) if area_id is None else Setting.area_id == area_id
    existing = {
        s.key: s
        for s in session.scalars(select(Setting).where(owner, Setting.key.startswith(PREFIX)))
    }
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    for name, value in asdict(data).items():
        text = _as_text(name, value)
        row = existing.get(PREFIX + name)
        if row is None:
            session.add(Setting(key=PREFIX + name, area_id=area_id, value=text))
            after[name] = text
        elif row.value != text:
            before[name], after[name] = row.value, text
            row.value = text
    session.flush()
    if after:
        audit.record(session, user, "update", "report_settings", area_id, before, after)


def report_meta(
    session: Session,
    user: User | None,
    title: str,
    period: Period,
    area: Area,
    today: date,
) -> ReportMeta:
    """The ReportMeta of a report the user downloads (or the command line makes)."""
    settings = load_settings(session, issuer_area_id(user))
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

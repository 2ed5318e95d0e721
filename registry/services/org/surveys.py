"""Enterprise surveys (Chỉ thị 33 facts): dated snapshots, the latest one on a date, imports."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session, aliased

from registry.domain.vocabulary import ENTERPRISE_KINDS
from registry.domain.workdays import fmt_date
from registry.models import EnterpriseSurvey, Unit, User
from registry.scoping import scope_filter
from registry.services import audit
from registry.services.org.units import UnitError, may_see

SURVEY_FIELDS = [
    "unit_id",
    "survey_date",
    "operating",
    "workers",
    "party_org",
    "party_members",
    "party_members_held",
    "owner_is_member",
    "has_trade_union",
    "trade_union_members",
    "has_youth_union",
    "youth_union_members",
    "note",
]


@dataclass
class SurveyData:
    survey_date: date
    operating: bool = True
    workers: int = 0
    party_org: str = "none"
    party_members: int = 0
    party_members_held: int = 0
    owner_is_member: bool = False
    has_trade_union: bool = False
    trade_union_members: int = 0
    has_youth_union: bool = False
    youth_union_members: int = 0
    note: str | None = None


def survey_problems(data: SurveyData) -> dict[str, str]:
    """Figures that contradict each other, by field (shared by the form and the import)."""
    problems: dict[str, str] = {}
    if data.party_members_held > data.party_members:
        problems["party_members_held"] = (
            "Số đảng viên sinh hoạt tại doanh nghiệp không thể lớn hơn số đảng viên làm việc ở đó."
        )
    elif data.party_members_held and data.party_org == "none":
        problems["party_members_held"] = (
            "Doanh nghiệp chưa có tổ chức đảng thì không có đảng viên sinh hoạt tại đó."
        )
    if data.party_members > data.workers:
        problems["party_members"] = "Số đảng viên không thể lớn hơn số lao động."
    if data.trade_union_members and not data.has_trade_union:
        problems["trade_union_members"] = "Có đoàn viên công đoàn thì phải có tổ chức công đoàn."
    if data.youth_union_members and not data.has_youth_union:
        problems["youth_union_members"] = "Có đoàn viên thanh niên thì phải có tổ chức Đoàn."
    return problems


def save_survey(
    session: Session,
    user: User | str,
    unit: Unit,
    data: SurveyData,
    survey: EnterpriseSurvey | None = None,
) -> EnterpriseSurvey:
    """Add a survey of `unit` (survey=None) or correct one; one survey per unit and date."""
    if unit.kind not in ENTERPRISE_KINDS:
        raise UnitError("Chỉ doanh nghiệp, hợp tác xã mới có phiếu khảo sát Chỉ thị 33.")
    if not may_see(session, user, Unit, unit.id):
        raise UnitError("Đơn vị này nằm ngoài phạm vi của bạn.")
    problems = survey_problems(data)
    if problems:
        raise UnitError(next(iter(problems.values())))
    clash = session.scalar(
        select(EnterpriseSurvey.id).where(
            EnterpriseSurvey.unit_id == unit.id, EnterpriseSurvey.survey_date == data.survey_date
        )
    )
    if clash is not None and (survey is None or clash != survey.id):
        raise UnitError(f"Đơn vị đã có phiếu khảo sát ngày {fmt_date(data.survey_date)}.")
    before = audit.snapshot(survey, SURVEY_FIELDS) if survey is not None else None
    target = survey or EnterpriseSurvey(unit_id=unit.id)
    for name, value in asdict(data).items():
        setattr(target, name, value)
    if survey is None:
        if isinstance(user, User):
            target.created_by_id = user.id
        session.add(target)
    session.flush()
    audit.record_saved(
        session, user, "survey", target.id, before, audit.snapshot(target, SURVEY_FIELDS)
    )
    return target


def delete_survey(session: Session, user: User | str, survey: EnterpriseSurvey) -> None:
    if not may_see(session, user, EnterpriseSurvey, survey.id):
        raise UnitError("Phiếu khảo sát này nằm ngoài phạm vi của bạn.")
    audit.delete_recorded(session, user, "survey", survey, SURVEY_FIELDS)


def latest_survey_on(on_date: date) -> ColumnElement[bool]:
    """EnterpriseSurvey is its unit's latest survey on or before `on_date` (a correlated
    MAX over the (unit_id, survey_date) unique index). No scope: join the unit and apply
    scope_filter(user, Unit), or use latest_surveys_select."""
    earlier = aliased(EnterpriseSurvey)
    latest_date = (
        select(func.max(earlier.survey_date))
        .where(earlier.unit_id == EnterpriseSurvey.unit_id, earlier.survey_date <= on_date)
        .correlate(EnterpriseSurvey)
        .scalar_subquery()
    )
    return EnterpriseSurvey.survey_date == latest_date


def latest_surveys_select(user: User, on_date: date) -> Select:
    """SELECT of each unit's latest survey on or before `on_date`, within the user's scope.

    One statement (latest_survey_on). Use it as it is, or `.subquery()` it and join Unit
    to aggregate, e.g. by area and kind.
    """
    return select(EnterpriseSurvey).where(
        latest_survey_on(on_date), scope_filter(user, EnterpriseSurvey)
    )


def latest_surveys(session: Session, user: User, on_date: date) -> list[EnterpriseSurvey]:
    """Each enterprise's latest survey on or before `on_date` (one query)."""
    return list(session.scalars(latest_surveys_select(user, on_date)))


def existing_surveys(session: Session, unit_ids: set[int]) -> dict:
    """Stored surveys of these units by (unit_id, survey_date), in one query."""
    if not unit_ids:
        return {}
    found = session.scalars(select(EnterpriseSurvey).where(EnterpriseSurvey.unit_id.in_(unit_ids)))
    return {(s.unit_id, s.survey_date): s for s in found}

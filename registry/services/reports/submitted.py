"""Submitted reports: kept as sent (workbook and figures), flagged when their period changes.

A report counts an event where it happened and a person where they are now, so a change
to an event touches the reports on the areas holding either unit: their ancestors, and
the older areas they replaced (a report on an old district covers the new communes that
map back to it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, Row, or_, select, update
from sqlalchemy.orm import Session

from registry import access
from registry.domain.report_kinds import SUBMITTABLE
from registry.models import Area, SubmittedReport, Unit, User
from registry.scoping import scope_filter
from registry.services import audit
from registry.services.reports.workbooks import Export, ReportError, ReportRequest

LIST_LIMIT = 100


def submit_report(
    session: Session, user: User, request: ReportRequest, export: Export
) -> SubmittedReport:
    """Keep the workbook and figures of a report the user sends."""
    if not access.may(user, access.SUBMIT_REPORTS):
        raise ReportError("Tài khoản của bạn không được nộp báo cáo.")
    if request.report not in SUBMITTABLE or export.figures is None:
        raise ReportError("Danh sách chi tiết không nộp như một báo cáo.")
    submitted = SubmittedReport(
        report=request.report,
        period_from=request.period.start,
        period_to=request.period.end,
        area_id=request.area.id,
        group_code=request.group,
        submitted_by_id=user.id,
        workbook=export.data(),
        figures={"request": request.describe(), **export.figures},
    )
    session.add(submitted)
    session.flush()
    audit.record(
        session, user, "submit", "submitted_report", submitted.id, None, request.describe()
    )
    return submitted


# (report, area name, sender's username, sender's full name); the outer joins leave the
# names None where the report has no area or no sender recorded.
SubmittedLine = Row[tuple[SubmittedReport, str, str, str]]


def submitted_reports(
    session: Session, user: User, limit: int = LIST_LIMIT
) -> Sequence[SubmittedLine]:
    """The latest submitted reports the user may see, with their area and sender."""
    stmt = (
        select(SubmittedReport, Area.name, User.username, User.full_name)
        .outerjoin(Area, Area.id == SubmittedReport.area_id)
        .outerjoin(User, User.id == SubmittedReport.submitted_by_id)
        .where(scope_filter(user, SubmittedReport))
        .order_by(SubmittedReport.submitted_at.desc(), SubmittedReport.id.desc())
        .limit(limit)
    )
    return session.execute(stmt).all()


def _covering_areas(session: Session, area_ids: set[int]) -> set[int]:
    """The areas whose reports count something of these areas: themselves, their
    ancestors, and the areas they replaced with the ancestors of those."""
    paths = session.scalars(
        select(Area.path).where(or_(Area.id.in_(area_ids), Area.successor_id.in_(area_ids)))
    )
    return {int(part) for path in paths for part in path.strip("/").split("/") if part}


def flag_submitted_reports(
    session: Session,
    event_date: date | Iterable[date],
    area_ids: Iterable[int | None],
    unit_ids: Iterable[int | None] = (),
) -> int:
    """Flag the submitted reports whose period holds `event_date` (one date or several, e.g.
    before and after a correction) and whose area covers one of the areas (or the areas of
    the units) given; returns how many were flagged."""
    dates = [event_date] if isinstance(event_date, date) else list(event_date)
    if not dates:
        return 0
    in_period = or_(
        *(
            (SubmittedReport.period_from <= day) & (SubmittedReport.period_to >= day)
            for day in dates
        )
    )
    # Most events fall in no submitted period: one small query, and nothing more to do.
    probe = select(SubmittedReport.id).where(SubmittedReport.flagged.is_(False), in_period)
    if session.scalar(probe.limit(1)) is None:
        return 0
    ids = {int(i) for i in area_ids if i is not None}
    units = [int(u) for u in unit_ids if u is not None]
    if units:
        ids.update(session.scalars(select(Unit.area_id).where(Unit.id.in_(units))))
    if not ids:
        return 0
    covering = _covering_areas(session, ids)
    # A bulk UPDATE answers a CursorResult, which alone carries the matched row count.
    result = cast(
        CursorResult[Any],
        session.execute(
            update(SubmittedReport)
            .where(
                SubmittedReport.flagged.is_(False),
                in_period,
                or_(SubmittedReport.area_id.is_(None), SubmittedReport.area_id.in_(covering)),
            )
            .values(flagged=True)
            .execution_options(synchronize_session="fetch")
        ),
    )
    return result.rowcount or 0


def flag_for_changed_events(session: Session, *, dates, unit_ids, **_) -> None:
    """Receiver of signals.stage_events_changed: an event recorded, corrected or undone
    inside a submitted period flags the reports it changes."""
    flag_submitted_reports(session, dates, (), unit_ids)

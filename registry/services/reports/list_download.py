"""The candidate list downloaded as it is filtered on the list page.

The same builder and columns as the detail list (every canonical column, the full CCCD),
the rows from the list's own query with the list's filters, so the file holds exactly the
people the list shows. A download of personal data: each one goes to the audit log with
its filters and the number of rows.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from exports import CandidateList, build
from registry.domain.periods import Period
from registry.domain.refdata import ethnicity_names
from registry.domain.vocabulary import GENDERS, GROUPS, STAGE_LABELS, SUBGROUPS
from registry.models import Area, PartyCell, Unit, User
from registry.services import audit
from registry.services.candidates.filtering import ETHNIC_GROUPS, STATUSES, CandidateFilters
from registry.services.reports.detail_list import RowCounter, stream_rows
from registry.services.reports.headings import report_meta
from registry.services.reports.workbooks import LIST_TITLE, Export, ReportError, default_area

# Filters that change the order or the page of the list, not who is on it.
_VIEW_ONLY = ("sort", "desc", "per_page", "cursor", "count")


def describe_filters(session: Session, filters: CandidateFilters) -> str:
    """The filters in words, for the line under the title."""
    parts: list[str] = []
    if filters.q:
        parts.append(f"tìm “{filters.q}”")
    area = session.get(Area, filters.area) if filters.area else None
    unit = session.get(Unit, filters.unit) if filters.unit else None
    cell = session.get(PartyCell, filters.cell) if filters.cell else None
    for word, row in (("địa bàn", area), ("đơn vị", unit), ("chi bộ", cell)):
        if row is not None:
            parts.append(f"{word} {row.name}")
    labels = (
        (filters.stage, STAGE_LABELS, "giai đoạn"),
        (filters.status, STATUSES, "tình trạng"),
        (filters.group, GROUPS, "đối tượng"),
        (filters.subgroup, SUBGROUPS, "đối tượng"),
        (filters.gender, GENDERS, "giới tính"),
    )
    for value, names, word in labels:
        if value:
            parts.append(f"{word} {names.get(value, value)}")
    if filters.ethnicity:
        names = {**ETHNIC_GROUPS, **ethnicity_names()}
        parts.append(f"dân tộc {names.get(filters.ethnicity, filters.ethnicity)}")
    if filters.source_year:
        parts.append(f"vào danh sách nguồn năm {filters.source_year}")
    if filters.reached:
        span = ""
        if filters.reached_from:
            span += f" từ ngày {filters.reached_from:%d/%m/%Y}"
        if filters.reached_to:
            span += f" đến ngày {filters.reached_to:%d/%m/%Y}"
        parts.append(f"{STAGE_LABELS[filters.reached].lower()}{span}")
    if not parts:
        return "Toàn bộ danh sách trong phạm vi của người tải."
    return "Lọc theo: " + "; ".join(parts) + "."


def _period(filters: CandidateFilters, today: date) -> tuple[Period, bool]:
    """The span the list's stage filter gives, else the download day (a state as at)."""
    if filters.reached and (filters.reached_from or filters.reached_to):
        start = filters.reached_from or filters.reached_to or today
        end = filters.reached_to or today
        if start <= end:
            return Period(start, end), False
    return Period(today, today), True


def list_export(session: Session, user: User, filters: CandidateFilters, today: date) -> Export:
    """The workbook of the list as filtered (the caller has checked the filters' scope)."""
    area = session.get(Area, filters.area) if filters.area else None
    area = area or default_area(session, user)
    if area is None:
        raise ReportError("Chưa có địa bàn nào: hãy nạp danh mục địa bàn trước.")
    period, as_at = _period(filters, today)
    meta = replace(report_meta(session, user, LIST_TITLE, period, area, today), as_at=as_at)
    counter = RowCounter()
    rows = stream_rows(session, user, filters, counter)
    stream = build("candidates", CandidateList(meta, rows, describe_filters(session, filters)))
    return Export(stream, None, counter.count)


def log_list_export(
    session: Session, user: User, filters: CandidateFilters, export: Export
) -> None:
    """The audit entry of a list download: who, which filters, how many people."""
    shown = {k: v for k, v in filters.to_args().items() if k not in _VIEW_ONLY}
    audit.record(
        session, user, "export", "candidate_list", None, None, {**shown, "rows": export.rows}
    )

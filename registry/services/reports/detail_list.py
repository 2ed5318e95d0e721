"""The detail list: the candidate list's filters, every canonical column, streamed.

The rows come from the list's own query (candidate_list.build_query, so the download
holds exactly what the list shows), read through a server-side cursor in batches and
handed one by one to the write-only builder: memory stays flat whatever the length.
The CCCD is written in full (the download is logged).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from exports import CandidateList, ReportMeta
from registry.domain.dossier import MEMBER, format_vote
from registry.domain.periods import Period
from registry.domain.refdata import ethnicity_names, religion_names
from registry.domain.vocabulary import EXIT_REASONS, GENDERS, STAGE_LABELS, SUBGROUPS
from registry.models import Area, Candidate, DossierItem, Introducer, PartyCell, Unit, User
from registry.services.candidates.filtering import CandidateFilters
from registry.services.candidates.selection import build_query
from registry.services.reports.states import on_list_in


class ListRequest(Protocol):
    """What the detail list reads of a report request (workbooks.ReportRequest)."""

    @property
    def period(self) -> Period: ...
    @property
    def area(self) -> Area: ...
    @property
    def group(self) -> str | None: ...
    @property
    def reached(self) -> str | None: ...


BATCH = 2000
COLUMNS = (
    Candidate.full_name,
    Candidate.birth_date,
    Candidate.gender,
    Candidate.ethnicity,
    Candidate.religion,
    Candidate.id_number,
    Candidate.hometown,
    Candidate.education,
    Candidate.subgroup,
    Unit.code,
    Unit.name,
    PartyCell.name,
    Candidate.youth_union_date,
    Candidate.trade_union,
    Candidate.trained_date,
    Candidate.certificate_no,
    Candidate.cell_resolution_date,
    Candidate.decision_date,
    Candidate.decision_no,
    Candidate.admitted_date,
    Candidate.full_member_date,
    Candidate.note,
    Candidate.source_date,
    Candidate.dossier_date,
    Candidate.committee_resolution_date,
    Candidate.class_or_job,
    Candidate.helpers,
    Candidate.introducers,
    Candidate.exited_date,
    Candidate.exit_reason,
    Candidate.id,  # for the dossier columns, read a batch at a time; not written
)
# Codes the list shows as labels (the import reads the labels back to the same codes).
_GENDER, _ETHNICITY, _RELIGION, _SUBGROUP, _REASON = 2, 3, 4, 8, 29


_NO_DOSSIER = (None,) * 9


def dossier_columns(session: Session, ids: list[int]) -> dict[int, tuple]:
    """The introducer and vote columns of these candidates (one batch), in the
    canonical order: the first two member introducers by date (name, introduction,
    full membership, months together), and the latest cell resolution's vote "18/20"."""
    intros: dict[int, list[tuple]] = {}
    members = (
        select(
            Introducer.candidate_id,
            Introducer.name,
            Introducer.day,
            Introducer.full_member_since,
            Introducer.months_together,
        )
        .where(Introducer.candidate_id.in_(ids), Introducer.kind == MEMBER)
        .order_by(Introducer.day, Introducer.id)
    )
    for ident, *values in session.execute(members).tuples():
        intros.setdefault(ident, []).append(tuple(values))
    votes: dict[int, str] = {}
    resolutions = (
        select(DossierItem.candidate_id, DossierItem.votes_for, DossierItem.votes_total)
        .where(
            DossierItem.candidate_id.in_(ids),
            DossierItem.kind == "cell_resolution",
        )
        .order_by(DossierItem.day, DossierItem.id)
    )
    for ident, votes_for, votes_total in session.execute(resolutions).tuples():
        if votes_for is not None and votes_total is not None:
            votes[ident] = format_vote(votes_for, votes_total)  # the latest stays
    found: dict[int, tuple] = {}
    for ident in intros.keys() | votes.keys():
        two = [*intros.get(ident, [])[:2], *[(None,) * 4] * 2][:2]
        found[ident] = (*two[0], *two[1], votes.get(ident))
    return found


@dataclass
class RowCounter:
    count: int = 0


def filters_for(request: ListRequest, is_root: bool) -> CandidateFilters:
    """The list filters a report request stands for."""
    group = request.group if request.group in ("student", "worker") else None
    subgroup = request.group if request.group in SUBGROUPS else None
    values: dict = {"group": group, "subgroup": subgroup}
    if not is_root:
        values["area"] = request.area.id
    if request.reached:
        values.update(
            reached=request.reached,
            reached_from=request.period.start,
            reached_to=request.period.end,
        )
    return CandidateFilters(**values)


def candidate_statement(user: User, filters: CandidateFilters, period: Period | None = None):
    """The list's query with the canonical columns, in unit and name order; with a
    `period`, only the people on the list at some time in it."""
    query = build_query(user, filters)
    if period is not None:
        query = query.where(*on_list_in(period))
    return (
        query.with_only_columns(*COLUMNS, maintain_column_froms=False)
        .select_from(Candidate)
        .join(Unit, Unit.id == Candidate.unit_id)
        .outerjoin(PartyCell, PartyCell.id == Candidate.cell_id)
        # The (unit_id, sort_key, id) index gives this order without sorting.
        .order_by(Candidate.unit_id, Candidate.sort_key, Candidate.id)
    )


def stream_rows(
    session: Session,
    user: User,
    filters: CandidateFilters,
    counter: RowCounter,
    period: Period | None = None,
) -> Iterator[tuple]:
    """Rows in CANDIDATE_HEADERS order (without STT), read in batches from the database."""
    statement = candidate_statement(user, filters, period).execution_options(
        stream_results=True, yield_per=BATCH
    )
    ethnicities, religions = ethnicity_names(), religion_names()
    result = session.execute(statement)
    try:
        for batch in result.partitions(BATCH):
            dossiers = dossier_columns(session, [row[-1] for row in batch])
            for row in batch:
                counter.count += 1
                yield _row(row, ethnicities, religions, dossiers.get(row[-1], _NO_DOSSIER))
    finally:
        result.close()


def _row(row, ethnicities: dict, religions: dict, dossier: tuple) -> tuple:
    """A read row as the list writes it: codes as their labels, the dossier columns last."""
    values = list(row[:-1])
    values[_GENDER] = GENDERS.get(values[_GENDER], values[_GENDER])
    values[_ETHNICITY] = ethnicities.get(values[_ETHNICITY], values[_ETHNICITY])
    values[_RELIGION] = religions.get(values[_RELIGION], values[_RELIGION])
    values[_SUBGROUP] = SUBGROUPS.get(values[_SUBGROUP], values[_SUBGROUP])
    values[_REASON] = EXIT_REASONS.get(values[_REASON], values[_REASON])
    return (*values, *dossier)


def holding_note(period: Period) -> str:
    """Who the detail list of a period holds (states.on_list_in), in the user's words."""
    return (
        "Gồm những người có tên trong danh sách vào một thời điểm trong kỳ: vào danh sách "
        f"nguồn đến ngày {period.end:%d/%m/%Y}, không ra khỏi danh sách và chưa là đảng viên "
        f"chính thức trước ngày {period.start:%d/%m/%Y}."
    )


def candidate_list(
    session: Session, user: User, request: ListRequest, meta: ReportMeta
) -> tuple[CandidateList, RowCounter]:
    is_root = request.area.parent_id is None
    filters = filters_for(request, is_root)
    counter = RowCounter()
    if request.reached:
        # The stage filter says who the list holds: those who reached it in the period.
        note, period = f"{STAGE_LABELS[request.reached]} trong kỳ", None
    else:
        note, period = holding_note(request.period), request.period
    rows = stream_rows(session, user, filters, counter, period)
    return CandidateList(meta, rows, filter_note=note), counter

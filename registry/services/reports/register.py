"""`register`: a party cell's register (sổ theo dõi quần chúng ưu tú) for a period.

One statement reads the people of the cells asked for who were on the list at some time in
the period (states.on_list_in), each with their stage dates and the cell's notes; a stage
dated after the period end is left blank, so the register of a past year reads as that
year's book. Each cell heads its own sheet (party style: the cell issues its register).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from exports import REGISTER_FIELDS, RegisterBook, RegisterSheet, ReportMeta
from registry.domain.periods import Period
from registry.domain.refdata import ethnicity_names, religion_names
from registry.domain.textutil import fold
from registry.domain.vocabulary import EXIT_REASONS, GENDERS, Stage
from registry.models import Area, Candidate, PartyCell, StageEvent, Unit, User
from registry.scoping import scope_filter
from registry.services.reports.headings import place_name
from registry.services.reports.states import on_list_in

TITLE = "Sổ theo dõi quần chúng ưu tú"
NOTE = (
    "Gồm những người có tên trong danh sách của chi bộ vào một thời điểm trong kỳ; "
    "các bước ghi đến ngày cuối kỳ."
)
_DATES = {
    "youth_union_date",
    "source_date",
    "trained_date",
    "dossier_date",
    "cell_resolution_date",
    "committee_resolution_date",
    "decision_date",
    "admitted_date",
    "full_member_date",
    "exited_date",
}
# What goes with a stage's date: blank too when the stage came after the period.
_WITH_DATE = {
    "certificate_no": "trained_date",
    "decision_no": "decision_date",
    "exit_reason": "exited_date",
}


def _certificate(end: date, column):
    """The date or number of a person's latest certificate dated by `end` (a certificate
    renewed after the period replaces the stored one, not the one held in it)."""
    latest = aliased(StageEvent)
    return (
        select(column(latest))
        .where(
            latest.candidate_id == Candidate.id,
            latest.stage == Stage.TRAINED.value,
            latest.event_date <= end,
        )
        .order_by(latest.event_date.desc(), latest.sequence.desc(), latest.id.desc())
        .limit(1)
        .correlate(Candidate)
        .scalar_subquery()
    )


def _columns(end: date) -> tuple:
    special = {
        "unit": Unit.name,
        "trained_date": _certificate(end, lambda e: e.event_date),
        "certificate_no": _certificate(end, lambda e: e.document_no),
    }
    return tuple(special[f] if f in special else getattr(Candidate, f) for f in REGISTER_FIELDS)


def cells_for(session: Session, user: User, area: Area, cell: PartyCell | None) -> list[PartyCell]:
    """The cell asked for, or every cell in scope of the area's subtree, by name."""
    if cell is not None:
        return [cell]
    subtree = select(Area.id).where(Area.path.startswith(area.path))
    cells = session.scalars(
        select(PartyCell).where(PartyCell.area_id.in_(subtree), scope_filter(user, PartyCell))
    )
    return sorted(cells, key=lambda c: (fold(c.name), c.id))


def cell_meta(cell: PartyCell, meta: ReportMeta) -> ReportMeta:
    """The heading of a cell's own register: the cell under its party organisation."""
    area = cell.area
    above = cell.parent_org or f"Đảng bộ {area.name}"
    name = cell.name if fold(cell.name).startswith("chi bo") else f"Chi bộ {cell.name}"
    return replace(
        meta,
        title=TITLE,
        area_name=area.name,
        place=place_name(area),
        issuing_body=(above.upper(), name.upper()),
        style="party",
        form_code=None,
        issuer_code="",
        numbered=False,
        unit_of_measure="",
        preparer_title="Người ghi sổ",
        preparer_name="",
        signer_title="T/M CHI BỘ\nBÍ THƯ",
        signer_name="",
    )


def _row(values: Sequence[object], end: date, labels: dict[str, dict[str, str]]) -> tuple:
    by_field = dict(zip(REGISTER_FIELDS, values, strict=True))
    for field in _DATES:
        day = by_field[field]
        if isinstance(day, date) and day > end:
            by_field[field] = None
    for field, day_field in _WITH_DATE.items():
        if by_field[day_field] is None:
            by_field[field] = None
    for field, names in labels.items():
        code = by_field[field]
        if isinstance(code, str):
            by_field[field] = names.get(code, code)
    return tuple(by_field[field] for field in REGISTER_FIELDS)


def register_rows(
    session: Session, user: User, cells: Sequence[PartyCell], period: Period
) -> dict[int, list[tuple]]:
    """The rows of each cell's register, in unit and Vietnamese name order."""
    statement = (
        select(Candidate.cell_id, *_columns(period.end))
        .join(Unit, Unit.id == Candidate.unit_id)
        .where(
            Candidate.cell_id.in_([c.id for c in cells]),
            scope_filter(user, Candidate),
            *on_list_in(period),
        )
        .order_by(Candidate.cell_id, Unit.name_key, Unit.id, Candidate.sort_key, Candidate.id)
    )
    labels = {
        "gender": GENDERS,
        "ethnicity": ethnicity_names(),
        "religion": religion_names(),
        "exit_reason": EXIT_REASONS,
    }
    rows: dict[int, list[tuple]] = defaultdict(list)
    for cell_id, *values in session.execute(statement):
        rows[cell_id].append(_row(values, period.end, labels))
    return rows


def register_book(
    session: Session,
    user: User,
    period: Period,
    area: Area,
    cell: PartyCell | None,
    meta: ReportMeta,
) -> RegisterBook:
    cells = cells_for(session, user, area, cell)
    rows = register_rows(session, user, cells, period)
    sheets = [RegisterSheet(cell_meta(c, meta), rows.get(c.id, []), name=c.name) for c in cells]
    return RegisterBook(replace(meta, title=TITLE), sheets)

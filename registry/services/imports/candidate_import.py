"""Importing a candidate list: preload lookups, parse, classify, commit in one transaction.

parse_file (registry.spreadsheet) reads and validates rows without a database; this module
gives it the units and cells of the importer's scope (one query each), matches the rows
with stored candidates in bulk (import_match) and writes a committed batch with Core
executemany statements (import_write). Functions flush, never commit: the request or the
CLI command commits once, or rolls back when ImportRefused is raised.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask import current_app, has_app_context
from sqlalchemy import case, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, selectinload

from registry.domain.vocabulary import STAGE_DATE_COLUMNS
from registry.domain.workdays import today_vn
from registry.models import Candidate, ImportBatch, PartyCell, Unit, User
from registry.models._types import text_width, utcnow
from registry.services import ServiceError, audit
from registry.services.imports import batch_file, dossier_rows
from registry.services.imports.match import (
    Classifier,
    Matcher,
    RowPlan,
    chunks,
    new_row_events,
    scope_of,
)
from registry.services.imports.writer import lock_imports, unmapped, write_batch
from registry.services.rounds.locks import PeriodLocked, active_locks, check_unlocked
from registry.settings import rule_settings
from registry.spreadsheet import (
    CellRef,
    DictLookups,
    Issue,
    Limits,
    ParseResult,
    UnitRef,
    parse_file,
    unit_code_key,
)
from registry.spreadsheet.book import ALL_SHEETS, parse_book
from registry.spreadsheet.normalise import is_blank

Progress = Callable[[int], None]
# Free-text columns and their widths: a longer cell is cut with a warning, never lost
# silently, and never fails the whole transaction at the database.
_WIDTHS = {
    name: text_width(Candidate, name)
    for name in ("full_name", "hometown", "education", "class_or_job", "helpers", "introducers")
}
_WIDTHS.update(certificate_no=60, decision_no=60, religion_text=100)


class ImportRefused(ServiceError):
    """Rows failed: nothing was written (the caller rolls back)."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(f"{result.counts['errors']} dòng lỗi")
        self.result = result


class ImportAlreadyDone(ServiceError):
    """The batch was committed (or rolled back) meanwhile, by another tab or person."""

    message = "Lần nhập này đã được ghi hoặc hoàn tác; hãy tải tệp lên lại nếu cần."


@dataclass
class ImportResult:
    parse: ParseResult
    plans: list[RowPlan] = field(default_factory=list)
    batch: ImportBatch | None = None

    @property
    def counts(self) -> dict[str, int]:
        actions = {"new": 0, "updated": 0, "unchanged": 0}
        for plan in self.plans:
            if plan.action in actions and not plan.row.errors:
                actions[plan.action] += 1
        rows = len(self.parse.rows)
        valid = sum(actions.values())
        return {"rows": rows, "valid": valid, **actions, "errors": rows - valid}

    @property
    def errors(self) -> list[Issue]:
        return self.parse.errors

    @property
    def warnings(self) -> list[Issue]:
        return self.parse.warnings

    def action_of(self, row_number: int) -> str:
        for plan in self.plans:
            if plan.row.row_number == row_number:
                return "error" if plan.row.errors else plan.action
        return "error"

    def as_dict(self) -> dict[str, object]:
        """The CLI's JSON object (DESIGN "CLI")."""
        counts = self.counts
        return {
            "rows": counts["rows"],
            "valid": counts["valid"],
            "new": counts["new"],
            "updated": counts["updated"],
            "unchanged": counts["unchanged"],
            "errors": [i.as_dict() for i in self.errors],
            "warnings": [i.as_dict() for i in self.warnings],
        }


def limits() -> Limits:
    """The reader's limits from the settings (README "Configuration"); every upload and
    command that reads a spreadsheet uses these."""
    if not has_app_context():
        return Limits()
    config = current_app.config
    default = Limits()
    return Limits(
        max_rows=config.get("IMPORT_MAX_ROWS", default.max_rows),
        max_cols=config.get("IMPORT_MAX_COLS", default.max_cols),
        max_cells=config.get("IMPORT_MAX_CELLS", default.max_cells),
        grid_cells=config.get("IMPORT_GRID_CELLS", default.grid_cells),
        sparse_ratio=config.get("IMPORT_SPARSE_RATIO", default.sparse_ratio),
        memory_mb=config.get("IMPORT_READ_MEMORY_MB", default.memory_mb),
        seconds=config.get("IMPORT_READ_SECONDS", default.seconds),
    )


def build_lookups(session: Session, user: User | None) -> DictLookups:
    """Units and cells for the pipeline: those in scope, and the names and codes of the
    others so that a row naming one reads `out_of_scope`, not `unknown_unit`."""
    unit_visible = case((scope_of(user, Unit), 1), else_=0)
    units, other_codes, other_names, unit_cells = [], [], [], set()
    stmt = select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.cell_id, unit_visible)
    for ident, code, name, kind, cell_id, visible in session.execute(stmt).tuples():
        if visible:
            units.append(UnitRef(ident, code, name, kind, cell_id))
            unit_cells.add(cell_id)
        else:
            other_codes.append(code)
            other_names.append(name)
    cell_visible = case((scope_of(user, PartyCell), 1), else_=0)
    cells, other_cells = [], []
    stmt = select(PartyCell.id, PartyCell.name, PartyCell.kind, cell_visible)
    for ident, name, kind, visible in session.execute(stmt).tuples():
        if visible or ident in unit_cells:
            # The cell that looks after a unit in scope is the unit's, wherever it sits.
            cells.append(CellRef(ident, name, kind))
        else:
            other_cells.append(name)
    return DictLookups(
        units,
        cells,
        other_unit_codes=other_codes,
        other_unit_names=other_names,
        other_cell_names=other_cells,
    )


def find_unit(lookups: DictLookups, code: str) -> UnitRef | None:
    """The unit for the CLI's --unit CODE, if it is in scope."""
    found = lookups.unit(unit_code_key(code), None)
    return found if isinstance(found, UnitRef) else None


def parse(
    session: Session,
    user: User | None,
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    override: Mapping[int, str | None] | None = None,
    unit: UnitRef | None = None,
    lookups: DictLookups | None = None,
    today: date | None = None,
    sheets: Sequence[str] = (),
    overrides: Mapping[str, Mapping[int, str | None]] | None = None,
) -> ParseResult:
    """parse_file with the importer's lookups and the rule settings; ReadError when the
    file can't be read. `sheet` ALL_SHEETS, or several `sheets`, read as one batch
    (`overrides`: header signature → the mapping confirmed for it)."""
    if sheet == ALL_SHEETS or len(sheets) > 1:
        return parse_book(
            data,
            filename,
            sheets,
            all_sheets=sheet == ALL_SHEETS,
            overrides=overrides,
            lookups=lookups or build_lookups(session, user),
            today=today or today_vn(),
            default_unit=unit,
            limits=limits(),
            settings=rule_settings(),
        )
    if sheets:
        sheet = sheets[0]
    return parse_file(
        data,
        filename,
        sheet=sheet,
        mapping_override=override,
        lookups=lookups or build_lookups(session, user),
        today=today or today_vn(),
        default_unit=unit,
        limits=limits(),
        settings=rule_settings(),
    )


def _fit(row) -> None:
    values = row.values
    for name, width in _WIDTHS.items():
        value = values.get(name)
        if value is not None and len(value) > width:
            row.values[name] = value[:width].rstrip()
            row.warnings.append(
                row.issue(
                    name,
                    "too_long",
                    f"Nội dung dài quá {width} ký tự, chỉ giữ phần đầu: «{value[:40]}…».",
                )
            )


def _filled(parsed: ParseResult, field: str) -> set[tuple[str, int]]:
    """Keys of the rows whose cell in this field's column is not blank."""
    found: set[tuple[str, int]] = set()
    for part in parsed.parts or [parsed]:
        columns = part.columns or part.header.columns
        column = next((c for c, name in columns.items() if name == field), None)
        if column is None or part.source is None:
            continue
        sheet = part.sheet if parsed.parts else ""
        found.update(
            (sheet, number)
            for number, cells in part.source.rows
            if column < len(cells) and not is_blank(cells[column])
        )
    return found


def classify(
    session: Session,
    user: User | None,
    parsed: ParseResult,
    *,
    today: date | None = None,
    progress: Progress = lambda _n: None,
) -> ImportResult:
    """Decide what each valid row does; rows that clash with stored records get errors.

    Drops parsed.source (the raw sheet) once it has read what it needs from it.
    """
    explicit = _filled(parsed, "group")
    # The raw sheet is not needed any more (the error workbook reads the stored file):
    # letting it go keeps a 100,000-row commit well under its memory budget.
    parsed.source = None
    for part in parsed.parts:
        part.source = None
    ok = [r for r in parsed.rows if not r.errors]
    for row in ok:
        _fit(row)
    with unmapped(session.connection()):
        plans = _plans(session, user, parsed, ok, explicit, today, progress)
    _refuse_locked(session, plans)
    return ImportResult(parsed, plans)


def _plans(
    session: Session,
    user: User | None,
    parsed: ParseResult,
    ok: list,
    explicit: set[tuple[str, int]],
    today: date | None,
    progress: Progress,
) -> list[RowPlan]:
    """What each row does, the valid ones (`ok`) matched against the stored records."""
    matcher = Matcher(session, user)
    matched = matcher.match(ok)
    classifier = Classifier(
        today or today_vn(), rule_settings(), matcher.committee_cells(), user, explicit
    )
    plans = []
    dossier = dossier_rows.carries_dossier(ok)
    for chunk in chunks(parsed.rows):
        # Stored records are read a chunk at a time, so memory stays flat however long
        # the list is.
        stored = matcher.load((matched[r.key] for r in chunk if r.key in matched), dossier)
        for row in chunk:
            plan = RowPlan(row)
            plans.append(plan)
            if row.errors:
                continue
            ident = matched.get(row.key)
            if ident is None:
                classifier.new(plan)
            else:
                plan.candidate_id = ident
                classifier.update(plan, stored[ident])
        progress(len(chunk))
    return plans


def _refuse_locked(session: Session, plans: list[RowPlan]) -> None:
    """A row whose new events fall in a period approved in a reporting round fails with
    `locked_period` on that date's cell (the same check as the stage form)."""
    locks = active_locks(session)
    if not locks:
        return
    writing = [p for p in plans if p.action in ("new", "updated") and not p.row.errors]
    unit_ids = list({p.unit_id for p in writing if p.unit_id is not None})
    units = {
        u.id: u
        for chunk in chunks(unit_ids)
        for u in session.scalars(
            select(Unit).where(Unit.id.in_(chunk)).options(selectinload(Unit.area))
        )
    }
    for plan in writing:
        unit = units.get(plan.unit_id) if plan.unit_id is not None else None
        if unit is None:
            continue
        values = plan.row.values
        group = values.get("subgroup") or values.get("group")
        events = plan.events if plan.action == "updated" else new_row_events(values)
        for event in events:
            try:
                check_unlocked(session, unit, group, event.date, locks=locks)  # type: ignore[arg-type]  # a code or None
            except PeriodLocked as locked:
                column = STAGE_DATE_COLUMNS[event.stage]
                if event.stage == "source" and "source_date" not in values:
                    column = next(
                        (c for s, c in STAGE_DATE_COLUMNS.items() if values.get(c) == event.date),
                        column,
                    )
                plan.row.errors.append(Issue(plan.row.row_number, column, locked.code, str(locked)))
                plan.action = "error"
                break


def new_batch(
    session: Session,
    user: User | None,
    data: bytes,
    filename: str,
    status: str = "previewed",
) -> ImportBatch:
    """A batch of candidates holding the file, its checksum and who brought it."""
    return batch_file.new_batch(session, user, "candidates", filename, data, status)


def store_counts(batch: ImportBatch, result: ImportResult) -> None:
    counts = result.counts
    batch.sheet = ALL_SHEETS if result.parse.parts else result.parse.sheet
    batch.rows = counts["rows"]
    batch.new, batch.updated, batch.unchanged = (
        counts["new"],
        counts["updated"],
        counts["unchanged"],
    )
    batch.error_count = counts["errors"]
    batch.errors = [i.as_dict() for i in result.errors]


def commit(
    session: Session,
    user: User | None,
    parsed: ParseResult,
    *,
    batch: ImportBatch | None = None,
    data: bytes | None = None,
    filename: str = "",
    progress: Progress = lambda _n: None,
) -> ImportResult:
    """Write a parsed list in the current transaction, or raise ImportRefused.

    The rows are matched again under the import lock, so two imports of the same list
    can't both add its people. `batch` is the previewed batch (web); without it one is
    made from `data` (CLI).
    """
    # Read and written without mmap on SQLite, as while matching (`unmapped`).
    with unmapped(session.connection()):
        lock_imports(session.connection())
        if batch is not None:
            _claim(session, batch)
        result = classify(session, user, parsed, progress=progress)
        if result.counts["errors"]:
            raise ImportRefused(result)
        if batch is None:
            batch = new_batch(session, user, data or b"", filename, status="committed")
        now = utcnow()
        store_counts(batch, result)
        batch.status, batch.committed_at = "committed", now
        session.flush()
        write_batch(
            session.connection(),
            result.plans,
            batch.id,
            user.id if user is not None else None,
            now,
            progress,
        )
        _check_scope(session, user, batch, result)
        counts = result.counts
        progress(counts["unchanged"])  # nothing to write for them: the bar still fills
        audit.record(
            session,
            user if user is not None else audit.COMMAND_LINE,
            "import",
            "import_batch",
            batch.id,
            None,
            {
                "file": batch.filename,
                **{k: counts[k] for k in ("rows", "new", "updated", "unchanged")},
            },
        )
        session.flush()
        result.batch = batch
        return result


def _claim(session: Session, batch: ImportBatch) -> None:
    """Mark a previewed batch committed, or raise ImportAlreadyDone.

    Read under the import lock, as one conditional UPDATE (which also locks the row):
    of two commits of one batch from two tabs, the second finds it done instead of
    writing it again as all "unchanged".
    """
    claimed: CursorResult = session.execute(  # type: ignore[assignment]  # an UPDATE's result is a CursorResult
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.status == "previewed")
        .values(status="committed")
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise ImportAlreadyDone(batch.id)


def _check_scope(session: Session, user: User | None, batch: ImportBatch, result) -> None:
    """A last guard with the one scoping function: every written record stays visible."""
    if user is None:
        return
    ids = [p.candidate_id for p in result.plans if p.action in ("new", "updated")]
    for chunk in chunks(ids):
        stmt = select(Candidate.id).where(Candidate.id.in_(chunk), ~scope_of(user, Candidate))
        if session.scalar(stmt.limit(1)) is not None:
            raise RuntimeError(f"import batch {batch.id} would leave records outside the scope")

"""The web flow over a stored batch: preview, choose a sheet or a mapping, commit.

The uploaded file is kept in its ImportBatch (status "previewed"), so choosing another
sheet, changing the column mapping and committing need no second upload. What the
preview page shows (counts, first rows, the mapping used) is stored with the batch: the
`mapping` JSON holds the mapping and that summary, so showing the page parses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from io import BytesIO
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain import identity
from registry.domain.refdata import ethnicity_names
from registry.domain.vocabulary import GENDERS, STAGE_DATE_COLUMNS, STAGE_LABELS, SUBGROUPS
from registry.models import ImportBatch, ImportMapping, User
from registry.models._types import utcnow
from registry.scoping import scope_filter
from registry.services import ServiceError, audit
from registry.services.imports import candidate_import as importer
from registry.services.imports.error_workbook import ErrorSheet, build_error_sheets
from registry.spreadsheet import FIELD_LABELS, ParseResult, ReadError, read_workbook

P = ParamSpec("P")
R = TypeVar("R")
Parsed = Callable[[ParseResult], None]


def _nothing(_parsed: ParseResult) -> None:
    pass


class Unreadable(ServiceError):
    """The stored file can't be read (the reader's ReadError, its message for the user)."""


def _readable(step: Callable[P, R]) -> Callable[P, R]:
    """The step, with a file the reader refuses answered as Unreadable."""

    @wraps(step)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return step(*args, **kwargs)
        except ReadError as error:
            raise Unreadable(error.message) from error

    return run


SAMPLE_ROWS = 20
SET_ASIDE_REASONS = {
    "no_header": "không có bảng danh sách (không thấy dòng tiêu đề có cột họ tên)",
    "no_rows": "có tiêu đề nhưng không có người nào",
}
SHOWN_WARNINGS = 200
ACTION_LABELS = {
    "new": "Thêm mới",
    "updated": "Cập nhật",
    "unchanged": "Không đổi",
    "error": "Lỗi",
}


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def mapping_owner(user: User | None) -> str | None:
    """Whose confirmed mappings a user's files take, and whose a confirmation becomes:
    the user's organisation (DESIGN: "a confirmed mapping is remembered for that user's
    organisation"), so a colleague's next file with the same headers takes it and another
    commune's does not; a user who belongs to none keeps their own. None (the command
    line) remembers nothing.
    """
    if user is None:
        return None
    if user.organisation_id is not None:
        return f"org:{user.organisation_id}"
    return f"user:{user.id}"


def _saved(session: Session, owner: str, signature: str) -> ImportMapping | None:
    return session.scalar(
        select(ImportMapping).where(
            ImportMapping.owner == owner, ImportMapping.signature == signature
        )
    )


def remembered(session: Session, user: User | None, signature: str) -> dict[int, str | None] | None:
    """The mapping the user's owner confirmed earlier for files with these headers."""
    owner = mapping_owner(user)
    found = _saved(session, owner, signature) if owner else None
    if found is None:
        return None
    return {int(k): v for k, v in found.mapping.get("override", {}).items()}


def remembered_all(session: Session, user: User | None) -> dict[str, dict[int, str | None]]:
    """Header signature → mapping, of every mapping the user's owner confirmed."""
    owner = mapping_owner(user)
    if owner is None:
        return {}
    found = session.scalars(select(ImportMapping).where(ImportMapping.owner == owner))
    return {
        m.signature: {int(k): v for k, v in m.mapping.get("override", {}).items()} for m in found
    }


def remember(
    session: Session, user: User | None, signature: str, override: Mapping[int, str | None]
) -> None:
    owner = mapping_owner(user)
    if owner is None:
        return
    found = _saved(session, owner, signature)
    value = {"override": {str(k): v for k, v in override.items()}}
    if found is None:
        session.add(ImportMapping(owner=owner, signature=signature, mapping=value))
    else:
        found.mapping = value
        found.updated_at = utcnow()


def override_of(batch: ImportBatch) -> dict[int, str | None] | None:
    stored = (batch.mapping or {}).get("override")
    return {int(k): v for k, v in stored.items()} if stored else None


def _stage_of(values: Mapping[str, Any]) -> str:
    reached = [stage for stage, column in STAGE_DATE_COLUMNS.items() if column in values]
    return STAGE_LABELS[reached[-1]] if reached else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(getattr(value, "name", value))


def _sample(result: importer.ImportResult) -> list[dict[str, Any]]:
    ethnic = ethnicity_names()
    rows = []
    for plan in result.plans[:SAMPLE_ROWS]:
        v, row = plan.row.values, plan.row
        rows.append(
            {
                "row": row.row_number,
                "sheet": row.sheet,
                "action": "error" if row.errors else plan.action,
                "full_name": v.get("full_name", ""),
                "birth_date": _text(v.get("birth_date")),
                "gender": GENDERS.get(str(v.get("gender")), ""),
                "ethnicity": ethnic.get(str(v.get("ethnicity")), ""),
                "id_number": identity.mask_id_number(v.get("id_number")),  # type: ignore[arg-type]  # text or None
                "unit": _text(v.get("unit")) or v.get("unit_name") or v.get("unit_code", ""),
                "cell": _text(v.get("cell")) or v.get("cell_name", ""),
                "group": SUBGROUPS.get(str(v.get("subgroup")), ""),
                "stage": _stage_of(v),
                "messages": [i.message for i in (*row.errors, *row.warnings)],
            }
        )
    return rows


def _summary(parsed: ParseResult, result: importer.ImportResult, override) -> dict[str, Any]:
    header = parsed.header
    warnings = result.warnings
    return {
        "override": {str(k): v for k, v in (override or {}).items()},
        "signature": header.signature,
        "labels": list(header.labels),
        "columns": {str(k): v for k, v in header.columns.items()},
        "scores": {str(k): v for k, v in header.scores.items() if k in header.columns},
        "uncertain": list(header.uncertain),
        "joined": list(header.joined),
        "shapes": parsed.shapes.as_dict(),
        "header_row": header.header_row,
        "data_start": header.data_start,
        "sheets": parsed.sheets,
        "missing": [FIELD_LABELS.get(f, f) for f in parsed.missing],
        "legacy": {FIELD_LABELS.get(f, f): enc for f, enc in parsed.legacy.items()},
        "skipped": len(parsed.skipped),
        "sample": _sample(result),
        "warnings": [i.as_dict() for i in warnings[:SHOWN_WARNINGS]],
        "warning_count": len(warnings),
        # Several sheets in one batch: each one's header, for the error workbook.
        "parts": [
            {
                "sheet": part.sheet,
                "rows": len(part.rows),
                "header_row": part.header.header_row,
                "columns": {str(k): v for k, v in part.header.columns.items()},
                "uncertain": [part.header.labels[c] for c in part.header.uncertain],
            }
            for part in parsed.parts
        ],
        "set_aside": [
            {"sheet": name, "why": SET_ASIDE_REASONS.get(why, why)}
            for name, why in parsed.set_aside
        ],
    }


def store_preview(
    batch: ImportBatch, result: importer.ImportResult, override, *, remembered: bool = False
) -> None:
    importer.store_counts(batch, result)
    batch.mapping = {**_summary(result.parse, result, override), "remembered": remembered}


@_readable
def preview(
    session: Session,
    user: User,
    batch: ImportBatch,
    *,
    sheet: str | None = None,
    override: Mapping[int, str | None] | None = None,
    on_parsed: Parsed = _nothing,
    progress: importer.Progress = lambda _n: None,
) -> importer.ImportResult:
    """Parse the stored file (this sheet, this mapping, else the remembered one), classify
    the rows without writing them, and keep the summary on the batch. Unreadable when the
    file can't be read. `on_parsed` sees the rows once read, before they are classified
    (with `progress` at each chunk): a background job's progress and cancel point."""
    data = batch.content or b""
    lookups = importer.build_lookups(session, user)
    if sheet == importer.ALL_SHEETS:
        # Each sheet takes the mapping confirmed for its headers; one is confirmed by
        # reading that sheet alone.
        every = remembered_all(session, user)
        parsed = importer.parse(
            session, user, data, batch.filename, sheet=sheet, lookups=lookups, overrides=every
        )
        result = importer.classify(session, user, parsed)
        applied = any(part.header.signature in every for part in parsed.parts)
        store_preview(batch, result, None, remembered=applied)
        return result
    parsed = importer.parse(session, user, data, batch.filename, sheet=sheet, lookups=lookups)
    applied = False
    if override is None:
        saved = remembered(session, user, parsed.header.signature)
        if saved:
            override, applied = saved, True
            confirmed = parsed.header.with_override(saved)
            if confirmed.columns == parsed.header.columns:
                parsed.header = confirmed  # the same columns, now confirmed
            else:
                parsed = importer.parse(
                    session, user, data, batch.filename, sheet=parsed.sheet, override=saved,
                    lookups=lookups,
                )  # fmt: skip
    elif override:
        parsed = importer.parse(
            session, user, data, batch.filename, sheet=parsed.sheet, override=override,
            lookups=lookups,
        )  # fmt: skip
        remember(session, user, parsed.header.signature, override)
    on_parsed(parsed)
    result = importer.classify(session, user, parsed, progress=progress)
    store_preview(batch, result, override, remembered=applied)
    return result


def start(session: Session, user: User, data: bytes, filename: str) -> ImportBatch:
    """Keep an uploaded file as a previewed batch and preview it (Unreadable: nothing kept,
    the request rolls back)."""
    batch = importer.new_batch(session, user, data, filename)
    preview(session, user, batch)
    session.flush()
    return batch


class MappingUnconfirmed(ServiceError):
    """Columns the reader was unsure of wait for the user's confirmation."""

    message = (
        "Còn cột chưa chắc chắn (đánh dấu «cần xác nhận» trong bảng «Các cột của tệp»): "
        "hãy kiểm tra, chọn lại nếu sai, rồi bấm «Áp dụng cách gán cột» trước khi ghi."
    )


@_readable
def commit_batch(
    session: Session,
    user: User,
    batch: ImportBatch,
    *,
    on_parsed: Parsed = _nothing,
    progress: importer.Progress = lambda _n: None,
) -> importer.ImportResult:
    """Write a previewed batch (ImportRefused when rows fail, Unreadable when the file can't
    be read, MappingUnconfirmed while an uncertain column waits; the request rolls back).
    `on_parsed` sees the rows once read, before the commit starts; `progress` counts each
    row twice (checked, then written)."""
    summary = batch.mapping or {}
    if summary.get("uncertain") or any(p["uncertain"] for p in summary.get("parts", [])):
        raise MappingUnconfirmed(MappingUnconfirmed.message)
    every = batch.sheet == importer.ALL_SHEETS
    parsed = importer.parse(
        session,
        user,
        batch.content or b"",
        batch.filename,
        sheet=batch.sheet,
        override=None if every else override_of(batch),
        overrides=remembered_all(session, user) if every else None,
    )
    on_parsed(parsed)
    result = importer.commit(session, user, parsed, batch=batch, progress=progress)
    batch.mapping = {**(batch.mapping or {}), "sample": _sample(result)}
    return result


def earlier_commit(session: Session, user: User, batch: ImportBatch) -> ImportBatch | None:
    """A committed batch of the same file (same sha256) the user may see."""
    stmt = (
        select(ImportBatch)
        .where(
            ImportBatch.sha256 == batch.sha256,
            ImportBatch.status == "committed",
            ImportBatch.id != batch.id,
            scope_filter(user, ImportBatch),
        )
        .order_by(ImportBatch.committed_at.desc())
    )
    return session.scalars(stmt.limit(1)).first()


def log_download(session: Session, user: User, batch: ImportBatch, what: str) -> None:
    """A stored file full of personal data was handed out (DESIGN "Personal data")."""
    audit.record(
        session, user, "export", "import_batch", batch.id, None,
        {"file": batch.filename, "download": what},
    )  # fmt: skip


@_readable
def error_workbook(batch: ImportBatch) -> BytesIO:
    """The sheet as uploaded with the batch's errors marked."""
    book = read_workbook(batch.content or b"", batch.filename, importer.limits())
    summary = batch.mapping or {}
    if batch.sheet == importer.ALL_SHEETS:
        parts = summary.get("parts", [])
    else:
        name = batch.sheet or book.first_with_data().name
        parts = [{"sheet": name, "header_row": summary.get("header_row", 1),
                  "columns": summary.get("columns", {})}]  # fmt: skip
    several = batch.sheet == importer.ALL_SHEETS
    return build_error_sheets(
        [
            ErrorSheet(
                part["sheet"],
                book.sheet(part["sheet"]).rows,
                part["header_row"],
                {int(k): v for k, v in part["columns"].items()},
                [e for e in batch.errors or [] if not several or e.get("sheet") == part["sheet"]],
            )
            for part in parts
        ]
    )

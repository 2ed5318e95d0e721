"""Shared by the units views: pagination, scoped choices, sheet uploads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from math import ceil
from typing import Protocol, TypeVar

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from wtforms import Field

from forms.units import UploadForm
from registry.extensions import db
from registry.models import Area, PartyCell, Unit, User
from registry.scoping import db_int, in_scope, scope_filter
from registry.services import ServiceError
from registry.services.imports.batch_file import record_sheet_batch
from registry.services.imports.candidate_import import limits as reader_limits
from registry.services.org.areas import current_areas_filter
from registry.services.org.sheets import Row, SheetError, read_table
from registry.transaction import on_refusal

NBSP = "\u00a0"

M = TypeVar("M")
Saved = TypeVar("Saved")


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number() -> int:
    return max(1, request.args.get("page", 1, type=db_int) or 1)


def paginate(session: Session, stmt: Select, per_page: int | None = None) -> Page:
    """One page of `stmt` (rows as returned by execute) and the total, by page number."""
    per_page = per_page or current_app.config.get("PAGE_SIZE", 50)
    page = page_number()
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(rows), page, per_page, total or 0)


def scoped_id_arg(session: Session, user: User, model: type, name: str) -> int | None:
    """An id from the query string; another scope's id is a 404, like on any id route."""
    ident = request.args.get(name, type=db_int)
    if ident is not None and not in_scope(session, user, model, ident):
        abort(404)
    return ident


def add_error(field: Field, message: str) -> None:
    """Show `message` under `field`, beside the errors its validators found."""
    field.errors = [*field.errors, message]


def chosen_in_scope(field: Field, model: type[M], message: str) -> M | None:
    """The row picked in the select `field`; None, with `message` under the field, when it
    lies outside the user's scope. The choices hold only rows in scope, so only a crafted
    post meets the message."""
    session = db.session()
    if not in_scope(session, current_user, model, field.data):
        add_error(field, message)
        return None
    return session.get(model, field.data)


class SubmittableForm(Protocol):
    def validate_on_submit(self) -> bool: ...


def form_response(
    form: SubmittableForm,
    save: Callable[[], Saved | None],
    done: Callable[[Saved], tuple[str, str]],
    page: Callable[[], ResponseReturnValue],
) -> ResponseReturnValue:
    """Answer a form's request: on a valid post `save()` writes and returns what it wrote
    (None when the form must be shown again), and `done(saved)` gives the message to flash
    and the address to go to; otherwise `page()` shows the form."""
    if form.validate_on_submit():
        saved = save()
        if saved is not None:
            message, address = done(saved)
            flash(message, "success")
            return redirect(address)
    return page()


def tree_order(areas: list[Area]) -> list[tuple[Area, int]]:
    """Areas as a tree (children by name under their parent) with their indent level."""
    ids = {a.id for a in areas}
    children: dict[int | None, list[Area]] = defaultdict(list)
    for area in areas:
        children[area.parent_id if area.parent_id in ids else None].append(area)
    ordered: list[tuple[Area, int]] = []

    def walk(parent: int | None, level: int) -> None:
        for area in sorted(children[parent], key=lambda a: (a.valid_to is not None, a.name)):
            ordered.append((area, level))
            walk(area.id, level + 1)

    walk(None, 0)
    return ordered


def area_choices(
    session: Session,
    user: User,
    *,
    current_only: bool = True,
    keep: Area | None = None,
    blank: str | None = None,
) -> list[tuple[int | str, str]]:
    """Areas in scope, indented as a tree; abolished ones only when not current_only."""
    stmt = select(Area).where(scope_filter(user, Area))
    if current_only:
        stmt = stmt.where(current_areas_filter())
    areas = list(session.scalars(stmt))
    if keep is not None and keep not in areas:
        areas.append(keep)
    choices: list[tuple[int | str, str]] = [("", blank)] if blank is not None else []
    for area, level in tree_order(areas):
        suffix = " (đã hết hiệu lực)" if area.valid_to is not None and not current_only else ""
        choices.append((area.id, NBSP * 4 * level + area.name + suffix))
    return choices


def cell_choices(
    session: Session, user: User, blank: str | None = None, keep: PartyCell | None = None
) -> list[tuple[int | str, str]]:
    rows = session.execute(
        select(PartyCell.id, PartyCell.name, Area.name)
        .join(Area, Area.id == PartyCell.area_id)
        .where(scope_filter(user, PartyCell), PartyCell.active)
        .order_by(PartyCell.name_key)
    ).all()
    choices: list[tuple[int | str, str]] = [("", blank)] if blank is not None else []
    choices += [(ident, f"{name} — {area}") for ident, name, area in rows]
    if keep is not None and all(c[0] != keep.id for c in choices):
        choices.append((keep.id, keep.name))
    return choices


def unit_choices(session: Session, user: User, blank: str | None = None):
    rows = session.execute(
        select(Unit.id, Unit.name, Unit.code)
        .where(scope_filter(user, Unit), Unit.active)
        .order_by(Unit.name_key)
    ).all()
    choices: list[tuple[int | str, str]] = [("", blank)] if blank is not None else []
    return choices + [(ident, f"{name} ({code})") for ident, name, code in rows]


def read_upload(file_storage, columns: dict, required: tuple[str, ...], labels: dict):
    """(rows, file bytes) of an uploaded sheet; SheetError when it can't be read."""
    data = file_storage.read()
    rows: list[Row] = read_table(
        data,
        file_storage.filename or "",
        columns,
        required,
        labels,
        limits=reader_limits(),
    )
    return rows, data


@dataclass(frozen=True)
class ReferenceSheet:
    """A kind of reference-data sheet the units pages take: its columns and its pages."""

    kind: str  # ImportBatch.kind
    columns: dict
    required: tuple[str, ...]
    labels: dict
    load: Callable  # load(session, user, rows) -> LoadResult
    noun: str
    title: str
    back: str  # the endpoint to return to


class SheetRefused(ServiceError):
    """The sheet can't be loaded; `errors` (Vietnamese) say why, row by row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def upload_reference_sheet(sheet: ReferenceSheet):
    """Load the uploaded sheet and go back with what was done, or, with nothing written,
    show its errors."""
    back = url_for(sheet.back)

    @on_refusal
    def show_errors(refused: SheetRefused):
        return render_template(
            "units/import_result.html",
            title=sheet.title,
            errors=refused.errors,
            back=back,
            columns=sheet.labels,
        ), 422

    import_reference_sheet(UploadForm(), sheet)
    return redirect(back)


def import_reference_sheet(form, sheet: ReferenceSheet) -> None:
    """Read the uploaded sheet of `form`, load it with `sheet.load(session, user, rows)`,
    record the batch and flash what was done; SheetRefused unless every row is good."""
    if not form.validate_on_submit():
        raise SheetRefused([e for field_errors in form.errors.values() for e in field_errors])
    try:
        rows, data = read_upload(form.file.data, sheet.columns, sheet.required, sheet.labels)
    except SheetError as error:
        raise SheetRefused([str(error)]) from error
    result = sheet.load(db.session(), current_user, rows)
    errors = [str(e) for e in result.errors] or ([] if rows else ["Tệp không có dòng dữ liệu nào."])
    if errors:
        raise SheetRefused(errors)
    record_sheet_batch(
        db.session(), current_user, sheet.kind, form.file.data.filename, data, len(rows), result
    )
    flash(
        f"Đã nhập {len(rows)} {sheet.noun}: {result.created} mới, {result.updated} cập nhật.",
        "success",
    )

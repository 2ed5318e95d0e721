"""CLI: `load-areas FILE` and `import-units FILE` (all or nothing, errors by row)."""

from __future__ import annotations

from pathlib import Path

import click

from registry.extensions import db
from registry.services.audit import COMMAND_LINE
from registry.services.imports.batch_file import record_sheet_batch
from registry.services.imports.candidate_import import limits as reader_limits
from registry.services.org.area_import import AREA_COLUMNS, AREA_LABELS, load_areas
from registry.services.org.areas import LoadResult
from registry.services.org.sheets import SheetError, read_table
from registry.services.org.unit_import import UNIT_COLUMNS, UNIT_LABELS, import_units


def _rows(path: str, columns: dict, required: tuple[str, ...], labels: dict):
    data = Path(path).read_bytes()
    try:
        rows = read_table(
            data,
            Path(path).name,
            columns,
            required,
            labels,
            limits=reader_limits(),
        )
    except SheetError as error:
        raise click.ClickException(str(error)) from error
    return rows, data


def _finish(result: LoadResult, kind: str, path: str, data: bytes, rows: int) -> None:
    """Record the batch when every row passed, otherwise print the errors and fail."""
    if result.errors:
        for error in result.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(
            f"{len(result.errors)} lỗi; chưa ghi gì vào cơ sở dữ liệu. Sửa tệp rồi chạy lại."
        )
    record_sheet_batch(db.session(), COMMAND_LINE, kind, Path(path).name, data, rows, result)


def _load(file: str, kind: str, columns: dict, required: tuple[str, ...], labels: dict, load):
    """Read the sheet, load it with `load(session, actor, rows)` and keep the batch."""
    rows, data = _rows(file, columns, required, labels)
    result = load(db.session(), COMMAND_LINE, rows)
    _finish(result, kind, file, data, len(rows))
    unchanged = len(rows) - result.created - result.updated
    counts = f"{result.created} mới, {result.updated} cập nhật, {unchanged} không đổi"
    return result, f"Đã nạp {len(rows)} {_NOUNS[kind]}: {counts}"


_NOUNS = {"areas": "địa bàn", "units": "đơn vị"}


@click.command("load-areas")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def load_areas_command(file: str) -> None:
    """Load areas from CSV/xlsx: code, name, level, parent_code[, valid_from, valid_to]."""
    required = ("code", "name", "level", "parent_code")
    _result, done = _load(file, "areas", AREA_COLUMNS, required, AREA_LABELS, load_areas)
    click.echo(f"{done}.")


@click.command("import-units")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_units_command(file: str) -> None:
    """Load units from CSV/xlsx: code, name, kind, area_code, tax_code, cell."""
    required = ("code", "name", "kind", "area_code")
    result, done = _load(file, "units", UNIT_COLUMNS, required, UNIT_LABELS, import_units)
    click.echo(f"{done}; {result.cells_created} chi bộ mới.")


COMMANDS = (load_areas_command, import_units_command)

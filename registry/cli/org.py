"""CLI: `load-areas FILE` and `import-units FILE` (all or nothing, errors by row)."""

from __future__ import annotations

from pathlib import Path

import click

from registry.extensions import db
from registry.services.imports.candidate_import import limits as reader_limits
from registry.services.org.areas import AREA_COLUMNS, AREA_LABELS, LoadResult, load_areas
from registry.services.org.sheets import SheetError, read_table
from registry.services.org.unit_import import UNIT_COLUMNS, UNIT_LABELS, import_units
from registry.units.helpers import record_batch

ACTOR = "dòng lệnh"


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
    """Commit when every row passed, otherwise print the errors and write nothing."""
    if result.errors:
        db.session.rollback()
        for error in result.errors:
            click.echo(str(error), err=True)
        raise click.ClickException(
            f"{len(result.errors)} lỗi; chưa ghi gì vào cơ sở dữ liệu. Sửa tệp rồi chạy lại."
        )
    record_batch(db.session, ACTOR, kind, Path(path).name, data, rows, result)
    db.session.commit()


@click.command("load-areas")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def load_areas_command(file: str) -> None:
    """Load areas from CSV/xlsx: code, name, level, parent_code[, valid_from, valid_to]."""
    rows, data = _rows(file, AREA_COLUMNS, ("code", "name", "level", "parent_code"), AREA_LABELS)
    result = load_areas(db.session, ACTOR, rows)
    _finish(result, "areas", file, data, len(rows))
    click.echo(
        f"Đã nạp {len(rows)} địa bàn: {result.created} mới, {result.updated} cập nhật, "
        f"{len(rows) - result.created - result.updated} không đổi."
    )


@click.command("import-units")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_units_command(file: str) -> None:
    """Load units from CSV/xlsx: code, name, kind, area_code, tax_code, cell."""
    rows, data = _rows(file, UNIT_COLUMNS, ("code", "name", "kind", "area_code"), UNIT_LABELS)
    result = import_units(db.session, ACTOR, rows)
    _finish(result, "units", file, data, len(rows))
    click.echo(
        f"Đã nạp {len(rows)} đơn vị: {result.created} mới, {result.updated} cập nhật, "
        f"{len(rows) - result.created - result.updated} không đổi; "
        f"{result.cells_created} chi bộ mới."
    )


COMMANDS = (load_areas_command, import_units_command)

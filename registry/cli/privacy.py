"""CLI `purge-imports [--days N]`: drop stored import files past the retention period."""

from __future__ import annotations

import click
from flask import current_app

from registry.extensions import db
from registry.services.audit import COMMAND_LINE
from registry.services.imports.retention import purge_import_files


@click.command("purge-imports")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Giữ tệp trong số ngày này (mặc định: IMPORT_FILE_RETENTION_DAYS).",
)
def purge_imports(days: int | None) -> None:
    """Drop the file bytes of import batches older than the retention period."""
    days = current_app.config["IMPORT_FILE_RETENTION_DAYS"] if days is None else days
    result = purge_import_files(db.session(), COMMAND_LINE, days)
    click.echo(
        f"Đã xóa tệp gốc của {result.count} lần nhập tải lên trước "
        f"{result.cutoff:%d/%m/%Y} (giữ {days} ngày); thông tin các lần nhập vẫn được giữ."
    )


COMMANDS = (purge_imports,)

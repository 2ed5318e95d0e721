"""CLI `import-candidates FILE [--user U] [--unit CODE] [--sheet S]… [--all-sheets] [--commit]
[--json]`.

Exit codes (DESIGN "CLI"): 0 when no row failed, 1 when rows failed (with --commit
nothing is written), 2 when the file can't be read (or an option names nothing).
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from registry.cli.actor import named_user
from registry.extensions import db
from registry.services.imports import candidate_import as importer
from registry.services.imports.batches import SET_ASIDE_REASONS
from registry.spreadsheet import ReadError

EMPTY = {"rows": 0, "valid": 0, "new": 0, "updated": 0, "unchanged": 0, "warnings": []}


@contextmanager
def _progress(show: bool, length: int):
    """A progress bar on a terminal only; otherwise a step function that does nothing."""
    if not show:
        yield lambda _n: None
        return
    with click.progressbar(length=length, label="Đang xử lý", file=sys.stderr) as bar:
        yield bar.update


def _report(result: importer.ImportResult, as_json: bool, do_commit: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    for issue in result.errors:
        click.echo(f"{_where(issue)}, cột «{issue.column}»: {issue.message}", err=True)
    for issue in result.warnings:
        click.echo(f"Cảnh báo {_where(issue)}, cột «{issue.column}»: {issue.message}", err=True)
    for name, why in result.parse.set_aside:
        click.echo(f"Bỏ qua trang «{name}»: {SET_ASIDE_REASONS.get(why, why)}.", err=True)
    c = result.counts
    if result.batch is not None:
        verb = f"Đã ghi (lần nhập số {result.batch.id})"
    else:
        verb = "Không ghi gì" if do_commit else "Chạy thử (chưa ghi gì)"
    click.echo(
        f"{verb}: {c['rows']} dòng, {c['new']} mới, {c['updated']} cập nhật, "
        f"{c['unchanged']} không đổi, {c['errors']} dòng lỗi."
    )
    if c["errors"]:
        click.echo("Có dòng lỗi: không ghi gì vào cơ sở dữ liệu. Sửa tệp rồi chạy lại.", err=True)


def _where(issue) -> str:
    return f"Trang «{issue.sheet}», dòng {issue.row}" if issue.sheet else f"Dòng {issue.row}"


def _fail_read(error: ReadError, as_json: bool) -> None:
    if as_json:
        issue = {"row": None, "column": None, "code": error.code, "message": error.message}
        click.echo(json.dumps({**EMPTY, "errors": [issue]}, ensure_ascii=False))
    else:
        click.echo(error.message, err=True)
    sys.exit(2)


@click.command("import-candidates")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "username", help="Nhập với phạm vi của tài khoản này.")
@click.option("--unit", "unit_code", help="Mã đơn vị cho các dòng không ghi đơn vị.")
@click.option(
    "--sheet",
    "sheets",
    multiple=True,
    help="Tên trang tính (mặc định: trang đầu tiên có danh sách); ghi nhiều lần để đọc "
    "nhiều trang trong một lần nhập.",
)
@click.option("--all-sheets", is_flag=True, help="Đọc mọi trang có danh sách trong một lần nhập.")
@click.option("--commit", "do_commit", is_flag=True, help="Ghi vào cơ sở dữ liệu.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def import_candidates(file, username, unit_code, sheets, all_sheets, do_commit, as_json) -> None:
    """Check (and with --commit, import) a list of candidates from Excel or CSV."""
    user = named_user(username)
    lookups = importer.build_lookups(db.session(), user)
    unit = None
    if unit_code:
        unit = importer.find_unit(lookups, unit_code)
        if unit is None:
            raise click.BadParameter(
                f"không có đơn vị mã «{unit_code}» trong phạm vi", param_hint="--unit"
            )
    path = Path(file)
    data = path.read_bytes()
    show = not as_json and sys.stderr.isatty()
    if show:
        click.echo(f"Đang đọc và kiểm tra «{path.name}»…", err=True)
    try:
        parsed = importer.parse(
            db.session(),
            user,
            data,
            path.name,
            sheet=importer.ALL_SHEETS if all_sheets else None,
            sheets=sheets,
            unit=unit,
            lookups=lookups,
        )
    except ReadError as error:
        _fail_read(error, as_json)
        return
    steps = len(parsed.rows) * (2 if do_commit else 1)
    with _progress(show, steps) as step:
        result = _run(user, parsed, data, path.name, do_commit, step)
    if result.batch is None:
        db.session.rollback()  # a dry run (or a refused list) writes nothing
    _report(result, as_json, do_commit)
    sys.exit(1 if result.counts["errors"] else 0)


def _run(user, parsed, data: bytes, filename: str, do_commit: bool, step):
    if not do_commit:
        return importer.classify(db.session(), user, parsed, progress=step)
    try:
        return importer.commit(
            db.session(), user, parsed, data=data, filename=filename, progress=step
        )
    except importer.ImportRefused as refused:
        return refused.result  # the command then fails, and rolls back


COMMANDS = (import_candidates,)

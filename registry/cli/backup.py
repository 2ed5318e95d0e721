"""`backup` and `restore`: SQLite through its online backup API, PostgreSQL through
pg_dump/pg_restore (custom format)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import text
from sqlalchemy.engine import make_url

from registry.extensions import db


class BackupError(click.ClickException):
    """A backup or restore that could not run; the message says why, in Vietnamese."""


def _libpq_url() -> str:
    """The database URL without the SQLAlchemy driver name, as pg_dump expects it."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _sqlite_path() -> Path:
    return Path(make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database or "")


def _schema() -> str:
    """The schema the registry's tables live in (`public` unless the URL sets search_path).

    pg_dump and pg_restore are limited to it: other schemas of the same database
    (another application, another registry) are neither copied nor replaced."""
    return db.session.scalar(text("SELECT current_schema()"))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"Không tìm thấy chương trình {name} (gói postgresql-client).")
    return path


def _run(args: list[str]) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} báo lỗi: {done.stderr.strip()[:500]}")


def backup_to(target: Path) -> None:
    """Write a consistent copy of the live database to `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if db.engine.dialect.name == "sqlite":
        # The online backup API copies a consistent snapshot while others keep writing.
        with sqlite3.connect(_sqlite_path()) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    schema = _schema()
    db.session.remove()
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--schema={schema}",
            f"--file={target}",
            _libpq_url(),
        ]
    )


def restore_from(source: Path) -> None:
    """Replace the live database's contents with a backup made by `backup_to`."""
    if not source.is_file():
        raise BackupError(f"Không có tệp sao lưu {source}.")
    schema = _schema() if db.engine.dialect.name == "postgresql" else ""
    db.session.remove()
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(source) as copy, sqlite3.connect(_sqlite_path()) as live:
            copy.backup(live)
        return
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--schema={schema}",
            f"--dbname={_libpq_url()}",
            str(source),
        ]
    )


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Back the database up to TARGET."""
    backup_to(target)
    click.echo(f"Đã sao lưu cơ sở dữ liệu vào {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Không hỏi lại.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database with the backup in SOURCE."""
    if not yes:
        click.confirm("Toàn bộ dữ liệu hiện có sẽ bị thay bằng bản sao lưu. Tiếp tục?", abort=True)
    restore_from(source)
    click.echo(f"Đã khôi phục cơ sở dữ liệu từ {source}.")

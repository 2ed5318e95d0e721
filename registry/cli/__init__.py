"""Command line (`flask --app wsgi …`): a thin layer over the services."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from registry.domain.vocabulary import GROUPS, ROLES, SUBGROUPS
from registry.extensions import db
from registry.models import Area, PartyCell
from registry.services.accounts.users import AccountError, UserData, create_user
from registry.services.audit import COMMAND_LINE
from registry.transaction import committed


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@click.command("init-db")
def init_db() -> None:
    """Create or migrate the schema to the latest version."""
    upgrade()
    from registry.services.calendar.holidays import seed_holidays

    added = seed_holidays(db.session())
    click.echo(f"Cơ sở dữ liệu đã ở phiên bản mới nhất ({added} ngày nghỉ lễ được thêm).")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--area", "area_code", help="Mã địa bàn (vai trò area).")
@click.option("--cell", "cell_id", type=int, help="Mã số chi bộ (vai trò cell).")
@click.option("--group", "group", type=click.Choice(list(GROUPS) + list(SUBGROUPS)))
@click.option("--full-name", default="")
@click.option(
    "--no-forced-change",
    is_flag=True,
    help="Không bắt đổi mật khẩu ở lần đăng nhập đầu (chỉ khi người dùng tự đặt mật khẩu).",
)
def create_user_command(username, role, area_code, cell_id, group, full_name, no_forced_change):
    """Create a user who changes the password at first sign-in; the password is asked
    for (or read from stdin) and must pass the web's policy."""
    from forms.base import strong_password_problem

    area = db.session.scalar(select(Area).where(Area.code == area_code)) if area_code else None
    if role == "area" and area is None:
        raise click.ClickException("Vai trò area cần --area với mã địa bàn có thật.")
    cell = db.session.get(PartyCell, cell_id) if cell_id else None
    if role == "cell" and cell is None:
        raise click.ClickException("Vai trò cell cần --cell với mã số chi bộ có thật.")
    password = _read_password()
    problem = strong_password_problem(password, username)
    if problem:
        raise click.ClickException(problem)
    data = UserData(username, full_name, role, area=area, cell=cell, restriction=group)
    try:
        create_user(
            db.session(), COMMAND_LINE, data, password, must_change_password=not no_forced_change
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    later = "" if no_forced_change else "; cần đổi mật khẩu ở lần đăng nhập đầu"
    click.echo(f"Đã tạo tài khoản {username} ({ROLES[role]}){later}.")


@click.command("seed-demo")
@click.option("--candidates", default=3000, show_default=True)
def seed_demo(candidates: int) -> None:
    """Load the demo province into an empty database and print the demo logins."""
    from registry import demo

    if demo.is_empty(db.session()):
        counts = demo.seed(db.session(), candidates=candidates)
        click.echo(
            "Đã nạp dữ liệu mẫu: {areas} xã/phường, {units} đơn vị, {cells} chi bộ, "
            "{candidates} quần chúng.".format(**counts)
        )
    else:
        click.echo("Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu mẫu.")
    click.echo("Tài khoản dùng thử (mật khẩu giống nhau):")
    for username, password, label in demo.demo_logins():
        click.echo(f"  {username:<18} {password:<14} {label}")


def register_cli(app: Flask) -> None:
    """Add every command; each commits once, when it ends well (registry.transaction)."""
    from registry.cli.backup import backup_command, restore_command
    from registry.cli.imports import COMMANDS as import_commands
    from registry.cli.jobs import COMMANDS as job_commands
    from registry.cli.org import COMMANDS as unit_commands
    from registry.cli.privacy import COMMANDS as privacy_commands
    from registry.cli.reports import COMMANDS as report_commands

    for command in (
        init_db,
        create_user_command,
        seed_demo,
        backup_command,
        restore_command,
        *unit_commands,
        *import_commands,
        *report_commands,
        *privacy_commands,
    ):
        if command.callback is not None:  # every command here has one
            command.callback = committed(command.callback)
        app.cli.add_command(command)
    for command in job_commands:
        app.cli.add_command(command)  # a long-running process: each job commits its own

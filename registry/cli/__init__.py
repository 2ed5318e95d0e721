"""Command line (`flask --app wsgi …`): a thin layer over the services."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select

from registry.domain.vocabulary import GROUPS, ROLES, SUBGROUPS
from registry.extensions import db
from registry.models import PartyCell
from registry.services.accounts.users import AccountError, UserData, create_user
from registry.services.audit import COMMAND_LINE
from registry.services.org.organisations import find_organisation
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


def _cell(ref: str) -> PartyCell | None:
    """A party cell by its number or, failing that, its exact name (one only)."""
    if ref.strip().isdigit() and int(ref) < 2**31:
        found = db.session.get(PartyCell, int(ref))
        if found is not None:
            return found
    named = db.session.scalars(select(PartyCell).where(PartyCell.name == ref.strip())).all()
    if len(named) > 1:
        raise click.ClickException(f"Có {len(named)} chi bộ tên «{ref}»: hãy dùng mã số.")
    return named[0] if named else None


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--area", "area_code", help="Mã địa bàn (vai trò area).")
@click.option("--cell", "cell_ref", help="Mã số hoặc tên chi bộ (vai trò cell).")
@click.option(
    "--subgroups",
    "subgroups",
    default="",
    help="Chỉ theo dõi các đối tượng, cách nhau bởi dấu phẩy: "
    + ", ".join([*GROUPS, *SUBGROUPS])
    + " (một nhóm là mọi đối tượng của nó).",
)
@click.option("--full-name", default="")
@click.option("--org", "org_code", help="Mã cơ quan, tổ chức của người dùng (ví dụ SNV).")
@click.option(
    "--no-forced-change",
    is_flag=True,
    help="Không bắt đổi mật khẩu ở lần đăng nhập đầu (chỉ khi người dùng tự đặt mật khẩu).",
)
def create_user_command(
    username, role, area_code, cell_ref, subgroups, full_name, org_code, no_forced_change
):
    """Create a user who changes the password at first sign-in; the password is asked
    for (or read from stdin) and must pass the web's policy."""
    from forms.base import strong_password_problem
    from registry.services.org.areas import by_code

    area = by_code(db.session(), area_code) if area_code else None  # the one valid today
    if role == "area" and area is None:
        raise click.ClickException("Vai trò area cần --area với mã địa bàn có thật.")
    cell = _cell(cell_ref) if cell_ref else None
    if role == "cell" and cell is None:
        raise click.ClickException("Vai trò cell cần --cell với mã số hoặc tên chi bộ có thật.")
    restriction = tuple(code.strip().lower() for code in subgroups.split(",") if code.strip())
    unknown = [code for code in restriction if code not in GROUPS and code not in SUBGROUPS]
    if unknown:
        raise click.ClickException(
            f"Không có đối tượng «{', '.join(unknown)}»; dùng: {', '.join([*GROUPS, *SUBGROUPS])}."
        )
    organisation = find_organisation(db.session(), org_code) if org_code else None
    if org_code and organisation is None:
        raise click.ClickException(f"Không có cơ quan, tổ chức mã «{org_code}».")
    password = _read_password()
    problem = strong_password_problem(password, username)
    if problem:
        raise click.ClickException(problem)
    data = UserData(
        username,
        full_name,
        role,
        area=area,
        cell=cell,
        restriction=restriction,
        organisation=organisation,
    )
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
    from registry.demo.accounts import demo_logins

    if demo.is_empty(db.session()):
        counts = demo.seed(db.session(), candidates=candidates)
        click.echo(
            "Đã nạp dữ liệu mẫu: {areas} xã/phường, {units} đơn vị, {cells} chi bộ, "
            "{candidates} quần chúng.".format(**counts)
        )
        click.echo(
            "Tỉnh Lào Cai và tỉnh Yên Bái cũ (đến 30/06/2025) được giữ để lập báo cáo các kỳ "
            "trước; tên các xã, phường của Yên Bái là dữ liệu mẫu."
        )
    else:
        click.echo("Cơ sở dữ liệu đã có dữ liệu: không nạp dữ liệu mẫu.")
    click.echo("Tài khoản dùng thử (mật khẩu giống nhau):")
    for username, password, label in demo_logins():
        click.echo(f"  {username:<18} {password:<14} {label}")


def register_cli(app: Flask) -> None:
    """Add every command; each commits once, when it ends well (registry.transaction)."""
    from registry.cli.backup import backup_command, restore_command
    from registry.cli.imports import COMMANDS as import_commands
    from registry.cli.jobs import COMMANDS as job_commands
    from registry.cli.org import COMMANDS as unit_commands
    from registry.cli.privacy import COMMANDS as privacy_commands
    from registry.cli.reports import COMMANDS as report_commands
    from registry.cli.rounds import COMMANDS as round_commands

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
        *round_commands,
    ):
        if command.callback is not None:  # every command here has one
            command.callback = committed(command.callback)
        app.cli.add_command(command)
    for command in job_commands:
        app.cli.add_command(command)  # a long-running process: each job commits its own

"""Reporting rounds on the command line: the e-mail reminders (e.g. daily from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.services.rounds.reminders import MailSettings, send_reminders


@click.command("send-round-reminders")
@with_appcontext
def send_round_reminders() -> None:
    """E-mail the organisations that must still send a report of a round due soon."""
    config = current_app.config
    settings = MailSettings(
        config.get("MAIL_SERVER"), config.get("MAIL_PORT", 25), config.get("MAIL_FROM", "")
    )
    sent = send_reminders(db.session(), settings, today_vn())
    if sent is None:
        click.echo("Chưa cấu hình máy chủ thư (MAIL_SERVER): không gửi thư nhắc.")
        return
    click.echo(f"Đã gửi {sent} thư nhắc nộp báo cáo.")


COMMANDS = [send_round_reminders]

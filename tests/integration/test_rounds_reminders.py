"""E-mail reminders of reporting rounds: off without a mail server; with one (a local
SMTP server here), one message per organisation still to send, audited."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from registry.extensions import db
from tests.integration.rounds_world import build_world, open_round, send


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def world(ctx, client):
    world = build_world()
    for ward in ("a", "b"):
        world[ward]["org"].email = f"ubnd.{ward}@example.vn"
    db.session.commit()
    round_ = open_round(client, world)  # deadline 15/07/2025: long past
    send(client, world["a"]["officer"], round_)
    return world


def test_without_a_mail_server_nothing_is_sent(app, runner, world, inbox):
    handler, _port = inbox
    result = runner.invoke(args=["send-round-reminders"])
    assert result.exit_code == 0 and "Chưa cấu hình máy chủ thư" in result.output
    assert handler.messages == []


def test_each_organisation_still_to_send_gets_one_reminder(app, runner, world, inbox, monkeypatch):
    handler, port = inbox
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    result = runner.invoke(args=["send-round-reminders"])
    assert result.exit_code == 0 and "Đã gửi 1 thư nhắc" in result.output
    (mail,) = handler.messages
    assert mail["To"] == "ubnd.b@example.vn"
    assert mail["Subject"] == "Nhắc nộp báo cáo kỳ 01/01/2025 – 30/06/2025, hạn 15/07/2025"
    body = mail.get_content()
    assert "Kính gửi UBND Phường B" in body and "Tình trạng: Chưa nộp" in body
    from registry.models import AuditLog

    (entry,) = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "remind"))
    assert entry.after["email"] == "ubnd.b@example.vn"

"""The audit log reads as Vietnamese: changed fields in a table, actions named, dates day first."""

from __future__ import annotations

from datetime import datetime

import pytest

from registry.extensions import db
from registry.models import AuditLog
from registry.services import audit
from tests.factories import UserFactory, login


@pytest.fixture
def admin(ctx):
    user = UserFactory(username="quantri", role="admin")
    db.session.commit()
    return user


def changes_table(page: str) -> str:
    return page.split('data-testid="audit-changes"', 1)[1].split("</table>", 1)[0]


def test_before_and_after_read_as_a_table_of_changed_fields(admin, client):
    audit.record(
        db.session, admin, "update", "candidate", 7,
        {"full_name": "Mạc Văn Khoa", "birth_date": "2007-09-05", "trade_union": False,
         "subgroup": "thpt"},
        {"full_name": "Mạc Văn Khoá", "birth_date": "2007-09-15", "trade_union": True,
         "subgroup": "gdnn_gdtx"},
    )  # fmt: skip
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/audit?entity=candidate").get_data(as_text=True)
    assert "\\u" not in page and "{&#34;" not in page and '{"' not in page
    table = changes_table(page)
    assert "Họ và tên" in table and "Mạc Văn Khoa" in table and "Mạc Văn Khoá" in table
    assert "Ngày sinh" in table and "05/09/2007" in table and "15/09/2007" in table
    assert "Công đoàn viên" in table and "Không" in table and "Có" in table
    assert "Học sinh THPT" in table and "Học viên GDNN - GDTX" in table


def test_a_stage_entry_shows_its_event_and_every_action_is_named(admin, client):
    audit.record(
        db.session, admin, "stage", "candidate", 3, {"stage": "source"},
        {"stage": "trained", "event": {"stage": "trained", "event_date": "2025-03-01"}},
    )  # fmt: skip
    for action in ("bulk_stage", "rollback", "purge_imports", "erase", "submit", "undo"):
        audit.record(db.session, admin, action, "candidate", 3)
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Sự kiện – Bước" in page and "Đã học lớp nhận thức về Đảng" in page
    assert "01/03/2025" in page
    for code in ("bulk_stage", "rollback", "purge_imports", "erase", "submit", "undo"):
        assert f">{code}<" not in page
    assert "Ghi nhận bước hàng loạt</td>" in page and "Hoàn tác lần nhập</td>" in page


def test_the_date_filter_is_typed_day_first(admin, client):
    db.session.add(AuditLog(actor="dòng lệnh", action="view", entity="candidate", entity_id=41,
                            at=datetime(2025, 3, 4, 3, 0)))  # fmt: skip
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert 'type="date"' not in page and page.count('placeholder="dd/mm/yyyy"') == 2
    assert "#41<" in client.get("/admin/audit?from=04/03/2025&to=4/3/2025").get_data(as_text=True)
    assert "#41<" not in client.get("/admin/audit?from=05/03/2025").get_data(as_text=True)
    wrong = client.get("/admin/audit?from=31/02/2025").get_data(as_text=True)
    assert "Từ ngày không hợp lệ: “31/02/2025”" in wrong and 'value="31/02/2025"' in wrong

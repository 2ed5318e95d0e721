"""The helper members' notes on a candidate: added from the candidate page by those who
may edit the candidate, shown oldest first, refused with what was typed kept, audited,
and gone with the person's data when it is erased."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from registry.domain.workdays import fmt_date, today_vn
from registry.extensions import db
from registry.models import AuditLog, Candidate, HelperNote
from tests.factories import CandidateFactory, UnitFactory, UserFactory, login
from tests.integration.test_erasure import whole_database

NOTE = "Tích cực tham gia hoạt động Đoàn; cần rèn luyện thêm tác phong Quyết Tâm."


@pytest.fixture
def world(ctx):
    unit = UnitFactory(name="Trường THPT Giúp Đỡ")
    w = {
        "candidate": CandidateFactory(
            unit=unit,
            full_name="Hoàng Thị Được Giúp",
            helpers="Trần Văn Minh; Lê Thị Hoa",
            source_date=date(2025, 1, 2),
        ),
        "sec": UserFactory(role="cell", cell=unit.cell),
        "other": UserFactory(role="cell", cell=UnitFactory().cell),
        "province": UserFactory(role="province"),
        "admin": UserFactory(role="admin"),
    }
    db.session.commit()
    return w


def add(client, c, day, text=NOTE, helper="Trần Văn Minh"):
    data = {"note-day": day, "note-helper": helper, "note-text": text}
    return client.post(f"/candidates/{c.id}/helper-notes", data=data)


def notes_shown(html: str) -> list[str]:
    section = html.split('data-testid="helper-note-list"')[1].split("</ol>")[0]
    return [part.split('"')[0] for part in section.split('data-note-day="')[1:]]


def test_notes_are_added_from_the_page_and_shown_in_date_order(client, world):
    c = world["candidate"]
    login(client, world["sec"])
    html = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    assert "Nhận xét của đảng viên giúp đỡ" in html and "Chưa có nhận xét nào." in html
    # The form names the candidate's first helper already.
    assert 'id="note-helper"' in html and 'value="Trần Văn Minh"' in html
    assert add(client, c, "10/06/2025").status_code == 302
    assert add(client, c, "03/03/2025", "Đã đọc Điều lệ Đảng.", "Lê Thị Hoa").status_code == 302
    page = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    assert notes_shown(page) == ["2025-03-03", "2025-06-10"]
    section = page.split('data-testid="helper-notes"')[1]
    assert section.index("Đã đọc Điều lệ Đảng.") < section.index(NOTE)
    assert "ngày 03/03/2025 · Lê Thị Hoa" in section
    entries = db.session.scalars(
        select(AuditLog).where(AuditLog.action == "helper_note").order_by(AuditLog.id)
    ).all()
    assert [(e.entity, e.entity_id) for e in entries] == [("candidate", c.id)] * 2
    assert entries[0].after["helper_note"]["text"] == NOTE
    assert entries[0].after["helper_note"]["day"] == "2025-06-10"


def test_a_refused_note_keeps_what_was_typed(client, world):
    c = world["candidate"]
    login(client, world["sec"])
    early = add(client, c, "01/12/2024", "Nhận xét viết trước khi vào nguồn.")
    html = early.get_data(as_text=True)
    assert early.status_code == 422
    assert "sớm hơn ngày vào danh sách nguồn (02/01/2025)" in html
    assert "Nhận xét viết trước khi vào nguồn." in html and 'value="01/12/2024"' in html
    assert 'id="note-day"' in html and '<details class="card" open' in html
    future = date.fromordinal(today_vn().toordinal() + 3)
    later = add(client, c, fmt_date(future))
    assert later.status_code == 422 and "ở tương lai" in later.get_data(as_text=True)
    blank = add(client, c, "10/06/2025", text="")
    assert blank.status_code == 422 and "Nội dung nhận xét" in blank.get_data(as_text=True)
    assert db.session.scalar(select(HelperNote.id)) is None


def test_only_those_who_may_edit_the_candidate_add_or_remove_notes(client, world):
    c = world["candidate"]
    login(client, world["sec"])
    assert add(client, c, "10/06/2025").status_code == 302
    note = db.session.scalar(select(HelperNote))
    client.post("/logout")
    login(client, world["other"])  # another cell: the candidate is not theirs
    assert add(client, c, "11/06/2025").status_code == 404
    assert client.post(f"/candidates/{c.id}/helper-notes/{note.id}/delete").status_code == 404
    client.post("/logout")
    login(client, world["province"])  # sees the candidate, changes nothing
    page = client.get(f"/candidates/{c.id}").get_data(as_text=True)
    assert NOTE in page and 'data-testid="helper-note-form"' not in page
    assert add(client, c, "11/06/2025").status_code == 403
    assert client.post(f"/candidates/{c.id}/helper-notes/{note.id}/delete").status_code == 403
    assert db.session.scalar(select(HelperNote.id)) == note.id
    client.post("/logout")
    login(client, world["sec"])
    other = CandidateFactory(unit=c.unit)
    db.session.commit()
    # A note is removed only through its own candidate.
    assert client.post(f"/candidates/{other.id}/helper-notes/{note.id}/delete").status_code == 404
    assert client.post(f"/candidates/{c.id}/helper-notes/{note.id}/delete").status_code == 302
    assert db.session.scalar(select(HelperNote.id)) is None
    removed = db.session.scalar(select(AuditLog).where(AuditLog.action == "helper_note_delete"))
    assert removed.before["helper_note"]["text"] == NOTE


def test_erasure_deletes_the_notes_and_their_text_in_the_audit_log(client, world):
    c = world["candidate"]
    c.readmission, c.left_party_date = True, date(2019, 4, 1)
    c.left_party_reason = "Lý do Riêng Tư Vô Cùng"
    db.session.commit()
    login(client, world["sec"])
    assert add(client, c, "10/06/2025").status_code == 302
    assert add(client, c, "12/07/2025", "Ghi chú sẽ bị xóa Khác Biệt.").status_code == 302
    note = db.session.scalar(select(HelperNote).order_by(HelperNote.id.desc()))
    assert client.post(f"/candidates/{c.id}/helper-notes/{note.id}/delete").status_code == 302
    assert NOTE in whole_database() and "Khác Biệt" in whole_database()
    client.post("/logout")
    login(client, world["admin"])
    person = client.get(f"/privacy/candidates/{c.id}/data.json").get_json()
    assert [n["text"] for n in person["helper_notes"]] == [NOTE]
    exited = client.post(
        f"/candidates/{c.id}/stages",
        data={"stage": "exited", "event_date": "01/09/2025", "reason": "moved"},
    )
    assert exited.status_code == 302
    done = client.post(
        f"/privacy/candidates/{c.id}/erase", data={"confirm": "y"}, follow_redirects=True
    )
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and "Nhận xét của đảng viên giúp đỡ đã xóa: 1" in body
    stored = whole_database()
    # The note kept and the one removed earlier are gone from every table.
    assert NOTE not in stored and "Khác Biệt" not in stored
    assert "Riêng Tư Vô Cùng" not in stored
    assert db.session.scalar(select(HelperNote.id)) is None
    db.session.expire_all()
    erased = db.session.get(Candidate, c.id)
    assert erased.helpers is None
    # Counted as a readmission still; when and why they left are gone.
    assert (erased.readmission, erased.left_party_date, erased.left_party_reason) == (
        True,
        None,
        None,
    )

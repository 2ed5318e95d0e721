"""A cell secretary builds a dossier item by item on the candidate page, sees what is
missing, and reaches the `dossier` stage only when it is complete; introducers and
votes follow the rules; after admission, the recognition procedure."""

from datetime import date

import pytest
from sqlalchemy import select

from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.models import AuditLog, Candidate, DossierItem, Introducer, StageEvent
from registry.services.candidates.bulk import record_for_many
from registry.services.candidates.stages import sync_stage_columns
from tests.factories import CandidateFactory, UnitFactory, UserFactory, login


@pytest.fixture
def world(ctx):
    unit = UnitFactory(name="Trường THPT Thử")
    w = {
        "unit": unit,
        "sec": UserFactory(role="cell", cell=unit.cell, full_name="Bí thư Thử"),
        "other": UserFactory(role="cell", cell=UnitFactory().cell),
    }
    db.session.commit()
    return w


def candidate(world, **kw) -> Candidate:
    kw.setdefault("source_date", date(2025, 1, 2))
    kw.setdefault("trained_date", date(2025, 3, 1))
    kw.setdefault("stage", "trained")
    kw.setdefault("birth_date", date(2006, 5, 1))
    kw.setdefault("youth_union_date", date(2021, 3, 26))
    c = CandidateFactory(unit=world["unit"], full_name="Nguyễn Thị Hồ Sơ", **kw)
    db.session.commit()
    return c


def with_events(c: Candidate, **dates: date) -> Candidate:
    """Give the candidate the events of its stored stage dates (as an import would)."""
    for stage, day in dates.items():
        db.session.add(
            StageEvent(
                candidate=c, stage=stage, event_date=day, unit_id=c.unit_id, cell_id=c.cell_id
            )
        )
    db.session.flush()
    sync_stage_columns(c)
    db.session.commit()
    return c


def page(client, c) -> str:
    return client.get(f"/candidates/{c.id}").get_data(as_text=True)


def add_item(client, c, kind, day="02/03/2026", **kw):
    data = {"kind": kind, "day": day, "number": "", "checked_by": "Bí thư Thử", **kw}
    return client.post(f"/candidates/{c.id}/dossier", data=data)


def add_member(client, c, name, since="01/01/2015", months="24", day="02/03/2026"):
    data = {
        "kind": "member",
        "name": name,
        "day": day,
        "full_member_since": since,
        "months_together": months,
    }
    return client.post(f"/candidates/{c.id}/introducers", data=data)


def post_stage(client, c, stage, when):
    return client.post(
        f"/candidates/{c.id}/stages", data={"stage": stage, "event_date": when, "document_no": ""}
    )


def stage_of(c) -> str:
    db.session.expire_all()
    return db.session.get(Candidate, c.id).stage


def test_the_dossier_built_item_by_item_opens_the_dossier_stage(client, world):
    c = candidate(world)
    login(client, world["sec"])
    html = page(client, c)
    assert "Hồ sơ kết nạp" in html and "Chưa có: Đơn xin vào Đảng (Mẫu 1-KNĐ)." in html
    refused = post_stage(client, c, "dossier", "05/03/2026")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Hồ sơ chưa đủ để ghi nhận bước này" in text and "Lý lịch của người xin vào Đảng" in text
    assert stage_of(c) == "trained"

    for kind in ("application", "background", "verification", "mass_opinions"):
        assert add_item(client, c, kind, number="01").status_code == 302
    html = page(client, c)
    assert "Đã thêm vào hồ sơ: Tổng hợp ý kiến nhận xét" in html
    assert "Chưa có: Ý kiến nhận xét của chi ủy, chi bộ nơi cư trú." in html
    assert "Chưa có: Đơn xin vào Đảng" not in html
    assert add_item(client, c, "residence_opinion").status_code == 302
    assert add_member(client, c, "Trần Văn Hùng").status_code == 302
    html = page(client, c)
    assert "mới có 1 đảng viên chính thức" in html
    assert post_stage(client, c, "dossier", "05/03/2026").status_code == 422

    youth = {"kind": "youth_union", "name": "Đoàn trường THPT Thử", "day": "03/03/2026"}
    assert client.post(f"/candidates/{c.id}/introducers", data=youth).status_code == 302
    html = page(client, c)
    assert 'data-testid="dossier-complete"' in html
    assert post_stage(client, c, "dossier", "05/03/2026").status_code == 302
    assert stage_of(c) == "dossier"
    stored = db.session.scalars(select(DossierItem.kind).where(DossierItem.candidate_id == c.id))
    assert len(list(stored)) == 5
    logged = db.session.scalars(select(AuditLog.entity).where(AuditLog.action == "create"))
    assert {"dossier_item", "introducer"} <= set(logged)


def test_an_introducer_who_is_not_a_full_member_is_refused_and_the_form_keeps_the_input(
    client, world
):
    c = candidate(world)
    login(client, world["sec"])
    missing = add_member(client, c, "Lê Văn Mới", since="")
    assert missing.status_code == 422
    assert "chỉ đảng viên chính thức được giới thiệu" in missing.get_data(as_text=True)
    late = add_member(client, c, "Lê Văn Mới", since="10/03/2026", day="02/03/2026")
    text = late.get_data(as_text=True)
    assert late.status_code == 422 and "chưa là đảng viên chính thức" in text
    assert 'value="Lê Văn Mới"' in text  # nothing typed is lost
    assert db.session.scalar(select(Introducer.id)) is None
    short = add_member(client, c, "Phạm Thị Ngắn", months="6")
    assert short.status_code == 302
    assert "mới công tác cùng người vào Đảng 6 tháng" in page(client, c)


def test_a_resolution_below_two_thirds_is_refused(client, world):
    c = candidate(world)
    login(client, world["sec"])
    low = add_item(client, c, "cell_resolution", votes_for="5", votes_total="9")
    assert low.status_code == 422 and "dưới 2/3" in low.get_data(as_text=True)
    blank = add_item(client, c, "cell_resolution")
    assert blank.status_code == 422 and "số phiếu" in blank.get_data(as_text=True)
    assert add_item(client, c, "cell_resolution", votes_for="6", votes_total="9").status_code == 302
    assert "6/9 đảng viên chính thức tán thành" in page(client, c)


def test_an_imported_dossier_date_stays_and_says_the_dossier_is_unfinished(client, world):
    c = candidate(world, dossier_date=date(2026, 3, 5), stage="dossier")
    login(client, world["sec"])
    html = page(client, c)
    assert "Hồ sơ chưa đủ." in html and stage_of(c) == "dossier"


def test_bulk_recording_refuses_the_dossier_stage_while_items_are_missing(ctx, world):
    c = candidate(world)
    outcomes = record_for_many(db.session, world["sec"], [c.id], "dossier", date(2026, 3, 5))
    assert not outcomes[0].ok and "Hồ sơ chưa đủ" in outcomes[0].messages[0]
    assert stage_of(c) == "trained"


def test_another_scopes_candidate_and_items_answer_404(client, world):
    c = candidate(world)
    login(client, world["sec"])
    add_item(client, c, "application")
    item = db.session.scalar(select(DossierItem))
    client.post("/logout")
    login(client, world["other"])
    assert add_item(client, c, "background").status_code == 404
    assert client.post(f"/candidates/{c.id}/dossier/{item.id}/delete").status_code == 404
    assert db.session.scalar(select(DossierItem.id)) == item.id


def test_the_recognition_procedure_to_full_membership(client, world):
    today = today_vn()
    admitted = date(today.year - 2, 1, 15)
    c = with_events(
        candidate(world),
        trained=date(today.year - 3, 3, 1),
        dossier=date(today.year - 3, 11, 1),
        cell_resolution=date(today.year - 3, 11, 20),
        decision=date(today.year - 3, 12, 20),
        admitted=admitted,
    )
    login(client, world["sec"])
    html = page(client, c)
    assert "Hồ sơ công nhận đảng viên chính thức" in html
    assert f"có hiệu lực từ ngày 15/01/{today.year - 1}" in html
    early = add_item(
        client,
        c,
        "recognition_cell_resolution",
        day=f"14/01/{today.year - 1}",
        votes_for="8",
        votes_total="9",
    )
    assert early.status_code == 422 and "sau khi hết 12 tháng dự bị" in early.get_data(as_text=True)
    day = f"20/01/{today.year - 1}"
    for kind in (
        "self_assessment",
        "helper_assessment",
        "recognition_mass_opinions",
        "recognition_residence_opinion",
    ):
        assert add_item(client, c, kind, day=day).status_code == 302
    voted = add_item(
        client, c, "recognition_cell_resolution", day=day, votes_for="8", votes_total="9"
    )
    assert voted.status_code == 302
    assert "Hồ sơ công nhận đủ các giấy tờ." in page(client, c)
    assert post_stage(client, c, "full_member", f"10/02/{today.year - 1}").status_code == 302
    assert stage_of(c) == "full_member"
    html = page(client, c)
    effective = html.split("Ngày chính thức (có hiệu lực)")[1].split("</tr>")[0]
    assert f"15/01/{today.year - 1}" in effective  # ceremony + 12 months, not the meeting


def test_the_cells_recognition_resolution_starts_the_committees_deadline(client, world):
    today = today_vn()
    c = with_events(
        candidate(world),
        trained=date(today.year - 3, 3, 1),
        cell_resolution=date(today.year - 3, 11, 20),
        decision=date(today.year - 3, 12, 20),
        admitted=date(today.year - 2, 1, 15),
    )
    login(client, world["sec"])
    html = page(client, c)
    assert "Quá hạn xét công nhận đảng viên chính thức" in html  # the chi bộ is late
    day = date(today.year - 1, 1, 20)
    voted = add_item(
        client, c, "recognition_cell_resolution", day=day.strftime("%d/%m/%Y"),
        votes_for="8", votes_total="9",
    )  # fmt: skip
    assert voted.status_code == 302
    db.session.expire_all()
    assert c.recognition_resolution_date == day
    html = page(client, c)
    assert "Quá hạn xét công nhận đảng viên chính thức" not in html
    assert "Quá 30 ngày làm việc chưa có quyết định công nhận đảng viên chính thức" in html
    due = html.split('data-testid="due"')[1].split("</div>")[0]
    assert "Cấp ủy có thẩm quyền quyết định công nhận đảng viên chính thức" in due
    item = db.session.scalar(
        select(DossierItem).where(DossierItem.kind == "recognition_cell_resolution")
    )
    assert client.post(f"/candidates/{c.id}/dossier/{item.id}/delete").status_code == 302
    db.session.expire_all()
    assert c.recognition_resolution_date is None


def test_the_education_exception_follows_the_areas_disadvantaged_flag(client, world):
    c = with_events(
        candidate(world, education="7/12", birth_date=date(2000, 1, 1)),
        trained=date(2025, 3, 1),
        cell_resolution=date(2025, 6, 2),
    )
    login(client, world["sec"])
    assert "chưa được đánh dấu là địa bàn đặc biệt khó khăn" in page(client, c)
    world["unit"].area.disadvantaged = True
    db.session.commit()
    assert "được xem xét theo ngoại lệ (đã tốt nghiệp tiểu học" in page(client, c)


def test_the_alerts_list_a_dossier_date_without_its_items_until_they_are_entered(client, world):
    c = candidate(world, dossier_date=date(2026, 3, 5), stage="dossier")
    login(client, world["sec"])
    listed = client.get("/candidates/alerts?kind=dossier_incomplete").get_data(as_text=True)
    assert "Nguyễn Thị Hồ Sơ" in listed and "chưa đủ giấy tờ bắt buộc" in listed
    today = today_vn()
    day = f"{today.day:02d}/{today.month:02d}/{today.year}"
    for kind in ("application", "background", "verification", "mass_opinions"):
        add_item(client, c, kind, day=day)
    add_item(client, c, "residence_opinion", day=day)
    add_member(client, c, "Trần Văn Hùng", day=day)
    add_member(client, c, "Lê Thị Mai", day=day)
    db.session.expire_all()
    until = db.session.get(Candidate, c.id).dossier_valid_until
    assert until is not None and until > today
    listed = client.get("/candidates/alerts?kind=dossier_incomplete").get_data(as_text=True)
    assert "Nguyễn Thị Hồ Sơ" not in listed

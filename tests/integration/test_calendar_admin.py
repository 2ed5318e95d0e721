"""Admins keep the working calendar: holidays, the yearly swaps, make-up days by the rule."""

from datetime import date

import pytest
from sqlalchemy import select

from registry.extensions import db
from registry.models import AuditLog, Holiday
from registry.services.calendar.holidays import holiday_set, seed_holidays
from tests.factories import UserFactory, login


@pytest.fixture
def admin(ctx):
    user = UserFactory(username="quantri", role="admin")
    db.session.commit()
    return user


def kinds() -> dict[date, str]:
    return {h.day: h.kind for h in db.session.scalars(select(Holiday))}


def add(client, day: str, name: str, kind: str, source: str = ""):
    data = {"day": day, "name": name, "kind": kind, "source": source}
    return client.post("/admin/holidays", data=data, follow_redirects=True)


def test_a_holiday_on_a_sunday_gets_its_make_up_day_and_loses_it_when_deleted(admin, client):
    login(client, admin)
    page = add(client, "2026-11-22", "Ngày thử (Chủ nhật)", "holiday", "Quyết định thử")
    text = page.get_data(as_text=True)
    assert "Đã thêm ngày lễ, tết: Ngày thử (Chủ nhật)." in text
    assert kinds() == {date(2026, 11, 22): "holiday", date(2026, 11, 23): "makeup"}
    assert "Nghỉ bù Ngày thử (Chủ nhật) (22/11/2026)" in text and "tính toán" in text
    sunday = db.session.scalar(select(Holiday).where(Holiday.day == date(2026, 11, 22)))
    makeup = db.session.scalar(select(Holiday).where(Holiday.kind == "makeup"))
    refused = client.post(f"/admin/holidays/{makeup.id}/delete", follow_redirects=True)
    assert "tính tự động" in refused.get_data(as_text=True)
    client.post(f"/admin/holidays/{sunday.id}/delete")
    assert kinds() == {}
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.entity == "holiday"))
    assert list(actions) == ["create", "delete"]


def test_a_yearly_swap_is_a_weekday_off_and_a_saturday_worked(admin, client):
    login(client, admin)
    add(client, "2027-04-29", "Nghỉ hoán đổi", "swap_off", "Thông báo thử")
    add(client, "2027-04-24", "Làm bù", "worked", "Thông báo thử")
    cal = holiday_set(db.session)
    assert not cal.is_working_day(date(2027, 4, 29)) and cal.is_working_day(date(2027, 4, 24))
    wrong = add(client, "2027-04-26", "Làm bù thứ Hai", "worked")
    assert "phải là thứ Bảy hoặc Chủ nhật" in wrong.get_data(as_text=True)
    weekend = add(client, "2027-04-25", "Nghỉ Chủ nhật", "swap_off")
    assert "phải là ngày thường" in weekend.get_data(as_text=True)
    twice = add(client, "2027-04-29", "Trùng", "holiday")
    assert "đã có trong lịch ngày nghỉ (Nghỉ hoán đổi: Nghỉ hoán đổi)" in twice.get_data(
        as_text=True
    )
    assert len(kinds()) == 2


def test_the_shipped_calendar_seeds_once_with_its_make_up_days(admin, client):
    added = seed_holidays(db.session)
    assert added > 100 and seed_holidays(db.session) == 0
    stored = kinds()
    assert stored[date(2026, 4, 27)] == "makeup"  # Giỗ Tổ on Sunday 26/04/2026
    assert stored[date(2025, 9, 1)] == "holiday"  # second Quốc khánh day
    assert (stored[date(2025, 5, 2)], stored[date(2025, 4, 26)]) == ("swap_off", "worked")
    db.session.commit()
    login(client, admin)
    page = client.get("/admin/holidays?year=2027").get_data(as_text=True)
    assert "tính toán: 5 ngày thường quanh mùng 1" in page
    assert "Quốc khánh (ngày thứ hai)" in page and "thứ Sáu" in page

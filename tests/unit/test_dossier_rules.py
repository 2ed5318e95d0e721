"""The dossier rules of the reference (admission_rules.md rules 4–7, 11, 12)."""

from datetime import date

import pytest

from registry.domain.dossier import (
    MEMBER,
    REQUIRED_FOR_DOSSIER,
    TRADE_UNION,
    YOUTH_UNION,
    DossierError,
    Introduction,
    Item,
    Person,
    admission_checklist,
    check_introduction,
    check_item,
    check_vote,
    complete_until,
    recognition_checklist,
)
from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings

TODAY = date(2026, 6, 1)
S = DEFAULT_SETTINGS
PERSON = Person(trained=date(2025, 3, 1), youth_union_member=True)


def full_file(day=date(2026, 3, 2)) -> list[Item]:
    return [Item(kind, day) for kind in REQUIRED_FOR_DOSSIER]


def member(name="Trần Văn Hùng", day=date(2026, 3, 2), since=date(2015, 1, 1), months=24):
    return Introduction(MEMBER, name, day, since, months)


# --- introducers (rule 6, 6a) -------------------------------------------------------------


def test_an_introducer_without_the_date_they_became_a_full_member_is_refused():
    with pytest.raises(DossierError, match="chỉ đảng viên chính thức"):
        check_introduction(member(since=None), PERSON, TODAY)


def test_an_introducer_who_became_a_full_member_after_the_introduction_is_refused():
    late = member(day=date(2026, 3, 2), since=date(2026, 3, 3))
    with pytest.raises(DossierError, match="chưa là đảng viên chính thức"):
        check_introduction(late, PERSON, TODAY)
    same_day = member(day=date(2026, 3, 2), since=date(2026, 3, 2))
    assert check_introduction(same_day, PERSON, TODAY) == []


def test_under_twelve_months_together_is_a_warning_not_a_refusal():
    assert check_introduction(member(months=12), PERSON, TODAY) == []
    [warning] = check_introduction(member(months=11), PERSON, TODAY)
    assert "11 tháng" in warning and "ít nhất 12 tháng" in warning


def test_a_union_resolution_needs_a_union_member_and_the_setting():
    youth = Introduction(YOUTH_UNION, "Đoàn trường THPT Thử", date(2026, 3, 2))
    assert check_introduction(youth, PERSON, TODAY) == []
    with pytest.raises(DossierError, match="đoàn viên"):
        check_introduction(youth, Person(trained=date(2025, 3, 1)), TODAY)
    union = Introduction(TRADE_UNION, "Công đoàn Công ty Thử", date(2026, 3, 2))
    with pytest.raises(DossierError, match="công đoàn viên"):
        check_introduction(union, PERSON, TODAY)
    off = RuleSettings(union_resolution_replaces_introducer=False)
    with pytest.raises(DossierError, match="cài đặt"):
        check_introduction(youth, PERSON, TODAY, off)


# --- the vote (rule 7) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("votes", "total", "ok"),
    [(6, 9, True), (5, 9, False), (2, 3, True), (1, 2, False), (9, 9, True)],
)
def test_a_resolution_needs_two_thirds_of_the_full_members(votes, total, ok):
    if ok:
        check_vote(votes, total, S)
    else:
        with pytest.raises(DossierError, match="dưới 2/3"):
            check_vote(votes, total, S)


def test_a_vote_must_be_written_and_make_sense():
    with pytest.raises(DossierError, match="7/9"):
        check_vote(None, 9, S)
    with pytest.raises(DossierError, match="từ 0 đến"):
        check_vote(10, 9, S)
    check_vote(3, 5, RuleSettings(vote_share_numerator=1, vote_share_denominator=2))


def test_an_item_in_the_future_or_a_resolution_without_its_vote_is_refused():
    with pytest.raises(DossierError, match="tương lai"):
        check_item(Item("application", date(2026, 6, 2)), PERSON, TODAY)
    with pytest.raises(DossierError, match="phiếu"):
        check_item(Item("cell_resolution", TODAY), PERSON, TODAY)
    check_item(Item("cell_resolution", TODAY, "01-NQ/CB", 7, 9), PERSON, TODAY)


# --- the whole dossier (rules 4, 5, 6) ----------------------------------------------------


def test_a_full_dossier_with_two_members_is_complete():
    state = admission_checklist(full_file(), [member(), member("Lê Thị Mai")], PERSON, TODAY)
    assert state.complete and state.problems() == []


def test_each_missing_item_is_listed():
    state = admission_checklist(full_file()[1:], [member()], PERSON, TODAY)
    assert not state.complete
    text = " ".join(state.problems())
    assert "Đơn xin vào Đảng (Mẫu 1-KNĐ)" in text
    assert "mới có 1 đảng viên chính thức" in text


def test_one_member_and_the_youth_union_resolution_replace_two_members():
    youth = Introduction(YOUTH_UNION, "Đoàn trường", date(2026, 3, 2))
    assert admission_checklist(full_file(), [member(), youth], PERSON, TODAY).complete
    off = RuleSettings(union_resolution_replaces_introducer=False)
    assert not admission_checklist(full_file(), [member(), youth], PERSON, TODAY, off).complete


def test_items_dated_after_the_check_date_do_not_count():
    state = admission_checklist(
        full_file(date(2026, 5, 1)), [member(), member("B")], PERSON, date(2026, 4, 1)
    )
    assert len(state.missing) == len(REQUIRED_FOR_DOSSIER)  # the introductions are older


def test_statements_older_than_12_months_at_the_date_must_be_redone():
    old = date(2025, 3, 1)
    items = [Item(k, old) for k in REQUIRED_FOR_DOSSIER]
    intros = [member(day=old), member("Lê Thị Mai", day=old)]
    on_time = admission_checklist(items, intros, PERSON, date(2026, 3, 1))
    assert on_time.complete  # exactly 12 months: still valid
    late = admission_checklist(items, intros, PERSON, date(2026, 3, 2))
    text = " ".join(late.stale)
    assert "Tổng hợp ý kiến nhận xét" in text and "nơi cư trú" in text
    assert "Trần Văn Hùng" in text and "cần làm lại" in text
    # The application, the background and its verification are not redone.
    assert "Đơn xin vào Đảng" not in text and "Lý lịch" not in text


def test_the_certificate_comes_from_the_trained_stage_and_expires_after_60_months():
    intros = [member(), member("B")]
    untrained = admission_checklist(full_file(), intros, Person(), TODAY)
    assert "Chưa có giấy chứng nhận" in " ".join(untrained.missing)
    expired = admission_checklist(full_file(), intros, Person(trained=date(2021, 5, 31)), TODAY)
    assert "đã hết hạn ngày 31/05/2026" in " ".join(expired.stale)
    assert admission_checklist(
        full_file(), intros, Person(trained=date(2021, 6, 1)), TODAY
    ).complete


def test_a_complete_dossier_stays_complete_until_its_first_statement_lapses():
    items = full_file(date(2026, 3, 2))
    intros = [member(day=date(2026, 3, 2)), member("B", day=date(2026, 4, 1))]
    assert complete_until(items, intros, PERSON, TODAY) == date(2027, 3, 2)
    three = [*intros, member("C", day=date(2026, 5, 1))]
    assert complete_until(items, three, PERSON, TODAY) == date(2027, 3, 2)  # the opinions
    assert complete_until(items[1:], intros, PERSON, TODAY) is None
    soon = Person(trained=date(2021, 6, 15), youth_union_member=True)  # valid to 15/06/2026
    assert complete_until(items, intros, soon, TODAY) == date(2026, 6, 15)


def test_a_dossier_made_complete_that_has_since_lapsed_gives_its_last_complete_day():
    items = full_file(date(2024, 3, 2))
    intros = [member(day=date(2024, 3, 2)), member("B", day=date(2024, 3, 2))]
    made, person = date(2024, 3, 5), Person(trained=date(2023, 1, 10))
    assert complete_until(items, intros, person, TODAY) is None  # no date it was made
    assert complete_until(items, intros, person, TODAY, made=made) == date(2025, 3, 2)
    assert complete_until(items[1:], intros, person, TODAY, made=made) is None


# --- recognition (rules 11, 12) -----------------------------------------------------------


def test_the_recognition_resolution_comes_after_the_twelve_months():
    admitted = Person(admitted=date(2025, 5, 19))
    early = Item("recognition_cell_resolution", date(2026, 5, 18), None, 8, 9)
    with pytest.raises(DossierError, match="19/05/2026"):
        check_item(early, admitted, TODAY)
    check_item(Item("recognition_cell_resolution", date(2026, 5, 19), None, 8, 9), admitted, TODAY)
    with pytest.raises(DossierError, match="Chưa có ngày kết nạp"):
        check_item(early, Person(), TODAY)


def test_the_recognition_file_lists_what_it_lacks_and_the_effective_date():
    admitted = Person(admitted=date(2025, 5, 19))
    assert recognition_checklist([], Person()) is None
    state = recognition_checklist([Item("self_assessment", date(2026, 5, 20))], admitted)
    assert state is not None and len(state.missing) == 4
    assert "Bản nhận xét của đảng viên giúp đỡ" in " ".join(state.missing)
    assert "có hiệu lực từ ngày 19/05/2026" in state.warnings[0]

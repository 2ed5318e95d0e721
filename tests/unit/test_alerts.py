"""Deadline alerts, their SQL windows, and the next step shown on a candidate page."""

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from registry.domain.alerts.candidate import alerts_for
from registry.domain.alerts.columns import AlertCandidate
from registry.domain.alerts.kinds import ALERT_KINDS
from registry.domain.alerts.next_step import next_due
from registry.domain.alerts.windows import alert_windows
from registry.domain.rules.facts import CandidateFacts
from registry.domain.rules.settings import RuleSettings
from registry.domain.vocabulary import STAGE_DATE_COLUMNS, Stage
from registry.domain.workdays import add_working_days, default_holidays

H = default_holidays()
NONE: frozenset[date] = frozenset()
DAY = timedelta(days=1)
S = Stage


FAR = date(2100, 1, 1)


def cand(
    group="worker", birth=date(1995, 5, 5), exited=False, valid_until=FAR, **dates
) -> AlertCandidate:
    """A candidate whose dossier (when it has one) stays complete unless told otherwise."""
    return AlertCandidate(birth, group, dates, exited=exited, dossier_valid_until=valid_until)


def codes(c, today, holidays=H):
    return [a.code for a in alerts_for(c, today, holidays)]


# --- each kind at its edge ----------------------------------------------------------------


def test_no_decision_60_working_days_after_the_cell_resolution_over_tet():
    c = cand(trained=date(2025, 6, 1), cell_resolution=date(2026, 1, 5))
    # Counting over the Tết 2026 break (16–20/02) pushes the 60th working day to 06/04.
    assert add_working_days(date(2026, 1, 5), 60, H) == date(2026, 4, 6)
    assert add_working_days(date(2026, 1, 5), 60, NONE) == date(2026, 3, 30)
    # The 60th working day is still in time: the alert starts the day after it.
    assert "no_decision" not in codes(c, date(2026, 4, 6))
    [alert] = [a for a in alerts_for(c, date(2026, 4, 7), H) if a.code == "no_decision"]
    assert alert.due_date == date(2026, 4, 6) and "05/01/2026" in alert.message
    assert "no_decision" not in codes(c, date(2026, 3, 30), NONE)
    assert "no_decision" in codes(c, date(2026, 3, 31), NONE)
    decided = cand(cell_resolution=date(2026, 1, 5), decision=date(2026, 3, 1))
    assert "no_decision" not in codes(decided, date(2026, 6, 1))


def test_no_ceremony_30_working_days_after_the_decision():
    c = cand(decision=date(2026, 4, 1))
    due = add_working_days(date(2026, 4, 1), 30, H)
    # 30/04, 01/05 are holidays, and so is Monday 27/04 (make-up day for Giỗ Tổ, Sunday 26/04).
    assert due == date(2026, 5, 18)
    assert "no_ceremony" not in codes(c, due)
    assert "no_ceremony" in codes(c, due + DAY)
    assert codes(cand(decision=date(2026, 4, 1), admitted=date(2026, 6, 1)), due) == []


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 5, 10), []),
        (date(2025, 5, 11), ["probation_ending"]),  # 30 days before 10/06/2025
        (date(2025, 6, 10), ["probation_ending"]),
        (date(2025, 7, 21), ["probation_ending"]),  # still in the chi bộ's 30 working days
        (date(2025, 7, 22), ["probation_ending"]),  # the 30th working day, still in time
        (date(2025, 7, 23), ["recognition_overdue"]),
    ],
)
def test_probation_ending_then_recognition_overdue(today, expected):
    c = cand(admitted=date(2024, 6, 10))
    assert codes(c, today) == expected
    recognised = cand(admitted=date(2024, 6, 10), full_member=date(2025, 6, 10))
    assert codes(recognised, today) == []


def test_the_cells_recognition_resolution_starts_the_committees_30_working_days():
    # Admitted 10/06/2024: probation ends 10/06/2025; the chi bộ met in time, on 25/07/2025.
    c = AlertCandidate(
        date(1995, 5, 5),
        "worker",
        {S.ADMITTED: date(2024, 6, 10)},
        recognition_resolution_date=date(2025, 7, 25),
    )
    # Quốc khánh 01–02/09/2025 pushes the 30th working day from 05/09 to 09/09.
    due = add_working_days(date(2025, 7, 25), 30, H)
    assert due == date(2025, 9, 9)
    assert add_working_days(date(2025, 7, 25), 30, NONE) == date(2025, 9, 5)
    # The cell's resolution ends its own alert and the probation warning.
    assert codes(c, date(2025, 7, 30)) == []
    assert codes(c, due) == []
    [alert] = alerts_for(c, due + DAY, H)
    assert alert.code == "recognition_decision_overdue" and alert.due_date == due
    assert "25/07/2025" in alert.message and "09/09/2025" in alert.message
    assert "30 ngày làm việc kể từ ngày chi bộ có nghị quyết" in alert.rule
    assert codes(c, date(2025, 9, 6), NONE) == ["recognition_decision_overdue"]
    window = alert_windows(due + DAY, H)["recognition_decision_overdue"]
    # A resolution on the weekend after (26–27/07) has the same last day; Monday's not.
    assert window.latest == date(2025, 7, 27) and window.matches(c.columns())
    assert not alert_windows(due, H)["recognition_decision_overdue"].matches(c.columns())
    decided = AlertCandidate(
        None,
        "worker",
        {S.ADMITTED: date(2024, 6, 10), S.FULL_MEMBER: date(2025, 9, 20)},
        recognition_resolution_date=date(2025, 7, 25),
    )
    assert codes(decided, date(2025, 10, 1)) == []


def test_the_recognition_decision_deadline_is_a_setting():
    c = AlertCandidate(None, "worker", {}, recognition_resolution_date=date(2025, 7, 25))
    later = RuleSettings(recognition_decision_workdays=60)
    assert [a.code for a in alerts_for(c, date(2025, 9, 10), H, later)] == []


def test_each_alert_names_its_rule_and_the_probation_warning_says_it_is_ahead():
    c = cand(admitted=date(2024, 6, 10))
    [before] = alerts_for(c, date(2025, 6, 1), H)
    assert before.label.startswith("Sắp hết thời gian dự bị")
    assert "Điều lệ Đảng Điều 5" in before.rule
    row = cand(cell_resolution=date(2024, 1, 2))
    [late, _stalled] = alerts_for(row, date(2026, 1, 1), H)
    assert "60 ngày làm việc" in late.rule and "ngày sau ngày cuối" in late.rule


def test_probation_messages():
    c = cand(admitted=date(2024, 6, 10))
    [before] = alerts_for(c, date(2025, 6, 1), H)
    [after] = alerts_for(c, date(2025, 6, 20), H)
    assert before.due_date == after.due_date == date(2025, 6, 10)
    assert "kết thúc ngày 10/06/2025" in before.message and "22/07/2025" in before.message
    assert "đã kết thúc" in after.message


def test_certificate_expiring_90_days_before_and_after_expiry():
    c = cand(trained=date(2020, 3, 15), dossier=date(2024, 11, 1))  # valid until 15/03/2025
    assert codes(c, date(2024, 12, 14)) == []
    [alert] = alerts_for(c, date(2024, 12, 15), H)
    assert alert.code == "certificate_expiring" and alert.due_date == date(2025, 3, 15)
    assert "đã hết hạn" not in alert.message
    assert "đã hết hạn" in alerts_for(c, date(2025, 3, 16), H)[0].message
    proposed = cand(trained=date(2020, 3, 15), cell_resolution=date(2024, 6, 1))
    assert "certificate_expiring" not in codes(proposed, date(2025, 1, 1))


@pytest.mark.parametrize(
    ("today", "fires"),
    [
        (date(2025, 6, 9), False),
        (date(2025, 6, 10), True),  # 18 on 10/09/2025, three months ahead
        (date(2025, 9, 9), True),
        (date(2025, 9, 10), False),  # already 18
    ],
)
def test_turning_18(today, fires):
    student = cand("student", birth=date(2007, 9, 10), source=date(2025, 1, 1))
    worker = cand("worker", birth=date(2007, 9, 10), source=date(2025, 1, 1))
    assert ("turning_18" in codes(student, today)) is fires
    assert "turning_18" not in codes(worker, today)


def test_stalled_after_12_months_without_progress():
    c = cand(source=date(2024, 1, 2), dossier=date(2024, 5, 15))
    assert "stalled" not in codes(c, date(2025, 5, 14))
    assert "stalled" in codes(c, date(2025, 5, 15))
    assert "stalled" not in codes(cand(admitted=date(2024, 5, 15)), date(2025, 5, 15))


def test_exited_candidates_have_no_alerts():
    gone = cand(cell_resolution=date(2024, 1, 1), exited=True)
    assert codes(gone, date(2026, 1, 1)) == []


def test_alerts_from_a_plain_row():
    row = {
        "birth_date": date(2000, 1, 1),
        "group": "worker",
        "cell_resolution_date": date(2024, 1, 2),
        "decision_date": None,
    }
    assert codes(row, date(2026, 1, 1)) == ["no_decision", "stalled"]
    assert codes({**row, "exited_date": date(2025, 1, 1)}, date(2026, 1, 1)) == []
    alerts = alerts_for(row, date(2026, 1, 1), H)
    assert all(unicodedata.is_normalized("NFC", a.message) for a in alerts)
    assert all(a.label == ALERT_KINDS[a.code] for a in alerts)


def test_settings_move_the_thresholds():
    c = cand(cell_resolution=date(2026, 1, 5))
    quick = RuleSettings(decision_deadline_workdays=5)
    assert alerts_for(c, date(2026, 1, 12), H, quick) == []  # 12/01: the fifth working day
    assert [a.code for a in alerts_for(c, date(2026, 1, 13), H, quick)] == ["no_decision"]
    assert alert_windows(date(2026, 1, 13), H, quick)["no_decision"].latest == date(2026, 1, 5)
    assert alert_windows(date(2026, 1, 12), H, quick)["no_decision"].latest == date(2026, 1, 4)


# --- windows agree with alerts_for --------------------------------------------------------

TODAYS = st.dates(min_value=date(2020, 3, 1), max_value=date(2030, 6, 30))
STAGE_CODES = [s.value for s in Stage if s is not S.EXITED]


def _bounds(today, column):
    """Bounds of today's windows over this column (any window's when none is over it)."""
    windows = alert_windows(today, H).values()
    own = [w for w in windows if w.column == column and (w.earliest or w.latest)]
    own = own or [w for w in windows if w.earliest or w.latest]
    return sorted({d for w in own for d in (w.earliest, w.latest) if d is not None})


@st.composite
def near_edges(draw, today, column):
    """A date near one of today's bounds for the column, or anywhere in the last 20 years."""
    if draw(st.booleans()):
        edge = draw(st.sampled_from(_bounds(today, column)))
        return edge + timedelta(days=draw(st.integers(-3, 3)))
    return today - timedelta(days=draw(st.integers(-30, 7300)))


@st.composite
def scenarios(draw):
    today = draw(TODAYS)
    dates = {}
    reached = draw(st.integers(1, len(STAGE_CODES)))
    for stage in STAGE_CODES[:reached]:
        if draw(st.integers(0, 2)):  # two in three present, dated in any order
            dates[stage] = draw(near_edges(today, STAGE_DATE_COLUMNS[stage]))
    candidate = AlertCandidate(
        birth_date=draw(st.one_of(st.none(), near_edges(today, "birth_date"))),
        group=draw(st.sampled_from(["student", "worker"])),
        dates=dates,
        exited=draw(st.integers(0, 9)) == 0,
        last_event_date=draw(st.one_of(st.none(), near_edges(today, "last_event_date"))),
        dossier_valid_until=draw(
            st.one_of(st.none(), st.integers(-3, 3).map(lambda n: today + n * DAY))
        ),
        recognition_resolution_date=draw(
            st.one_of(st.none(), near_edges(today, "recognition_resolution_date"))
        ),
    )
    return today, candidate


@settings(max_examples=400, deadline=None)
@given(scenarios())
def test_windows_agree_with_alerts_for(scenario):
    today, candidate = scenario
    fired = set(codes(candidate, today))
    row = candidate.columns()
    matched = {code for code, w in alert_windows(today, H).items() if w.matches(row)}
    for code in fired:
        event(code)
    assert fired == matched


def _only(column, value):
    """A candidate whose one stored date is `value` in `column`."""
    if column == "last_event_date":
        return AlertCandidate(None, "worker", {}, last_event_date=value)
    if column == "birth_date":
        return AlertCandidate(value, "student", {})
    if column == "recognition_resolution_date":
        return AlertCandidate(None, "worker", {}, recognition_resolution_date=value)
    stage = next(s for s, c in STAGE_DATE_COLUMNS.items() if c == column)
    return AlertCandidate(None, "worker", {stage: value})


@pytest.mark.parametrize("today", [date(2026, 2, 13), date(2026, 2, 22), date(2025, 5, 2)])
def test_each_window_edge_is_exact(today):
    for code, window in alert_windows(today, H).items():
        if window.latest is None:
            continue  # dossier_incomplete: its edge is the lapse date, tested below
        edges = [(window.latest, True), (window.latest + DAY, False)]
        if window.earliest is not None:
            edges += [(window.earliest, True), (window.earliest - DAY, False)]
        for value, fires in edges:
            assert (code in codes(_only(window.column, value), today)) is fires, (code, value)


def test_dossier_incomplete_while_the_dossier_lacks_items_or_has_lapsed():
    today = date(2026, 6, 1)
    unfinished = cand(dossier=date(2026, 3, 5), valid_until=None)
    [alert] = alerts_for(unfinished, today, H)
    assert alert.code == "dossier_incomplete" and "chưa đủ giấy tờ" in alert.message
    assert codes(cand(dossier=date(2026, 3, 5), valid_until=today), today) == []
    [lapsed] = alerts_for(cand(dossier=date(2025, 9, 5), valid_until=today - DAY), today, H)
    assert lapsed.due_date == today - DAY and "31/05/2026" in lapsed.message
    proposed = cand(dossier=date(2026, 3, 5), cell_resolution=date(2026, 4, 1), valid_until=None)
    assert "dossier_incomplete" not in codes(proposed, today)
    window = alert_windows(today, H)["dossier_incomplete"]
    assert window.matches(unfinished.columns()) and not window.matches(
        cand(dossier=date(2026, 3, 5), valid_until=today).columns()
    )


# --- next step on the candidate page ------------------------------------------------------


def due_for(today=date(2026, 3, 2), committee_required=False, **dates):
    f = CandidateFacts(date(2000, 1, 1), committee_required=committee_required, dates=dates)
    return next_due(f, today, H)


def test_next_due_after_each_stage():
    after_cell = due_for(trained=date(2025, 6, 1), cell_resolution=date(2026, 1, 5))
    assert (after_cell.stage, after_cell.due_date) == ("decision", date(2026, 4, 6))
    truc_thuoc = due_for(committee_required=True, cell_resolution=date(2026, 1, 5))
    assert (truc_thuoc.stage, truc_thuoc.due_date) == ("committee_resolution", date(2026, 4, 6))
    after_decision = due_for(decision=date(2026, 4, 1), today=date(2026, 5, 19))
    assert after_decision.stage == "admitted" and after_decision.due_date == date(2026, 5, 18)
    assert after_decision.overdue and "18/05/2026" in after_decision.message
    probation = due_for(admitted=date(2024, 6, 10))
    assert probation.stage == "full_member"
    assert (probation.not_before, probation.due_date) == (date(2025, 6, 10), date(2025, 7, 22))


def test_next_due_before_the_cell_resolution():
    assert due_for(source=date(2025, 1, 1)).stage == "trained"
    assert due_for(source=date(2025, 1, 1)).due_date is None
    dossier = due_for(trained=date(2025, 1, 1), dossier=date(2025, 6, 1))
    assert (dossier.stage, dossier.due_date) == ("cell_resolution", date(2026, 6, 1))
    expired = due_for(trained=date(2020, 1, 1))
    assert expired.stage == "trained" and expired.overdue
    young = next_due(
        CandidateFacts(date(2008, 9, 1), dates={"trained": date(2026, 1, 1)}), date(2026, 3, 2), H
    )
    assert young.not_before == date(2026, 9, 1) and "01/09/2026" in young.message


def test_next_due_after_the_cells_recognition_resolution_is_the_committees_decision():
    f = CandidateFacts(
        date(2000, 1, 1),
        dates={"admitted": date(2024, 6, 10)},
        recognition_resolution=date(2025, 7, 25),
    )
    due = next_due(f, date(2025, 9, 10), H)
    assert (due.stage, due.due_date, due.overdue) == ("full_member", date(2025, 9, 9), True)
    assert "quyết định công nhận" in due.message


def test_nothing_due_when_done_or_gone():
    assert due_for(admitted=date(2024, 6, 10), full_member=date(2025, 6, 10)) is None
    assert due_for(source=date(2025, 1, 1), exited=date(2025, 6, 1)) is None
    assert due_for() is None

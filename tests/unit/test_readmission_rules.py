"""Readmission (kết nạp lại, reference rule 16): at least 36 months after leaving the
Party, 60 after a minor criminal record was expunged, judged on the chi bộ's resolution."""

from datetime import date

from registry.domain.alerts.next_step import next_due
from registry.domain.rules.dates import readmission_from
from registry.domain.rules.facts import CandidateFacts, Readmission
from registry.domain.rules.settings import DEFAULT_SETTINGS, RuleSettings
from registry.domain.rules.transitions import check_row, check_transition
from registry.domain.rules.verdict import ERROR_CODES, WARNING_CODES
from registry.domain.vocabulary import Stage
from registry.domain.workdays import default_holidays

TODAY = date(2026, 3, 2)
S = Stage
LEFT = date(2021, 3, 15)


def propose(on: date, readmission: Readmission | None, settings=DEFAULT_SETTINGS):
    facts = CandidateFacts(
        date(1990, 1, 15),
        education="12/12",
        introducers_count=2,
        dates={"source": date(2022, 1, 5), "trained": date(2022, 6, 1)},
        readmission=readmission,
    )
    return check_transition(facts, S.CELL_RESOLUTION, on, TODAY, settings)


def test_35_full_months_after_leaving_is_refused_36_is_allowed():
    r = Readmission(LEFT)
    assert readmission_from(r) == date(2024, 3, 15)
    early = propose(date(2024, 3, 14), r)  # 35 months and 28 days
    assert early.codes() == ["readmission_too_soon"]
    [issue] = early.errors
    assert issue.field == "cell_resolution_date"
    assert "36 tháng kể từ ngày ra khỏi Đảng (15/03/2021)" in issue.message
    assert "từ ngày 15/03/2024" in issue.message and "14/03/2024" in issue.message
    on_time = propose(date(2024, 3, 15), r)
    assert on_time.ok and on_time.codes() == ["readmission_grounds"]
    assert "QĐ 232 mục 3.5.1" in on_time.warnings[0].message


def test_a_candidate_not_flagged_is_not_held_to_the_wait():
    assert propose(date(2024, 3, 14), None).codes() == []


def test_an_expunged_minor_record_counts_60_months_from_the_expungement():
    r = Readmission(date(2015, 1, 10), expunged=date(2020, 5, 31))
    # 36 months after leaving passed long ago; 60 after 31/05/2020 end on 31/05/2025.
    assert readmission_from(r) == date(2025, 5, 31)
    refused = propose(date(2025, 5, 30), r)
    assert refused.codes() == ["readmission_too_soon"]
    assert "60 tháng kể từ ngày được xóa án tích (31/05/2020)" in refused.errors[0].message
    assert propose(date(2025, 5, 31), r).ok


def test_the_month_end_clamps_like_the_age_rule():
    r = Readmission(date(2021, 2, 28))
    assert readmission_from(r) == date(2024, 2, 28)
    r = Readmission(date(2020, 8, 31))
    assert readmission_from(r) == date(2023, 8, 31)
    assert not propose(date(2023, 8, 30), r).ok


def test_the_waits_are_settings():
    r = Readmission(LEFT)
    shorter = RuleSettings(readmission_wait_months=24)
    assert propose(date(2023, 3, 15), r, shorter).ok
    assert not propose(date(2023, 3, 14), r, shorter).ok
    longer = RuleSettings(readmission_wait_after_record_months=72)
    assert readmission_from(Readmission(LEFT, date(2020, 1, 1)), longer) == date(2026, 1, 1)


def test_a_later_stage_without_the_resolution_on_file_is_judged_on_its_own_date():
    r = Readmission(LEFT)
    facts = CandidateFacts(date(1990, 1, 15), dates={"source": date(2023, 1, 5)}, readmission=r)
    late = check_transition(facts, S.DECISION, date(2024, 3, 1), TODAY)
    assert "readmission_too_soon" in late.codes()
    assert late.errors[0].field == "decision_date"
    # Earlier stages (training, dossier) may happen during the wait.
    assert check_transition(facts, S.TRAINED, date(2023, 6, 1), TODAY).ok


def test_a_corrected_resolution_date_is_checked_too():
    dates = {"source": date(2023, 1, 5), "trained": date(2023, 6, 1)}
    ok = check_row(
        {**dates, "cell_resolution": date(2024, 3, 15)},
        date(1990, 1, 15),
        "12/12",
        TODAY,
        readmission=Readmission(LEFT),
    )
    assert ok.ok
    moved = check_row(
        {**dates, "cell_resolution": date(2024, 3, 14)},
        date(1990, 1, 15),
        "12/12",
        TODAY,
        readmission=Readmission(LEFT),
    )
    assert moved.codes() == ["readmission_too_soon"]


def test_the_codes_have_their_labels():
    assert "readmission_too_soon" in ERROR_CODES
    assert "readmission_grounds" in WARNING_CODES


def test_the_next_step_is_not_before_the_wait_is_over():
    r = Readmission(date(2024, 1, 10))
    facts = CandidateFacts(
        date(1990, 1, 15),
        dates={"source": date(2025, 1, 5), "trained": date(2025, 6, 1)},
        readmission=r,
    )
    due = next_due(facts, TODAY, default_holidays())
    assert due.not_before == date(2027, 1, 10)
    assert "được xem xét kết nạp lại từ ngày 10/01/2027" in due.message
    waited = CandidateFacts(facts.birth_date, dates=facts.dates, readmission=Readmission(LEFT))
    assert next_due(waited, TODAY, default_holidays()).not_before is None

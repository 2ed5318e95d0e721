"""Stage rules: what may be recorded, when, and what only warns."""

import ast
import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from registry.domain.rules.dates import effective_full_member_date, probation_end
from registry.domain.rules.education import education_grade, is_low_education
from registry.domain.rules.facts import CandidateFacts
from registry.domain.rules.settings import RuleSettings
from registry.domain.rules.transitions import check_row, check_transition
from registry.domain.rules.verdict import ERROR_CODES, WARNING_CODES
from registry.domain.vocabulary import STAGE_ORDER, Stage

TODAY = date(2026, 3, 2)
DAY = timedelta(days=1)
S = Stage


def facts(birth=date(2000, 1, 15), **kw) -> CandidateFacts:
    kw.setdefault("introducers_count", 2)
    kw.setdefault("education", "12/12")
    return CandidateFacts(birth, **kw)


def propose(birth=date(2000, 1, 15), on=date(2024, 9, 3), **dates):
    """Check a cell resolution on `on` after the given earlier stage dates."""
    dates.setdefault("trained", on - timedelta(days=200))
    return check_transition(facts(birth, dates=dates), S.CELL_RESOLUTION, on, TODAY)


# --- age ----------------------------------------------------------------------------------


def test_exactly_18_on_the_cell_resolution_day_is_eligible():
    assert propose(birth=date(2006, 9, 3), on=date(2024, 9, 3)).ok


def test_17_years_11_months_30_days_is_rejected_with_a_precise_message():
    v = propose(birth=date(2006, 9, 3), on=date(2024, 9, 2))
    assert [e.code for e in v.errors] == ["underage"]
    msg = v.errors[0].message
    assert msg.startswith(
        "Chưa đủ 18 tuổi (tính theo tháng) vào ngày chi bộ đề nghị 02/09/2024: "
        "mới 17 tuổi 11 tháng."
    )
    assert "tháng tròn" in msg and "03/09/2024" in msg
    assert unicodedata.is_normalized("NFC", msg)
    assert v.errors[0].field == "cell_resolution_date"


@pytest.mark.parametrize(
    ("birth", "on", "ok"),
    [
        (date(2008, 2, 29), date(2026, 2, 28), True),  # the month ends on the 28th: clamp
        (date(2008, 2, 29), date(2026, 2, 27), False),
        (date(2004, 2, 29), date(2022, 2, 28), True),
        (date(2006, 2, 28), date(2024, 2, 28), True),  # leap target year, same day number
        (date(2006, 2, 28), date(2024, 2, 27), False),
    ],
)
def test_born_on_29_february_and_month_ends(birth, on, ok):
    v = check_row({S.TRAINED: on - DAY, S.CELL_RESOLUTION: on}, birth, None, TODAY)
    assert v.ok is ok


def test_over_60_only_warns():
    assert "over_age" not in propose(birth=date(1960, 1, 1), on=date(2020, 1, 1)).codes()
    v = propose(birth=date(1960, 1, 1), on=date(2020, 2, 1))
    assert v.ok and "over_age" in v.codes()


def test_underage_is_caught_from_a_later_stage_when_the_resolution_is_missing():
    # Admitted at 17: the (unrecorded) chi bộ resolution was earlier, so also too young.
    v = check_row({S.ADMITTED: date(2024, 5, 1)}, date(2007, 1, 1), None, TODAY)
    assert [(e.code, e.field) for e in v.errors] == [("underage", "admitted_date")]
    f = facts(date(2007, 1, 1), dates={S.SOURCE: date(2023, 1, 1)})
    assert check_transition(f, S.DECISION, date(2024, 5, 1), TODAY).codes() == ["underage"]
    assert check_transition(f, S.DECISION, date(2025, 1, 1), TODAY).ok


# --- certificate --------------------------------------------------------------------------


def test_certificate_exactly_60_months_old_is_accepted():
    v = propose(on=date(2024, 3, 15), trained=date(2019, 3, 15))
    assert v.ok, v.errors


def test_certificate_60_months_and_a_day_old_is_rejected():
    v = propose(on=date(2024, 3, 16), trained=date(2019, 3, 15))
    assert v.codes() == ["expired_certificate"]
    assert "15/03/2024" in v.errors[0].message and v.errors[0].field == "trained_date"


def test_cell_resolution_without_a_certificate_warns():
    f = facts(dates={S.SOURCE: date(2024, 1, 1)})
    v = check_transition(f, S.CELL_RESOLUTION, date(2024, 6, 1), TODAY)
    assert v.ok and v.codes() == ["missing_certificate"]


# --- probation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("recognised", "ok"),
    [(date(2024, 4, 10), False), (date(2024, 5, 9), False), (date(2024, 5, 10), True)],
)
def test_full_member_needs_12_months_of_probation(recognised, ok):
    f = facts(dates={S.DECISION: date(2023, 5, 1), S.ADMITTED: date(2023, 5, 10)})
    v = check_transition(f, S.FULL_MEMBER, recognised, TODAY)
    assert v.ok is ok
    if not ok:
        assert v.codes() == ["stage_order"] and "10/05/2024" in v.errors[0].message


def test_probation_end_and_effective_date():
    assert probation_end(date(2023, 5, 10)) == date(2024, 5, 10)
    assert effective_full_member_date(date(2024, 2, 29)) == date(2025, 2, 28)
    assert probation_end(date(2023, 5, 10), RuleSettings(probation_months=6)) == date(2023, 11, 10)


# --- order and dates ----------------------------------------------------------------------


def test_equal_dates_are_allowed():
    f = facts(dates={S.TRAINED: date(2024, 1, 1), S.CELL_RESOLUTION: date(2024, 6, 1)})
    assert check_transition(f, S.DECISION, date(2024, 6, 1), TODAY).ok


def test_an_earlier_date_is_rejected():
    f = facts(dates={S.TRAINED: date(2024, 1, 1), S.CELL_RESOLUTION: date(2024, 6, 1)})
    v = check_transition(f, S.DECISION, date(2024, 5, 31), TODAY)
    assert v.codes() == ["stage_order"]
    assert "31/05/2024" in v.errors[0].message and "01/06/2024" in v.errors[0].message


def test_future_dates_are_rejected():
    f = facts(dates={S.SOURCE: date(2025, 1, 1)})
    assert check_transition(f, S.TRAINED, TODAY, TODAY).ok
    v = check_transition(f, S.TRAINED, TODAY + DAY, TODAY)
    assert v.codes() == ["future_date"] and "03/03/2026" in v.errors[0].message


def test_skipping_stages_is_allowed():
    assert check_transition(facts(), S.ADMITTED, date(2024, 1, 1), TODAY).ok
    f = facts(dates={S.SOURCE: date(2023, 1, 1)})
    v = check_transition(f, S.CELL_RESOLUTION, date(2024, 1, 1), TODAY)
    assert v.ok and v.codes() == ["missing_certificate"]


@pytest.mark.parametrize("stage", [S.SOURCE, S.DOSSIER, S.CELL_RESOLUTION])
def test_stages_only_move_forward(stage):
    f = facts(dates={S.TRAINED: date(2024, 1, 1), S.CELL_RESOLUTION: date(2024, 6, 1)})
    assert check_transition(f, stage, date(2024, 7, 1), TODAY).codes() == ["stage_order"]


def test_trained_may_be_recorded_again_before_the_cell_resolution():
    f = facts(dates={S.TRAINED: date(2019, 1, 10), S.DOSSIER: date(2020, 3, 1)})
    assert check_transition(f, S.TRAINED, date(2024, 4, 1), TODAY).ok
    # The renewed certificate may not predate the one it replaces.
    assert check_transition(f, S.TRAINED, date(2019, 1, 9), TODAY).codes() == ["stage_order"]
    # The renewed certificate newer than the dossier is a valid stored state.
    dates = {**f.dates, S.TRAINED: date(2024, 4, 1)}
    assert check_row(dates, date(2000, 1, 1), None, TODAY).ok


def test_trained_may_not_be_recorded_after_the_cell_resolution():
    f = facts(dates={S.TRAINED: date(2019, 1, 10), S.CELL_RESOLUTION: date(2023, 3, 1)})
    v = check_transition(f, S.TRAINED, date(2024, 4, 1), TODAY)
    assert v.codes() == ["stage_order"] and "01/03/2023" in v.errors[0].message


def test_committee_resolution_only_for_a_chi_bo_truc_thuoc():
    dates = {S.TRAINED: date(2024, 1, 1), S.CELL_RESOLUTION: date(2024, 6, 1)}
    co_so = facts(dates=dates, committee_required=False)
    truc_thuoc = facts(dates=dates, committee_required=True)
    when = date(2024, 6, 20)
    assert check_transition(co_so, S.COMMITTEE_RESOLUTION, when, TODAY).codes() == ["stage_order"]
    assert check_transition(truc_thuoc, S.COMMITTEE_RESOLUTION, when, TODAY).ok


def test_exit_any_time_after_the_last_event_but_not_before():
    f = facts(dates={S.SOURCE: date(2024, 1, 1), S.TRAINED: date(2024, 5, 1)})
    assert check_transition(f, S.EXITED, date(2024, 5, 1), TODAY).ok
    assert check_transition(f, S.EXITED, date(2024, 4, 30), TODAY).codes() == ["stage_order"]
    gone = facts(dates={**f.dates, S.EXITED: date(2024, 6, 1)})
    assert check_transition(gone, S.DOSSIER, date(2024, 7, 1), TODAY).codes() == ["stage_order"]
    flagged = facts(dates=f.dates, exited=True)
    assert not check_transition(flagged, S.DOSSIER, date(2024, 7, 1), TODAY).ok


def test_recording_the_same_stage_twice_is_rejected():
    f = facts(dates={S.DOSSIER: date(2024, 1, 1)})
    v = check_transition(f, S.DOSSIER, date(2024, 2, 1), TODAY)
    assert v.codes() == ["stage_order"]


# --- warnings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("education", "low"),
    [
        ("12/12", False),
        ("9/12", False),
        ("8/12", True),
        ("7/10", False),
        ("6/10", True),
        ("9", False),
        ("Lớp 8", True),
        ("Đại học", False),
        ("Tiểu học", True),
        (None, None),
        ("không rõ", None),
    ],
)
def test_low_education(education, low):
    assert is_low_education(education) is low


def test_education_grade_parsing():
    assert education_grade(" 9 / 12 ") == (9, 12)
    assert education_grade("13/12") is None


def test_condition_warnings_at_the_cell_resolution():
    dates = {S.TRAINED: date(2023, 1, 1), S.DOSSIER: date(2023, 3, 1)}
    ok = check_transition(facts(dates=dates), S.CELL_RESOLUTION, date(2024, 3, 1), TODAY)
    assert ok.ok and ok.codes() == []
    f = facts(dates=dates, education="7/12", introducers_count=1)
    v = check_transition(f, S.CELL_RESOLUTION, date(2024, 3, 2), TODAY)
    assert v.ok
    assert sorted(v.codes()) == ["few_introducers", "low_education", "stale_dossier"]
    assert set(v.codes()) <= WARNING_CODES.keys()


@pytest.mark.parametrize(
    ("education", "flagged", "says"),
    [
        ("7/12", False, "chưa được đánh dấu là địa bàn đặc biệt khó khăn"),
        ("7/12", True, "được xem xét theo ngoại lệ"),
        ("5/12", True, "được xem xét theo ngoại lệ"),
        ("4/12", True, "chưa tốt nghiệp tiểu học"),
        ("4/10", True, "được xem xét theo ngoại lệ"),
        ("3/10", True, "chưa tốt nghiệp tiểu học"),
    ],
)
def test_the_education_exception_of_disadvantaged_areas(education, flagged, says):
    dates = {S.TRAINED: date(2023, 1, 1), S.DOSSIER: date(2023, 3, 1)}
    f = facts(dates=dates, education=education, disadvantaged_area=flagged, introducers_count=2)
    v = check_transition(f, S.CELL_RESOLUTION, date(2023, 4, 1), TODAY)
    assert v.ok and v.codes() == ["low_education"]  # a warning, never a refusal
    assert says in v.warnings[0].message
    enough = facts(dates=dates, education="9/12", disadvantaged_area=flagged, introducers_count=2)
    assert check_transition(enough, S.CELL_RESOLUTION, date(2023, 4, 1), TODAY).codes() == []


# --- imported rows ------------------------------------------------------------------------


def test_check_row_accepts_a_complete_history():
    row = {
        S.SOURCE: date(2022, 9, 1),
        S.TRAINED: date(2022, 10, 1),
        S.DOSSIER: date(2023, 1, 5),
        S.CELL_RESOLUTION: date(2023, 3, 1),
        S.DECISION: date(2023, 4, 20),
        S.ADMITTED: date(2023, 5, 10),
        S.FULL_MEMBER: date(2024, 5, 10),
        "exited": None,
    }
    assert check_row(row, date(2004, 1, 1), "12/12", TODAY).codes() == []


def test_check_row_marks_each_bad_date():
    row = {
        "trained": date(2018, 1, 1),
        "cell_resolution": date(2024, 3, 1),
        "decision": date(2024, 2, 1),
        "admitted": date(2024, 4, 1),
        "full_member": date(2025, 3, 31),
        "exited": date(2025, 1, 1),
    }
    v = check_row(row, date(2000, 1, 1), None, TODAY, committee_required=False)
    fields = sorted((e.code, e.field) for e in v.errors)
    assert fields == [
        ("expired_certificate", "trained_date"),
        ("stage_order", "decision_date"),
        ("stage_order", "exited_date"),
        ("stage_order", "full_member_date"),
    ]
    assert set(v.codes()) <= ERROR_CODES.keys() | WARNING_CODES.keys()


def test_check_row_committee_and_future():
    row = {"committee_resolution": date(2024, 3, 1), "decision": TODAY + DAY}
    assert check_row(row, None, None, TODAY).codes() == ["future_date"]
    v = check_row(row, None, None, TODAY, committee_required=False)
    assert sorted(v.codes()) == ["future_date", "stage_order"]


def test_check_row_rejects_unknown_stages():
    with pytest.raises(ValueError):
        check_row({"interview": date(2024, 1, 1)}, None, None, TODAY)


# --- properties ---------------------------------------------------------------------------

some_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2026, 3, 1))


@given(st.dates(min_value=date(1960, 1, 1), max_value=date(2012, 1, 1)), some_dates, some_dates)
def test_age_rule_is_monotone_in_the_resolution_date(birth, d1, d2):
    early, late = sorted((d1, d2))
    codes = {
        d: check_row({S.CELL_RESOLUTION: d}, birth, None, TODAY).codes() for d in (early, late)
    }
    if "underage" not in codes[early]:
        assert "underage" not in codes[late]


@given(some_dates, some_dates, some_dates)
def test_certificate_rule_is_monotone_in_the_resolution_date(trained, d1, d2):
    early, late = sorted((d1, d2))
    assume(trained <= early)

    def expired(d):
        return (
            "expired_certificate"
            in check_row({"trained": trained, "cell_resolution": d}, None, None, TODAY).codes()
        )

    if expired(early):
        assert expired(late)


@given(some_dates, some_dates, some_dates)
def test_recognition_rule_is_monotone(admitted, d1, d2):
    early, late = sorted((d1, d2))
    f = facts(dates={S.ADMITTED: admitted})
    if check_transition(f, S.FULL_MEMBER, early, TODAY).ok:
        assert check_transition(f, S.FULL_MEMBER, late, TODAY).ok


@st.composite
def histories(draw):
    """Stage dates in order over a random subset of stages, each gap >= 0."""
    d = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2024, 1, 1)))
    dates = {}
    for stage in STAGE_ORDER:
        if draw(st.booleans()):
            dates[stage.value] = d
        d += timedelta(days=draw(st.sampled_from([0, 1, 30, 200, 366])))
    return dates


@settings(max_examples=300)
@given(
    histories(),
    st.sampled_from([*STAGE_ORDER, S.EXITED]),
    st.sampled_from([-400, -1, 0, 1, 30, 366]),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2008, 1, 1)),
    st.booleans(),
)
def test_an_accepted_transition_leaves_a_valid_history(history, stage, offset, birth, truc_thuoc):
    kw = {"committee_required": truc_thuoc}
    assume(check_row(history, birth, None, TODAY, **kw).ok)
    when = max(history.values(), default=date(2020, 1, 1)) + timedelta(days=offset)
    f = CandidateFacts(birth, dates=history, **kw)
    accepted = check_transition(f, stage, when, TODAY).ok
    event(f"accepted: {accepted}")
    if accepted:
        after = {**history, stage.value: when}
        assert check_row(after, birth, None, TODAY, **kw).ok


# --- the rules stay pure ------------------------------------------------------------------


DOMAIN = Path(__file__).parents[2] / "registry" / "domain"


@pytest.mark.parametrize(
    "module", sorted(p.relative_to(DOMAIN).as_posix() for p in DOMAIN.rglob("*.py"))
)
def test_rule_modules_are_pure(module):
    source = (DOMAIN / module).read_text("utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "sqlalchemy", "flask_sqlalchemy"}
    assert "/work/shared" not in source

"""The stage service: each rule at its edge, the stored columns, corrections, undo, audit."""

from datetime import date

import pytest
from sqlalchemy import select

from registry.domain.rules.settings import RuleSettings
from registry.extensions import db
from registry.models import AuditLog, Candidate, StageEvent
from registry.services.candidates.stages import (
    StageRefused,
    allowed_next_stages,
    correct_event,
    introducers_count,
    record_stage,
    undo_last_event,
)
from tests.factories import CandidateFactory, CellFactory, UnitFactory, UserFactory

TODAY = date(2025, 10, 1)


@pytest.fixture
def secretary(ctx):
    unit = UnitFactory()
    user = UserFactory(role="cell", cell=unit.cell)
    db.session.commit()
    return user


def make(secretary, **kw) -> Candidate:
    kw.setdefault("source_date", date(2019, 1, 2))
    kw.setdefault("birth_date", date(2006, 5, 1))
    unit = UnitFactory(cell=secretary.cell, area=secretary.cell.area)
    return CandidateFactory(unit=unit, **kw)


def codes(error: pytest.ExceptionInfo) -> list[str]:
    return [code for code, _message in error.value.issues]


def steps(user, candidate, *pairs):
    for stage, when in pairs:
        record_stage(db.session, user, candidate, stage, when, document_no="1", today=TODAY)


def test_exactly_18_on_the_day_passes(secretary):
    c = make(secretary)
    steps(secretary, c, ("trained", date(2024, 1, 10)))
    result = record_stage(
        db.session, secretary, c, "cell_resolution", date(2024, 5, 1), today=TODAY
    )
    assert result.event.stage == "cell_resolution"
    assert c.stage == "cell_resolution" and c.cell_resolution_date == date(2024, 5, 1)


def test_17_years_11_months_is_refused(secretary):
    c = make(secretary)
    steps(secretary, c, ("trained", date(2024, 1, 10)))
    with pytest.raises(StageRefused) as refused:
        record_stage(db.session, secretary, c, "cell_resolution", date(2024, 4, 30), today=TODAY)
    assert codes(refused) == ["underage"]
    assert "17 tuổi 11 tháng" in refused.value.issues[0][1]
    assert c.stage == "trained" and c.cell_resolution_date is None


def test_certificate_exactly_60_months_passes_one_day_more_refused(secretary):
    c = make(secretary, birth_date=date(2000, 1, 1))
    steps(secretary, c, ("trained", date(2019, 6, 10)))
    with pytest.raises(StageRefused) as refused:
        record_stage(db.session, secretary, c, "cell_resolution", date(2024, 6, 11), today=TODAY)
    assert codes(refused) == ["expired_certificate"]
    record_stage(db.session, secretary, c, "cell_resolution", date(2024, 6, 10), today=TODAY)
    assert c.cell_resolution_date == date(2024, 6, 10)


def test_probation_11_months_refused_12_accepted(secretary):
    c = make(secretary, birth_date=date(2000, 1, 1))
    steps(
        secretary,
        c,
        ("trained", date(2023, 1, 5)),
        ("cell_resolution", date(2023, 3, 1)),
        ("decision", date(2023, 5, 2)),
        ("admitted", date(2023, 6, 1)),
    )
    with pytest.raises(StageRefused) as refused:
        record_stage(db.session, secretary, c, "full_member", date(2024, 5, 31), today=TODAY)
    assert codes(refused) == ["stage_order"]
    assert "01/06/2024" in refused.value.issues[0][1]
    record_stage(db.session, secretary, c, "full_member", date(2024, 6, 1), today=TODAY)
    assert c.stage == "full_member" and c.full_member_date == date(2024, 6, 1)
    assert c.decision_no == "1" and c.certificate_no == "1"


def test_future_date_refused(secretary):
    c = make(secretary)
    with pytest.raises(StageRefused) as refused:
        record_stage(db.session, secretary, c, "trained", date(2025, 10, 2), today=TODAY)
    assert codes(refused) == ["future_date"]
    record_stage(db.session, secretary, c, "trained", TODAY, today=TODAY)


def test_earlier_date_refused_equal_allowed(secretary):
    c = make(secretary, source_date=date(2024, 9, 5))
    with pytest.raises(StageRefused) as refused:
        record_stage(db.session, secretary, c, "trained", date(2024, 9, 4), today=TODAY)
    assert codes(refused) == ["stage_order"]
    record_stage(db.session, secretary, c, "trained", date(2024, 9, 5), today=TODAY)


def test_no_going_back(secretary):
    c = make(secretary, birth_date=date(2000, 1, 1))
    steps(secretary, c, ("trained", date(2024, 1, 1)), ("cell_resolution", date(2024, 2, 1)))
    with pytest.raises(StageRefused):
        record_stage(db.session, secretary, c, "dossier", date(2024, 3, 1), today=TODAY)
    with pytest.raises(StageRefused):
        record_stage(db.session, secretary, c, "trained", date(2024, 3, 1), today=TODAY)
    assert "dossier" not in allowed_next_stages(c, TODAY)


def test_committee_only_for_chi_bo_truc_thuoc(secretary):
    c = make(secretary, birth_date=date(2000, 1, 1))
    steps(secretary, c, ("trained", date(2024, 1, 1)), ("cell_resolution", date(2024, 2, 1)))
    with pytest.raises(StageRefused) as refused:
        record_stage(
            db.session, secretary, c, "committee_resolution", date(2024, 3, 1), today=TODAY
        )
    assert codes(refused) == ["stage_order"]
    assert "Chi bộ cơ sở" in refused.value.issues[0][1]
    assert "committee_resolution" not in allowed_next_stages(c, TODAY)

    cell = CellFactory(kind="truc_thuoc", parent_org="Đảng bộ Trường Cao đẳng")
    other = CandidateFactory(
        unit=UnitFactory(cell=cell, area=cell.area),
        birth_date=date(2000, 1, 1),
        source_date=date(2023, 1, 1),
    )
    admin = UserFactory(role="admin")
    steps(admin, other, ("trained", date(2024, 1, 1)), ("cell_resolution", date(2024, 2, 1)))
    assert "committee_resolution" in allowed_next_stages(other, TODAY)
    record_stage(db.session, admin, other, "committee_resolution", date(2024, 3, 1), today=TODAY)
    assert other.committee_resolution_date == date(2024, 3, 1)


def test_warnings_over_60_low_education_few_introducers(secretary):
    c = make(secretary, birth_date=date(1960, 1, 1), education="6/12", introducers="Trần Văn A")
    steps(secretary, c, ("trained", date(2024, 1, 1)))
    result = record_stage(
        db.session, secretary, c, "cell_resolution", date(2024, 2, 1), today=TODAY
    )
    assert {code for code, _ in result.warnings} == {"over_age", "low_education", "few_introducers"}


def test_renewed_certificate_replaces_the_old_one(secretary):
    c = make(secretary)
    record_stage(db.session, secretary, c, "trained", date(2019, 3, 1), "GCN-1", today=TODAY)
    record_stage(db.session, secretary, c, "trained", date(2024, 3, 1), "GCN-2", today=TODAY)
    assert c.trained_date == date(2024, 3, 1) and c.certificate_no == "GCN-2"


def test_exit_needs_a_reason_and_stops_everything(secretary):
    c = make(secretary)
    with pytest.raises(StageRefused) as refused:
        record_stage(db.session, secretary, c, "exited", date(2025, 1, 1), today=TODAY)
    assert codes(refused) == ["exit_reason"]
    record_stage(db.session, secretary, c, "exited", date(2025, 1, 1), reason="moved", today=TODAY)
    assert c.stage == "exited" and c.exit_reason == "moved" and c.exited_date == date(2025, 1, 1)
    assert allowed_next_stages(c, TODAY) == []
    with pytest.raises(StageRefused):
        record_stage(db.session, secretary, c, "trained", date(2025, 2, 1), today=TODAY)


def test_event_keeps_unit_cell_and_recorder(secretary):
    c = make(secretary)
    event = record_stage(db.session, secretary, c, "trained", date(2024, 1, 1), today=TODAY).event
    assert (event.unit_id, event.cell_id, event.recorded_by_id) == (
        c.unit_id,
        c.cell_id,
        secretary.id,
    )
    assert c.last_event_date == date(2024, 1, 1)


def test_province_user_may_not_record(ctx):
    c = CandidateFactory()
    viewer = UserFactory(role="province")
    with pytest.raises(StageRefused) as refused:
        record_stage(db.session, viewer, c, "trained", date(2025, 1, 1), today=TODAY)
    assert codes(refused) == ["forbidden"]


def test_correction_by_recorder_within_rules(secretary):
    c = make(secretary, source_date=date(2024, 9, 5))
    event = record_stage(db.session, secretary, c, "trained", date(2024, 10, 1), today=TODAY).event
    correct_event(db.session, secretary, event, date(2024, 10, 3), "GCN-9", today=TODAY)
    assert c.trained_date == date(2024, 10, 3) and c.certificate_no == "GCN-9"
    with pytest.raises(StageRefused) as refused:
        correct_event(db.session, secretary, event, date(2024, 9, 1), "GCN-9", today=TODAY)
    assert codes(refused) == ["stage_order"]
    with pytest.raises(StageRefused) as refused:
        correct_event(db.session, secretary, event, date(2025, 10, 2), "GCN-9", today=TODAY)
    assert "future_date" in codes(refused)
    assert c.trained_date == date(2024, 10, 3)


def test_correction_by_someone_else_refused_admin_allowed(secretary):
    c = make(secretary)
    event = record_stage(db.session, secretary, c, "trained", date(2024, 10, 1), today=TODAY).event
    colleague = UserFactory(role="cell", cell=secretary.cell)
    with pytest.raises(StageRefused) as refused:
        correct_event(db.session, colleague, event, date(2024, 10, 2), None, today=TODAY)
    assert codes(refused) == ["forbidden"]
    admin = UserFactory(role="admin")
    correct_event(db.session, admin, event, date(2024, 10, 2), None, today=TODAY)
    assert c.trained_date == date(2024, 10, 2) and c.certificate_no is None


def test_correction_keeps_probation_rule(secretary):
    c = make(secretary, birth_date=date(2000, 1, 1))
    steps(
        secretary,
        c,
        ("trained", date(2023, 1, 5)),
        ("cell_resolution", date(2023, 3, 1)),
        ("decision", date(2023, 5, 2)),
        ("admitted", date(2023, 6, 1)),
        ("full_member", date(2024, 6, 1)),
    )
    full = c.events[-1]
    with pytest.raises(StageRefused):
        correct_event(db.session, secretary, full, date(2024, 5, 31), "1", today=TODAY)


def test_undo_recomputes_columns_admin_only(secretary):
    c = make(secretary)
    record_stage(db.session, secretary, c, "trained", date(2019, 3, 1), "GCN-1", today=TODAY)
    record_stage(db.session, secretary, c, "trained", date(2024, 3, 1), "GCN-2", today=TODAY)
    with pytest.raises(StageRefused):
        undo_last_event(db.session, secretary, c)
    admin = UserFactory(role="admin")
    undo_last_event(db.session, admin, c)
    assert c.trained_date == date(2019, 3, 1) and c.certificate_no == "GCN-1"
    undo_last_event(db.session, admin, c)
    assert c.stage == "source" and c.trained_date is None and c.certificate_no is None
    assert c.last_event_date == date(2019, 1, 2)
    with pytest.raises(StageRefused) as refused:
        undo_last_event(db.session, admin, c)
    assert codes(refused) == ["last_event"]
    db.session.commit()
    assert db.session.scalars(
        select(StageEvent.stage).where(StageEvent.candidate_id == c.id)
    ).all() == ["source"]


def test_every_change_is_audited(secretary):
    c = make(secretary)
    event = record_stage(db.session, secretary, c, "trained", date(2024, 1, 1), today=TODAY).event
    correct_event(db.session, secretary, event, date(2024, 1, 2), "GCN", today=TODAY)
    undo_last_event(db.session, UserFactory(role="admin"), c)
    db.session.commit()
    rows = db.session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert [(r.action, r.entity) for r in rows] == [
        ("stage", "candidate"),
        ("correct", "stage_event"),
        ("undo", "candidate"),
    ]
    assert rows[0].before["stage"] == "source" and rows[0].after["stage"] == "trained"
    assert rows[1].before["event_date"] == "2024-01-01"
    assert rows[1].after == {"event_date": "2024-01-02", "document_no": "GCN", "candidate_id": c.id}
    assert rows[2].after["stage"] == "source"


def test_settings_come_from_app_config(secretary, monkeypatch):
    monkeypatch.setitem(ctx_config(), "RULES", RuleSettings(certificate_valid_months=24))
    c = make(secretary, birth_date=date(2000, 1, 1))
    steps(secretary, c, ("trained", date(2021, 1, 1)))
    with pytest.raises(StageRefused) as refused:
        record_stage(db.session, secretary, c, "cell_resolution", date(2023, 1, 2), today=TODAY)
    assert codes(refused) == ["expired_certificate"]
    monkeypatch.setitem(ctx_config(), "RULES", {"certificate_valid_months": 36})
    record_stage(db.session, secretary, c, "cell_resolution", date(2023, 1, 2), today=TODAY)


def ctx_config():
    from flask import current_app

    return current_app.config


@pytest.mark.parametrize(
    ("text", "count"),
    [(None, None), ("", None), ("2 đảng viên chính thức", 2), ("A, B", 2), ("A\nB\nC", 3)],
)
def test_introducers_count(text, count):
    assert introducers_count(text) == count


def test_rule_overrides_read_from_the_environment(monkeypatch):
    from config import _rule_overrides

    monkeypatch.setenv("RULE_PROBATION_MONTHS", "12")
    monkeypatch.setenv("RULE_CERTIFICATE_VALID_MONTHS", "48")
    found = _rule_overrides()
    assert found["probation_months"] == 12 and found["certificate_valid_months"] == 48
    assert RuleSettings(**found).certificate_valid_months == 48

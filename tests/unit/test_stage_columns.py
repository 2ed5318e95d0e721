"""The stage columns of a candidate, computed from its events."""

from __future__ import annotations

from datetime import date

from registry.domain.stage_columns import STAGE_COLUMNS, EventFact, columns_from_events


def test_no_event_leaves_a_source_with_empty_columns():
    columns = columns_from_events([])
    assert set(columns) == set(STAGE_COLUMNS)
    assert columns["stage"] == "source"
    assert all(columns[c] is None for c in STAGE_COLUMNS if c != "stage")


def test_the_furthest_stage_and_each_stage_date():
    columns = columns_from_events(
        [
            EventFact("source", date(2024, 1, 1), None, None),
            EventFact("trained", date(2024, 3, 1), "GCN-1", None),
            EventFact("dossier", date(2024, 5, 1), None, None),
        ]
    )
    assert columns["stage"] == "dossier"
    assert columns["source_date"] == date(2024, 1, 1)
    assert columns["trained_date"] == date(2024, 3, 1)
    assert columns["certificate_no"] == "GCN-1"
    assert columns["decision_no"] is None
    assert columns["last_event_date"] == date(2024, 5, 1)


def test_a_renewed_certificate_replaces_the_older_one():
    columns = columns_from_events(
        [
            EventFact("trained", date(2023, 3, 1), "GCN-1", None),
            EventFact("source", date(2023, 6, 1), None, None),
            EventFact("trained", date(2024, 9, 1), "GCN-2", None),
        ]
    )
    assert (columns["trained_date"], columns["certificate_no"]) == (date(2024, 9, 1), "GCN-2")
    assert columns["stage"] == "trained"


def test_an_exit_is_the_stage_whatever_was_reached():
    columns = columns_from_events(
        [
            EventFact("source", date(2023, 1, 1), None, None),
            EventFact("decision", date(2024, 8, 1), "QĐ-9", None),
            EventFact("admitted", date(2024, 9, 1), None, None),
            EventFact("exited", date(2024, 10, 1), None, "moved"),
        ]
    )
    assert columns["stage"] == "exited"
    assert columns["exit_reason"] == "moved"
    assert columns["exited_date"] == date(2024, 10, 1)
    assert columns["admitted_date"] == date(2024, 9, 1)
    assert columns["decision_no"] == "QĐ-9"


def test_the_last_event_date_is_the_latest_even_out_of_order():
    columns = columns_from_events(
        [
            EventFact("source", date(2024, 5, 1), None, None),
            EventFact("trained", date(2024, 2, 1), None, None),
        ]
    )
    assert columns["last_event_date"] == date(2024, 5, 1)
    assert columns["stage"] == "trained"

"""The unit-kind → group table and what is derived from it."""

from __future__ import annotations

import pytest

from registry.domain.vocabulary import (
    ENTERPRISE_KINDS,
    GROUPS,
    KINDS_OF_GROUP,
    SCHOOL_KINDS,
    SUBGROUP_GROUP,
    SUBGROUPS,
    UNIT_KIND_GROUPS,
    UNIT_KINDS,
    group_for_unit_kind,
)


def test_every_unit_kind_has_a_group_and_a_subgroup_of_that_group():
    assert list(UNIT_KIND_GROUPS) == list(UNIT_KINDS)
    for group, subgroup in UNIT_KIND_GROUPS.values():
        assert group in GROUPS and subgroup in SUBGROUPS
        assert SUBGROUP_GROUP[subgroup] == group


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("thpt", ("student", "thpt")),
        ("gdnn_gdtx", ("student", "gdnn_gdtx")),
        ("cao_dang_dai_hoc", ("student", "sinh_vien")),
        ("cong_ty_tnhh", ("worker", "cong_nhan")),
        ("other", ("worker", "cong_nhan")),
        ("unheard_of", ("worker", "cong_nhan")),
    ],
)
def test_group_for_unit_kind(kind, expected):
    assert group_for_unit_kind(kind) == expected


def test_kinds_of_each_group_and_subgroup():
    assert SCHOOL_KINDS == ("thpt", "gdnn_gdtx", "cao_dang_dai_hoc")
    assert set(ENTERPRISE_KINDS) == set(UNIT_KINDS) - set(SCHOOL_KINDS)
    assert KINDS_OF_GROUP["student"] == SCHOOL_KINDS
    assert KINDS_OF_GROUP["worker"] == KINDS_OF_GROUP["cong_nhan"] == ENTERPRISE_KINDS
    assert KINDS_OF_GROUP["sinh_vien"] == ("cao_dang_dai_hoc",)
    assert KINDS_OF_GROUP["thpt"] == ("thpt",)
    assert KINDS_OF_GROUP["gdnn_gdtx"] == ("gdnn_gdtx",)


@pytest.mark.parametrize(
    ("reports", "group"),
    [
        (("students",), "student"),
        (("workers", "ct33"), "worker"),
        (("students", "workers"), None),
        (("summary",), None),
        (("students", "summary"), None),
    ],
)
def test_a_rounds_narrative_speaks_of_the_one_group_its_reports_ask_for(reports, group):
    from registry.domain.report_kinds import common_group

    assert common_group(reports) == group

"""Every figure of `students` and `workers` is what the candidate list shows for the same
filters (the list's "reached stage X within the period" filter, and its status filter for
the state on the last day of a period ending today)."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain.periods import custom, whole_year
from registry.domain.workdays import today_vn
from registry.extensions import db
from registry.services.candidates import counting
from registry.services.candidates.filtering import CandidateFilters
from tests.integration.reports_world import build_world, workbook_of
from tests.unit.test_exports_support import line

EVENT_COLUMNS = {4: "trained", 6: "cell_resolution", 7: "decision", 8: "admitted"}


@pytest.fixture
def world(ctx):
    return build_world()


def listed(user, **filters) -> int:
    return counting.count(db.session, user, CandidateFilters(**filters))


@pytest.mark.parametrize("report", ["students", "workers"])
@pytest.mark.parametrize("year", [2024, 2025])
def test_event_figures_per_area_equal_the_list_filtered_by_stage_reached(world, report, year):
    user, province = world["users"]["province"], world["areas"]["province"]
    period = whole_year(year)
    ws = workbook_of(user, report, province, period=period)[0].active
    group = "student" if report == "students" else "worker"
    areas = [world["areas"][k] for k in ("north", "south")] if year == 2025 else []
    for area in areas:
        values = line(ws, area.name)
        for column, stage in EVENT_COLUMNS.items():
            expected = listed(
                user, area=area.id, group=group, reached=stage,
                reached_from=period.start, reached_to=period.end,
            )  # fmt: skip
            assert values[column] == expected, (area.name, stage)
    total = line(ws, "TỔNG CỘNG")
    for column, stage in EVENT_COLUMNS.items():
        expected = listed(
            user, group=group, reached=stage, reached_from=period.start, reached_to=period.end
        )
        assert total[column] == expected, stage


def test_breakdown_of_the_admitted_equals_the_list(world):
    user, province = world["users"]["province"], world["areas"]["province"]
    period = whole_year(2025)
    ws = workbook_of(user, "students", province, period=period)[0].active
    school = world["units"]["school"]
    values = line(ws, school.name)
    admitted = {"reached": "admitted", "reached_from": period.start, "reached_to": period.end}
    assert values[10] == listed(user, unit=school.id, gender="F", **admitted)
    assert values[11] == listed(user, unit=school.id, ethnicity="minority", **admitted)
    total = line(ws, "TỔNG CỘNG")
    for column, subgroup in ((13, "thpt"), (14, "gdnn_gdtx"), (15, "sinh_vien")):
        assert total[column] == listed(user, subgroup=subgroup, **admitted), subgroup


def test_state_at_an_end_of_today_equals_the_list_of_those_being_followed(world):
    user, province = world["users"]["province"], world["areas"]["province"]
    period = custom(date(2025, 1, 1), today_vn())
    ws = workbook_of(user, "students", province, period=period)[0].active
    for key in ("school", "centre", "college"):
        unit = world["units"][key]
        assert line(ws, unit.name)[3] == listed(user, unit=unit.id, status="following"), key
    for report, group in (("students", "student"), ("workers", "worker")):
        total = line(workbook_of(user, report, province, period=period)[0].active, "TỔNG CỘNG")
        assert total[3] == listed(user, group=group, status="following"), report

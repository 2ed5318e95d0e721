"""Report figures against hand-counted data: edges of the period, exits, targets, the tree
valid at the period end (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from registry.domain import periods
from registry.extensions import db
from registry.services.reports.areas import report_areas
from tests.factories import AreaFactory, UserFactory
from tests.integration.reports_world import build_world, person, workbook_of
from tests.unit.test_exports_support import line

# Columns of the students and workers sheets, after STT and the name.
PROGRESS = (
    "target", "source_at_end", "trained", "followed_at_end", "proposed", "decided",
    "admitted", "percent",
)  # fmt: skip


@pytest.fixture
def world(ctx):
    return build_world()


def figures(ws, label: str, extra: tuple[str, ...]) -> dict:
    values = line(ws, label)[2 : 2 + len(PROGRESS) + len(extra)]
    return dict(zip(PROGRESS + extra, values, strict=True))


STUDENT_EXTRA = ("women", "minority", "religious", "thpt", "gdnn_gdtx", "college")
WORKER_EXTRA = ("women", "minority", "religious", "youth_union", "trade_union")


def test_students_count_events_on_both_edges_and_the_state_at_the_end(world):
    province = world["areas"]["province"]
    book, _ = workbook_of(world["users"]["province"], "students", province)
    ws = book.active
    school = figures(ws, "Trường THPT Bắc", STUDENT_EXTRA)
    # On the list at 31/12/2025: An, Bình, Dũng (ceremony on 1/1/2026), Giang (exited on
    # 2/1/2026), Hà, Khánh, Long. Not: Cường (admitted 31/12), Em (exited 31/12), Minh
    # (entered 2026), Vân (admitted 2024).
    assert school["source_at_end"] == 7
    # Trained 1/1/2025 (An) and 1/2/2025 (Em, who exited since); not Bình's 31/12/2024.
    assert school["trained"] == 2
    # Valid certificate at the end: An, Bình, Dũng, Khánh (31/12/2020, the last valid day),
    # Long (renewed after the end, the 2021 one was valid); not Hà (30/12/2020).
    assert school["followed_at_end"] == 5
    assert (school["proposed"], school["decided"], school["admitted"]) == (2, 2, 1)
    assert school["target"] == 4 and school["percent"] == pytest.approx(0.25)
    assert [school[k] for k in STUDENT_EXTRA] == [1, 1, 1, 1, 0, 0]


def test_students_subtotals_use_the_area_target_and_add_up_to_the_total(world):
    province = world["areas"]["province"]
    ws = workbook_of(world["users"]["province"], "students", province)[0].active
    centre = figures(ws, "Trung tâm GDNN - GDTX Bắc", STUDENT_EXTRA)
    assert [centre[k] for k in ("source_at_end", "trained", "proposed", "decided", "admitted")] == [
        0, 1, 1, 1, 1,
    ]  # fmt: skip
    assert [centre[k] for k in STUDENT_EXTRA] == [1, 0, 0, 0, 1, 0]  # no ethnicity, "Không"
    north = figures(ws, "Phường Bắc", STUDENT_EXTRA)
    assert north["target"] == 10  # the area's own target wins over its units' 4
    assert north["admitted"] == 2 and north["percent"] == pytest.approx(0.2)
    south = figures(ws, "Xã Nam", STUDENT_EXTRA)
    assert (south["target"], south["admitted"], south["college"]) == (None, 1, 1)
    total = figures(ws, "TỔNG CỘNG", STUDENT_EXTRA)
    assert total == {
        "target": 10, "source_at_end": 7, "trained": 3, "followed_at_end": 5, "proposed": 3,
        "decided": 3, "admitted": 3, "percent": pytest.approx(0.3), "women": 2, "minority": 1,
        "religious": 1, "thpt": 1, "gdnn_gdtx": 1, "college": 1,
    }  # fmt: skip


def test_workers_are_grouped_by_enterprise_kind_within_each_area(world):
    province = world["areas"]["province"]
    ws = workbook_of(world["users"]["province"], "workers", province)[0].active
    labels = [row[1] for row in ws.iter_rows(values_only=True) if row[1]]
    north_at, south_at = labels.index("Phường Bắc"), labels.index("Xã Nam")
    assert labels[north_at + 1] == "Công ty TNHH"
    assert labels[south_at + 1 : south_at + 3] == ["Công ty cổ phần", "Hợp tác xã"]
    firm = figures(ws, "Công ty TNHH", WORKER_EXTRA)
    assert (firm["target"], firm["trained"], firm["admitted"]) == (3, 1, 1)
    assert (firm["youth_union"], firm["trade_union"], firm["source_at_end"]) == (1, 1, 0)
    shares = figures(ws, "Công ty cổ phần", WORKER_EXTRA)
    # Cell resolution on 31/12/2024 is outside 2025; the decision on 1/1/2025 inside.
    assert (shares["source_at_end"], shares["proposed"], shares["decided"]) == (1, 0, 1)
    total = figures(ws, "TỔNG CỘNG", WORKER_EXTRA)
    assert (total["source_at_end"], total["trained"], total["decided"], total["admitted"]) == (
        2, 1, 1, 1,
    )  # fmt: skip


def test_a_period_ending_before_the_reform_groups_by_the_old_districts(world):
    province = world["areas"]["province"]
    ws = workbook_of(
        world["users"]["province"], "students", province, period=periods.whole_year(2024)
    )[0].active
    labels = [row[1] for row in ws.iter_rows(values_only=True) if row[1]]
    assert "Huyện Cũ An" in labels and "Huyện Cũ Bình" in labels
    assert "Phường Bắc" not in labels and "Xã Nam" not in labels
    # Phường Bắc replaced a commune of each district: the tie goes to the lower code (D1).
    assert labels.index("Trường THPT Bắc") > labels.index("Huyện Cũ An")
    assert labels.index("Trường Cao đẳng Nam") > labels.index("Huyện Cũ Bình")
    an = figures(ws, "Huyện Cũ An", STUDENT_EXTRA)
    # At 31/12/2024 everyone at the school except Minh (2026) and Vân (admitted 31/12/2024),
    # plus Nga at the centre.
    assert an["source_at_end"] == 9 + 1
    assert an["trained"] == 3  # Bình 31/12/2024, Cường and Dũng 1/3/2024
    assert an["admitted"] == 1  # Vân, on the last day
    assert figures(ws, "Huyện Cũ Bình", STUDENT_EXTRA)["source_at_end"] == 1


def test_the_old_district_with_most_replaced_communes_wins(ctx):
    province = AreaFactory(code="P", name="Tỉnh", level="province")
    d1 = AreaFactory(code="D1", name="Huyện Một", level="district", parent=province)
    d2 = AreaFactory(code="D2", name="Huyện Hai", level="district", parent=province)
    for area in (d1, d2):
        area.valid_to = date(2025, 6, 30)
    new = AreaFactory(code="N", name="Xã Mới", parent=province, valid_from=date(2025, 7, 1))
    old = [
        AreaFactory(code=code, parent=parent, valid_to=date(2025, 6, 30))
        for code, parent in (("D1-1", d1), ("D2-1", d2), ("D2-2", d2))
    ]
    for area in old:
        area.successor = new
    db.session.flush()
    user = UserFactory(role="province")
    mapped = report_areas(db.session, user, province, date(2024, 12, 31))
    assert mapped.group_of[new.id] == d2.id  # two of the three old communes were in D2
    assert mapped.group_of[new.id] in mapped.group_ids()
    later = report_areas(db.session, user, province, date(2025, 12, 31))
    assert later.group_of[new.id] == new.id
    assert {g.id for g in later.groups} >= {new.id}
    assert d1.id not in later.valid_ids and d2.id not in later.valid_ids


def test_events_count_in_the_unit_where_they_happened(world):
    """A transfer after the ceremony moves the person, not the past admission."""
    units, province = world["units"], world["areas"]["province"]
    moved = person("Lý Văn Tùng", units["school"], date(2024, 1, 1), ("admitted", date(2025, 4, 4)))
    moved.unit, moved.cell = units["firm_n"], units["firm_n"].cell
    moved.group_code, moved.subgroup = "worker", "cong_nhan"
    db.session.commit()
    ws = workbook_of(world["users"]["province"], "students", province)[0].active
    assert figures(ws, "Trường THPT Bắc", STUDENT_EXTRA)["admitted"] == 2
    workers = workbook_of(world["users"]["province"], "workers", province)[0].active
    assert figures(workers, "Công ty TNHH", WORKER_EXTRA)["admitted"] == 1


def test_ct33_takes_the_latest_survey_on_or_before_the_end(world):
    province = world["areas"]["province"]
    ws = workbook_of(world["users"]["province"], "ct33", province)[0].active
    firm = line(ws, "Công ty TNHH")[2:17]
    # operating, with org (total, cơ sở, đảng bộ, trực thuộc), %, members, held, owners,
    # admitted, members without org, unions (count, members), youth (count, members)
    assert firm == [1, 1, 1, 0, 0, 1, 5, 4, 1, 1, 0, 1, 80, 1, 20]
    coop = line(ws, "Hợp tác xã")[2:17]
    assert coop[:2] == [1, 0] and coop[6] == 2 and coop[10] == 2
    stopped = line(ws, "Công ty cổ phần")[2:17]
    assert stopped[0] == 0 and stopped[6] == 0  # not operating at its latest survey
    total = line(ws, "TỔNG CỘNG")[2:17]
    assert total[0] == 2 and total[5] == pytest.approx(0.5) and total[9] == 1


def test_summary_puts_both_groups_beside_the_same_period_a_year_earlier(world):
    province = world["areas"]["province"]
    book = workbook_of(world["users"]["province"], "summary", province)[0]
    ws = book["Tổng hợp"]
    north = line(ws, "Phường Bắc")[2:17]
    # Students: source, trained, proposed, admitted now / a year earlier / change.
    assert north[:5] == [7, 3, 3, 2, 1] and north[5] == pytest.approx(1.0)
    assert north[6:11] == [0, 1, 0, 1, 0]  # workers: Phúc trained and admitted
    assert north[12:14] == [3, 1]  # all admissions now and a year earlier
    south = line(ws, "Xã Nam")[2:17]
    assert south[:5] == [0, 0, 0, 1, 0] and south[6:11] == [2, 0, 0, 0, 0]
    total = line(ws, "TỔNG CỘNG")[2:17]
    assert total[12:14] == [4, 1]

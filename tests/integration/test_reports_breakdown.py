"""`breakdown`: those admitted in the period and those followed at its end, by criterion,
read back and recounted from the stored people."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from registry.domain.periods import whole_year
from registry.domain.refdata import ethnicity_names, religion_names
from registry.domain.vocabulary import SUBGROUPS, group_for_unit_kind
from registry.domain.workdays import full_months_between
from registry.extensions import db
from registry.models import Candidate, Setting, Unit
from registry.services.reports import breakdown
from registry.services.reports.areas import report_areas
from registry.services.reports.breakdown import DEFAULT_AGE_BANDS, band_labels, born_by
from registry.services.reports.queries import Scope
from registry.services.reports.workbooks import ReportRequest
from tests.integration.reports_world import build_world, person, workbook_of
from tests.unit.test_exports_support import all_texts

YEAR = whole_year(2025)
BLOCKS = ("TỔNG CỘNG", "Phường Bắc", "Xã Nam")


@pytest.fixture
def world(ctx):
    w = build_world()
    # Ages on 31/12/2025: 17 (a day short of 18), 18 exactly, 51.
    school = w["units"]["school"]
    person("Lê Thị Trẻ", school, date(2025, 1, 1), birth_date=date(2008, 1, 1), gender="F")
    person("Lê Văn Đủ", school, date(2025, 1, 1), birth_date=date(2007, 12, 31))
    person("Lê Văn Cao", w["units"]["firm_n"], date(2025, 1, 1), birth_date=date(1974, 6, 1))
    db.session.commit()
    return w


def blocks_of(ws) -> dict[str, dict[str, tuple]]:
    """{block name: {criterion label: (admitted, followed)}} as the sheet shows them."""
    out: dict[str, dict[str, tuple]] = {}
    current = None
    for row in ws.iter_rows(values_only=True):
        label = row[1] if len(row) > 1 else None
        if label in BLOCKS:
            current = out.setdefault(label, {})
            current["Tổng số"] = (row[2], row[4])
        elif current is not None and isinstance(label, str) and row[2] is not None:
            current[label] = (row[2], row[4])
    return out


def _band(birth: date, end: date, bands=(18, 21, 26, 31, 41, 51)) -> str:
    age = full_months_between(birth, end) // 12
    labels = band_labels(bands)
    return labels[sum(age >= b for b in bands)]


def expected(area_name: str | None) -> dict[str, tuple[int, int]]:
    """Recount from the people: admitted in 2025 (the ceremony's unit), being followed at
    the end (no one in this world moved, so their unit)."""
    end = YEAR.end
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    names = ethnicity_names()
    admitted, followed = Counter(), Counter()

    def ceremony(e) -> bool:
        return e.stage == "admitted" and YEAR.contains(e.event_date)

    for c in db.session.scalars(select(Candidate)):
        for counter, unit_id in (
            (admitted, next((e.unit_id for e in c.events if ceremony(e)), None)),
            (
                followed,
                c.unit_id
                if c.source_date and c.source_date <= end
                and not (c.admitted_date and c.admitted_date <= end)
                and not (c.full_member_date and c.full_member_date <= end)
                and not (c.exited_date and c.exited_date <= end)
                else None,
            ),
        ):  # fmt: skip
            if unit_id is None or (area_name and units[unit_id].area.name != area_name):
                continue
            counter["Tổng số"] += 1
            counter["Nữ" if c.gender == "F" else "Nam"] += 1
            counter[_band(c.birth_date, end)] += 1
            counter[names[c.ethnicity] if c.ethnicity else "Chưa rõ dân tộc"] += 1
    return {k: (admitted[k], followed[k]) for k in set(admitted) | set(followed)}


def test_each_block_recounts_from_the_people(world):
    ws = workbook_of(world["users"]["province"], "breakdown", world["areas"]["province"])[0].active
    shown = blocks_of(ws)
    assert set(shown) == set(BLOCKS)
    for block in BLOCKS:
        want = expected(None if block == "TỔNG CỘNG" else block)
        for label, values in want.items():
            assert shown[block][label] == values, (block, label)
    total = shown["TỔNG CỘNG"]
    # The blocks of the areas add up to the total, criterion by criterion.
    for label, (admitted, followed) in total.items():
        parts = [shown[b].get(label, (0, 0)) for b in BLOCKS[1:]]
        assert (admitted, followed) == tuple(map(sum, zip(*parts, strict=True))), label
    assert total["Dưới 18 tuổi"][1] >= 1 and total["Trên 50 tuổi"][1] == 1
    texts = all_texts(ws)
    assert "6. Đối tượng" in texts and {"Đơn vị tính", "Người", "%"} <= set(texts)


def test_readmissions_are_counted_among_the_admitted_and_the_followed(world):
    """Biểu số 2-BTCTW's "Trong đó: kết nạp lại": a row of its own in every block."""
    people = list(db.session.scalars(select(Candidate).order_by(Candidate.id)))
    admitted = next(c for c in people if c.admitted_date and YEAR.contains(c.admitted_date))
    followed = next(
        c for c in people if c.source_date and not c.admitted_date and not c.exited_date
    )
    for c in (admitted, followed):
        c.readmission, c.left_party_date = True, date(2019, 5, 4)
    db.session.commit()
    ws = workbook_of(world["users"]["province"], "breakdown", world["areas"]["province"])[0].active
    shown = blocks_of(ws)
    assert shown["TỔNG CỘNG"]["Kết nạp lại"] == (1, 1)
    assert "7. Trong đó" in all_texts(ws)
    areas = [shown[b]["Kết nạp lại"] for b in BLOCKS[1:]]
    assert tuple(map(sum, zip(*areas, strict=True))) == (1, 1)


def test_age_bands_are_a_setting(world):
    db.session.add(Setting(key="report.age_bands", area_id=None, value="18,31"))
    db.session.commit()
    ws = workbook_of(world["users"]["province"], "breakdown", world["areas"]["province"])[0].active
    total = blocks_of(ws)["TỔNG CỘNG"]
    assert {"Dưới 18 tuổi", "Từ 18 đến 30 tuổi", "Trên 30 tuổi"} <= set(total)
    assert "Từ 21 đến 25 tuổi" not in total


@pytest.mark.parametrize(
    ("end", "years", "born"),
    [
        (date(2025, 12, 31), 18, date(2007, 12, 31)),
        (date(2022, 2, 28), 18, date(2004, 2, 29)),  # 29/2 completes its month on 28/2
        (date(2024, 2, 29), 18, date(2006, 2, 28)),
    ],
)
def test_born_by_is_the_latest_birth_date_of_that_age(end, years, born):
    assert born_by(end, years) == born
    assert full_months_between(born, end) // 12 == years


def test_a_transfer_after_the_period_changes_no_figure_of_it(world):
    """Those who moved are read from their events: admitted in the ceremony's unit, being
    followed in the unit of their latest event by the end, whatever their unit today."""
    units = world["units"]
    admitted = person("Trần Thị Chuyển", units["school"], date(2025, 1, 1),
                      ("admitted", date(2025, 5, 1)), gender="F")  # fmt: skip
    followed = person("Trần Văn Đi", units["coop_s"], date(2025, 2, 1))
    db.session.commit()
    province = world["users"]["province"], "breakdown", world["areas"]["province"]
    before = blocks_of(workbook_of(*province)[0].active)
    assert before["Phường Bắc"]["Tổng số"][0] >= 1 and before["Xã Nam"]["Tổng số"][1] >= 1
    admitted.unit, followed.unit = units["college"], units["firm_n"]  # north ↔ south
    db.session.commit()
    db.session.refresh(admitted)
    db.session.refresh(followed)
    assert admitted.moved and followed.moved
    assert blocks_of(workbook_of(*province)[0].active) == before


def sections_of(ws) -> dict[str, dict[tuple[str, str], tuple]]:
    """{block name: {(section title, row label): (admitted, followed)}} as the sheet shows."""
    out: dict[str, dict[tuple[str, str], tuple]] = {}
    current, section = None, ""
    for row in ws.iter_rows(values_only=True):
        label = row[1] if len(row) > 1 else None
        if label in BLOCKS:
            current, section = out.setdefault(label, {}), ""
            current[("", "Tổng số")] = (row[2], row[4])
        elif current is not None and isinstance(label, str):
            if row[2] is None:
                section = label
            else:
                current[(section, label)] = (row[2], row[4])
    return out


def _unit_at(c: Candidate, end: date) -> int | None:
    """The unit of the person's latest event on or before `end`, read off their events."""
    events = sorted(
        (e for e in c.events if e.event_date <= end), key=lambda e: (e.event_date, e.sequence)
    )
    return events[-1].unit_id if events else None


def recount(end: date) -> dict[str, Counter]:
    """{block: {(section, label, measure): people}} recounted from every stored person:
    admitted in 2025 in the ceremony's unit, followed at the end in the unit of their
    latest event by then."""
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    religions = religion_names()
    out: dict[str, Counter] = {b: Counter() for b in BLOCKS}
    for c in db.session.scalars(select(Candidate)):
        ceremony = [
            e.unit_id for e in c.events if e.stage == "admitted" and YEAR.contains(e.event_date)
        ]
        followed = (
            c.source_date and c.source_date <= end
            and not (c.admitted_date and c.admitted_date <= end)
            and not (c.full_member_date and c.full_member_date <= end)
            and not (c.exited_date and c.exited_date <= end)
        )  # fmt: skip
        for measure, unit_id in (
            ("admitted", ceremony[-1] if ceremony else None),
            ("followed", _unit_at(c, end) if followed else None),
        ):
            if unit_id is None:
                continue
            unit = units[unit_id]
            rows = [
                ("", "Tổng số"),
                ("4. Tôn giáo", religions[c.religion] if c.religion else "Chưa rõ tôn giáo"),
                ("5. Trình độ học vấn", c.education or "Chưa rõ trình độ"),
                ("6. Đối tượng", SUBGROUPS[group_for_unit_kind(unit.kind)[1]]),
            ]
            if c.readmission:
                rows.append(("7. Trong đó", "Kết nạp lại"))
            for block in ("TỔNG CỘNG", unit.area.name):
                for section, label in rows:
                    out[block][(section, label, measure)] += 1
    return out


def test_religion_education_group_and_readmissions_recount_after_transfers(world):
    """Each block's religion, education, group and readmission rows are the people
    recounted one by one, also for those who changed unit after being counted and with
    religion or education unknown."""
    units = world["units"]
    again = {"readmission": True, "left_party_date": date(2019, 5, 4)}
    admitted = person("Mai Thị Dời", units["school"], date(2025, 1, 1),
                      ("admitted", date(2025, 5, 1)), gender="F", education=None,
                      religion="01", **again)  # fmt: skip
    followed = person("Mai Văn Ở", units["coop_s"], date(2025, 2, 1), education="9/12",
                      religion=None, **again)  # fmt: skip
    person("Mai Văn Sau", units["firm_s"], date(2025, 3, 1), education="9/12")
    db.session.commit()
    admitted.unit, followed.unit = units["firm_n"], units["college"]
    db.session.commit()
    db.session.refresh(admitted)
    db.session.refresh(followed)
    assert admitted.moved and followed.moved
    shown = sections_of(
        workbook_of(world["users"]["province"], "breakdown", world["areas"]["province"])[0].active
    )
    want = recount(YEAR.end)
    assert want["Phường Bắc"][("7. Trong đó", "Kết nạp lại", "admitted")] == 1  # the school's
    assert want["Xã Nam"][("5. Trình độ học vấn", "9/12", "followed")] == 2
    for block in BLOCKS:
        sections = {key[:2] for key in want[block]}
        for section, label in sections:
            figures = tuple(want[block][(section, label, m)] for m in ("admitted", "followed"))
            assert shown[block][(section, label)] == figures, (block, section, label)
        # No row the recount does not know of, except zeros.
        for (section, label), figures in shown[block].items():
            if section in {"4. Tôn giáo", "5. Trình độ học vấn", "6. Đối tượng"}:
                assert (section, label) in sections or figures == (0, 0), (block, label)


def test_both_statements_count_the_same_people(world):
    """The per-unit lists (SQLite's statement) and the grouping by criteria (PostgreSQL's)
    fold to the same counts on either database, those who moved included."""
    units = world["units"]
    moved = person("Mai Thị Dời", units["school"], date(2025, 1, 1),
                   ("admitted", date(2025, 5, 1)), gender="F", education="12/12")  # fmt: skip
    db.session.commit()
    moved.unit = units["firm_s"]
    db.session.commit()
    user, area = world["users"]["province"], world["areas"]["province"]
    areas = report_areas(db.session, user, area, YEAR.end)
    scope = Scope(user, ReportRequest("breakdown", YEAR, area).kinds, areas.area_ids)
    listed = breakdown._fold_listed(
        db.session.execute(breakdown.listed_statement(scope, YEAR, DEFAULT_AGE_BANDS)),
        areas.group_of,
    )
    joint = breakdown._fold_joint(
        db.session.execute(breakdown.joint_statement(scope, YEAR, DEFAULT_AGE_BANDS)),
        areas.group_of,
    )
    nonzero = {g: +found for g, found in listed.items()}
    assert nonzero == {g: +found for g, found in joint.items()}
    assert sum(found[("admitted", None, None)] for found in nonzero.values()) >= 5

"""Reports across the 2025 merger of Lào Cai (10) and Yên Bái (15) into the new Lào Cai (15):
a period before it is grouped by the two former provinces, one after it by the new
communes, and "the same period a year earlier" is mapped forward onto the current tree."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from registry.domain.periods import Period, whole_year
from registry.extensions import db
from registry.models import Area, StageEvent, Unit
from registry.services.reports.headings import root_area
from tests.factories import AreaFactory, UnitFactory, UserFactory
from tests.integration.reports_world import person, workbook_of
from tests.unit.test_exports_support import all_texts, line

REFORM, BEFORE = date(2025, 7, 1), date(2025, 6, 30)
FIRST_HALF_2026 = Period(date(2026, 1, 1), date(2026, 6, 30))


@pytest.fixture
def merged(ctx):
    """The merged province after the two former ones, a district and communes each."""
    new = AreaFactory(code="15", name="Tỉnh Lào Cai", level="province", valid_from=REFORM)
    lao_cai = AreaFactory(code="10", name="Tỉnh Lào Cai", level="province", valid_to=BEFORE)
    yen_bai = AreaFactory(code="15", name="Tỉnh Yên Bái", level="province", valid_to=BEFORE)
    lao_cai.successor = yen_bai.successor = new

    def old(code, name, parent, successor=None, level="commune"):
        area = AreaFactory(code=code, name=name, level=level, parent=parent, valid_to=BEFORE)
        area.successor = successor
        return area

    n_lc = AreaFactory(code="LC-001", name="Phường Lào Cai", parent=new, valid_from=REFORM)
    n_yb = AreaFactory(code="LC-101", name="Phường Yên Bái", parent=new, valid_from=REFORM)
    d_lc = old("080", "Thành phố Lào Cai", lao_cai, level="district")
    d_yb = old("132", "Thành phố Yên Bái", yen_bai, level="district")
    old("080-01", "Phường Cốc Lếu", d_lc, n_lc)
    old("132-01", "Phường Yên Bái 1 (mẫu)", d_yb, n_yb)
    c_yb2 = old("132-02", "Phường Yên Bái 2 (mẫu)", d_yb, n_yb)
    units = {
        "lc": UnitFactory(code="THPT-LC1", name="Trường THPT số 1 Lào Cai", kind="thpt", area=n_lc),
        "yb": UnitFactory(code="THPT-YB1", name="Trường THPT số 1 Yên Bái", kind="thpt", area=n_yb),
        # A school that closed before the merger, left on its former commune.
        "closed": UnitFactory(
            code="THPT-CU", name="Trường THPT cũ Yên Bái", kind="thpt", area=c_yb2, active=False
        ),
        # A centre recorded on the former district itself (no successor of its own).
        "district": UnitFactory(
            code="GDNN-YB", name="Trung tâm GDNN - GDTX Yên Bái", kind="gdnn_gdtx", area=d_yb
        ),
    }
    person("Lê Văn Một", units["yb"], date(2023, 9, 1), ("admitted", date(2024, 3, 1)))
    person("Lê Văn Hai", units["lc"], date(2023, 9, 1), ("admitted", date(2024, 4, 1)))
    person("Lê Văn Ba", units["closed"], date(2023, 9, 1), ("admitted", date(2025, 3, 10)))
    person("Lê Văn Bốn", units["yb"], date(2024, 9, 1), ("admitted", date(2026, 3, 1)))
    person("Lê Thị Năm", units["district"], date(2023, 9, 1), ("admitted", date(2025, 2, 1)))
    person("Lê Thị Sáu", units["lc"], date(2024, 9, 1), ("admitted", date(2025, 5, 5)))
    user = UserFactory(username="sonoivu_sapnhap", role="province")
    db.session.commit()
    return {"new": new, "lao_cai": lao_cai, "yen_bai": yen_bai, "user": user, "units": units}


def admitted(ws, label: str) -> int:
    return line(ws, label)[2 + 6]  # target, source, trained, followed, proposed, decided, admitted


def test_a_2024_report_on_the_merged_province_groups_by_the_two_former_provinces(merged):
    book, _ = workbook_of(merged["user"], "students", merged["new"], whole_year(2024))
    ws = book.active
    texts = all_texts(ws)
    assert "Tỉnh Yên Bái" in texts and "Tỉnh Lào Cai" in texts
    assert "Phường Yên Bái" not in texts and "Phường Lào Cai" not in texts
    assert admitted(ws, "Tỉnh Yên Bái") == 1  # Một, at the school now in Phường Yên Bái
    assert admitted(ws, "Tỉnh Lào Cai") == 1  # Hai
    assert admitted(ws, "TỔNG CỘNG") == 2


def test_a_2026_report_groups_by_the_communes_of_the_merged_province(merged):
    book, _ = workbook_of(merged["user"], "students", merged["new"], whole_year(2026))
    ws = book.active
    texts = all_texts(ws)
    assert "Phường Yên Bái" in texts and "Phường Lào Cai" in texts
    assert "Tỉnh Yên Bái" not in texts and "Thành phố Yên Bái" not in texts
    assert admitted(ws, "Phường Yên Bái") == 1  # Bốn
    assert admitted(ws, "TỔNG CỘNG") == 1


def test_a_report_on_a_former_province_groups_by_its_own_districts(merged):
    book, _ = workbook_of(merged["user"], "students", merged["yen_bai"], whole_year(2024))
    ws = book.active
    assert "Thành phố Yên Bái" in all_texts(ws) and "Tỉnh Lào Cai" not in all_texts(ws)
    assert admitted(ws, "Thành phố Yên Bái") == 1 and admitted(ws, "TỔNG CỘNG") == 1


def test_the_year_earlier_figure_is_mapped_forward_through_the_successors(merged):
    book, _ = workbook_of(merged["user"], "summary", merged["new"], FIRST_HALF_2026)
    ws = book["Tổng hợp"]
    texts = all_texts(ws)
    assert "Tỉnh Yên Bái" not in texts and "Thành phố Yên Bái" not in texts
    # Phường Yên Bái: Bốn now; a year earlier Ba, at a school left on a former commune of
    # Yên Bái whose successor is Phường Yên Bái.
    assert line(ws, "Phường Yên Bái")[2 + 12 : 2 + 14] == [1, 1]
    assert line(ws, "Phường Lào Cai")[2 + 12 : 2 + 14] == [0, 1]  # Sáu, May 2025
    # Năm's centre hangs on a former district, which has no successor: it counts where
    # its province's successor stands, the merged province itself.
    assert line(ws, "Tỉnh Lào Cai")[2 + 12 : 2 + 14] == [0, 1]
    assert line(ws, "TỔNG CỘNG")[2 + 12 : 2 + 14] == [1, 3]


def test_the_province_by_default_is_the_merged_one(merged):
    assert root_area(db.session).id == merged["new"].id


def test_cli_area_code_names_the_area_that_held_it_at_the_period_end(runner, merged, tmp_path):
    out = tmp_path / "yb.xlsx"
    args = ["export", "students", "--from", "2024-01-01", "--to", "2024-12-31"]
    result = runner.invoke(args=[*args, "--area", "15", "--out", str(out)])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    texts = all_texts(load_workbook(out).active)
    assert "Thành phố Yên Bái" in texts  # the former Yên Bái, code 15 in 2024
    later = ["export", "students", "--from", "2026-01-01", "--to", "2026-12-31"]
    result = runner.invoke(args=[*later, "--area", "15", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Phường Yên Bái" in all_texts(load_workbook(out).active)


# --- the demo -----------------------------------------------------------------------------


@pytest.fixture
def demo_db(ctx):
    from registry import demo

    demo.seed(db.session, candidates=600, today=date(2026, 11, 30))
    db.session.commit()
    return UserFactory(username="sonoivu_demo", role="province")


def _admitted_in(period: Period, area_names: list[str]) -> int:
    """Admissions in the period at units of the named areas, counted straight from events."""
    return db.session.scalar(
        select(func.count(func.distinct(StageEvent.candidate_id)))
        .join(Unit, Unit.id == StageEvent.unit_id)
        .join(Area, Area.id == Unit.area_id)
        .where(
            StageEvent.stage == "admitted",
            StageEvent.event_date.between(period.start, period.end),
            Area.name.in_(area_names),
        )
    )


def test_the_demo_reports_2024_by_the_former_provinces_and_2026_by_the_communes(demo_db):
    province = root_area(db.session)
    assert (province.code, province.valid_from) == ("15", REFORM)
    book, _ = workbook_of(demo_db, "summary", province, whole_year(2024))
    rows = [r for r in all_texts(book["Tổng hợp"]) if r.startswith("Tỉnh ")]
    assert {"Tỉnh Lào Cai", "Tỉnh Yên Bái"} <= set(rows)
    book, _ = workbook_of(demo_db, "summary", province, whole_year(2026))
    ws = book["Tổng hợp"]
    assert "Tỉnh Yên Bái" not in all_texts(ws)
    # Like with like: each commune's year-earlier figure is what its units admitted in
    # 2025, half of it before the commune existed (counted from the events directly).
    communes = db.session.scalars(
        select(Area.name).where(Area.parent_id == province.id).order_by(Area.code)
    ).all()
    before = {name: _admitted_in(whole_year(2025), [name]) for name in communes}
    assert before["Phường Yên Bái"] > 0
    assert {name: line(ws, name)[2 + 13] for name in communes} == before


def test_the_demo_carries_both_former_provinces_until_the_merger(demo_db):
    former = db.session.scalars(
        select(Area).where(Area.level == "province", Area.valid_to == BEFORE).order_by(Area.code)
    ).all()
    assert [(a.code, a.name) for a in former] == [("10", "Tỉnh Lào Cai"), ("15", "Tỉnh Yên Bái")]
    assert {a.successor.code for a in former} == {"15"}
    assert all(a.successor.valid_from == REFORM for a in former)
    districts = db.session.scalars(
        select(Area).where(Area.level == "district", Area.path.startswith(former[1].path))
    ).all()
    assert len(districts) == 9 and all(d.valid_to == BEFORE for d in districts)
    moved = db.session.scalar(
        select(func.count(func.distinct(StageEvent.candidate_id))).where(
            StageEvent.event_date < REFORM,
            StageEvent.candidate_id.in_(
                select(StageEvent.candidate_id).where(StageEvent.event_date >= REFORM)
            ),
        )
    )
    assert moved > 0  # histories that run across the merger


def test_seeding_the_demo_again_changes_nothing(runner, ctx):
    from registry.models import Candidate, PartyCell, Target

    tables = (Area, Unit, PartyCell, Target, Candidate, StageEvent)

    def counts() -> dict:
        return {t.__name__: db.session.scalar(select(func.count()).select_from(t)) for t in tables}

    first = runner.invoke(args=["seed-demo", "--candidates", "200"])
    assert first.exit_code == 0, first.output
    assert "dữ liệu mẫu" in first.output
    seeded = counts()
    assert seeded["Candidate"] == 200 and seeded["Area"] > 40
    again = runner.invoke(args=["seed-demo", "--candidates", "200"])
    assert again.exit_code == 0 and "không nạp dữ liệu mẫu" in again.output
    assert counts() == seeded


def test_the_home_page_breaks_figures_down_by_the_merged_provinces_communes(demo_db, client):
    from tests.factories import login

    login(client, demo_db)
    page = client.get("/").get_data(as_text=True)
    assert "Phường Yên Bái" in page and "Phường Lào Cai" in page
    assert "Tỉnh Yên Bái" not in page

"""The home page: enterprises by party organisation, admissions against targets, charts."""

from datetime import date

import pytest

from registry.domain.workdays import add_months, today_vn
from registry.extensions import db
from registry.models import EnterpriseSurvey, Target
from registry.services import dashboard
from tests.factories import CandidateFactory, UnitFactory, login
from tests.integration.units_world import build_world


@pytest.fixture
def world(ctx):
    w = build_world()
    today = today_vn()
    a1, b1 = w["areas"]["a1"], w["areas"]["b1"]
    UnitFactory(code="DNC", kind="hop_tac_xa", area=a1)  # not surveyed
    db.session.add(
        EnterpriseSurvey(
            unit=w["units"]["firm_a"],
            survey_date=add_months(today, -2),
            party_org="chi_bo_co_so",
            workers=30,
            party_members=3,
        )
    )
    for unit in (w["units"]["school_a"], w["units"]["school_a"], w["units"]["firm_b"]):
        CandidateFactory(unit=unit, stage="admitted", admitted_date=today)
    CandidateFactory(unit=w["units"]["school_a"], stage="admitted", admitted_date=date(2019, 1, 1))
    db.session.add(Target(year=today.year, group_code="student", area=a1, count=4))
    db.session.add(Target(year=today.year, group_code="worker", area=b1, count=2))
    db.session.commit()
    return w


def test_enterprise_counts_follow_the_latest_survey_and_scope(world):
    today = today_vn()
    everyone = dashboard.enterprises_by_party_org(db.session, world["users"]["admin"], today)
    assert (everyone.with_party, everyone.without_party, everyone.not_surveyed) == (1, 1, 1)
    district = dashboard.enterprises_by_party_org(db.session, world["users"]["district"], today)
    assert (district.with_party, district.without_party, district.not_surveyed) == (1, 0, 1)


def test_admissions_this_year_by_area_beside_the_target(world):
    progress = dashboard.admissions_by_area(db.session, world["users"]["admin"], today_vn())
    by_name = {p.area.name: (p.admitted, p.target) for p in progress}
    assert by_name == {"Huyện Một": (2, 4), "Huyện Hai": (1, 2)}
    months = dashboard.admissions_by_month(db.session, world["users"]["admin"], today_vn())
    assert len(months) == 12 and months[-1][1] == 3 and sum(n for _m, n in months) == 3


def test_home_page_shows_charts_with_their_tables_and_no_script(world, client):
    login(client, world["users"]["district"])
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="enterprises-with-party">1<' in page
    assert 'data-testid="enterprises-not-surveyed">1<' in page
    for chart in ("chart-stages", "chart-progress", "chart-months", "chart-enterprises"):
        assert f'data-testid="{chart}"' in page
    assert page.count("<svg") >= 4 and page.count("<details>") >= 4
    svg = page[page.index("<svg") : page.rindex("</svg>")]
    assert "<script" not in svg and "pygal.config" not in svg
    # The existing cards keep working.
    assert 'data-testid="admitted-year">2<' in page and 'data-testid="units">3<' in page
    assert "Xã Một" in page  # the district's breakdown is by its communes

"""Each filter of the candidate list, the URL that carries them, and scope (404)."""

from __future__ import annotations

from datetime import date

import pytest

from registry.extensions import db
from registry.models import StageEvent
from tests.factories import (
    AreaFactory,
    CandidateFactory,
    CellFactory,
    UnitFactory,
    UserFactory,
)
from tests.integration.test_candidate_list import get_list, login, names_in


@pytest.fixture
def world(ctx):
    province = AreaFactory(level="province", name="Tỉnh Thử")
    north = AreaFactory(parent=province, name="Phường Bắc")
    hamlet = AreaFactory(parent=north, name="Tổ dân phố 1")  # below north: same subtree
    south = AreaFactory(parent=province, name="Xã Nam")
    school = UnitFactory(area=north, name="Trường THPT Bắc")
    centre = UnitFactory(area=hamlet, name="Trung tâm GDNN Bắc", kind="gdnn_gdtx")
    firm = UnitFactory(
        area=south, name="Công ty TNHH Nam", kind="cong_ty_tnhh", cell=CellFactory(area=south)
    )
    w = {
        "province": province, "north": north, "hamlet": hamlet, "south": south,
        "school": school, "centre": centre, "firm": firm,
    }  # fmt: skip
    w["an"] = CandidateFactory(
        full_name="Nguyễn Văn An", unit=school, gender="M", ethnicity="01",
        source_date=date(2023, 9, 5), stage="trained", trained_date=date(2024, 3, 1),
    )  # fmt: skip
    w["binh"] = CandidateFactory(
        full_name="Giàng Thị Bình", unit=centre, gender="F", ethnicity="17",
        group_code="student", subgroup="gdnn_gdtx", source_date=date(2024, 9, 5),
    )  # fmt: skip
    w["cuong"] = CandidateFactory(
        full_name="Tẩn Văn Cường", unit=firm, gender="M", ethnicity="12",
        group_code="worker", subgroup="cong_nhan", source_date=date(2024, 2, 1),
        stage="admitted", admitted_date=date(2025, 5, 1),
    )  # fmt: skip
    w["dung"] = CandidateFactory(
        full_name="Lò Thị Dung", unit=firm, gender="F", ethnicity=None,
        group_code="worker", subgroup="cong_nhan", source_date=date(2022, 2, 1),
        stage="exited", exited_date=date(2023, 1, 1),
    )  # fmt: skip
    # An's events: trained twice; the stored trained_date keeps the latest only.
    for when in (date(2023, 10, 1), date(2024, 3, 1)):
        db.session.add(
            StageEvent(candidate=w["an"], stage="trained", event_date=when, unit_id=school.id)
        )
    db.session.add(
        StageEvent(candidate=w["cuong"], stage="admitted", event_date=date(2025, 5, 1),
                   unit_id=firm.id)
    )  # fmt: skip
    db.session.flush()
    return w


@pytest.fixture
def admin_client(world, client):
    admin = UserFactory(role="admin")
    db.session.commit()
    login(client, admin)
    return client


def shown(client, **args) -> list[str]:
    return sorted(n.split()[-1] for n in names_in(get_list(client, **args)))


def test_area_filter_takes_the_whole_subtree(admin_client, world):
    assert shown(admin_client, area=world["province"].id) == ["An", "Bình", "Cường", "Dung"]
    assert shown(admin_client, area=world["north"].id) == ["An", "Bình"]
    assert shown(admin_client, area=world["hamlet"].id) == ["Bình"]
    assert shown(admin_client, area=world["south"].id) == ["Cường", "Dung"]


def test_unit_cell_group_subgroup_filters(admin_client, world):
    assert shown(admin_client, unit=world["centre"].id) == ["Bình"]
    assert shown(admin_client, cell=world["firm"].cell_id) == ["Cường", "Dung"]
    assert shown(admin_client, group="student") == ["An", "Bình"]
    assert shown(admin_client, group="worker") == ["Cường", "Dung"]
    assert shown(admin_client, subgroup="gdnn_gdtx") == ["Bình"]
    assert shown(admin_client, subgroup="thpt") == ["An"]


def test_stage_and_status_filters(admin_client):
    assert shown(admin_client, stage="trained") == ["An"]
    assert shown(admin_client, stage="source") == ["Bình"]
    assert shown(admin_client, status="following") == ["An", "Bình"]
    assert shown(admin_client, status="admitted") == ["Cường"]
    assert shown(admin_client, status="exited") == ["Dung"]


def test_gender_and_ethnicity_filters(admin_client):
    assert shown(admin_client, gender="F") == ["Bình", "Dung"]
    assert shown(admin_client, gender="M") == ["An", "Cường"]
    assert shown(admin_client, ethnicity="kinh") == ["An"]
    # Unknown ethnicity (not filled in) counts neither as Kinh nor as a minority.
    assert shown(admin_client, ethnicity="minority") == ["Bình", "Cường"]
    assert shown(admin_client, ethnicity="17") == ["Bình"]


def test_year_of_entering_the_source_list(admin_client):
    assert shown(admin_client, source_year="2024") == ["Bình", "Cường"]
    assert shown(admin_client, source_year="2023") == ["An"]
    assert shown(admin_client, source_year="2019") == []


def test_reached_a_stage_within_a_period_counts_events(admin_client):
    # The earlier certificate (01/10/2023) counts for 2023 although a newer one is stored.
    args = {"reached": "trained", "reached_from": "01/01/2023", "reached_to": "31/12/2023"}
    assert shown(admin_client, **args) == ["An"]
    args = {"reached": "trained", "reached_from": "01/04/2024", "reached_to": "31/12/2024"}
    assert shown(admin_client, **args) == []
    args = {"reached": "admitted", "reached_from": "2025-01-01", "reached_to": "30/06/2025"}
    assert shown(admin_client, **args) == ["Cường"]
    assert shown(admin_client, reached="admitted", reached_from="02/05/2025") == []
    assert shown(admin_client, reached="admitted", reached_to="01/05/2025") == ["Cường"]


def test_bad_values_are_ignored_with_a_message(admin_client):
    html = get_list(admin_client, stage="khong-co", reached_from="31/02/2024", source_year="x")
    assert "Bỏ qua giá trị không hợp lệ" in html
    assert "Từ ngày không hợp lệ" in html
    assert "Năm vào danh sách nguồn không hợp lệ" in html
    assert len(names_in(html)) == 4


def test_filters_live_in_the_url_and_survive_paging_and_sorting(admin_client, world):
    html = get_list(admin_client, q="van", group="worker", sort="birth", desc="1")
    assert names_in(html) == ["Tẩn Văn Cường"]
    assert 'value="van"' in html
    assert '<option value="worker" selected>' in html
    # The stage links and the column headers keep the other filters.
    assert "q=van" in html.split('data-stage="trained"')[0].rsplit("href=", 1)[-1]
    table = html.split('data-testid="candidate-list"')[1]
    header = table.split("Ngày sinh")[0].rsplit("href=", 1)[-1]
    assert "group=worker" in header and "sort=birth" in header


@pytest.mark.parametrize("name", ["area", "unit", "cell"])
def test_ids_outside_the_scope_answer_404(world, client, name):
    cell_user = UserFactory(role="cell", cell=world["school"].cell)
    db.session.commit()
    login(client, cell_user)
    outside = {
        "area": world["south"].id,
        "unit": world["firm"].id,
        "cell": world["firm"].cell_id,
    }[name]
    assert client.get("/candidates/", query_string={name: outside}).status_code == 404
    assert client.get("/candidates/", query_string={name: "abc"}).status_code == 404
    assert client.get("/candidates/", query_string={name: 999999}).status_code == 404


def test_area_user_sees_and_filters_only_their_subtree(world, client):
    officer = UserFactory(role="area", area=world["north"])
    db.session.commit()
    login(client, officer)
    assert shown(client) == ["An", "Bình"]
    assert shown(client, area=world["hamlet"].id) == ["Bình"]
    assert shown(client, q="cuong") == []
    assert client.get("/candidates/", query_string={"area": world["south"].id}).status_code == 404
    assert (
        client.get("/candidates/", query_string={"area": world["province"].id}).status_code == 404
    )


def test_cell_secretary_sees_only_their_cell(world, client):
    secretary = UserFactory(role="cell", cell=world["firm"].cell)
    db.session.commit()
    login(client, secretary)
    assert shown(client) == ["Cường", "Dung"]
    assert shown(client, cell=world["firm"].cell_id) == ["Cường", "Dung"]


def test_province_user_restricted_to_a_subgroup(world, client):
    thpt = UserFactory(role="province", subgroups="thpt")
    db.session.commit()
    login(client, thpt)
    assert shown(client) == ["An"]


def test_the_counts_of_a_period_are_its_people_in_scope_once(world, monkeypatch):
    """The counts above a "reached within a period" list, when the page does not hold
    every match, read the period's events: each person once however many events, only
    within the scope and the other filters, and "more than" past the cap."""
    from registry.services.candidates import counting
    from registry.services.candidates.filtering import CandidateFilters

    # Bình trained twice in 2024, Dung once: with An, three people and four events.
    for who, unit, when in (
        ("binh", "centre", date(2024, 1, 10)),
        ("binh", "centre", date(2024, 6, 10)),
        ("dung", "firm", date(2022, 12, 1)),
    ):
        db.session.add(
            StageEvent(candidate=world[who], stage="trained", event_date=when,
                       unit_id=world[unit].id)
        )  # fmt: skip
    db.session.flush()
    users = {
        "admin": UserFactory(role="admin"),
        "north": UserFactory(role="area", area=world["north"]),
        "south": UserFactory(role="area", area=world["south"]),
    }
    period = {
        "reached": "trained",
        "reached_from": date(2022, 1, 1),
        "reached_to": date(2024, 12, 31),
    }
    in_scope = {"admin": {"an", "binh", "dung"}, "north": {"an", "binh"}, "south": {"dung"}}
    for role, user in users.items():
        for extra, keep in (({}, lambda c: True), ({"gender": "F"}, lambda c: c.gender == "F")):
            filters = CandidateFilters(**period, **extra)
            people = [world[k] for k in in_scope[role] if keep(world[k])]
            expected = {stage: 0 for stage in counting.ALL_STAGES}
            for person in people:
                expected[person.stage] += 1
            counts = counting.list_counts(db.session, user, filters)
            assert counts.exact and counts.stages == expected, (role, extra)
            assert counts.total == len(people)
    monkeypatch.setattr(counting, "COUNT_CAP", 2)
    capped = counting.list_counts(db.session, users["admin"], CandidateFilters(**period))
    assert not capped.exact and capped.total == 2
    # Two people in the north: at the cap, not past it, however many events they have.
    north = counting.list_counts(db.session, users["north"], CandidateFilters(**period))
    assert north.exact and north.total == 2
    # Over the whole province, four events of three people: at a cap of three, not past it.
    monkeypatch.setattr(counting, "COUNT_CAP", 3)
    whole = counting.list_counts(db.session, users["admin"], CandidateFilters(**period))
    assert whole.exact and whole.total == 3


@pytest.mark.parametrize("sort", ["name", "birth", "last_event"])
def test_a_dense_or_a_sparse_period_lists_the_same_people(world, monkeypatch, sort):
    """However the page tests the period (each entry's own events when the period is
    dense, the period's people collected first when sparse), every scope sees the same
    people in the same order, page after page."""
    from registry.services.candidates import paging
    from registry.services.candidates.filtering import CandidateFilters

    db.session.add(
        StageEvent(candidate=world["binh"], stage="trained", event_date=date(2024, 6, 10),
                   unit_id=world["centre"].id)
    )  # fmt: skip
    db.session.flush()
    users = [
        UserFactory(role="admin"),
        UserFactory(role="area", area=world["north"]),
        UserFactory(role="area", area=world["south"]),
    ]
    filters = CandidateFilters(
        reached="trained", reached_from=date(2023, 1, 1), reached_to=date(2024, 12, 31),
        sort=sort, per_page=1,
    )  # fmt: skip

    def pages(user) -> list[str]:
        names, cursor = [], None
        for _ in range(5):
            page = paging.fetch_page(db.session, user, filters, cursor)
            names += [c.full_name for c in page.rows]
            if page.next_cursor is None:
                return names
            cursor = page.next_cursor
        raise AssertionError(names)

    sqlite = db.session.get_bind().dialect.name == "sqlite"
    seen = {}
    for share, dense in ((1, False), (10**9, sqlite)):
        monkeypatch.setattr(paging, "DENSE_SHARE", share)
        assert paging.dense_period(db.session, filters) is dense
        seen[dense] = [pages(user) for user in users]
    assert sorted(seen[False][0]) == ["Giàng Thị Bình", "Nguyễn Văn An"]
    assert seen[False][2] == []
    assert seen[False] == seen[sqlite]

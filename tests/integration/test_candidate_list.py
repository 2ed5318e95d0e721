"""The candidate list: search, filters, counts, scope, masking (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from registry.extensions import db
from registry.models import Candidate, Unit
from registry.services.candidates import choices, counting, filtering, selection
from tests.factories import (
    PASSWORD,
    AreaFactory,
    CandidateFactory,
    CellFactory,
    UnitFactory,
    UserFactory,
)


def login(client, user) -> None:
    """Sign in without opening the home page (these tests look at other pages)."""
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code


def names_in(html: str) -> list[str]:
    """Candidate names in list order, as the table shows them."""
    body = html.split('data-testid="candidate-list"', 1)[-1]
    return re.findall(r'<a href="/candidates/\d+">([^<]+)</a>', body)


@pytest.fixture
def world(ctx):
    """A province with two communes, a unit each, and an admin signed in."""
    province = AreaFactory(level="province", name="Tỉnh Thử")
    north = AreaFactory(parent=province, name="Phường Bắc")
    south = AreaFactory(parent=province, name="Xã Nam")
    school = UnitFactory(area=north, name="Trường THPT Bắc")
    firm = UnitFactory(
        area=south, name="Công ty TNHH Nam", kind="cong_ty_tnhh", cell=CellFactory(area=south)
    )
    admin = UserFactory(role="admin")
    db.session.flush()
    return {"province": province, "north": north, "south": south, "school": school,
            "firm": firm, "admin": admin}  # fmt: skip


def person(name: str, unit, **kw):
    return CandidateFactory(full_name=name, unit=unit, **kw)


def get_list(client, **args) -> str:
    response = client.get("/candidates/", query_string=args)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- search -------------------------------------------------------------------------------


@pytest.fixture
def named(world, client):
    school = world["school"]
    for name in (
        "Nguyễn Văn Đức",
        "Trần Thị Hòa",
        "Lê Thị Hoà",
        "Nguyễn Văn Minh",
        "Phạm Đức Anh",
        "Hoàng Thị Lan",
    ):
        person(name, school)
    db.session.commit()
    login(client, world["admin"])
    return client


SEARCHES = [
    ("nguyen van duc", ["Nguyễn Văn Đức"]),
    ("NGUYEN VAN DUC", ["Nguyễn Văn Đức"]),
    ("Nguyễn Văn Đức", ["Nguyễn Văn Đức"]),
    (unicodedata.normalize("NFD", "Nguyễn Văn Đức"), ["Nguyễn Văn Đức"]),
    ("  nguyen   van  duc ", ["Nguyễn Văn Đức"]),
    ("van duc", ["Nguyễn Văn Đức"]),  # words may start anywhere in the name
    ("duc nguyen", ["Nguyễn Văn Đức"]),  # in any order
    ("duc", ["Nguyễn Văn Đức", "Phạm Đức Anh"]),
    ("hoa", ["Trần Thị Hòa", "Lê Thị Hoà", "Hoàng Thị Lan"]),
    ("Hoà", ["Trần Thị Hòa", "Lê Thị Hoà", "Hoàng Thị Lan"]),
    ("tran hoa", ["Trần Thị Hòa"]),
    ("hoa thi l", ["Lê Thị Hoà", "Hoàng Thị Lan"]),
    ("uyen", []),  # inside a word, not at its start
    ("%", []),
    ("_", []),
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_search_ignores_diacritics_case_and_tone_placement(named, query, expected):
    assert sorted(names_in(get_list(named, q=query))) == sorted(expected)


def test_search_by_cccd_exact_or_last_digits(world, client):
    person("Vũ Thị Mai", world["school"], id_number="001306012345")
    person("Đỗ Văn Hải", world["school"], id_number="001206099945")
    person("Bùi Văn Nam", world["school"], id_number="123456789")  # old CMND
    db.session.commit()
    login(client, world["admin"])
    assert names_in(get_list(client, q="001306012345")) == ["Vũ Thị Mai"]
    assert names_in(get_list(client, q="0013 0601 2345")) == ["Vũ Thị Mai"]
    assert names_in(get_list(client, q="2345")) == ["Vũ Thị Mai"]
    assert sorted(names_in(get_list(client, q="45"))) == ["Vũ Thị Mai", "Đỗ Văn Hải"]
    assert names_in(get_list(client, q="123456789")) == ["Bùi Văn Nam"]
    assert names_in(get_list(client, q="001306012346")) == []


def test_cccd_is_masked_in_the_list(world, client):
    person("Vũ Thị Mai", world["school"], id_number="001306012345")
    db.session.commit()
    login(client, world["admin"])
    html = get_list(client)
    assert "001306012345" not in html
    assert "0013******45" in html


# --- order and pages ----------------------------------------------------------------------


def test_names_sort_by_given_name_then_middle_then_family(world, client):
    for name in ("Nguyễn Văn Bình", "Trần Thị An", "Lê Văn Cường", "Nguyễn Thị An", "Đỗ An"):
        person(name, world["school"])
    db.session.commit()
    login(client, world["admin"])
    expected = ["Đỗ An", "Nguyễn Thị An", "Trần Thị An", "Nguyễn Văn Bình", "Lê Văn Cường"]
    assert names_in(get_list(client)) == expected
    assert names_in(get_list(client, desc="1")) == expected[::-1]


def walk(client, args: dict) -> tuple[list[str], list[str]]:
    """Follow "Trang sau" to the end, then "Trang trước" back; the row ids of each walk."""
    forward, html = [], get_list(client, **args)
    pages = 0
    while True:
        forward += re.findall(r'<tr data-id="(\d+)"', html)
        pages += 1
        nxt = re.search(r'rel="next" href="([^"]+)"', html)
        if not nxt:
            break
        html = client.get(nxt.group(1).replace("&amp;", "&")).get_data(as_text=True)
    backward = re.findall(r'<tr data-id="(\d+)"', html)
    while prev := re.search(r'rel="prev" href="([^"]+)"', html):
        html = client.get(prev.group(1).replace("&amp;", "&")).get_data(as_text=True)
        backward = re.findall(r'<tr data-id="(\d+)"', html) + backward
    assert pages > 1
    return forward, backward


@pytest.fixture
def crowd(world, client):
    """60 candidates, many with the same name, in two units with varied dates and stages."""
    stages = ["source", "trained", "dossier", "cell_resolution"]
    for i in range(60):
        unit = world["school"] if i % 3 else world["firm"]
        name = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn An"][i % 3] if i % 4 else f"Vũ Văn {i}"
        stage = stages[i % 4]
        person(
            name,
            unit,
            birth_date=date(2000 + i % 5, 1 + i % 12, 1),
            stage=stage,
            last_event_date=date(2024, 1 + i % 7, 1) if i % 5 else None,
            group_code="student" if unit is world["school"] else "worker",
            subgroup="thpt" if unit is world["school"] else "cong_nhan",
        )
    db.session.commit()
    login(client, world["admin"])
    return client


@pytest.mark.parametrize("sort", list(filtering.SORTS))
@pytest.mark.parametrize("desc", [False, True])
def test_keyset_pages_continue_without_gaps_or_repeats(crowd, world, sort, desc):
    args = {"per_page": 25, "sort": sort}
    if desc:
        args["desc"] = "1"
    forward, backward = walk(crowd, args)
    expected = [str(c.id) for c in db.session.scalars(ordered(world["admin"], sort, desc))]
    assert forward == expected
    assert backward == expected
    assert len(set(forward)) == 60


def ordered(user, sort, desc):
    """The whole list in the expected order, sorted with OFFSET-free plain SQL."""
    spec = filtering.SORTS[sort]
    keys = (*spec.keys(), Candidate.id)
    stmt = selection.build_query(user, filtering.CandidateFilters())
    if spec.joins_unit:
        stmt = stmt.join(Unit, Unit.id == Candidate.unit_id)
    return stmt.order_by(*(k.desc() if desc else k for k in keys))


def test_a_stale_or_forged_cursor_starts_from_the_first_page(crowd):
    first = get_list(crowd, per_page=25)
    assert names_in(get_list(crowd, per_page=25, cursor="not-a-cursor")) == names_in(first)
    nxt = re.search(r'rel="next" href="[^"]*cursor=([^"&]+)', first).group(1)
    # A cursor made for the name order means nothing for the birth-date order.
    by_birth = get_list(crowd, per_page=25, sort="birth")
    assert names_in(get_list(crowd, per_page=25, sort="birth", cursor=nxt)) == names_in(by_birth)


# --- counts -------------------------------------------------------------------------------


def test_counts_per_stage_keep_the_other_filters_but_not_the_stage(crowd, world):
    html = get_list(crowd, unit=world["school"].id, stage="trained")
    counts = dict(
        re.findall(r'data-stage="(\w+)">\s*[^<]+<span class="badge[^"]*" data-count>(\d+)', html)
    )
    school_rows = [i for i in range(60) if i % 3]
    for index, stage in enumerate(["source", "trained", "dossier", "cell_resolution"]):
        assert int(counts[stage]) == sum(1 for i in school_rows if i % 4 == index)
    assert counts["admitted"] == "0"
    shown = sum(1 for i in school_rows if i % 4 == 1)
    assert f"Tìm thấy <strong>{shown}</strong>" in html


def test_list_count_equals_a_count_of_build_query(crowd, world):
    for filters in (
        filtering.CandidateFilters(),
        filtering.CandidateFilters(stage="trained"),
        filtering.CandidateFilters(q="nguyen van an", group="student"),
        filtering.CandidateFilters(area=world["north"].id, status="following"),
    ):
        stmt = selection.build_query(world["admin"], filters)
        direct = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
        assert counting.count(db.session, world["admin"], filters) == direct


def test_past_the_cap_a_filtered_list_says_more_than_and_counts_on_request(
    crowd, world, monkeypatch
):
    monkeypatch.setattr(counting, "COUNT_CAP", 10)
    # Gender is not a scope filter: the rows are counted, and 60 is past the cap of 10.
    html = get_list(crowd, gender="M")
    assert "Tìm thấy <strong>hơn 10</strong> quần chúng theo bộ lọc." in html
    assert "data-count" not in html
    link = re.search(r'<a href="([^"]+)" rel="nofollow">đếm chính xác', html).group(1)
    exact = crowd.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Tìm thấy <strong>60</strong> quần chúng theo bộ lọc." in exact
    # Scope filters are read off the tally: exact however many.
    assert "Tìm thấy <strong>40</strong> quần chúng theo bộ lọc." in get_list(
        crowd, unit=world["school"].id
    )
    # Under the cap the counted figures are exact.
    assert "Tìm thấy <strong>4</strong>" in get_list(crowd, q="vu van 4")  # 4, 40, 44, 48


def test_search_follows_renames_and_removals(named, world):
    """The name index (SQLite full-text) changes with the candidate, in the same commit."""
    duc = db.session.scalars(select(Candidate).where(Candidate.name_key == "nguyen van duc")).one()
    duc.full_name, duc.name_key = "Nguyễn Văn Được", "nguyen van duoc"
    db.session.commit()
    assert names_in(get_list(named, q="duoc")) == ["Nguyễn Văn Được"]
    assert names_in(get_list(named, q="van duc")) == []
    db.session.delete(duc)
    db.session.commit()
    assert names_in(get_list(named, q="duoc")) == []


def test_too_many_units_to_list_ask_for_an_area_first(world, client, monkeypatch):
    monkeypatch.setattr(choices, "CHOICES_MAX", 1)
    db.session.commit()
    login(client, world["admin"])
    html = get_list(client)
    assert "Nhiều đơn vị: chọn địa bàn rồi bấm Lọc để chọn đơn vị." in html
    assert "Trường THPT Bắc</option>" not in html
    # Within one commune the few units are listed again; a chosen unit stays chosen.
    html = get_list(client, area=world["north"].id)
    assert "Trường THPT Bắc</option>" in html and "Nhiều đơn vị" not in html
    html = get_list(client, unit=world["firm"].id)
    assert f'<option value="{world["firm"].id}" selected>Công ty TNHH Nam</option>' in html

"""The word table: in step with every write of a name or a scope, and the search through
it finds exactly what the search without it found, in the same order."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from registry.domain.textutil import fold
from registry.extensions import db
from registry.models import Candidate, CandidateWord
from registry.services.candidates import counting, filtering, paging, selection, word_search
from registry.services.candidates.edit import update_candidate
from registry.services.candidates.stages import record_stage
from registry.services.imports.rollback import rollback_batch
from registry.services.privacy.erasure import erase_person
from tests.factories import CandidateFactory, UserFactory
from tests.fixtures.sheets import xlsx_bytes
from tests.integration.import_world import build_world, cli_json, person, sheet

FAMILIES = ("Nguyễn", "Trần", "Lê", "Hoàng", "Phạm", "Ngô", "Nghiêm", "Đặng")
MIDDLES = ("Văn", "Thị", "Thị Thu", "Đức", "Hoà", "Hòa", "Ngọc", "Anh", "")
GIVENS = ("Anh", "Ánh", "Ân", "An", "Hoa", "Hoàng", "Hoài", "Đức", "Dung", "Duy", "Ơn", "On", "Hà")


@pytest.fixture
def world(ctx):
    return build_world()


def stored_words() -> set[tuple]:
    rows = db.session.execute(
        select(
            CandidateWord.word,
            CandidateWord.sort_key,
            CandidateWord.candidate_id,
            CandidateWord.unit_id,
            CandidateWord.cell_id,
            CandidateWord.subgroup,
        )
    )
    return set(rows.tuples())


def expected_words() -> set[tuple]:
    """What the table must hold: each word of each folded name, once per person."""
    out = set()
    for c in db.session.scalars(select(Candidate)):
        for word in set(c.name_key.split(" ")) - {""}:
            out.add((word, c.sort_key, c.id, c.unit_id, c.cell_id, c.subgroup))
    return out


def assert_in_step() -> None:
    db.session.expire_all()
    assert stored_words() == expected_words()


def test_the_table_follows_create_rename_transfer_and_erasure(world):
    admin, school_a, school_b = (
        world["users"]["admin"],
        world["units"]["school_a"],
        world["units"]["school_b"],
    )
    kept = CandidateFactory(unit=school_a, cell=school_a.cell, full_name="Nguyễn Nguyên Hoà")
    someone = CandidateFactory(unit=school_a, cell=school_a.cell, full_name="Lê Thị Hoa")
    db.session.commit()
    assert_in_step()
    assert {w for w, *_ in stored_words() if _[1] == kept.id} == {"nguyen", "hoa"}
    data = {"full_name": "Trần Văn Đức", "gender": "M", "birth_date": someone.birth_date}
    update_candidate(db.session, admin, someone, data, school_a, None)
    db.session.commit()
    assert_in_step()
    assert not any(w == "le" for w, *_ in stored_words())
    update_candidate(db.session, admin, someone, data, school_b, None)  # moved to commune B
    db.session.commit()
    assert_in_step()
    officer_b = world["users"]["officer_b"]
    found = paging.fetch_page(db.session, officer_b, filtering.CandidateFilters(q="duc"))
    assert [c.id for c in found.rows] == [someone.id]
    record_stage(db.session, admin, someone, "exited", date(2025, 1, 2), reason="other")
    erase_person(db.session, admin, someone)
    db.session.commit()
    assert_in_step()
    assert not any(w in ("tran", "duc") for w, *_ in stored_words())
    db.session.delete(kept)
    db.session.commit()
    assert_in_step()


def test_the_table_follows_an_import_commit_and_its_rollback(world, runner, tmp_path):
    CandidateFactory(unit=world["units"]["school_a"], full_name="Phạm Văn Cũ")
    db.session.commit()
    before = stored_words()
    rows = [person(1), person(2, full_name="Ngô Thị Mới"), person(3, unit_code="THPT-B")]
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx_bytes(sheet(rows)))
    code, report = cli_json(runner, path, "--commit")
    assert code == 0, report
    assert_in_step()
    assert len(stored_words()) > len(before)
    province = world["users"]["province"]
    found = paging.fetch_page(db.session, province, filtering.CandidateFilters(q="moi ngo"))
    assert [c.full_name for c in found.rows] == ["Ngô Thị Mới"]
    from registry.models import ImportBatch

    batch = db.session.scalar(select(ImportBatch).order_by(ImportBatch.id.desc()))
    rollback_batch(db.session, None, batch)
    db.session.commit()
    assert_in_step()
    assert stored_words() == before


def test_the_migration_writes_the_words_of_the_stored_candidates(world):
    unit = world["units"]["school_a"]
    CandidateFactory(unit=unit, full_name="Đặng Thị Ánh")
    db.session.commit()
    db.session.remove()
    downgrade(revision="0017")
    # Candidates written while the table does not exist.
    db.session.execute(
        text("UPDATE candidate SET full_name = 'Đặng Thị Ánh Hồng', name_key = 'dang thi anh hong'")
    )
    db.session.commit()
    upgrade()
    assert_in_step()
    assert {w for w, *_ in stored_words()} == {"dang", "thi", "anh", "hong"}


# --- the same results as the search without the table ------------------------------------


@pytest.fixture
def crowd(world):
    """180 people of varied names over three units in two communes."""
    rng = random.Random(19)
    units = [world["units"][k] for k in ("school_a", "firm_a", "school_b")]
    stages = ("source", "trained", "dossier")
    for n in range(180):
        name = " ".join(
            p for p in (rng.choice(FAMILIES), rng.choice(MIDDLES), rng.choice(GIVENS)) if p
        )
        unit = units[n % 3]
        CandidateFactory(
            unit=unit,
            cell=unit.cell,
            full_name=name if n % 17 else f"{name} Ngô-Hoàng",
            stage=stages[n % 3],
            gender="F" if n % 2 else "M",
        )
    db.session.commit()
    return world


def without_table(user, filters) -> list[int]:
    """The search as it reads without the word table: the query, in name order."""
    stmt = selection.build_query(user, filters).order_by(Candidate.sort_key, Candidate.id)
    ids = list(db.session.scalars(stmt.with_only_columns(Candidate.id)))
    return ids[::-1] if filters.desc else ids


def every_page(user, filters) -> list[int]:
    """Every row the list shows, page after page; then back again to the first page."""
    seen, cursor, pages = [], None, []
    while True:
        page = paging.fetch_page(db.session, user, filters, cursor)
        seen += [c.id for c in page.rows]
        pages.append(page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    back = []
    for page in reversed(pages[1:]):
        earlier = paging.fetch_page(db.session, user, filters, page.prev_cursor)
        back = [c.id for c in earlier.rows] + back
    assert back == seen[: len(back)]
    return seen


QUERIES = ("anh", "a", "hoa", "ho", "nguyen anh", "thi hoa", "duc nguyen", "ng", "ngo hoang",
           "on", "o", "zz", "hoa hoa", "an an thi", "NGUYỄN Ánh", "Hòa")  # fmt: skip


@pytest.mark.parametrize(
    ("budget", "few"),
    [(word_search.BUDGET, word_search.FEW), (2, word_search.FEW), (2, 1), (60, word_search.FEW)],
)
def test_the_search_finds_what_it_found_before_in_the_same_order(crowd, monkeypatch, budget, few):
    # A budget of 2 entries sends most searches back to the name index half-way, one of
    # 60 only those whose spellings share it out thinly; FEW 1 counts every word up to
    # PROBE before choosing the one to walk.
    full_budget = word_search.BUDGET
    monkeypatch.setattr(word_search, "BUDGET", budget)
    monkeypatch.setattr(word_search, "FEW", few)
    monkeypatch.setattr(word_search, "FULL_NAME", 3)
    users = crowd["users"]
    area_a = crowd["areas"]["a"].id
    stopped = 0
    for q in QUERIES:
        for user, extra in (
            (users["province"], {}),
            (users["province"], {"per_page": 25, "desc": True}),
            (users["province"], {"stage": "trained", "per_page": 25}),
            (users["admin"], {"area": area_a, "gender": "F", "per_page": 25}),
            (users["officer_a"], {"per_page": 25}),
            (users["cell_a"], {}),
        ):
            filters = filtering.CandidateFilters(q=q, **extra)
            expected = without_table(user, filters)
            assert every_page(user, filters) == expected, (q, extra)
            counted = counting.list_counts(db.session, user, filters)
            assert counted.exact and counted.total == len(expected), (q, extra)
            # As the list page counts: after its first page, which may have seen its walk
            # stop short (the count then asks the name index at once).
            first = paging.fetch_page(db.session, user, filters)
            stopped += first.walk_stopped
            after_page = counting.list_counts(db.session, user, filters, page=first)
            assert after_page == counted, (q, extra)
    # A small budget stops some first pages short; the full budget stops none here.
    assert (stopped > 0) == (budget < full_budget), stopped


def test_a_restricted_user_searches_their_subgroups_only(crowd):
    restricted = UserFactory(username="thpt.only", role="province", subgroups="thpt")
    db.session.commit()
    filters = filtering.CandidateFilters(q="nguyen")
    found = every_page(restricted, filters)
    assert found == without_table(restricted, filters)
    units = {db.session.get(Candidate, i).unit.kind for i in found}
    assert found and units == {"thpt"}


def test_past_the_search_cap_the_page_says_more_than(crowd, monkeypatch):
    monkeypatch.setattr(counting, "SEARCH_COUNT_CAP", 10)
    province = crowd["users"]["province"]
    filters = filtering.CandidateFilters(q="nguyen")
    assert len(without_table(province, filters)) > 10
    counted = counting.list_counts(db.session, province, filters)
    assert (counted.exact, counted.total) == (False, 10)
    exact = counting.list_counts(db.session, province, filters, exact=True)
    assert exact.total == len(without_table(province, filters))
    few = replace(filters, q="nguyen anh ngo")
    counted_few = counting.list_counts(db.session, province, few)
    assert counted_few.total == len(without_table(province, few))


def test_the_list_page_shows_more_than_a_thousand_for_a_common_word(crowd, client, monkeypatch):
    from tests.factories import login

    monkeypatch.setattr(counting, "SEARCH_COUNT_CAP", 10)
    login(client, crowd["users"]["province"])
    html = client.get("/candidates/?q=nguyen").get_data(as_text=True)
    assert "Tìm thấy <strong>hơn 10</strong> quần chúng theo bộ lọc." in html
    names = [fold(n) for n in db.session.scalars(select(Candidate.full_name))]
    assert sum(1 for n in names if "nguyen" in n.split()) > 10
    assert db.session.scalar(select(func.count()).select_from(CandidateWord)) > 0


def test_a_province_or_area_search_is_answered_by_the_word_table(crowd, monkeypatch):
    def name_index_asked(q, wide=False):
        raise AssertionError(f"searched without the word table: {q}")

    monkeypatch.setattr(word_search, "FULL_NAME", 3)
    plain = selection.search_condition
    monkeypatch.setattr(
        selection,
        "search_condition",
        lambda q, wide=False: plain(q, wide) if not q else name_index_asked(q),
    )
    users = crowd["users"]
    for user in (users["province"], users["officer_a"]):
        filters = filtering.CandidateFilters(q="nguyen anh", per_page=25)
        assert paging.fetch_page(db.session, user, filters).rows
        assert counting.list_counts(db.session, user, filters).exact


# --- the search narrowed to a cell, a unit or an area; the count read off the page ------


def matched_by_hand(user, filters) -> set[int]:
    """The people in the user's scope and the filters' unit, cell or area whose folded
    name has a word starting with each searched word, decided in Python."""
    from registry.scoping import scope_filter

    words = fold(filters.q).split()
    stmt = select(Candidate).where(scope_filter(user, Candidate))
    if filters.unit:
        stmt = stmt.where(Candidate.unit_id == filters.unit)
    if filters.cell:
        stmt = stmt.where(Candidate.cell_id == filters.cell)
    out = set()
    for c in db.session.scalars(stmt):
        if filters.area and c.unit.area_id != filters.area:
            continue
        held = c.name_key.split(" ")
        if all(any(h.startswith(w) for h in held) for w in words):
            out.add(c.id)
    return out


@pytest.mark.parametrize("q", ["hoa", "nguyen anh", "thi hoa", "ng", "duc nguyen", "zz", "a"])
def test_a_search_in_a_cell_a_unit_or_an_area_finds_every_match(crowd, q):
    users, units = crowd["users"], crowd["units"]
    for user, extra in (
        (users["cell_a"], {}),
        (users["province"], {"unit": units["school_a"].id}),
        (users["admin"], {"cell": units["firm_a"].cell_id}),
        (users["officer_a"], {}),
        (users["province"], {"area": crowd["areas"]["a"].id}),
    ):
        filters = filtering.CandidateFilters(q=q, **extra)
        stmt = selection.build_query(user, filters).with_only_columns(Candidate.id)
        assert set(db.session.scalars(stmt)) == matched_by_hand(user, filters), (q, extra)
        assert every_page(user, filters) == without_table(user, filters), (q, extra)


def test_the_search_sql_is_shaped_for_its_reach_on_postgresql(crowd):
    from sqlalchemy.dialects import postgresql

    def sql(user, **extra) -> str:
        stmt = selection.build_query(user, filtering.CandidateFilters(**extra))
        return str(stmt.compile(dialect=postgresql.dialect()))

    users = crowd["users"]
    # A cell's or unit's rows are tested, not looked up in the province's trigram index.
    assert "(candidate.name_key || " in sql(users["cell_a"], q="thi hoa")
    assert "(candidate.name_key || " in sql(users["province"], q="hoa", unit=1)
    # Two words over an area: the people holding both, by the trigram index, then the area.
    area = sql(users["officer_a"], q="thi hoa")
    assert "candidate.id IN (SELECT matched.id" in area and "name_key || " not in area
    assert "matched.unit_id + " in area  # the area's people by the trigram index, not the unit's
    assert "matched" not in sql(users["officer_a"], q="hoa")
    assert "matched" not in sql(users["province"], q="thi hoa")


def test_the_count_read_off_a_page_holding_every_match_equals_a_count(crowd):
    users = crowd["users"]
    reused_some = False
    for q in ("hoa", "nguyen anh", "thi hoa", "zz", "on", "ngo hoang", "", "0"):
        for user, extra in (
            (users["province"], {}),
            (users["province"], {"gender": "F", "per_page": 200}),
            (users["officer_a"], {"per_page": 100}),
            (users["cell_a"], {}),
            (users["admin"], {"area": crowd["areas"]["b"].id, "sort": "birth"}),
        ):
            filters = filtering.CandidateFilters(q=q, **extra)
            page = paging.fetch_page(db.session, user, filters)
            from_page = counting.list_counts(db.session, user, filters, page=page)
            counted = counting.list_counts(db.session, user, filters)
            assert from_page == counted, (q, extra)
            expected = len(without_table(user, filters))
            if from_page.exact:
                assert from_page.total == expected, (q, extra)
            reused_some |= counting.page_counts(filters, page) is not None
    assert reused_some


def test_a_page_that_does_not_hold_every_match_is_not_counted(crowd):
    from registry.services.candidates import keyset

    province = crowd["users"]["province"]
    filters = filtering.CandidateFilters(q="nguyen", per_page=10)
    everyone = len(without_table(province, filters))
    assert everyone > 10
    first = paging.fetch_page(db.session, province, filters)
    assert not first.whole and counting.page_counts(filters, first) is None
    # A cursor past the last match: an empty page, not an empty list.
    beyond = keyset._encode("name", ["\uffff", 1], False)
    past = paging.fetch_page(db.session, province, filters, beyond)
    assert past.rows == [] and not past.whole
    assert counting.list_counts(db.session, province, filters, page=past).total == everyone
    # With a stage filter the page holds one stage; the counts are of every stage.
    staged = replace(filters, stage="trained", per_page=200)
    page = paging.fetch_page(db.session, province, staged)
    assert page.whole and counting.page_counts(staged, page) is None


def test_a_word_counted_once_is_not_counted_again_for_a_while(crowd, monkeypatch):
    """The sizes that choose the walked word are kept by the process for SIZES_TTL: a
    new namesake shows in the next count only once it has passed (or they are dropped),
    and the search's rows never depend on them."""
    low, high = word_search.word_range("nguyen")
    stored = db.session.scalar(
        select(func.count()).where(CandidateWord.word >= low, CandidateWord.word < high)
    )
    assert word_search._kept_entries(db.session, low, high, 10**6) == stored
    CandidateFactory(full_name="Nguyễn Thị Mới", unit=crowd["units"]["school_a"])
    db.session.flush()
    assert word_search._kept_entries(db.session, low, high, 10**6) == stored
    filters = filtering.CandidateFilters(q="nguyen moi")
    province = crowd["users"]["province"]
    assert every_page(province, filters) == without_table(province, filters) != []
    monkeypatch.setattr(word_search, "SIZES_TTL", 0.0)
    assert word_search._kept_entries(db.session, low, high, 10**6) == stored + 1

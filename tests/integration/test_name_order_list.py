"""The candidate list, its pages and the detail export follow the Vietnamese order of the
reference list, the same on SQLite and PostgreSQL; the migration rebuilds stored keys."""

import random
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text, update

from registry.domain.textutil import sort_key
from registry.extensions import db
from registry.models import Candidate
from tests.integration.test_candidate_list import (  # noqa: F401  (world is a fixture)
    get_list,
    login,
    names_in,
    person,
    walk,
    world,
)

REFERENCE = Path(__file__).parent.parent / "fixtures" / "vietnamese_name_order.txt"
ORDERED = [
    line.strip()
    for line in REFERENCE.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def test_the_list_pages_through_the_reference_names_in_their_order(world, client):  # noqa: F811
    shuffled = ORDERED[:]
    random.Random(16).shuffle(shuffled)
    for name in shuffled:
        person(name, world["school"])
    db.session.commit()
    login(client, world["admin"])
    first = names_in(get_list(client, per_page=25))
    assert first == ORDERED[:25]
    forward, backward = walk(client, {"per_page": 25})
    by_id = {str(c.id): c.full_name for c in db.session.scalars(select(Candidate))}
    assert [by_id[i] for i in forward] == ORDERED == [by_id[i] for i in backward]
    assert names_in(get_list(client, desc="1", per_page=100)) == ORDERED[::-1]


def test_the_issue_example_in_the_list(world, client):  # noqa: F811
    for given in ["Ân", "Ánh", "Anh", "Đức", "Dung", "Duy", "Ơn", "On"]:
        person(f"Nguyễn Văn {given}", world["school"])
    db.session.commit()
    login(client, world["admin"])
    assert [n.split()[-1] for n in names_in(get_list(client))] == [
        "Anh", "Ánh", "Ân", "Dung", "Duy", "Đức", "On", "Ơn",
    ]  # fmt: skip


def test_the_migration_rebuilds_every_stored_key(world):  # noqa: F811
    people = [person(name, world["school"]) for name in ORDERED[:10]]
    db.session.commit()
    ids = [p.id for p in people]
    db.session.execute(update(Candidate).values(sort_key="stale"))
    db.session.commit()
    db.session.remove()
    downgrade(revision="0009")
    upgrade()
    stored = dict(db.session.execute(select(Candidate.full_name, Candidate.sort_key)).all())
    assert stored == {name: sort_key(name) for name in ORDERED[:10]}
    assert sorted(ids) == sorted(db.session.scalars(select(Candidate.id)))
    if db.engine.dialect.name == "postgresql":
        collation = db.session.scalar(
            text(
                "SELECT collation_name FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = 'candidate'"
                " AND column_name = 'sort_key'"
            )
        )
        assert collation == "C"
        # The keyset order is the order of the (sort_key, id) index, rebuilt on the C
        # column (an index takes its column's collation), so the index holds it. (Asked of
        # the catalogue, not of the planner: a plan of ten rows changes with the statistics.)
        definition = db.session.scalar(
            text(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND indexname = 'ix_candidate_sort'"
            )
        )
        assert definition is not None and definition.endswith("(sort_key, id)")

"""The per-stage tally kept by triggers: exact after every way a candidate changes.

The list's counts for a scope come from `candidate_tally`; if a path of writing forgot
it, a secretary would read a wrong number above her list. These tests change candidates
every way the application does (ORM, Core bulk statements, imports and their rollback,
deletes, rollbacks of a transaction) and compare the tally with a count of the rows.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from registry.extensions import db
from registry.models import Candidate, CandidateTally, ImportBatch
from registry.services.candidates import counting, filtering, selection
from registry.services.imports.rollback import rollback_batch
from tests.factories import CandidateFactory, CellFactory, UnitFactory, UserFactory
from tests.fixtures.sheets import csv_bytes

STAGES = ["source", "trained", "dossier", "cell_resolution", "admitted", "exited"]


def counted() -> dict[tuple, int]:
    """The figures the tally must hold, counted from the candidates themselves."""
    cell = func.coalesce(Candidate.cell_id, 0)
    key = (Candidate.unit_id, cell, Candidate.group_code, Candidate.subgroup, Candidate.stage)
    rows = db.session.execute(select(*key, func.count()).group_by(*key)).all()
    return {tuple(r[:5]): r[5] for r in rows}


def tallied() -> dict[tuple, int]:
    t = CandidateTally
    rows = db.session.execute(
        select(t.unit_id, t.cell_id, t.group_code, t.subgroup, t.stage, t.n)
    ).all()
    assert all(r.n >= 0 for r in rows), rows
    return {tuple(r[:5]): r[5] for r in rows if r[5]}


def assert_exact() -> None:
    db.session.expire_all()
    assert tallied() == counted()


@pytest.fixture
def units(ctx):
    cells = [CellFactory(), CellFactory()]
    made = [UnitFactory(cell=cells[0]), UnitFactory(cell=cells[1]), UnitFactory(cell=cells[1])]
    db.session.commit()
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tally_stays_exact_through_random_changes(units, seed):
    rng = random.Random(seed)
    people = [CandidateFactory(unit=rng.choice(units)) for _ in range(12)]
    db.session.commit()
    assert_exact()
    for _ in range(40):
        person = rng.choice(people)
        action = rng.choice(["stage", "unit", "cell", "group", "note", "add", "delete", "bulk"])
        if action == "stage":
            person.stage = rng.choice(STAGES)
        elif action == "unit":
            person.unit = rng.choice(units)
        elif action == "cell":
            person.cell_id = rng.choice([None, units[0].cell_id, units[1].cell_id])
        elif action == "group":
            person.group_code, person.subgroup = rng.choice(
                [("student", "thpt"), ("student", "gdnn_gdtx"), ("worker", "cong_nhan")]
            )
        elif action == "note":
            person.note = f"ghi chú {rng.random()}"
        elif action == "add":
            people.append(CandidateFactory(unit=rng.choice(units), stage=rng.choice(STAGES)))
        elif action == "delete" and len(people) > 3:
            people.remove(person)
            db.session.delete(person)
        elif action == "bulk":
            db.session.execute(
                update(Candidate)
                .where(Candidate.unit_id == rng.choice(units).id)
                .values(stage=rng.choice(STAGES))
            )
        if rng.random() < 0.2:
            db.session.rollback()
            people = list(db.session.scalars(select(Candidate)))
        else:
            db.session.commit()
        assert_exact()
    db.session.execute(delete(Candidate).where(Candidate.unit_id == units[0].id))
    db.session.commit()
    assert_exact()


def test_an_import_and_its_rollback_keep_the_tally_exact(units, runner, tmp_path):
    units[0].code = "THA"
    CandidateFactory(unit=units[0], full_name="Đỗ Văn Thử 1", birth_date=date(2006, 1, 2))
    db.session.commit()
    rows = [["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã đơn vị", "Ngày kết nạp"]]
    for n in range(1, 31):
        born = date(2006, 1, 1) + timedelta(days=n)
        admitted = "15/03/2025" if n % 2 else ""
        rows.append([f"Đỗ Văn Thử {n}", born.strftime("%d/%m/%Y"), "Nam", "Kinh", "THA", admitted])
    path = tmp_path / "ds.csv"
    path.write_bytes(csv_bytes(rows))
    done = runner.invoke(args=["import-candidates", str(path), "--commit", "--json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    assert (result["errors"], result["new"], result["updated"]) == ([], 29, 1)
    assert_exact()
    assert counted() != {}
    batch = db.session.scalars(select(ImportBatch)).one()
    rollback_batch(db.session, UserFactory(role="admin"), batch)
    db.session.commit()
    assert_exact()


def test_the_province_counts_come_from_the_tally_and_match_the_rows(units):
    for i in range(9):
        CandidateFactory(unit=units[i % 3], stage=STAGES[i % 4])
    db.session.commit()
    admin = UserFactory(role="admin")
    cell_user = UserFactory(role="cell", cell_id=units[1].cell_id)
    db.session.commit()
    for user in (admin, cell_user):
        for filters in (
            filtering.CandidateFilters(),
            filtering.CandidateFilters(status="following"),
            filtering.CandidateFilters(unit=units[2].id, stage="trained"),
        ):
            counts = counting.list_counts(db.session, user, filters)
            unstaged = selection.build_query(user, replace(filters, stage=None))
            rows = db.session.scalars(unstaged).all()
            expected = {s: sum(1 for c in rows if c.stage == s) for s in filtering.ALL_STAGES}
            assert counts.exact
            assert counts.stages == expected

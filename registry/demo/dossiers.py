"""The demo's admission dossiers: documents, introducers and the cell's vote for those
trained, the recognition file for about half the admitted, and each dossier's validity as
the dossier service keeps it.

Each person's dossier comes from a random stream of their own (seeded by their id), so the
rest of the demo stays as it was.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from registry.domain import dossier as dossier_rules
from registry.domain.vocabulary import Stage
from registry.domain.workdays import add_months
from registry.models import Candidate, DossierItem, Introducer
from registry.models._types import table_of

# The state of a demo dossier: (share, how many of the required items it holds).
_DOSSIER_STATES = ((0.7, 5), (0.15, 3), (0.15, 0))


def new_dossiers() -> dict[str, list[dict]]:
    """Where `dossier_rows` gathers documents, introducers and each dossier's person."""
    return {"items": [], "introducers": [], "people": []}


def dossier_rows(
    candidate_id: int,
    dates: dict,
    group: str,
    admin_id: int,
    today: date,
    files: dict[str, list[dict]],
) -> None:
    """Documents and introducers for one demo candidate: most dossiers complete, some
    short of items (as an imported dossier date would be), some not begun; students
    by the youth-union route; the recognition file for about half the admitted."""
    rng = random.Random(candidate_id)  # its own stream: the people stay as they were
    trained, dossier = dates.get(Stage.TRAINED), dates.get(Stage.DOSSIER)
    if trained is None:
        return
    person = {"id": candidate_id, "trained": trained, "youth": group == "student"}
    files["people"].append({**person, "made": dossier})
    made = dossier or trained + timedelta(days=rng.randint(5, 60))
    held = _items_held(rng, dossier)
    base: dict[str, object] = {"candidate_id": candidate_id, "recorded_by_id": admin_id}
    base["checked_by"] = "Bí thư chi bộ"
    for kind in dossier_rules.REQUIRED_FOR_DOSSIER[:held]:
        day = made - timedelta(days=rng.randint(1, 40))
        files["items"].append({**base, "kind": kind, "day": day, "number": None})
    if held:
        files["introducers"] += _introducers(rng, base, made, group)
    cell = dates.get(Stage.CELL_RESOLUTION)
    if cell is not None:
        votes = {"votes_total": 9, "votes_for": rng.randint(6, 9)}
        files["items"].append(
            {**base, **votes, "kind": "cell_resolution", "day": cell, "number": None}
        )
    files["items"] += _recognition_items(rng, base, dates, today)


def _items_held(rng: random.Random, dossier: date | None) -> int:
    """How many of the required items a dossier holds, drawn by _DOSSIER_STATES."""
    roll, held = rng.random(), 5
    for share, count in _DOSSIER_STATES:
        if roll < share:
            held = count
            break
        roll -= share
    if dossier is not None and held == 0:
        held = 3  # a dossier date with nothing entered reads as an old record
    return held


def _introducers(rng: random.Random, base: dict, made: date, group: str) -> list[dict]:
    """The two introductions of a dossier made on `made`."""
    first: dict[str, object] = {"kind": "member", "name": "Trần Văn Minh"}
    first["full_member_since"] = date(2010, 3, 3)
    rows = [{**base, **first, "day": made - timedelta(days=3), "months_together": 30}]
    # Students go by the youth-union route; workers have two members.
    second: dict[str, object] = {"kind": "youth_union", "name": "Ban Chấp hành Đoàn trường"}
    if group != "student":
        second = {
            "kind": "member",
            "name": "Lê Thị Hoa",
            "full_member_since": date(2012, 9, 2),
            "months_together": rng.choice([8, 24]),
        }
    rows.append({**base, **second, "day": made - timedelta(days=2)})
    return rows


def _recognition_items(rng: random.Random, base: dict, dates: dict, today: date) -> list[dict]:
    """For about half the admitted, some of the recognition file's items, dated at the end
    of the probation year when that day has come (by the full membership or today)."""
    admitted = dates.get(Stage.ADMITTED)
    if admitted is None or rng.random() >= 0.5:
        return []
    end = add_months(admitted, 12)
    recognition = dossier_rules.REQUIRED_FOR_RECOGNITION
    rows = []
    for kind in recognition[: rng.randint(2, len(recognition))]:
        row = {**base, "kind": kind, "day": end, "number": None}
        if kind in dossier_rules.VOTED:
            row.update(votes_total=9, votes_for=8)
        if end <= dates.get(Stage.FULL_MEMBER, today):
            rows.append(row)
    return rows


def store_dossiers(session: Session, files: dict[str, list[dict]], today: date) -> None:
    """Write what `dossier_rows` gathered, then each dossier's validity."""
    if files["items"]:
        session.execute(insert(DossierItem), files["items"])
    if files["introducers"]:
        session.execute(insert(Introducer), files["introducers"])
    _store_validity(session, files, today)


def _store_validity(session: Session, files: dict[str, list[dict]], today: date) -> None:
    """Each demo dossier's candidate.dossier_valid_until and recognition_resolution_date,
    as the dossier service keeps them."""
    items: dict[int, list[dossier_rules.Item]] = {}
    intros: dict[int, list[dossier_rules.Introduction]] = {}
    for row in files["items"]:
        item = dossier_rules.Item(row["kind"], row["day"], None, row.get("votes_for"))
        items.setdefault(row["candidate_id"], []).append(item)
    for row in files["introducers"]:
        intro = dossier_rules.Introduction(
            row["kind"], row["name"], row["day"], row.get("full_member_since")
        )
        intros.setdefault(row["candidate_id"], []).append(intro)
    values = []
    for person in files["people"]:
        facts = dossier_rules.Person(trained=person["trained"], youth_union_member=person["youth"])
        until = dossier_rules.complete_until(
            items.get(person["id"], []),
            intros.get(person["id"], []),
            facts,
            today,
            made=person["made"],
        )
        values.append({"row_id": person["id"], "until": until, "resolved": None})
    resolved = {
        row["candidate_id"]: row["day"]
        for row in files["items"]
        if row["kind"] == dossier_rules.RECOGNITION_RESOLUTION
    }
    for value in values:
        value["resolved"] = resolved.get(value["row_id"])
    table = table_of(Candidate)
    if values:
        session.execute(
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(
                dossier_valid_until=bindparam("until"),
                recognition_resolution_date=bindparam("resolved"),
            ),
            values,
        )

"""The introducers and the cell's vote a list brings, against what the dossier holds.

The pipeline has checked each value with the dossier rules (spreadsheet.dossier_columns);
here a row's introducers and vote become rows to add, read and written in bulk (one
query per chunk of candidates). An import only adds to a dossier, as it only adds stage
events: an introducer is known by name, and a known one whose dates differ, or a vote
that differs from the recorded resolution, keeps what is recorded with a warning (the
dossier page corrects it). A rollback removes what the batch added.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.engine import Connection

from registry.domain import dossier
from registry.domain.dossier import Introduction, Item, Person
from registry.domain.rules.settings import RuleSettings
from registry.domain.textutil import fold_key
from registry.domain.workdays import fmt_date
from registry.models import DossierItem, Introducer
from registry.models._types import table_of
from registry.spreadsheet import RowResult
from registry.spreadsheet.dossier_columns import introducer_rows, vote_of
from registry.spreadsheet.headers import INTRODUCER_COLUMNS

CELL_RESOLUTION = "cell_resolution"
_INTRODUCERS = table_of(Introducer)
_ITEMS = table_of(DossierItem)


@dataclass
class StoredDossier:
    """A stored candidate's dossier rows, as the rules read them."""

    items: list[Item] = field(default_factory=list)
    introducers: list[Introduction] = field(default_factory=list)


@dataclass(frozen=True)
class DossierAdds:
    """What a row adds to a dossier: member introducers and the cell's vote."""

    introducers: tuple[Introduction, ...] = ()
    vote: Item | None = None

    def __bool__(self) -> bool:
        return bool(self.introducers) or self.vote is not None


def carries_dossier(rows: Iterable[RowResult]) -> bool:
    """Whether any row fills an introducer or the vote (else nothing here is read)."""
    fields = {"cell_vote", *(group[0] for group in INTRODUCER_COLUMNS)}
    return any(fields & r.values.keys() for r in rows)


def load(conn: Connection, ids: Sequence[int]) -> dict[int, StoredDossier]:
    """The dossier rows of these candidates (ids: one chunk)."""
    found: dict[int, StoredDossier] = {i: StoredDossier() for i in ids}
    items = select(
        DossierItem.candidate_id,
        DossierItem.kind,
        DossierItem.day,
        DossierItem.number,
        DossierItem.votes_for,
        DossierItem.votes_total,
    ).where(DossierItem.candidate_id.in_(ids))
    for ident, kind, day, number, votes_for, votes_total in conn.execute(items).tuples():
        found[ident].items.append(Item(kind, day, number, votes_for, votes_total))
    intros = select(
        Introducer.candidate_id,
        Introducer.kind,
        Introducer.name,
        Introducer.day,
        Introducer.full_member_since,
        Introducer.months_together,
    ).where(Introducer.candidate_id.in_(ids))
    for ident, kind, name, day, since, months in conn.execute(intros).tuples():
        found[ident].introducers.append(Introduction(kind, name, day, since, months))
    return found


def _issue(row: RowResult, column: str, code: str, message: str, warning: bool = False) -> None:
    target = row.warnings if warning else row.errors
    if warning or all(i.column != column for i in row.errors):
        target.append(row.issue(column, code, message))


def _vote_item(row: RowResult, resolution: object) -> Item | None:
    """The cell's resolution the row's vote belongs to, dated by the cell's proposal."""
    votes = vote_of(row.values)
    if votes is None:
        return None
    if not isinstance(resolution, date):
        _issue(
            row,
            "cell_resolution_date",
            "required",
            f"Có biểu quyết của chi bộ ({dossier.format_vote(*votes)}) nhưng thiếu ngày chi bộ "
            "đề nghị kết nạp.",
        )
        return None
    return Item(CELL_RESOLUTION, resolution, None, *votes)


def for_new(row: RowResult) -> DossierAdds:
    """A new person's introducers and vote (or the row's error)."""
    vote = _vote_item(row, row.values.get("cell_resolution_date"))
    return DossierAdds(tuple(introducer_rows(row.values)), vote)


def _column_of(row: RowResult, intro: Introduction) -> str:
    for group in INTRODUCER_COLUMNS:
        if row.values.get(group[0]) == intro.name:
            return group[0]
    return INTRODUCER_COLUMNS[0][0]


def _same(a: Introduction, b: Introduction) -> bool:
    return (a.day, a.full_member_since, a.months_together) == (
        b.day,
        b.full_member_since,
        b.months_together,
    )


def _shown(intro: Introduction) -> str:
    since = fmt_date(intro.full_member_since) if intro.full_member_since else "chưa ghi"
    months = intro.months_together if intro.months_together is not None else "chưa ghi"
    return f"giới thiệu ngày {fmt_date(intro.day)}, chính thức ngày {since}, {months} tháng"


def for_update(row: RowResult, stored: StoredDossier, resolution: object) -> DossierAdds:
    """What a row adds to a stored dossier; differences are warnings, never rewrites.

    `resolution` is the date of the cell's proposal after the row (its own, else the
    stored one).
    """
    known = {fold_key(i.name): i for i in stored.introducers if i.kind == dossier.MEMBER}
    adds = []
    for intro in introducer_rows(row.values):
        found = known.get(fold_key(intro.name))
        if found is None:
            adds.append(intro)
        elif not _same(found, intro):
            _issue(
                row,
                _column_of(row, intro),
                "introducer_differs",
                f"Người giới thiệu {intro.name} trong tệp ({_shown(intro)}) khác với đã ghi "
                f"({_shown(found)}): giữ như đã ghi; hãy sửa trên trang hồ sơ nếu cần.",
                warning=True,
            )
    recorded = [i for i in stored.items if i.kind == CELL_RESOLUTION]
    vote: Item | None = None
    if recorded:
        latest = max(recorded, key=lambda i: i.day)
        votes = vote_of(row.values)
        if votes is not None and votes != (latest.votes_for, latest.votes_total):
            before = (
                dossier.format_vote(latest.votes_for, latest.votes_total)
                if latest.votes_for is not None and latest.votes_total is not None
                else "chưa ghi"
            )
            _issue(
                row,
                "cell_vote",
                "vote_differs",
                f"Biểu quyết trong tệp {dossier.format_vote(*votes)} khác với nghị quyết chi bộ "
                f"đã ghi ({before}): giữ như đã ghi; hãy sửa trên trang hồ sơ nếu cần.",
                warning=True,
            )
    else:
        vote = _vote_item(row, resolution)
    return DossierAdds(tuple(adds), vote)


def valid_until(
    stored: StoredDossier,
    adds: DossierAdds,
    facts: Mapping[str, object],
    today: date,
    settings: RuleSettings,
) -> date | None:
    """candidate.dossier_valid_until after the adds, as the dossier service keeps it."""
    items = [*stored.items, *([adds.vote] if adds.vote else [])]
    person = Person(
        trained=facts.get("trained_date"),  # type: ignore[arg-type]  # a date or None
        youth_union_member=facts.get("youth_union_date") is not None,
        trade_union_member=bool(facts.get("trade_union")),
        admitted=facts.get("admitted_date"),  # type: ignore[arg-type]  # a date or None
    )
    return dossier.complete_until(
        items,
        [*stored.introducers, *adds.introducers],
        person,
        today,
        settings,
        made=facts.get("dossier_date"),  # type: ignore[arg-type]  # a date or None
    )


def write(
    conn: Connection, added: Iterable[tuple[int, DossierAdds]], user_id: int | None, now: datetime
) -> None:
    """Insert the introducers and resolutions the rows add (stamped with the commit)."""
    stamp = {"recorded_by_id": user_id, "recorded_at": now}
    intros, items = [], []
    for ident, adds in added:
        for i in adds.introducers:
            intros.append(
                {
                    "candidate_id": ident,
                    "kind": i.kind,
                    "name": i.name,
                    "day": i.day,
                    "number": None,
                    "full_member_since": i.full_member_since,
                    "months_together": i.months_together,
                    "checked_by": None,
                    **stamp,
                }
            )
        if adds.vote is not None:
            v = adds.vote
            items.append(
                {
                    "candidate_id": ident,
                    "kind": v.kind,
                    "day": v.day,
                    "number": None,
                    "checked_by": None,
                    "votes_for": v.votes_for,
                    "votes_total": v.votes_total,
                    "note": None,
                    **stamp,
                }
            )
    if intros:
        conn.execute(insert(_INTRODUCERS), intros)
    if items:
        conn.execute(insert(_ITEMS), items)


def added_by(ids, committed_at: datetime | None) -> tuple:
    """(introducers, items) conditions: what a batch committed at that time added to these
    candidates' dossiers."""
    return (
        and_(Introducer.candidate_id.in_(ids), Introducer.recorded_at == committed_at),
        and_(DossierItem.candidate_id.in_(ids), DossierItem.recorded_at == committed_at),
    )


def changed_after(ids, committed_at: datetime | None) -> tuple:
    """(introducers, items) queries of the candidates (of `ids`) whose dossier got a row
    after the commit."""
    intros = select(Introducer.candidate_id).where(
        Introducer.candidate_id.in_(ids), Introducer.recorded_at > committed_at
    )
    items = select(DossierItem.candidate_id).where(
        DossierItem.candidate_id.in_(ids), DossierItem.recorded_at > committed_at
    )
    return intros, items


def remove_added(conn: Connection, ids, committed_at: datetime | None) -> None:
    """Delete what the batch added to the dossiers of its updated candidates."""
    intros, items = added_by(ids, committed_at)
    conn.execute(delete(Introducer).where(intros))
    conn.execute(delete(DossierItem).where(items))

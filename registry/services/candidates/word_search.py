"""A name search walked through the word table, in Vietnamese name order.

`candidate_word` (kept by triggers, migration 0022) holds every word of every folded name
with the candidate's sort key and its scope's columns, keyed (word, sort_key,
candidate_id). A searched word matches every stored word it starts ("hoa": hoa, hoai,
hoan, hoang…): those spellings are read off the key itself (one seek each), and each
one's entries are walked in name order up to the page, so a word shared by 50,000 people
costs what a rare one costs; the page is the merge of those walks. With two words, the
one with the fewest entries (counted up to FEW, then PROBE) is walked and the other is
looked up by the key (word, sort_key, id) of the same person, without reading the row;
the other filters are tested on the candidate's row.

Two cases go back to the name index (the caller's search without the table), which
finds a small set at once: more than FULL_NAME words (a full name, which few people
share), and a walk tested row by row that read BUDGET entries of a word (shared by its
spellings) without filling the page (`Walk.bounded`: words that rarely meet).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    false,
    func,
    select,
    text,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from registry.models import Candidate, CandidateWord

# Entries counted per searched word to choose the one to walk: up to FEW, then PROBE.
FEW = 2_000
PROBE = 50_000
BUDGET = 20_000  # entries a walk tested row by row reads at most (over all its spellings)
# More words than this are a full name, which few people share: the name index too.
FULL_NAME = 2
_LAST = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)

# The stored words that start with a searched word, one seek each (a loose index scan):
# "n" is about fifty words, among three million entries.
_SPELLINGS = text(
    "WITH RECURSIVE found(word) AS ("
    " SELECT (SELECT word FROM candidate_word WHERE word >= :low AND word < :high"
    " ORDER BY word LIMIT 1)"
    " UNION ALL"
    " SELECT (SELECT w.word FROM candidate_word w WHERE w.word > found.word"
    " AND w.word < :high ORDER BY w.word LIMIT 1) FROM found WHERE found.word IS NOT NULL)"
    " SELECT word FROM found WHERE word IS NOT NULL"
)


def word_range(word: str) -> tuple[str, str] | None:
    """[low, high): the words starting with `word`, in byte (code point) order; None for
    the one word no bound follows (it ends with U+10FFFF)."""
    if not word:
        return None
    last = ord(word[-1]) + 1
    if last > _LAST:
        return None
    if _SURROGATES[0] <= last <= _SURROGATES[1]:
        last = _SURROGATES[1] + 1
    return word, word[:-1] + chr(last)


def _entries(session: Session, low: str, high: str, most: int) -> int:
    """How many entries start with the word, counted up to `most`."""
    some = (
        select(CandidateWord.candidate_id)
        .where(CandidateWord.word >= low, CandidateWord.word < high)
        .limit(most)
        .subquery()
    )
    return session.scalar(select(func.count()).select_from(some)) or 0


def _sizes(session: Session, bounds: list[tuple[str, str]]) -> list[int]:
    """The searched words' entries: up to FEW each first; only when every word has that
    many, up to PROBE. Kept for the session (a request): the page and its counts ask
    the same, and the sizes only choose a plan, never a result."""
    if len(bounds) == 1:
        return [0]
    known = session.info.setdefault("candidate_word_sizes", {})
    key = tuple(bounds)
    if key not in known:
        sizes = [_kept_entries(session, low, high, FEW) for low, high in bounds]
        if min(sizes) >= FEW:
            sizes = [_kept_entries(session, low, high, PROBE) for low, high in bounds]
        known[key] = sizes
    return known[key]


# Each process keeps the sizes it counted for SIZES_TTL seconds, at most SIZES_KEPT of
# them: a size only chooses the word to walk, so one a few minutes old costs at worst a
# slower plan, and a word searched again (a family name, a common given name) is not
# counted again (5–8 ms a word up to PROBE on PostgreSQL at a million).
SIZES_TTL = 600.0
SIZES_KEPT = 4_096
_kept: dict[tuple[str, str, str, int], tuple[float, int]] = {}


def _kept_entries(session: Session, low: str, high: str, most: int) -> int:
    """`_entries`, from this process's recent counts when it has one."""
    key = (session.get_bind().engine.url.render_as_string(), low, high, most)
    now = time.monotonic()
    kept = _kept.get(key)
    if kept is not None and now - kept[0] < SIZES_TTL:
        return kept[1]
    if len(_kept) >= SIZES_KEPT:
        _kept.clear()
    found = _entries(session, low, high, most)
    _kept[key] = (now, found)
    return found


def forget_sizes() -> None:
    """Drop the kept sizes (a test's data is not the next test's)."""
    _kept.clear()


def _spellings(session: Session, low: str, high: str) -> list[str]:
    return list(session.scalars(_SPELLINGS, {"low": low, "high": high}))


@dataclass(frozen=True)
class Walk:
    """`matches`: the (sort_key, candidate_id) of at least the first `limit` matches in
    name order after the position (the caller orders and cuts; see `each_once`).
    `bounded`: a walk stopped at BUDGET entries, so an answer shorter than asked may
    miss matches."""

    matches: Subquery
    bounded: bool


def walk(
    session: Session,
    words: Sequence[str],
    entry_conditions: Sequence[ColumnElement[bool]],
    row_conditions: Sequence[ColumnElement[bool]],
    after: list[Any] | None,
    backwards: bool,
    limit: int,
    *,
    each_once: bool = True,
) -> Walk | None:
    """The matches of `words` (folded, each starting a word of the name), in name order.

    `entry_conditions` are on CandidateWord (the scope: its unit, cell and subgroup),
    `row_conditions` on Candidate (the other filters); `after` is a cursor's
    (sort_key, id). `each_once` False merges the walks with UNION ALL, which a count
    reads only until it has enough rows (a person holding two spellings of the word then
    comes twice). None when the name index is the quicker way (see the module).
    """
    ranges = [word_range(w) for w in words]
    bounds = [r for r in ranges if r is not None]
    if len(bounds) < len(ranges) or len(words) > FULL_NAME:
        return None
    sizes = _sizes(session, bounds)
    driver = min(range(len(words)), key=lambda i: (sizes[i], -len(words[i])))
    others = _held_too(session, [b for i, b in enumerate(bounds) if i != driver])
    if others is None:
        return _nothing()
    tested = bool(others or row_conditions)
    spellings = _spellings(session, *bounds[driver])
    stop = None
    if tested and (len(words) == 1 or sizes[driver] > BUDGET):
        stop = _budget_stop(session, spellings, after, backwards)
    on_entry = [*entry_conditions, *others]
    parts = [
        _spelling_walk(spelling, after, backwards, stop, on_entry, row_conditions, limit)
        for spelling in spellings
    ]
    if not parts:
        return _nothing()
    rows = [select(part.c.sort_key, part.c.candidate_id) for part in parts]
    # One person can hold two of the spellings ("Hoa Hoàng"): UNION keeps them once.
    merged = rows[0] if len(rows) == 1 else union(*rows) if each_once else union_all(*rows)
    return Walk(merged.subquery(), stop is not None)


def _key() -> ColumnElement:
    """The word table's entry key after its word: (sort_key, candidate_id)."""
    return tuple_(CandidateWord.sort_key, CandidateWord.candidate_id)


def _name_order(backwards: bool) -> list[Any]:
    """The entries in name order, or backwards from a cursor (a previous page)."""
    w = CandidateWord
    return [w.sort_key.desc(), w.candidate_id.desc()] if backwards else [w.sort_key, w.candidate_id]


def _entries_of(spelling: str, after: list[Any] | None, backwards: bool) -> Select:
    """The (sort_key, candidate_id) of a stored word's entries past the cursor's
    position, in the walk's direction (unordered)."""
    w = CandidateWord
    entries = select(w.sort_key, w.candidate_id).where(w.word == spelling)
    if after is not None:
        key, position = _key(), tuple_(*after)
        entries = entries.where(key < position if backwards else key > position)
    return entries


def _budget_stop(
    session: Session, spellings: list[str], after: list[Any] | None, backwards: bool
) -> tuple | None:
    """The entry every spelling's walk stops at: the nearest of those each spelling
    reaches at its share of BUDGET; None when no spelling holds that many.

    The budget is the walk's, shared by the spellings: "ha" is a dozen words (ha, hai,
    han, hang, hanh…), each walked 20,000 entries deep read 240,000 (0.4–0.6 s for an
    area officer's "ha an") before the name index was asked anyway. Each spelling's
    entry the budget places on is read off the key alone, and every spelling stops at
    the nearest of them: past it the merge could hold one spelling's matches and miss
    another's.
    """
    budget = max(1, BUDGET // max(1, len(spellings)))
    order = _name_order(backwards)
    ends = []
    for spelling in spellings:
        entries = _entries_of(spelling, after, backwards)
        last = session.execute(entries.order_by(*order).offset(budget).limit(1))
        ends += [tuple(row) for row in last]
    if not ends:
        return None
    return max(ends) if backwards else min(ends)


def _spelling_walk(
    spelling: str,
    after: list[Any] | None,
    backwards: bool,
    stop: tuple | None,
    entry_conditions: Sequence[ColumnElement[bool]],
    row_conditions: Sequence[ColumnElement[bool]],
    limit: int,
) -> Subquery:
    """The first `limit` matches among one stored word's entries, in name order from
    the cursor's position up to `stop`: `entry_conditions` tested on the entry itself,
    `row_conditions` on the candidate's row."""
    w = CandidateWord
    entries = _entries_of(spelling, after, backwards)
    if stop is not None:
        key = _key()
        entries = entries.where(key >= tuple_(*stop) if backwards else key <= tuple_(*stop))
    entries = entries.where(*entry_conditions)
    if row_conditions:
        entries = entries.join(
            Candidate, and_(Candidate.id == w.candidate_id, Candidate.sort_key == w.sort_key)
        ).where(*row_conditions)
    return entries.order_by(*_name_order(backwards)).limit(limit).subquery()


def _held_too(session: Session, bounds: list[tuple[str, str]]) -> list[ColumnElement[bool]] | None:
    """For each other searched word: the walked entry's person holds a word it starts,
    looked up by the key (word, sort_key, id) itself, no row read. None when a word
    starts no stored word (nobody matches)."""
    w = CandidateWord
    tests: list[ColumnElement[bool]] = []
    for low, high in bounds:
        spelled = _spellings(session, low, high)
        if not spelled:
            return None
        other = aliased(CandidateWord)
        same_person = and_(other.sort_key == w.sort_key, other.candidate_id == w.candidate_id)
        tests.append(
            select(other.candidate_id).where(other.word.in_(spelled), same_person).exists()
        )
    return tests


def _nothing() -> Walk:
    w = CandidateWord
    return Walk(select(w.sort_key, w.candidate_id).where(false()).subquery(), False)

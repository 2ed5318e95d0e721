"""Match parsed rows with stored candidates and decide what each row does.

Everything here works on plain values read in bulk (one query per chunk of keys, never
one per row): a row becomes `new`, `updated` (with the stored values it changes) or
`unchanged`, or gets the errors that only the stored records can reveal (a CCCD held in
another scope, a date that differs from a recorded event, a stage that would go back).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from registry.domain import identity
from registry.domain.rules.facts import CandidateFacts
from registry.domain.rules.settings import RuleSettings
from registry.domain.rules.transitions import check_transition
from registry.domain.stage_columns import STAGE_COLUMNS, EventFact, columns_from_events
from registry.domain.textutil import sort_key as name_order
from registry.domain.vocabulary import (
    DOCUMENT_COLUMNS,
    STAGE_DATE_COLUMNS,
    STAGE_LABELS,
    Stage,
)
from registry.domain.workdays import fmt_date
from registry.models import Candidate, PartyCell, StageEvent, User
from registry.scoping import full_scope, scope_filter
from registry.services.candidates.stages import introducers_count
from registry.services.imports import dossier_rows
from registry.services.imports.dossier_rows import DossierAdds, StoredDossier
from registry.spreadsheet import RowResult

CHUNK = 5000  # keys per IN (…): far below SQLite's 32,766 bound parameters
# Row value → candidate column of the same name (a blank cell never erases).
DIRECT = (
    "full_name", "name_key", "gender", "birth_date", "ethnicity", "id_number", "hometown",
    "education", "class_or_job", "helpers", "introducers", "note", "youth_union_date",
    "trade_union",
)  # fmt: skip
PERSONAL = (*DIRECT, "sort_key", "religion", "group_code", "subgroup", "unit_id", "cell_id")
_DOC_LABELS = {"certificate_no": "Số GCN", "decision_no": "Số QĐ kết nạp"}
# (row field, stage code, number field) in stage order, exit last, as stage_events reads.
_ROW_EVENTS = tuple(
    (column, str(stage), DOCUMENT_COLUMNS.get(str(stage)))
    for stage, column in STAGE_DATE_COLUMNS.items()
)
# Stored event as read: (stage, date, document number, exit reason, sequence).
EventRow = tuple[str, date, str | None, str | None, int]


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def scope_of(user: User | None, model: type) -> ColumnElement[bool]:
    """scope_filter, or everything for the command line run without --user."""
    return true() if user is None else scope_filter(user, model)


def row_columns(values: dict[str, object]) -> dict[str, object]:
    """The candidate columns a validated row fills (only those it has)."""
    out = {key: values[key] for key in DIRECT if key in values}
    if "full_name" in out:
        out["sort_key"] = name_order(str(out["full_name"]))
    religion = values.get("religion") or values.get("religion_text")
    if religion:
        out["religion"] = religion
    if "group" in values:
        out["group_code"], out["subgroup"] = values["group"], values["subgroup"]
    unit = values.get("unit")
    if unit is not None:
        out["unit_id"] = unit.id  # type: ignore[attr-defined]  # a UnitRef
    cell = values.get("cell")
    if cell is not None:
        out["cell_id"] = cell.id  # type: ignore[attr-defined]  # a CellRef
    return out


def new_row_events(values: dict[str, object]) -> list[EventFact]:
    """results.stage_events with the exit reason, as light tuples: the same events (a
    source event at the earliest date when the row has no source date) without a frozen
    dataclass per event, which shows on a 100,000-row commit."""
    events = []
    for column, stage, number_column in _ROW_EVENTS:
        when = values.get(column)
        if when is not None:
            number = values.get(number_column) if number_column else None
            reason = values.get("exit_reason") if stage == "exited" else None
            # A validated row holds a date per stage and texts for numbers and reasons.
            events.append(EventFact(stage, when, number, reason))  # type: ignore[arg-type]  # see above
    if events and "source_date" not in values:
        events.insert(0, EventFact("source", min(e.date for e in events), None, None))
    return events


_NONE: dict[str, object] = {}  # shared, never written to


class RowPlan:
    """What one row does: its action, the stored record and the changes it makes."""

    __slots__ = (
        "action", "before", "candidate_id", "cell_id", "changes", "dossier", "events",
        "first_sequence", "row", "unit_id",
    )  # fmt: skip

    def __init__(self, row: RowResult) -> None:
        self.row = row
        self.action = "error"  # new, updated, unchanged or error
        self.candidate_id: int | None = None
        # Set for updated rows only (a new row needs none: 100,000 empty dicts show).
        self.changes: dict[str, object] = _NONE  # column → new value
        self.before: dict[str, object] = _NONE  # column → stored value
        self.events: Sequence[EventFact] = ()  # events an update adds
        self.first_sequence = 1
        self.unit_id: int | None = None
        self.cell_id: int | None = None
        self.dossier: DossierAdds | None = None  # introducers and vote the row adds


_STORED = ("updated_at", "dossier_valid_until", *PERSONAL, *STAGE_COLUMNS)
# What the dossier's validity reads of an updated row, after its changes.
_DOSSIER_FACTS = (
    "trained_date",
    "youth_union_date",
    "trade_union",
    "admitted_date",
    "dossier_date",
)
# What the scope and rule checks of an updated row read, after its changes.
_FACTS = ("unit_id", "cell_id", "group_code", "subgroup", "birth_date", "education", "introducers")
_AT = {name: index for index, name in enumerate(_STORED)}


class Stored:
    """A stored candidate as read: its columns in a tuple (a dict per record would
    double the memory of a 100,000-row re-import) and its events in event order."""

    __slots__ = ("dossier", "events", "row")

    def __init__(self, row: tuple) -> None:
        self.row = row
        self.events: list[EventRow] = []
        self.dossier: StoredDossier | None = None  # read when the list carries dossier columns

    def __getitem__(self, name: str) -> Any:
        return self.row[_AT[name]]


def _id_number(row: RowResult) -> str | None:
    """The row's CCCD/CMND (normalised to a text), or None when it gives none."""
    number = row.values.get("id_number")
    return number if isinstance(number, str) else None


def _error(row: RowResult, column: str, code: str, message: str) -> None:
    if all(i.column != column for i in row.errors):
        row.errors.append(row.issue(column, code, message))


class Matcher:
    """Finds the stored candidate of each row: by CCCD province-wide, else by name key,
    birth date and unit; reports matches outside the importer's scope neutrally."""

    def __init__(self, session: Session, user: User | None) -> None:
        # Plain Core rows: the ORM's row processing would double the cost of reading
        # 100,000 stored records.
        self.conn = session.connection()
        self.user = user

    def _by_number(self, numbers: list[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for chunk in chunks(sorted(numbers)):
            stmt = select(Candidate.id_number, Candidate.id).where(Candidate.id_number.in_(chunk))
            # IN never matches a NULL id_number: every number found is a text.
            found.update((n, i) for n, i in self.conn.execute(stmt).tuples() if n is not None)
        return found

    def _by_key(self, rows: list[RowResult]) -> dict[tuple, list[tuple[int, str | None]]]:
        """Stored records sharing a row's name key and birth date (and unit, checked by
        the caller), read a chunk of rows at a time: the birth-date index narrows the
        search on both backends, the name key leaves only the true candidates."""
        found: dict[tuple, list[tuple[int, str | None]]] = {}
        columns = (
            Candidate.name_key,
            Candidate.birth_date,
            Candidate.unit_id,
            Candidate.id,
            Candidate.id_number,
        )
        for chunk in chunks(rows, CHUNK // 2):
            births = sorted({r.values["birth_date"] for r in chunk})
            names = sorted({r.values["name_key"] for r in chunk})
            stmt = select(*columns).where(
                Candidate.birth_date.in_(births), Candidate.name_key.in_(names)
            )
            for key, birth, unit, ident, number in self.conn.execute(stmt).all():
                found.setdefault((key, birth, unit), []).append((ident, number))
        return found

    def _visible(self, ids: Iterable[int]) -> set[int]:
        ids = sorted(set(ids))
        user = self.user
        if user is None or (full_scope(user) and not user.subgroup_codes):
            return set(ids)
        seen: set[int] = set()
        for chunk in chunks(ids):
            stmt = select(Candidate.id).where(
                Candidate.id.in_(chunk), scope_filter(user, Candidate)
            )
            seen.update(self.conn.scalars(stmt))
        return seen

    def match(self, rows: list[RowResult]) -> dict[tuple[str, int], int]:
        """Row key → stored candidate id for the rows that are not new; rows matched
        outside the scope or twice get their error."""
        numbers = self._by_number([n for r in rows if (n := _id_number(r)) is not None])
        matched: dict[tuple[str, int], int] = {}
        by_number: set[tuple[str, int]] = set()
        rest = []
        for r in rows:
            number = _id_number(r)
            ident = numbers.get(number) if number is not None else None
            if ident is None:
                rest.append(r)
            else:
                matched[r.key] = ident
                by_number.add(r.key)
        keys = self._by_key(rest) if rest else {}
        for r in rest:
            v = r.values
            unit_id = v["unit"].id  # type: ignore[attr-defined]  # every row here has a UnitRef
            stored = keys.get((v["name_key"], v["birth_date"], unit_id), ())
            # The same name, birth date and unit but another CCCD is another person.
            same = [i for i, number in stored if number is None or "id_number" not in v]
            if same:
                matched[r.key] = min(same)
        return self._checked(rows, matched, by_number)

    def _checked(
        self,
        rows: list[RowResult],
        matched: dict[tuple[str, int], int],
        by_number: set[tuple[str, int]],
    ):
        visible = self._visible(matched.values())
        first_row: dict[int, RowResult] = {}
        for r in rows:
            ident = matched.get(r.key)
            if ident is None:
                continue
            if ident not in visible:
                del matched[r.key]
                if r.key in by_number:
                    # Neutral, like the form's: the number exists, nothing about where.
                    message = (
                        f"Số CCCD/CMND {r.values['id_number']} đã có trong sổ theo dõi: "
                        "mỗi số chỉ thuộc một hồ sơ."
                    )
                    _error(r, "id_number", "out_of_scope", message)
                else:
                    message = (
                        "Đã có hồ sơ cùng họ tên, ngày sinh và đơn vị ngoài phạm vi quản lý "
                        "của bạn."
                    )
                    _error(r, "full_name", "out_of_scope", message)
                continue
            first = first_row.setdefault(ident, r)
            if first is not r:
                del matched[r.key]
                column = "id_number" if r.key in by_number else "full_name"
                _error(
                    r,
                    column,
                    "duplicate_in_file",
                    f"Trùng với {first.where()}: cả hai dòng là cùng một người trong sổ theo dõi.",
                )
        return matched

    def load(self, ids: Iterable[int], dossier: bool = False) -> dict[int, Stored]:
        """The stored columns and events of the matched candidates (and their dossier
        rows when the list carries introducers or votes)."""
        ids = sorted(set(ids))
        columns = [getattr(Candidate, name) for name in _STORED]
        stored: dict[int, Stored] = {}
        for chunk in chunks(ids):
            stmt = select(Candidate.id, *columns).where(Candidate.id.in_(chunk))
            for ident, *values in self.conn.execute(stmt).all():
                stored[ident] = Stored(tuple(values))
            events = select(
                StageEvent.candidate_id,
                StageEvent.stage,
                StageEvent.event_date,
                StageEvent.document_no,
                StageEvent.reason,
                StageEvent.sequence,
            ).where(StageEvent.candidate_id.in_(chunk))
            for ident, *event in self.conn.execute(events).all():
                stored[ident].events.append(tuple(event))
            if dossier:
                for ident, found in dossier_rows.load(self.conn, chunk).items():
                    stored[ident].dossier = found
        for item in stored.values():
            item.events.sort(key=lambda e: (e[1], e[4] or 0))
        return stored

    def committee_cells(self) -> set[int]:
        """Cells with the committee stage (chi bộ trực thuộc): a short list."""
        stmt = select(PartyCell.id).where(PartyCell.kind == "truc_thuoc")
        return set(self.conn.scalars(stmt))


def jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


@dataclass
class Classifier:
    """Decides new / updated / unchanged for each matched or unmatched valid row."""

    today: date
    settings: RuleSettings
    committee: set[int]
    user: User | None = None
    # Rows whose "Đối tượng" cell is filled (else the group is implied by the unit).
    explicit_group: set[tuple[str, int]] = field(default_factory=set)

    def new(self, plan: RowPlan) -> None:
        row, values = plan.row, plan.row.values
        if "gender" not in values:
            number = values.get("id_number")
            if isinstance(number, str) and len(number) == 12:
                values["gender"] = identity.sex_of(number)
            else:
                _error(
                    row,
                    "gender",
                    "required",
                    "Thiếu giới tính (cần để thêm người mới vào sổ theo dõi).",
                )
                return
        plan.unit_id = values["unit"].id  # type: ignore[attr-defined]  # a UnitRef, checked above
        cell = values.get("cell")
        plan.cell_id = cell.id if cell is not None else None  # type: ignore[attr-defined]  # a CellRef
        self._scope(row, values.get("subgroup"), plan.cell_id)
        adds = dossier_rows.for_new(row)
        if not row.errors:
            plan.dossier = adds or None
            plan.action = "new"

    def _scope(self, row: RowResult, subgroup, cell_id) -> None:
        """Refuse a row that would leave the record outside a restricted importer's scope."""
        user = self.user
        if user is None:
            return
        restriction = user.subgroup_codes
        if restriction and subgroup not in restriction:
            _error(row, "group", "out_of_scope", "Đối tượng này nằm ngoài phạm vi quản lý của bạn.")
        if user.role == "cell" and cell_id != user.cell_id:
            _error(
                row, "cell_name", "out_of_scope", "Chi bộ này nằm ngoài phạm vi quản lý của bạn."
            )

    def _explicit_group(self, row: RowResult) -> bool:
        return row.key in self.explicit_group

    def _personal_changes(self, plan: RowPlan, stored: Stored) -> dict[str, object]:
        incoming = row_columns(plan.row.values)
        unit_moves = incoming.get("unit_id", stored["unit_id"]) != stored["unit_id"]
        if not unit_moves:
            # A cell or group the row only implies (from the unit) keeps what is stored.
            if "cell_name" not in plan.row.values:
                incoming.pop("cell_id", None)
            group = (incoming.get("group_code"), incoming.get("subgroup"))
            stored_group = (stored["group_code"], stored["subgroup"])
            if group != stored_group and not self._explicit_group(plan.row):
                incoming.pop("group_code", None)
                incoming.pop("subgroup", None)
        elif "cell_id" not in incoming:
            incoming["cell_id"] = None
        return {k: v for k, v in incoming.items() if stored[k] != v}

    def update(self, plan: RowPlan, stored: Stored) -> None:
        row = plan.row
        changes = self._personal_changes(plan, stored)
        final: dict[str, Any] = {k: changes[k] if k in changes else stored[k] for k in _FACTS}
        plan.unit_id, plan.cell_id = final["unit_id"], final["cell_id"]
        self._scope(row, final["subgroup"], final["cell_id"])
        new_events = self._new_events(row, stored, final)
        if row.errors:
            return
        if new_events:
            ordered = [(s, d, n, r) for s, d, n, r, _q in stored.events]
            ordered += new_events
            ordered.sort(key=lambda e: e[1])  # stable: same-day events keep their sequence
            for column, value in columns_from_events(ordered).items():
                if stored[column] != value:
                    changes[column] = value
            plan.first_sequence = max((e[4] or 0 for e in stored.events), default=0) + 1
        if stored.dossier is not None:
            self._dossier(plan, stored, stored.dossier, changes)
            if row.errors:
                return
        plan.events = new_events
        plan.changes = changes
        plan.before = {k: jsonable(stored[k]) for k in changes}
        plan.before["updated_at"] = jsonable(stored["updated_at"])
        plan.action = "updated" if changes or new_events or plan.dossier else "unchanged"

    def _dossier(
        self, plan: RowPlan, stored: Stored, held: StoredDossier, changes: dict[str, object]
    ) -> None:
        """The introducers and vote the row adds, and the dossier's validity after them."""
        facts = {k: changes[k] if k in changes else stored[k] for k in _DOSSIER_FACTS}
        resolution = changes.get("cell_resolution_date", stored["cell_resolution_date"])
        adds = dossier_rows.for_update(plan.row, held, resolution)
        if plan.row.errors or not adds:
            return
        plan.dossier = adds
        until = dossier_rows.valid_until(held, adds, facts, self.today, self.settings)
        if until != stored["dossier_valid_until"]:
            changes["dossier_valid_until"] = until

    def _new_events(self, row: RowResult, stored: Stored, final: dict) -> list[EventFact]:
        """The row's events that are not recorded yet, checked against the recorded ones."""
        recorded: dict[str, dict[date, str | None]] = {}
        for stage, when, number, _reason, _seq in stored.events:
            recorded.setdefault(stage, {})[when] = number
        fresh: list[EventFact] = []
        for event in new_row_events(row.values):
            implied = event.stage == Stage.SOURCE.value and "source_date" not in row.values
            if implied and stored.events:
                continue  # the implied source date stands in only for a first entry
            days = recorded.get(event.stage)
            if days is None:
                fresh.append(event)
            elif event.date not in days:
                self._differs(row, event, max(days))
            elif event.number and days[event.date] != event.number:
                self._number_differs(row, event, days[event.date])
        if fresh and not row.errors:
            self._check_forward(row, stored, final, fresh)
        return fresh

    def _differs(self, row: RowResult, event: EventFact, recorded: date) -> None:
        _error(
            row,
            STAGE_DATE_COLUMNS[event.stage],
            "stage_order",
            f"Ngày của bước “{STAGE_LABELS[event.stage]}” trong tệp ({fmt_date(event.date)}) "
            f"khác ngày đã ghi nhận ({fmt_date(recorded)}): nhập từ Excel không sửa lịch sử; "
            "hãy sửa sự kiện trên trang hồ sơ nếu ngày đã ghi bị sai.",
        )

    def _number_differs(self, row: RowResult, event: EventFact, recorded: str | None) -> None:
        column = DOCUMENT_COLUMNS[event.stage]
        kept = f"giữ số đã ghi «{recorded}»" if recorded else "sự kiện đã ghi chưa có số"
        row.warnings.append(
            row.issue(
                column,
                "document_differs",
                f"{_DOC_LABELS[column]} trong tệp «{event.number}» khác với sự kiện đã ghi "
                f"({kept}); nhập từ Excel không sửa sự kiện, hãy sửa trên trang hồ sơ.",
            )
        )

    def _check_forward(
        self, row: RowResult, stored: Stored, final: dict, fresh: list[EventFact]
    ) -> None:
        """The same check the stage form makes, for each new event after the stored ones."""
        latest = {stage: when for stage, when, *_rest in stored.events}
        facts = CandidateFacts(
            birth_date=final["birth_date"],
            education=final["education"],
            introducers_count=introducers_count(final["introducers"]),
            committee_required=final["cell_id"] in self.committee,
            dates=latest,
            exited=Stage.EXITED.value in latest,
        )
        for event in fresh:
            verdict = check_transition(facts, event.stage, event.date, self.today, self.settings)
            for issue in verdict.errors:
                _error(
                    row, issue.field or STAGE_DATE_COLUMNS[event.stage], issue.code, issue.message
                )
            if verdict.errors:
                return
            facts = replace(facts, dates={**facts.dates, event.stage: event.date})

"""Loading a list of areas (CLI `load-areas`): upsert, all or nothing, codes within validity.

A code names one area at a time, not for ever (DESIGN "Area"), so a row is matched to a
stored area by code *and* time:
- first a stored area of that code and the same name whose validity overlaps the row's
  (the row may then change its dates: "Tỉnh Yên Bái … đến 30/06/2025");
- else the one stored area of that code the row's validity overlaps, when the row does
  not start a validity of its own (a blank "Hiệu lực từ", or the stored one): a rename;
- else the row is a new area, which may reuse a code whose former holder ended before it.
The areas the file leaves (its rows as written, with blank dates keeping the stored ones,
and the stored areas no row matched) must not share a code on any day; a clash is the
row's error. A parent or successor code means the area of that code valid on the row's
day (its last day for the parent, the day after it for the successor; today when the
row has no dates), and the only one of that code otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.textutil import fold
from registry.domain.vocabulary import AREA_LEVELS
from registry.domain.workdays import today_vn
from registry.models import Area, User
from registry.services import audit
from registry.services.org import values
from registry.services.org.area_paths import AreaError
from registry.services.org.areas import (
    AreaData,
    LoadResult,
    clash_message,
    create_area,
    update_area,
    validity_text,
)
from registry.services.org.sheets import Row
from registry.services.org.values import CellError, RowError

AREA_COLUMNS = {
    "code": ("mã", "mã địa bàn", "mã đơn vị hành chính", "ma dvhc"),
    "name": ("tên", "tên địa bàn", "tên đơn vị hành chính"),
    "level": ("cấp", "cấp hành chính"),
    "parent_code": ("mã cấp trên", "mã địa bàn cấp trên", "parent"),
    "valid_from": ("hiệu lực từ", "từ ngày", "ngày thành lập"),
    "valid_to": ("hiệu lực đến", "đến ngày", "ngày giải thể"),
    "successor_code": ("mã kế thừa", "mã địa bàn mới", "successor"),
}
AREA_LABELS = {
    "code": "Mã",
    "name": "Tên",
    "level": "Cấp",
    "parent_code": "Mã cấp trên",
    "valid_from": "Hiệu lực từ",
    "valid_to": "Hiệu lực đến",
    "successor_code": "Mã kế thừa",
}
LEVEL_WORDS = {
    "tinh": "province",
    "thanhphotructhuoctrunguong": "province",
    "huyen": "district",
    "quan": "district",
    "thixa": "district",
    "xa": "commune",
    "phuong": "commune",
    "thitran": "commune",
    "dackhu": "commune",
}


@dataclass(eq=False)
class _Line:
    """One row of the file, with what it matched and will become."""

    row: Row
    data: dict
    area: Area | None = None  # the stored area it updates (None: a new one)
    parent: Area | _Line | None = None
    successor: Area | _Line | None = None
    counted: bool = False  # as created or updated

    @property
    def code(self) -> str:
        return self.data["code"]

    @property
    def valid_from(self) -> date | None:
        return self.data["valid_from"] or (self.area.valid_from if self.area else None)

    @property
    def valid_to(self) -> date | None:
        return self.data["valid_to"] or (self.area.valid_to if self.area else None)

    def overlaps(self, valid_from: date | None, valid_to: date | None) -> bool:
        return (self.valid_from is None or valid_to is None or self.valid_from <= valid_to) and (
            self.valid_to is None or valid_from is None or valid_from <= self.valid_to
        )


def _parse_area_row(row: Row, parser) -> tuple[dict, list[RowError]]:
    errors: list[RowError] = []
    parsed: dict = {}
    for name in ("code", "name", "level", "parent_code", "valid_from", "valid_to"):
        raw = row.values.get(name)
        try:
            if name in ("code", "parent_code"):
                parsed[name] = values.code_text(raw)
            elif name == "name":
                parsed[name] = values.text(raw)
            elif name == "level":
                parsed[name] = values.vocabulary_code(raw, AREA_LEVELS, LEVEL_WORDS)
            else:
                parsed[name] = values.day(raw, parser, required=False)
        except CellError as error:
            errors.append(RowError(row.number, AREA_LABELS[name], str(error)))
    parsed["successor_code"] = values.code_text(row.values.get("successor_code"))
    for name in ("code", "name"):
        if not parsed.get(name) and not any(e.column == AREA_LABELS[name] for e in errors):
            errors.append(RowError(row.number, AREA_LABELS[name], "bắt buộc phải có"))
    start, end = parsed.get("valid_from"), parsed.get("valid_to")
    if start and end and end < start:
        errors.append(RowError(row.number, AREA_LABELS["valid_to"], "phải sau ngày «Hiệu lực từ»"))
    return parsed, errors


def _match(lines: list[_Line], stored: dict[str, list[Area]]) -> None:
    """Set each line's stored area (module docstring: same name first, then a rename)."""
    taken: set[int] = set()
    for line in lines:
        key = fold(line.data["name"])
        for area in stored.get(line.code, []):
            same = fold(area.name) == key
            dates = (line.data["valid_from"], line.data["valid_to"])
            if same and area.id not in taken and area.overlaps(*dates):
                line.area = area
                taken.add(area.id)
                break
    for line in lines:
        if line.area is not None:
            continue
        start = line.data["valid_from"]
        free = [
            a
            for a in stored.get(line.code, [])
            if a.id not in taken
            and a.overlaps(start, line.data["valid_to"])
            and (start is None or start == a.valid_from)
        ]
        if len(free) == 1:
            line.area = free[0]
            taken.add(free[0].id)


def _clashes(lines: list[_Line], stored: dict[str, list[Area]], errors: list[RowError]) -> None:
    """Two of the areas the file leaves holding one code on the same day."""
    matched = {line.area.id for line in lines if line.area is not None}
    for index, line in enumerate(lines):
        for other in lines[:index]:
            if other.code == line.code and other.overlaps(line.valid_from, line.valid_to):
                span = validity_text(other.valid_from, other.valid_to)
                errors.append(
                    RowError(
                        line.row.number,
                        "Mã",
                        f"trùng với dòng {other.row.number} trong cùng thời gian hiệu lực "
                        f"({span}); một mã chỉ dùng cho một địa bàn tại mỗi thời điểm",
                    )
                )
                break
        else:
            for area in stored.get(line.code, []):
                if area.id not in matched and area.overlaps(line.valid_from, line.valid_to):
                    errors.append(RowError(line.row.number, "Mã", clash_message(line.code, area)))
                    break


def _holders(code: str, lines: list[_Line], stored: dict[str, list[Area]]) -> list:
    """Every area (a line, or a stored area no line stands for) that holds `code`."""
    matched = {line.area.id for line in lines if line.area is not None}
    own = [line for line in lines if line.code == code]
    return own + [a for a in stored.get(code, []) if a.id not in matched]


def _valid_on(holder, day: date) -> bool:
    return holder.overlaps(day, day)


def _resolve(code: str, day: date, lines: list[_Line], stored) -> Area | _Line | None:
    """The holder of `code` on `day`, else the only holder of it."""
    holders = _holders(code, lines, stored)
    valid = [h for h in holders if _valid_on(h, day)]
    if len(valid) == 1:
        return valid[0]
    return holders[0] if len(holders) == 1 else None


def _link(lines: list[_Line], stored, errors: list[RowError]) -> None:
    """Each line's parent and successor, by code and day."""
    today = today_vn()
    for line in lines:
        last_day = line.valid_to or line.valid_from or today
        for name, label, day in (
            ("parent_code", "Mã cấp trên", last_day),
            ("successor_code", "Mã kế thừa", (line.valid_to or today) + timedelta(days=1)),
        ):
            code = line.data[name]
            if not code:
                continue
            found = _resolve(code, day, lines, stored)
            if found is None or found is line:
                errors.append(RowError(line.row.number, label, f"không có địa bàn mã «{code}»"))
            elif name == "parent_code":
                line.parent = found
            else:
                line.successor = found


def _parent_order(lines: list[_Line], errors: list[RowError]) -> list[_Line]:
    """Lines with parents from the file before their children; a loop is an error."""
    done: set[int] = set()
    ordered: list[_Line] = []
    for line in lines:
        chain: list[_Line] = []
        current: Area | _Line | None = line
        while isinstance(current, _Line) and id(current) not in done:
            if current in chain:
                errors.append(
                    RowError(line.row.number, "Mã cấp trên", "cấp trên tạo thành vòng lặp")
                )
                break
            chain.append(current)
            current = current.parent
        for item in reversed(chain):
            if id(item) not in done:
                done.add(id(item))
                ordered.append(item)
    return ordered


def load_areas(session: Session, user: User | str, rows: list[Row]) -> LoadResult:
    """Upsert the file's areas (module docstring); on any error nothing is written."""
    from registry.spreadsheet.normalise import DateParser

    result = LoadResult()
    parser = DateParser(date(2100, 1, 1))  # validity dates may lie in the future
    lines: list[_Line] = []
    for row in rows:
        data, errors = _parse_area_row(row, parser)
        result.errors += errors
        if not errors:
            lines.append(_Line(row, data))
    stored: dict[str, list[Area]] = {}
    for area in session.scalars(select(Area).order_by(Area.id)):
        stored.setdefault(area.code, []).append(area)
    _match(lines, stored)
    _clashes(lines, stored, result.errors)
    _link(lines, stored, result.errors)
    ordered = _parent_order(lines, result.errors)
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    # Stored areas first, so one that ends (Yên Bái to 30/06/2025) frees its code before
    # the area taking it over is made; lines under a new parent wait for it.
    first = [line for line in ordered if line.area is not None and _ready(line.parent)]
    rest = [line for line in ordered if line not in first]
    for line in first + rest:
        _apply(session, user, line, result)
    _link_successors(session, user, lines, result)
    return result


def _ready(parent: Area | _Line | None) -> bool:
    """Whether a parent exists before anything is written."""
    return not isinstance(parent, _Line) or (parent.area is not None and _ready(parent.parent))


def _stored(holder: Area | _Line | None) -> Area | None:
    return holder.area if isinstance(holder, _Line) else holder


def _apply(session: Session, user: User | str, line: _Line, result: LoadResult) -> None:
    data = line.data
    target = AreaData(
        data["code"],
        data["name"],
        data["level"],
        _stored(line.parent),
        line.valid_from,
        line.valid_to,
    )
    area = line.area
    try:
        if area is None:
            line.area = create_area(session, user, target)
            line.counted = True
            result.created += 1
            return
        # As in every import, a blank cell never erases a stored value (a blank parent
        # code is a root, as written).
        target.successor = area.successor
        target.disadvantaged = area.disadvantaged
        before = (area.name, area.level, area.parent_id, area.valid_from, area.valid_to)
        update_area(session, user, area, target)
        after = (area.name, area.level, area.parent_id, area.valid_from, area.valid_to)
        line.counted = before != after
        result.updated += line.counted
    except AreaError as error:
        result.errors.append(RowError(line.row.number, "Mã cấp trên", str(error)))


def _link_successors(session: Session, user: User | str, lines: list[_Line], result) -> None:
    for line in lines:
        successor = _stored(line.successor)
        area = line.area
        if successor is None or area is None or area.successor_id == successor.id:
            continue
        before = {"successor_id": area.successor_id}
        area.successor = successor
        session.flush()
        audit.record(
            session, user, "update", "area", area.id, before, {"successor_id": successor.id}
        )
        if not line.counted:  # made or changed by its row already: counted once
            line.counted = True
            result.updated += 1

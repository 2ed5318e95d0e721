"""Managing the area tree: create, rename, move, validity and successor; loading a list.

The tree's paths are kept right by services/areas.py (add_area, move_area); these
functions add the checks users need and write the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.vocabulary import AREA_LEVELS
from registry.domain.workdays import today_vn
from registry.models import Area, User
from registry.services import audit
from registry.services.org import values
from registry.services.org.area_paths import AreaError, add_area, move_area
from registry.services.org.sheets import Row
from registry.services.org.values import CellError, RowError

AREA_FIELDS = ["code", "name", "level", "parent_id", "valid_from", "valid_to", "successor_id"]
AREA_FIELDS += ["disadvantaged", "path"]

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


@dataclass
class AreaData:
    code: str
    name: str
    level: str
    parent: Area | None
    valid_from: date | None = None
    valid_to: date | None = None
    successor: Area | None = None
    disadvantaged: bool = False


def _check_dates(data: AreaData) -> None:
    if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
        raise AreaError("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")


def _check_code_free(session: Session, code: str, own_id: int | None) -> None:
    other = session.scalar(select(Area.id).where(Area.code == code))
    if other is not None and other != own_id:
        raise AreaError(f"Mã địa bàn «{code}» đã có.")


def create_area(session: Session, user: User | str, data: AreaData) -> Area:
    """Add an area under data.parent and record it."""
    _check_dates(data)
    _check_code_free(session, data.code, None)
    area = add_area(
        session, data.code, data.name, data.level, data.parent, data.valid_from, data.valid_to
    )
    area.successor = data.successor
    area.disadvantaged = data.disadvantaged
    session.flush()
    audit.record(session, user, "create", "area", area.id, after=audit.snapshot(area, AREA_FIELDS))
    return area


def update_area(session: Session, user: User | str, area: Area, data: AreaData) -> Area:
    """Rename, move, change validity or successor; the subtree's paths follow a move."""
    _check_dates(data)
    _check_code_free(session, data.code, area.id)
    if data.successor is not None and data.successor.id == area.id:
        raise AreaError("Một địa bàn không thể kế thừa chính nó.")
    before = audit.snapshot(area, AREA_FIELDS)
    new_parent_id = data.parent.id if data.parent else None
    if new_parent_id != area.parent_id:
        move_area(session, area, data.parent)
    area.code, area.name, area.level = data.code, data.name, data.level
    area.valid_from, area.valid_to = data.valid_from, data.valid_to
    area.successor_id = data.successor.id if data.successor else None
    area.disadvantaged = data.disadvantaged
    session.flush()
    old, new = audit.changed(before, audit.snapshot(area, AREA_FIELDS))
    if new:
        action = "move" if "parent_id" in new else "update"
        audit.record(session, user, action, "area", area.id, old, new)
    return area


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    cells_created: int = 0
    errors: list[RowError] = field(default_factory=list)


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
    return parsed, errors


def _parent_order(parsed: list[tuple[Row, dict]], errors: list[RowError]) -> list:
    """Rows with parents before children; a loop among the file's rows is an error."""
    by_code = {p["code"]: (row, p) for row, p in parsed}
    done: set[str] = set()
    ordered: list[tuple[Row, dict]] = []
    for code in by_code:
        chain: list[str] = []
        current = code
        while current in by_code and current not in done:
            if current in chain:
                errors.append(
                    RowError(by_code[code][0].number, "Mã cấp trên", "cấp trên tạo thành vòng lặp")
                )
                break
            chain.append(current)
            current = by_code[current][1]["parent_code"]
        for item in reversed(chain):
            if item not in done:
                done.add(item)
                ordered.append(by_code[item])
    return ordered


def load_areas(session: Session, user: User | str, rows: list[Row]) -> LoadResult:
    """Upsert areas by code; all or nothing (on any error nothing is written)."""
    from registry.spreadsheet.normalise import DateParser

    result = LoadResult()
    parser = DateParser(date(2100, 1, 1))  # validity dates may lie in the future
    parsed: list[tuple[Row, dict]] = []
    seen: dict[str, int] = {}
    for row in rows:
        data, errors = _parse_area_row(row, parser)
        result.errors += errors
        if data.get("code") in seen:
            result.errors.append(
                RowError(row.number, "Mã", f"trùng với dòng {seen[data['code']]} trong tệp")
            )
            continue
        if not errors:
            seen[data["code"]] = row.number
            parsed.append((row, data))
    existing = {a.code: a for a in session.scalars(select(Area))}
    known = set(existing) | set(seen)
    for row, data in parsed:
        for name, label in (("parent_code", "Mã cấp trên"), ("successor_code", "Mã kế thừa")):
            if data[name] and data[name] not in known:
                result.errors.append(
                    RowError(row.number, label, f"không có địa bàn mã «{data[name]}»")
                )
    ordered = _parent_order(parsed, result.errors)
    if result.errors:
        result.errors.sort(key=lambda e: e.row)
        return result
    for row, data in ordered:
        _apply_area_row(session, user, row, data, existing, result)
    _link_successors(ordered, existing, result)
    return result


def _apply_area_row(session, user, row: Row, data: dict, existing: dict, result) -> None:
    parent = None
    if data["parent_code"]:
        parent = existing.get(data["parent_code"])
        if parent is None:
            result.errors.append(
                RowError(row.number, "Mã cấp trên", f"không có địa bàn mã «{data['parent_code']}»")
            )
            return
    target = AreaData(
        data["code"], data["name"], data["level"], parent, data["valid_from"], data["valid_to"]
    )
    area = existing.get(data["code"])
    try:
        if area is None:
            existing[data["code"]] = create_area(session, user, target)
            result.created += 1
        else:
            # As in every import, a blank cell never erases a stored value.
            target.valid_from = target.valid_from or area.valid_from
            target.valid_to = target.valid_to or area.valid_to
            target.successor = area.successor
            target.disadvantaged = area.disadvantaged
            before = (area.name, area.level, area.parent_id, area.valid_from, area.valid_to)
            update_area(session, user, area, target)
            after = (area.name, area.level, area.parent_id, area.valid_from, area.valid_to)
            result.updated += before != after
    except AreaError as error:
        result.errors.append(RowError(row.number, "Mã cấp trên", str(error)))


def _link_successors(ordered, existing: dict, result: LoadResult) -> None:
    for row, data in ordered:
        code = data["successor_code"]
        if not code:
            continue
        successor = existing.get(code)
        if successor is None or code == data["code"]:
            result.errors.append(
                RowError(row.number, "Mã kế thừa", f"không có địa bàn mã «{code}»")
            )
            continue
        existing[data["code"]].successor = successor


def current_areas_filter():
    """Areas valid today (not abolished): where new units and cells may be placed."""
    today = today_vn()
    return (Area.valid_to.is_(None) | (Area.valid_to >= today)) & (
        Area.valid_from.is_(None) | (Area.valid_from <= today)
    )

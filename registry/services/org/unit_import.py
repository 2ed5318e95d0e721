"""Loading a list of units (CLI `import-units`): upsert by code, all or nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.domain.textutil import fold
from registry.domain.vocabulary import UNIT_KINDS
from registry.models import Area, PartyCell, Unit, User
from registry.services import audit
from registry.services.org import values
from registry.services.org.areas import LoadResult, code_index
from registry.services.org.sheets import Row
from registry.services.org.units import CELL_FIELDS, UnitData, UnitError, save_unit
from registry.services.org.values import CellError, RowError

UNIT_COLUMNS = {
    "code": ("mã", "mã đơn vị", "ma dv"),
    "name": ("tên", "tên đơn vị", "đơn vị", "tên doanh nghiệp", "tên trường"),
    "kind": ("loại", "loại hình", "loại đơn vị", "loại hình doanh nghiệp"),
    "area_code": ("mã địa bàn", "địa bàn", "mã xã", "mã xã phường"),
    "tax_code": ("mã số thuế", "mst"),
    "cell": ("chi bộ", "tên chi bộ"),
    "address": ("địa chỉ",),
}
UNIT_LABELS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "kind": "Loại",
    "area_code": "Mã địa bàn",
    "tax_code": "Mã số thuế",
    "cell": "Chi bộ",
    "address": "Địa chỉ",
}
KIND_WORDS = {
    "thpt": "thpt",
    "truongthpt": "thpt",
    "gdnngdtx": "gdnn_gdtx",
    "trungtamgdnngdtx": "gdnn_gdtx",
    "caodang": "cao_dang_dai_hoc",
    "daihoc": "cao_dang_dai_hoc",
    "dntn": "dn_tu_nhan",
    "tnhh": "cong_ty_tnhh",
    "congtytnhh": "cong_ty_tnhh",
    "cophan": "cong_ty_co_phan",
    "congtycophan": "cong_ty_co_phan",
    "ctcp": "cong_ty_co_phan",
    "hopdanh": "cong_ty_hop_danh",
    "fdi": "dn_fdi",
    "htx": "hop_tac_xa",
    "khac": "other",
}


def _parse_unit_row(row: Row) -> tuple[dict, list[RowError]]:
    errors: list[RowError] = []
    parsed: dict = {}
    readers = {
        "code": values.code_text,
        "name": values.text,
        "kind": lambda v: values.vocabulary_code(v, UNIT_KINDS, KIND_WORDS),
        "area_code": values.code_text,
        "tax_code": values.tax_code,
        "cell": values.text,
        "address": values.text,
    }
    for name, read in readers.items():
        try:
            parsed[name] = read(row.values.get(name))
        except CellError as error:
            errors.append(RowError(row.number, UNIT_LABELS[name], str(error)))
    for name in ("code", "name", "area_code"):
        if name in parsed and not parsed[name]:
            errors.append(RowError(row.number, UNIT_LABELS[name], "bắt buộc phải có"))
    return parsed, errors


def import_units(session: Session, user: User | str, rows: list[Row]) -> LoadResult:
    """Create or update units by code; on any error nothing is written."""
    result = LoadResult()
    parsed: list[tuple[Row, dict]] = []
    seen: dict[str, int] = {}
    # Units hang on today's areas: a code names the area that holds it today.
    areas = code_index(session)
    for row in rows:
        data, errors = _parse_unit_row(row)
        code = data.get("code")
        if code and code in seen:
            errors.append(RowError(row.number, "Mã đơn vị", f"trùng với dòng {seen[code]}"))
        if data.get("area_code") and data["area_code"] not in areas:
            errors.append(
                RowError(row.number, "Mã địa bàn", f"không có địa bàn mã «{data['area_code']}»")
            )
        result.errors += errors
        if not errors and code:  # a row without a code has its error
            seen[code] = row.number
            parsed.append((row, data))
    if result.errors:
        return result
    units = {u.code: u for u in session.scalars(select(Unit))}
    cells = _CellFinder(session, user)
    for row, data in parsed:
        area = areas[data["area_code"]]
        unit = units.get(data["code"])
        cell = cells.find_or_make(data["cell"], area) if data["cell"] else None
        target = UnitData(
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            area=area,
            # As in every import, a blank cell never erases a stored value.
            cell=cell or (unit.cell if unit else None),
            tax_code=data["tax_code"] or (unit.tax_code if unit else None),
            address=data["address"] or (unit.address if unit else None),
            active=True,
        )
        try:
            if unit is None:
                save_unit(session, user, target)
                result.created += 1
            else:
                before = audit.snapshot(unit)
                save_unit(session, user, target, unit)
                result.updated += before != audit.snapshot(unit)
        except UnitError as error:
            result.errors.append(RowError(row.number, "", str(error)))
    result.cells_created = cells.created
    return result


class _CellFinder:
    """Cells named in the file: by folded name in the unit's area, else the only one with
    that name anywhere; a name never seen makes a new chi bộ cơ sở in the unit's area."""

    def __init__(self, session: Session, user: User | str) -> None:
        self.session = session
        self.user = user
        self.created = 0
        self.by_area: dict[tuple[int, str], PartyCell] = {}
        self.by_name: dict[str, list[PartyCell]] = {}
        for cell in session.scalars(select(PartyCell)):
            self._remember(cell)

    def _remember(self, cell: PartyCell) -> None:
        self.by_area[(cell.area_id, cell.name_key)] = cell
        self.by_name.setdefault(cell.name_key, []).append(cell)

    def find_or_make(self, name: str, area: Area) -> PartyCell:
        key = fold(name)
        found = self.by_area.get((area.id, key))
        if found is None and len(self.by_name.get(key, [])) == 1:
            found = self.by_name[key][0]
        if found is not None:
            return found
        cell = PartyCell(name=name, name_key=key, area=area, kind="co_so")
        self.session.add(cell)
        self.session.flush()
        audit.record(
            self.session,
            self.user,
            "create",
            "cell",
            cell.id,
            after=audit.snapshot(cell, CELL_FIELDS),
        )
        self.created += 1
        self._remember(cell)
        return cell

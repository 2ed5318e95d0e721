"""Realistic candidates, fast: Vietnamese names with diacritics, every stage, five years.

One `People` generator makes a plain record per person (`Person`), turned into the
database's candidate and stage-event tuples (`db_rows`) or a spreadsheet row in the
import template (`sheet_row`). Dates are day ordinals until the last moment, and the
folded keys of every name are cached: making a million people is a matter of seconds.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

from registry.domain.refdata import ethnicity_code
from registry.domain.textutil import fold
from registry.domain.textutil import sort_key as name_order
from registry.domain.vocabulary import STAGE_ORDER, Stage
from registry.domain.workdays import add_months

# The data's "today": events fall in the five years before it, so a cached database
# reads the same on any day (and no date is ever in the future).
ANCHOR = date(2025, 12, 31)
YEARS = 5
STAMP = "2025-12-31 08:00:00.000000"  # created_at / recorded_at, as SQLAlchemy stores it


def _words(text: str) -> list[str]:
    return text.split()


FAMILIES = {
    "Kinh": _words(
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh "
        "Đào Lương Trịnh Mai Cao Tạ Chu Lại Triệu Quách Khổng Hà Tô"
    ),
    "Mông": _words("Giàng Vàng Sùng Thào Hầu Lù Ly Má Mua Lầu"),
    "Dao": _words("Tẩn Triệu Bàn Chảo Lý Phùng Đặng"),
    "Tày": _words("Hoàng Nông Ma Lục Hà La Vi"),
    "Giáy": _words("Lò Hoàng Vương Sần"),
    "Nùng": _words("Nông Hoàng Lương Vi Chu"),
}
# Share of each ethnicity among candidates, in percent (codes from the reference table).
ETHNICITIES = {"Kinh": 58, "Mông": 14, "Dao": 9, "Tày": 11, "Giáy": 4, "Nùng": 4}
MIDDLE = {
    "M": _words("Văn Đức Minh Quốc Hữu Anh Công Đình Xuân Trọng Thành Ngọc Quang"),
    "F": _words("Thị Thu Ngọc Hồng Thanh Kim Phương Minh Bảo Khánh Diệu Thùy"),
}
SECOND_MIDDLE = _words("Anh Minh Hoàng Gia Tuấn Thanh Hải")
GIVEN = {
    "M": _words(
        "Hùng Dũng Tuấn Minh Đức Long Nam Quân Hải Thắng Sơn Phúc Khánh Páo Dìn Chứ Lâm "
        "Việt Huy Hoàng Khoa Kiên Trung Hiếu Toàn Thịnh Cường Bình Tài Phong Vinh Quý Lộc "
        "Thành Nghĩa Tùng Hưng Đạt Duy Khải Mạnh Tú Hòa Thuận An Bảo Khôi Nhật Quyết Sử"
    ),
    "F": _words(
        "Hoa Lan Hương Mai Thảo Linh Trang Ngọc Huyền Thủy Mẩy Dung Hòa Thúy Yến Nhung "
        "Hằng Nga Phương Quỳnh Vân Ánh Hạnh Loan Liên Hiền Trâm Uyên Nhi Giang Hà Châu "
        "Oanh Thơ Tâm Hoài Xuân Diệp Ly Chi Khánh Duyên Ngân My Quyên Thoa Sinh Lự"
    ),
}
RELIGIONS = (("99", 0.9), ("01", 0.05), ("02", 0.03), ("08", 0.02))  # none, Buddhist, ...
RELIGION_NAMES = {"99": "Không", "01": "Phật giáo", "02": "Công giáo", "08": "Tin Lành"}
# Where candidates stand after five years, in percent (exited: left along the way).
FINAL = {
    Stage.SOURCE: 13,
    Stage.TRAINED: 11,
    Stage.DOSSIER: 6,
    Stage.CELL_RESOLUTION: 4,
    Stage.COMMITTEE_RESOLUTION: 1,
    Stage.DECISION: 2,
    Stage.ADMITTED: 14,
    Stage.FULL_MEMBER: 42,
    Stage.EXITED: 7,
}
_LEAVE_AFTER = (Stage.SOURCE, Stage.TRAINED, Stage.TRAINED, Stage.DOSSIER, Stage.CELL_RESOLUTION)
EXIT_REASONS = ("removed", "moved", "failed_verification", "other")
EXIT_TEXT = {
    "removed": "Chi bộ đưa ra khỏi danh sách",
    "moved": "Chuyển đi nơi khác",
    "failed_verification": "Không đạt thẩm tra lý lịch",
    "other": "Lý do khác",
}
CANDIDATE_COLUMNS = (
    "id", "full_name", "name_key", "sort_key", "gender", "birth_date", "ethnicity",
    "religion", "id_number", "hometown", "education", "group_code", "subgroup",
    "class_or_job", "unit_id", "cell_id", "youth_union_date", "trade_union", "helpers",
    "introducers", "note", "stage", "source_date", "trained_date", "certificate_no",
    "dossier_date", "cell_resolution_date", "committee_resolution_date", "decision_date",
    "decision_no", "admitted_date", "full_member_date", "exited_date", "exit_reason",
    "last_event_date", "created_at", "updated_at", "created_by_id", "import_batch_id", "erased",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "candidate_id", "stage", "event_date", "document_no", "note", "reason", "unit_id",
    "cell_id", "recorded_by_id", "recorded_at", "import_batch_id", "sequence",
)  # fmt: skip
STAGE_INDEX = {s.value: i for i, s in enumerate(STAGE_ORDER)}
_DATE_SLOTS = (
    "source_date", "trained_date", "dossier_date", "cell_resolution_date",
    "committee_resolution_date", "decision_date", "admitted_date", "full_member_date",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: int
    code: str
    name: str
    kind: str
    cell_id: int | None
    cell_name: str
    committee: bool  # its cell is a chi bộ trực thuộc
    group: str
    subgroup: str
    place: str  # the commune, for home towns


@dataclass(slots=True)
class Person:
    full_name: str
    name_key: str
    sort_key: str
    gender: str
    birth: int  # ordinal
    ethnicity: str
    religion: str
    id_number: str | None
    unit: UnitInfo
    stages: list[tuple[str, int]]  # (stage code, ordinal) in order, exited last
    exit_reason: str | None
    serial: int


class People:
    """A seeded stream of people spread over `units` (schools get students, enterprises
    workers); CCCD numbers start with one of `provinces` and never repeat."""

    def __init__(self, seed: int, units: list[UnitInfo], provinces: tuple[str, ...] = ("010",)):
        self.rng = random.Random(seed)
        self.schools = [u for u in units if u.group == "student"] or units
        self.enterprises = [u for u in units if u.group == "worker"] or units
        self.provinces = provinces
        self.serial = 0
        self._names: dict[str, tuple[str, str]] = {}
        self._ids: dict[tuple[str, int, int], int] = {}
        self._finals = list(FINAL)
        self._final_cum = list(accumulate(FINAL.values()))
        self._ethnic_cum = list(accumulate(ETHNICITIES.values()))
        self._ethnic_names = list(ETHNICITIES)
        self._ethnic_codes = {name: ethnicity_code(name) for name in ETHNICITIES}
        self._end = ANCHOR.toordinal()
        self._start = self._end - YEARS * 365

    def _pick(self, cum: list[int], items: list):
        return items[bisect(cum, self.rng.random() * cum[-1])]

    def _name(self, ethnic: str, gender: str) -> tuple[str, str, str]:
        rng = self.rng
        middle = rng.choice(MIDDLE[gender])
        if rng.random() < 0.15:
            middle = f"{middle} {rng.choice(SECOND_MIDDLE)}"
        name = f"{rng.choice(FAMILIES[ethnic])} {middle} {rng.choice(GIVEN[gender])}"
        keys = self._names.get(name)
        if keys is None:
            keys = self._names[name] = (fold(name), name_order(name))
        return name, keys[0], keys[1]

    def _id_number(self, gender: str, birth: date) -> str | None:
        if self.rng.random() >= 0.85:
            return None
        province = self.provinces[0] if self.rng.random() < 0.9 else self.rng.choice(self.provinces)
        century = (0 if birth.year < 2000 else 2) + (gender == "F")
        bucket = (province, century, birth.year % 100)
        count = self._ids.get(bucket, 0)
        self._ids[bucket] = count + 1
        # A multiplier prime to 10^6 spreads the serials without ever repeating one.
        serial = (count * 7919 + 104_729) % 1_000_000
        return f"{province}{century}{birth.year % 100:02d}{serial:06d}"

    def _stages(self, final: Stage, committee: bool) -> list[tuple[str, int]]:
        rng = self.rng
        current = self._end - rng.randint(30, YEARS * 365)
        # Those who leave the list do so before the cell's resolution.
        target = rng.choice(_LEAVE_AFTER) if final == Stage.EXITED else final
        out: list[tuple[str, int]] = []
        for stage in STAGE_ORDER:
            if stage == Stage.COMMITTEE_RESOLUTION and not committee:
                continue
            if stage == Stage.FULL_MEMBER:
                admitted = date.fromordinal(out[-1][1])
                current = add_months(admitted, 12).toordinal() + rng.randint(0, 40)
            elif out:
                current += rng.randint(10, 120)
            if current > self._end:
                break
            out.append((stage.value, current))
            if stage == target:
                break
        return out

    def person(self) -> Person:
        """The next person."""
        rng = self.rng
        self.serial += 1
        student = rng.random() < 0.55
        unit = rng.choice(self.schools if student else self.enterprises)
        final = self._pick(self._final_cum, self._finals)
        stages = self._stages(final, unit.committee)
        reached = dict(stages)
        cell_res = reached.get("cell_resolution", stages[0][1] + 200)
        if unit.group == "student":
            birth = cell_res - 18 * 366 - rng.randint(0, 700)
        else:
            birth = cell_res - rng.randint(19 * 366, 45 * 366)
        exit_reason = None
        if final == Stage.EXITED:
            exit_day = stages[-1][1] + rng.randint(20, 200)
            if exit_day <= self._end:
                exit_reason = rng.choice(EXIT_REASONS)
                stages.append(("exited", exit_day))
        ethnic = self._pick(self._ethnic_cum, self._ethnic_names)
        gender = "F" if rng.random() < 0.52 else "M"
        full_name, name_key, sort_key = self._name(ethnic, gender)
        roll = rng.random()
        religion = next((code for code, share in RELIGIONS if (roll := roll - share) < 0), "99")
        birth_day = date.fromordinal(birth)
        return Person(
            full_name, name_key, sort_key, gender, birth, self._ethnic_codes[ethnic], religion,
            self._id_number(gender, birth_day), unit, stages, exit_reason, self.serial,
        )  # fmt: skip


class IsoDates:
    """ISO text of day ordinals, computed once per day (SQLite stores dates as text)."""

    def __init__(self) -> None:
        self._cache: dict[int, str] = {}

    def __call__(self, ordinal: int | None) -> str | None:
        if ordinal is None:
            return None
        text = self._cache.get(ordinal)
        if text is None:
            text = self._cache[ordinal] = date.fromordinal(ordinal).isoformat()
        return text


def details(p: Person) -> dict[str, object]:
    """The free-text fields a candidate row carries besides names and dates."""
    unit, reached = p.unit, {s for s, _ in p.stages}
    student = unit.group == "student"
    dossier = "dossier" in reached
    return {
        "hometown": f"{p.unit.place}, tỉnh Lào Cai",
        "education": "12/12",
        "class_or_job": f"Lớp {10 + p.serial % 3}A{1 + p.serial % 9}" if student else "Công nhân",
        "youth_union": p.birth + 15 * 365 + p.serial % 300 if student else None,
        "trade_union": (not student) and p.serial % 5 < 3,
        "helpers": "Đồng chí Nguyễn Văn Bình" if dossier else None,
        "introducers": "Nguyễn Văn Bình; Lê Thị Hoa" if dossier else None,
        "note": "Đã chuyển từ đơn vị khác" if p.serial % 97 == 0 else None,
        "certificate_no": f"{p.serial % 9000 + 100}/GCN-TTCT" if "trained" in reached else None,
        "decision_no": f"{p.serial % 900 + 10}-QĐ/ĐU" if "decision" in reached else None,
    }


def db_rows(p: Person, ident: int, first_event: int, user_id: int, iso: IsoDates):
    """(candidate tuple, [event tuples]) in CANDIDATE_COLUMNS / EVENT_COLUMNS order."""
    d, unit = details(p), p.unit
    slots = dict.fromkeys(_DATE_SLOTS)
    exited = None
    for stage, day in p.stages:
        if stage == "exited":
            exited = day
        else:
            slots[STAGE_COLUMNS_OF[stage]] = day
    stage = "exited" if exited is not None else p.stages[-1][0]
    last = p.stages[-1][1]
    candidate = (
        ident, p.full_name, p.name_key, p.sort_key, p.gender, iso(p.birth), p.ethnicity,
        p.religion, p.id_number, d["hometown"], d["education"], unit.group, unit.subgroup,
        d["class_or_job"], unit.id, unit.cell_id, iso(d["youth_union"]), int(d["trade_union"]),
        d["helpers"], d["introducers"], d["note"], stage, iso(slots["source_date"]),
        iso(slots["trained_date"]), d["certificate_no"], iso(slots["dossier_date"]),
        iso(slots["cell_resolution_date"]), iso(slots["committee_resolution_date"]),
        iso(slots["decision_date"]), d["decision_no"], iso(slots["admitted_date"]),
        iso(slots["full_member_date"]), iso(exited), p.exit_reason, iso(last), STAMP, STAMP,
        user_id, None, 0,
    )  # fmt: skip
    events = []
    for sequence, (stage_code, day) in enumerate(p.stages, 1):
        number = (
            d["certificate_no"]
            if stage_code == "trained"
            else d["decision_no"]
            if stage_code == "decision"
            else None
        )
        reason = p.exit_reason if stage_code == "exited" else None
        events.append(
            (
                first_event + sequence - 1,
                ident,
                stage_code,
                iso(day),
                number,
                EXIT_TEXT[reason] if reason else None,
                reason,
                unit.id,
                unit.cell_id,
                user_id,
                STAMP,
                None,
                sequence,
            )
        )
    return candidate, events


STAGE_COLUMNS_OF = dict(zip((s.value for s in STAGE_ORDER), _DATE_SLOTS, strict=True))

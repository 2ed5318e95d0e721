"""The demo's people: names as common in Lào Cai by ethnicity, CCCD numbers of the former
province they were born in, religions."""

from __future__ import annotations

import random
from datetime import date

from registry.demo.areas import read_yen_bai
from registry.domain import identity
from registry.domain.refdata import ethnicity_code
from registry.domain.textutil import fold
from registry.domain.textutil import sort_key as name_order
from registry.models import Unit

# Family names by ethnicity, as common in Lào Cai.
FAMILIES = {
    "Kinh": ["Nguyễn", "Trần", "Lê", "Phạm", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô", "Dương"],
    "Mông": ["Giàng", "Vàng", "Sùng", "Thào", "Hầu", "Lù", "Ly"],
    "Dao": ["Tẩn", "Triệu", "Bàn", "Chảo", "Lý"],
    "Tày": ["Hoàng", "Nông", "Ma", "Lục"],
    "Giáy": ["Lò", "Hoàng", "Vương"],
    "Nùng": ["Nông", "Hoàng", "Lương"],
}
ETHNIC_WEIGHTS = {"Kinh": 55, "Mông": 15, "Dao": 10, "Tày": 12, "Giáy": 4, "Nùng": 4}
MIDDLE = {
    "M": ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Anh", "Seo"],
    "F": ["Thị", "Thu", "Ngọc", "Hồng", "Thanh", "Thị"],
}
GIVEN = {
    "M": [
        "Hùng",
        "Dũng",
        "Tuấn",
        "Minh",
        "Đức",
        "Long",
        "Nam",
        "Quân",
        "Hải",
        "Thắng",
        "Sơn",
        "Phúc",
        "Khánh",
        "Páo",
        "Dìn",
        "Chứ",
        "Lâm",
        "Việt",
    ],
    "F": [
        "Hoa",
        "Lan",
        "Hương",
        "Mai",
        "Thảo",
        "Linh",
        "Trang",
        "Ngọc",
        "Huyền",
        "Thủy",
        "Mẩy",
        "Dung",
        "Hòa",
        "Thúy",
        "Yến",
        "Nhung",
    ],
}


def person(rng: random.Random, cccd_seen: set[str], birth: date, place: str) -> dict:
    """A person born on `birth`: a name by ethnicity, for most a CCCD number of the place
    code `place` not yet in `cccd_seen` (added to it), a religion."""
    ethnic = rng.choices(list(ETHNIC_WEIGHTS), weights=list(ETHNIC_WEIGHTS.values()))[0]
    gender = rng.choice("MF")
    middle = rng.choice(MIDDLE[gender])
    if middle == "Seo" and ethnic != "Mông":
        middle = "Văn"
    name = f"{rng.choice(FAMILIES[ethnic])} {middle} {rng.choice(GIVEN[gender])}"
    id_number = None
    if rng.random() < 0.85:
        century_digit = identity.century_sex_digit(birth.year, gender)
        while id_number is None or id_number in cccd_seen:
            id_number = f"{place}{century_digit}{birth.year % 100:02d}{rng.randint(0, 999999):06d}"
        cccd_seen.add(id_number)
    religion = "99"
    if ethnic == "Mông" and rng.random() < 0.15:
        religion = "08"
    elif rng.random() < 0.05:
        religion = "01"
    return {
        "full_name": name,
        "name_key": fold(name),
        "sort_key": name_order(name),
        "gender": gender,
        "birth_date": birth,
        "ethnicity": ethnicity_code(ethnic),
        "religion": religion,
        "id_number": id_number,
    }


def birth_places(units: list[Unit]) -> dict[int, str]:
    """The CCCD place code of the demo people of each unit: the former province's."""
    _province_row, districts = read_yen_bai()
    yen_bai = {new for communes in districts.values() for new in communes.values()}
    code = _province_row["code"]
    return {u.id: f"0{code}" if u.area.name in yen_bai else "010" for u in units}

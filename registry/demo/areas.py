"""The demo's areas: the merged Lào Cai (code 15 from 1 July 2025) and the two former
provinces it replaced, each with its districts and communes valid to 30 June 2025 and the
new communes as their successors.

The province codes and names come from registry/data/province_merger_2025.csv, Yên Bái's
districts from yen_bai_districts_2024.csv; Yên Bái's communes (before and after the reform)
are demo data (demo_yen_bai_communes.csv, the former ones marked "(mẫu)").
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from registry.domain.refdata import read_csv
from registry.models import Area
from registry.services.org.area_paths import add_area

REFORM = date(2025, 7, 1)
BEFORE_REFORM = date(2025, 6, 30)

# The former Lào Cai's districts (before 07/2025) → their old communes → the commune each
# became after 07/2025. Yên Bái's come from the data files (`read_yen_bai`).
DISTRICTS = {
    ("080", "Thành phố Lào Cai"): {
        "Phường Cốc Lếu": "Phường Lào Cai",
        "Phường Kim Tân": "Phường Lào Cai",
        "Phường Bắc Cường": "Phường Cam Đường",
        "Phường Nam Cường": "Phường Cam Đường",
    },
    ("082", "Huyện Bát Xát"): {"Thị trấn Bát Xát": "Xã Bát Xát"},
    ("083", "Huyện Mường Khương"): {"Thị trấn Mường Khương": "Xã Mường Khương"},
    ("084", "Huyện Si Ma Cai"): {"Xã Si Ma Cai": "Xã Si Ma Cai"},
    ("085", "Huyện Bắc Hà"): {"Thị trấn Bắc Hà": "Xã Bắc Hà"},
    ("086", "Huyện Bảo Thắng"): {
        "Thị trấn Phố Lu": "Xã Bảo Thắng",
        "Thị trấn Tằng Loỏng": "Xã Tằng Loỏng",
    },
    ("087", "Huyện Bảo Yên"): {"Thị trấn Phố Ràng": "Xã Bảo Yên"},
    ("088", "Thị xã Sa Pa"): {"Phường Sa Pa": "Phường Sa Pa", "Phường Cầu Mây": "Phường Sa Pa"},
    ("089", "Huyện Văn Bàn"): {"Thị trấn Khánh Yên": "Xã Văn Bàn"},
}


def _province(old_code: str) -> tuple[str, str]:
    """(code, name) of the province that `old_code` became on 1 July 2025."""
    row = next(r for r in read_csv("province_merger_2025.csv") if r["old_code"] == old_code)
    return row["new_code"], f"Tỉnh {row['new_name']}"


def _old_name(old_code: str) -> str:
    row = next(r for r in read_csv("province_merger_2025.csv") if r["old_code"] == old_code)
    return f"Tỉnh {row['old_name']}"


def read_yen_bai() -> tuple[dict, dict[tuple[str, str], dict[str, str]]]:
    """Yên Bái's row and its districts → demo communes → the commune each became."""
    rows = read_csv("yen_bai_districts_2024.csv")
    province = next(r for r in rows if r["level"] == "province")
    communes: dict[str, dict[str, str]] = {}
    for row in read_csv("demo_yen_bai_communes.csv"):
        communes.setdefault(row["district_code"], {})[row["old_commune"]] = row["new_commune"]
    districts = {
        (r["code"], r["name"]): communes.get(r["code"], {})
        for r in rows
        if r["level"] == "district"
    }
    return province, districts


def add_areas(session: Session) -> dict[str, Area]:
    """The former provinces to 30/06/2025, then the merged one; returns its communes."""
    yen_bai, yen_bai_districts = read_yen_bai()
    code, name = _province("10")
    assert _province(yen_bai["code"]) == (code, name), "the demo needs Lào Cai + Yên Bái"
    merged = add_area(session, code, name, "province", valid_from=REFORM)
    new_communes: dict[str, Area] = {}
    for prefix, districts in (("LC-0", DISTRICTS), ("LC-1", yen_bai_districts)):
        names = sorted({n for m in districts.values() for n in m.values()})
        for index, commune_name in enumerate(names):
            new_communes[commune_name] = add_area(
                session,
                f"{prefix}{index + 1:02d}",
                commune_name,
                "commune",
                merged,
                valid_from=REFORM,
            )
    former_lao_cai = add_area(session, "10", _old_name("10"), "province", valid_to=BEFORE_REFORM)
    valid_to = date.fromisoformat(yen_bai["valid_to"])
    former_yen_bai = add_area(
        session, yen_bai["code"], yen_bai["name"], "province", None, None, valid_to
    )
    for former, districts in ((former_lao_cai, DISTRICTS), (former_yen_bai, yen_bai_districts)):
        former.successor = merged
        _former_districts(session, former, districts, new_communes)
    session.flush()
    return new_communes


def _former_districts(session: Session, province: Area, districts: dict, new_communes) -> None:
    """A former province's districts and communes, each commune's successor the new one."""
    for (district_code, district_name), old in districts.items():
        district = add_area(
            session, district_code, district_name, "district", province, valid_to=province.valid_to
        )
        for index, (old_commune, new_commune) in enumerate(old.items()):
            commune = add_area(
                session,
                f"{district_code}-{index + 1:02d}",
                old_commune,
                "commune",
                district,
                valid_to=province.valid_to,
            )
            commune.successor = new_communes[new_commune]

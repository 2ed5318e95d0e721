"""A demo province: the merged Lào Cai (code 15 from 1 July 2025) after the two provinces
it replaced, the former Lào Cai (10) and Yên Bái (15), each kept with its districts and
communes valid to 30 June 2025 and the merged province as their successor; schools,
enterprises, party cells, users of every role and a few thousand candidates, whose
histories run across the merger (some moved to another unit after it).

The province codes and names come from registry/data/province_merger_2025.csv, Yên Bái's
districts from yen_bai_districts_2024.csv. Yên Bái's communes (before and after the
reform) are demo data (demo_yen_bai_communes.csv, the former ones marked "(mẫu)"), as are
the names, numbers and codes of units and people below.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from registry import demo_training
from registry.domain import dossier as dossier_rules
from registry.domain import identity
from registry.domain.refdata import ethnicity_code, read_csv
from registry.domain.stage_columns import EventFact, columns_from_events
from registry.domain.taxcode import with_check_digit
from registry.domain.textutil import fold
from registry.domain.textutil import sort_key as name_order
from registry.domain.vocabulary import STAGE_ORDER, Stage, group_for_unit_kind
from registry.domain.workdays import add_months, today_vn
from registry.models import (
    Area,
    Candidate,
    DossierItem,
    EnterpriseSurvey,
    Introducer,
    Organisation,
    PartyCell,
    StageEvent,
    Target,
    Unit,
    User,
)
from registry.models._types import table_of
from registry.services.org.area_paths import add_area

DEMO_PASSWORD = "laocai@2026"
REFORM = date(2025, 7, 1)
BEFORE_REFORM = date(2025, 6, 30)

# The former Lào Cai's districts (before 07/2025) → their old communes → the commune each
# became after 07/2025. Yên Bái's come from the data files (`_yen_bai`).
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

SCHOOLS = [
    ("THPT-LC1", "Trường THPT số 1 thành phố Lào Cai", "thpt", "Phường Lào Cai"),
    ("THPT-LC2", "Trường THPT số 2 thành phố Lào Cai", "thpt", "Phường Cam Đường"),
    ("THPT-CHUYEN", "Trường THPT chuyên Lào Cai", "thpt", "Phường Cam Đường"),
    ("THPT-SAPA", "Trường THPT số 1 Sa Pa", "thpt", "Phường Sa Pa"),
    ("THPT-BATXAT", "Trường THPT số 1 Bát Xát", "thpt", "Xã Bát Xát"),
    ("THPT-BAOTHANG", "Trường THPT số 1 Bảo Thắng", "thpt", "Xã Bảo Thắng"),
    ("THPT-BAOYEN", "Trường THPT số 1 Bảo Yên", "thpt", "Xã Bảo Yên"),
    ("THPT-VANBAN", "Trường THPT số 1 Văn Bàn", "thpt", "Xã Văn Bàn"),
    ("GDNN-BACHA", "Trung tâm GDNN - GDTX huyện Bắc Hà", "gdnn_gdtx", "Xã Bắc Hà"),
    ("GDNN-MK", "Trung tâm GDNN - GDTX huyện Mường Khương", "gdnn_gdtx", "Xã Mường Khương"),
    ("CD-LAOCAI", "Trường Cao đẳng Lào Cai", "cao_dang_dai_hoc", "Phường Cam Đường"),
    # In the former Yên Bái (demo names).
    ("THPT-YB1", "Trường THPT số 1 thành phố Yên Bái", "thpt", "Phường Yên Bái"),
    ("THPT-NGHIALO", "Trường THPT số 1 Nghĩa Lộ", "thpt", "Phường Nghĩa Lộ"),
    ("THPT-LUCYEN", "Trường THPT số 1 Lục Yên", "thpt", "Xã Lục Yên"),
    ("THPT-VANCHAN", "Trường THPT số 1 Văn Chấn", "thpt", "Xã Văn Chấn"),
    ("GDNN-TRANYEN", "Trung tâm GDNN - GDTX huyện Trấn Yên", "gdnn_gdtx", "Xã Trấn Yên"),
    ("GDNN-YENBINH", "Trung tâm GDNN - GDTX huyện Yên Bình", "gdnn_gdtx", "Xã Yên Bình"),
]
# Share of the people followed across the merger who moved to another unit after it.
MOVED_AFTER_REFORM = 0.05

ENTERPRISE_NAMES = {
    "cong_ty_tnhh": "Công ty TNHH {}",
    "cong_ty_co_phan": "Công ty cổ phần {}",
    "dn_tu_nhan": "Doanh nghiệp tư nhân {}",
    "dn_fdi": "Công ty TNHH {} Việt Nam",
    "hop_tac_xa": "Hợp tác xã {}",
    "cong_ty_hop_danh": "Công ty hợp danh {}",
}
ENTERPRISE_WORDS = [
    "Phú Hưng",
    "Kim Thành",
    "Apatit Tây Bắc",
    "Chè Bản Xèo",
    "Hoàng Liên",
    "Mường Hoa",
    "Cốc Lếu",
    "Thép Việt Trung",
    "Vận tải Sông Hồng",
    "Du lịch Fansipan",
    "Nông sản Bắc Hà",
    "Xây dựng Phố Lu",
    "May mặc Kim Tân",
    "Dược liệu Sa Pa",
    "Điện lực Tây Bắc",
    "Thương mại Duyên Hải",
    "Cơ khí Tằng Loỏng",
    "Gạch ngói Bảo Thắng",
    "Lâm sản Văn Bàn",
    "Rau an toàn Bắc Cường",
]
COUNT_BY_KIND = {
    "cong_ty_tnhh": 10,
    "cong_ty_co_phan": 10,
    "dn_tu_nhan": 10,
    "dn_fdi": 10,
    "hop_tac_xa": 5,
    "cong_ty_hop_danh": 3,
}

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

# Where candidates stop, in percent.
FINAL_STAGE_WEIGHTS = {
    Stage.SOURCE: 28,
    Stage.TRAINED: 18,
    Stage.DOSSIER: 10,
    Stage.CELL_RESOLUTION: 6,
    Stage.COMMITTEE_RESOLUTION: 2,
    Stage.DECISION: 4,
    Stage.ADMITTED: 14,
    Stage.FULL_MEMBER: 12,
    Stage.EXITED: 6,
}

# code, name, style, issuer code, header lines, signer title, commune (None: the province),
# subgroups followed (empty: all). Header lines name the body above the one issuing.
DEMO_ORGANISATIONS = [
    ("SNV", "Sở Nội vụ", "state", "SNV", ["UBND TỈNH LÀO CAI", "SỞ NỘI VỤ"], "GIÁM ĐỐC", None, ()),
    (
        "SGDDT",
        "Sở Giáo dục và Đào tạo",
        "state",
        "SGDĐT",
        ["UBND TỈNH LÀO CAI", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"],
        "GIÁM ĐỐC",
        None,
        ("thpt", "gdnn_gdtx"),
    ),
    (
        "STC",
        "Sở Tài chính",
        "state",
        "STC",
        ["UBND TỈNH LÀO CAI", "SỞ TÀI CHÍNH"],
        "GIÁM ĐỐC",
        None,
        ("cong_nhan",),
    ),
    (
        "BTCTU",
        "Ban Tổ chức Tỉnh ủy",
        "party",
        "BTCTU",
        ["TỈNH ỦY LÀO CAI", "BAN TỔ CHỨC"],
        "K/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN",
        None,
        (),
    ),
    (
        "UBND-PLC",
        "UBND phường Lào Cai",
        "state",
        "UBND",
        ["UBND PHƯỜNG LÀO CAI"],
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        "Phường Lào Cai",
        (),
    ),
    (
        "UBND-PCD",
        "UBND phường Cam Đường",
        "state",
        "UBND",
        ["UBND PHƯỜNG CAM ĐƯỜNG"],
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        "Phường Cam Đường",
        (),
    ),
    (
        "DU-PLC",
        "Đảng ủy phường Lào Cai",
        "party",
        "ĐU",
        ["ĐẢNG BỘ PHƯỜNG LÀO CAI", "ĐẢNG ỦY PHƯỜNG"],
        "T/M ĐẢNG ỦY\nBÍ THƯ",
        "Phường Lào Cai",
        (),
    ),
]

DEMO_USERS = [
    ("admin", "admin", "Quản trị hệ thống", {}),
    ("sonoivu", "province", "Chuyên viên Sở Nội vụ", {"org": "SNV"}),
    (
        "sogddt",
        "province",
        "Chuyên viên Sở GD&ĐT",
        {"subgroups": "thpt,gdnn_gdtx", "org": "SGDDT"},
    ),
    (
        "sotaichinh",
        "province",
        "Chuyên viên Sở Tài chính",
        {"subgroups": "cong_nhan", "org": "STC"},
    ),
    ("bantochuc", "province", "Chuyên viên Ban Tổ chức Tỉnh ủy", {"org": "BTCTU"}),
    (
        "phuong.laocai",
        "area",
        "Cán bộ phường Lào Cai",
        {"area": "Phường Lào Cai", "org": "UBND-PLC"},
    ),
    (
        "phuong.camduong",
        "area",
        "Cán bộ phường Cam Đường",
        {"area": "Phường Cam Đường", "org": "UBND-PCD"},
    ),
    (
        "chibo.thpt1",
        "cell",
        "Bí thư chi bộ THPT số 1 TP Lào Cai",
        {"cell": "THPT-LC1", "org": "DU-PLC"},
    ),
    (
        "chibo.dn.laocai",
        "cell",
        "Bí thư chi bộ doanh nghiệp phường Lào Cai",
        {"cell": "DN-Phường Lào Cai", "org": "DU-PLC"},
    ),
]


def demo_logins() -> list[tuple[str, str, str]]:
    """(user name, password, what the account is) for every demo account."""
    return [(name, DEMO_PASSWORD, label) for name, _role, label, _scope in DEMO_USERS]


def seed(session: Session, candidates: int = 3000, today: date | None = None) -> dict:
    """Fill an empty database with the demo province; returns counts."""
    rng = random.Random(20250701)
    today = today or today_vn()
    communes = _areas(session)
    units, cells = _units_and_cells(session, rng, communes)
    users = _users(session, communes, cells)
    _targets(session, communes, units, today)
    made = _candidates(session, rng, units, candidates, today, users["admin"])
    return {"areas": len(communes), "units": len(units), "cells": len(cells), "candidates": made}


def _province(old_code: str) -> tuple[str, str]:
    """(code, name) of the province that `old_code` became on 1 July 2025."""
    row = next(r for r in read_csv("province_merger_2025.csv") if r["old_code"] == old_code)
    return row["new_code"], f"Tỉnh {row['new_name']}"


def _old_name(old_code: str) -> str:
    row = next(r for r in read_csv("province_merger_2025.csv") if r["old_code"] == old_code)
    return f"Tỉnh {row['old_name']}"


def _yen_bai() -> tuple[dict, dict[tuple[str, str], dict[str, str]]]:
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


def _areas(session: Session) -> dict[str, Area]:
    """The former provinces to 30/06/2025, then the merged one; returns its communes."""
    yen_bai, yen_bai_districts = _yen_bai()
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


def _cell(session: Session, name: str, area: Area, kind: str = "co_so", parent=None) -> PartyCell:
    cell = PartyCell(name=name, name_key=fold(name), area=area, kind=kind, parent_org=parent)
    session.add(cell)
    return cell


def _units_and_cells(session, rng, communes) -> tuple[list[Unit], dict[str, PartyCell]]:
    units: list[Unit] = []
    cells: dict[str, PartyCell] = {}
    for code, name, kind, commune in SCHOOLS:
        short = name.replace("Trường ", "").replace("Trung tâm ", "")
        # Colleges have a đảng bộ cơ sở with chi bộ trực thuộc; schools a chi bộ cơ sở.
        truc_thuoc = kind == "cao_dang_dai_hoc"
        cell = _cell(
            session,
            f"Chi bộ {short}" if not truc_thuoc else "Chi bộ Học sinh - Sinh viên",
            communes[commune],
            "truc_thuoc" if truc_thuoc else "co_so",
            f"Đảng bộ {name}" if truc_thuoc else None,
        )
        cells[code] = cell
        units.append(
            Unit(
                code=code,
                name=name,
                name_key=fold(name),
                kind=kind,
                area=communes[commune],
                cell=cell,
            )
        )
    commune_names = list(communes)
    words = iter(rng.sample(ENTERPRISE_WORDS * 4, len(ENTERPRISE_WORDS) * 4))
    serial = 0
    for kind, count in COUNT_BY_KIND.items():
        for _ in range(count):
            serial += 1
            commune = communes[commune_names[serial % len(commune_names)]]
            name = ENTERPRISE_NAMES[kind].format(next(words))
            if any(u.name == name for u in units):
                name = f"{name} {serial}"
            key = f"DN-{commune.name}"
            if key not in cells:
                cells[key] = _cell(
                    session, f"Chi bộ doanh nghiệp ngoài khu vực nhà nước {commune.name}", commune
                )
            tax = _demo_tax_code(serial)
            units.append(
                Unit(
                    code=f"DN{serial:03d}",
                    name=name,
                    name_key=fold(name),
                    kind=kind,
                    area=commune,
                    cell=cells[key],
                    tax_code=tax,
                )
            )
    session.add_all(units)
    session.flush()
    enterprises = [u for u in units if u.code.startswith("DN")]
    session.add_all(generated_surveys(rng, enterprises, max_workers=600, workers_per_member=25))
    return units, cells


def _demo_tax_code(serial: int) -> str:
    """A valid MST for the demo: some nine-digit prefixes have no check digit, skip them."""
    for offset in range(0, 1000, 97):
        try:
            return with_check_digit(f"53{serial * 1000 + offset:07d}")
        except ValueError:
            continue
    raise ValueError(serial)


def generated_surveys(
    rng: random.Random,
    enterprises: list[Unit],
    *,
    max_workers: int,
    workers_per_member: int,
    operating_share: float | None = None,
) -> list[EnterpriseSurvey]:
    """Plausible year-end surveys (2024 and 2025) of each enterprise, for the demo and the
    benchmark data. `operating_share`: the chance an enterprise is operating (None: all)."""
    surveys = []
    for unit in enterprises:
        for survey_date in (date(2024, 12, 31), date(2025, 12, 31)):
            workers = rng.randint(8, max_workers)
            members = rng.randint(0, max(1, workers // workers_per_member))
            org = "chi_bo_co_so" if members >= 3 and rng.random() < 0.5 else "none"
            union = workers >= 20 and rng.random() < 0.7
            youth = workers >= 30 and rng.random() < 0.5
            operating = operating_share is None or rng.random() < operating_share
            surveys.append(
                EnterpriseSurvey(
                    unit_id=unit.id,
                    survey_date=survey_date,
                    operating=operating,
                    workers=workers,
                    party_org=org,
                    party_members=members,
                    party_members_held=members if org != "none" else 0,
                    owner_is_member=rng.random() < 0.1,
                    has_trade_union=union,
                    trade_union_members=rng.randint(10, workers) if union else 0,
                    has_youth_union=youth,
                    youth_union_members=rng.randint(5, 30) if youth else 0,
                )
            )
    return surveys


def _organisations(session: Session, communes: dict[str, Area]) -> dict[str, Organisation]:
    made = {}
    for code, name, style, mark, header, signer, commune, subgroups in DEMO_ORGANISATIONS:
        area = communes[commune] if commune else None
        made[code] = Organisation(
            code=code,
            name=name,
            style=style,
            issuer_code=mark,
            issuing_body="\n".join(header),
            place="Lào Cai",
            signer_title=signer,
            signer_name="",
            preparer_name="",
            form_code="",
            area=area,
            subgroups=",".join(subgroups),
        )
        session.add(made[code])
    return made


def _users(session: Session, communes: dict[str, Area], cells: dict[str, PartyCell]) -> dict:
    organisations = _organisations(session, communes)
    made = {}
    for username, role, label, scope in DEMO_USERS:
        user = User(
            username=username,
            full_name=label,
            role=role,
            is_demo=True,
            area=communes.get(scope.get("area", "")),
            cell=cells.get(scope.get("cell", "")),
            subgroups=scope.get("subgroups", ""),
            organisation=organisations.get(scope.get("org", "")),
        )
        user.set_password(DEMO_PASSWORD)
        session.add(user)
        made[username] = user
    session.flush()
    return made


def _targets(session: Session, communes: dict[str, Area], units: list[Unit], today: date) -> None:
    """Targets of the last three years: on the districts before the reform, then on the
    communes that replaced them; the groups' targets, and a THPT and a GDNN-GDTX target
    where the area has such schools (what Sở GD&ĐT's reports divide by)."""
    districts = list(
        session.scalars(select(Area).where(Area.level == "district").order_by(Area.code))
    )
    kinds_in: set[tuple[int, str]] = set()
    for unit in units:
        area: Area | None = unit.area
        while area is not None:  # the unit's area and every area above it
            kinds_in.add((area.id, unit.kind))
            area = area.parent
    for year in range(today.year - 2, today.year + 1):
        areas = districts if date(year, 12, 31) < REFORM else list(communes.values())
        for index, area in enumerate(areas):
            session.add(Target(year=year, group_code="student", area=area, count=6 + index % 5))
            session.add(Target(year=year, group_code="worker", area=area, count=4 + index % 4))
            if (area.id, "thpt") in kinds_in:
                session.add(
                    Target(
                        year=year,
                        group_code="student",
                        subgroup="thpt",
                        area=area,
                        count=2 + index % 3,
                    )
                )
            if (area.id, "gdnn_gdtx") in kinds_in:
                session.add(
                    Target(
                        year=year,
                        group_code="student",
                        subgroup="gdnn_gdtx",
                        area=area,
                        count=1 + index % 2,
                    )
                )


def _person(rng: random.Random, cccd_seen: set[str], birth: date, place: str) -> dict:
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


def _stage_dates(rng: random.Random, final: Stage, start: date, today: date, committee: bool):
    """Dates for each stage up to `final`, never in the future; stops early if needed."""
    dates: dict[Stage, date] = {}
    current = start
    for stage in STAGE_ORDER:
        if stage == Stage.COMMITTEE_RESOLUTION and not committee:
            continue
        if stage == Stage.FULL_MEMBER:
            current = add_months(dates[Stage.ADMITTED], 12) + timedelta(days=rng.randint(0, 40))
        elif stage != Stage.SOURCE:
            current = current + timedelta(days=rng.randint(10, 120))
        if current > today:
            break
        dates[stage] = current
        if stage == final:
            break
    return dates


def _moved_after_reform(rng: random.Random, unit: Unit, units: list[Unit], dates) -> Unit | None:
    """For a few people followed across the merger: the unit (of the same kind) they
    moved to on it, where their later events are recorded."""
    days = dates.values()
    if not (min(days) < REFORM <= max(days)) or rng.random() >= MOVED_AFTER_REFORM:
        return None
    others = [u for u in units if u.kind == unit.kind and u.id != unit.id]
    return rng.choice(others) if others else None


def _birth_places(units: list[Unit]) -> dict[int, str]:
    """The CCCD place code of the demo people of each unit: the former province's."""
    _province_row, districts = _yen_bai()
    yen_bai = {new for communes in districts.values() for new in communes.values()}
    code = _province_row["code"]
    return {u.id: f"0{code}" if u.area.name in yen_bai else "010" for u in units}


def _candidates(session, rng, units, count, today, admin) -> int:
    cccd_seen: set[str] = set()
    place = _birth_places(units)
    finals = list(FINAL_STAGE_WEIGHTS)
    weights = list(FINAL_STAGE_WEIGHTS.values())
    events: list[dict] = []
    files: dict[str, list[dict]] = {"items": [], "introducers": [], "people": []}
    training = demo_training.empty()
    for _ in range(count):
        unit = rng.choice(units)
        group, subgroup = group_for_unit_kind(unit.kind)
        committee = unit.cell is not None and unit.cell.kind == "truc_thuoc"
        final = rng.choices(finals, weights=weights)[0]
        start = today - timedelta(days=rng.randint(30, 5 * 365))
        dates = _stage_dates(
            rng, Stage.FULL_MEMBER if final == Stage.EXITED else final, start, today, committee
        )
        cell_res = dates.get(Stage.CELL_RESOLUTION, start + timedelta(days=200))
        if group == "student":
            birth = cell_res - timedelta(days=18 * 366 + rng.randint(0, 700))
        else:
            birth = cell_res - timedelta(days=rng.randint(19 * 366, 45 * 366))
        row = _person(rng, cccd_seen, birth, place[unit.id])
        later = _moved_after_reform(rng, unit, units, dates)
        now = later or unit
        row.update(
            group_code=group,
            subgroup=subgroup,
            unit_id=now.id,
            cell_id=now.cell_id,
            education="12/12",
            trade_union=group == "worker" and rng.random() < 0.6,
            # Students join the youth union at 16 (their dossiers take the Đoàn route).
            youth_union_date=add_months(birth, 192) if group == "student" else None,
            introducers="2 đảng viên chính thức" if Stage.DOSSIER in dates else None,
            created_by_id=admin.id,
        )
        reached = max(dates, key=lambda s: STAGE_ORDER.index(s))
        exit_reason = None
        if final == Stage.EXITED and reached not in (Stage.ADMITTED, Stage.FULL_MEMBER):
            exit_day = max(dates.values()) + timedelta(days=rng.randint(20, 200))
            if exit_day <= today:
                dates[Stage.EXITED] = exit_day
                exit_reason = rng.choice(["removed", "moved", "other"])
        facts = [
            EventFact(s.value, d, None, exit_reason if s == Stage.EXITED else None)
            for s, d in dates.items()
        ]
        row.update(columns_from_events(facts))
        candidate_id = session.scalar(insert(Candidate).returning(Candidate.id), row)
        for sequence, (s, d) in enumerate(dates.items()):
            there = later if later is not None and d >= REFORM else unit
            events.append(
                {
                    "candidate_id": candidate_id,
                    "stage": s.value,
                    "event_date": d,
                    "unit_id": there.id,
                    "cell_id": there.cell_id,
                    "reason": exit_reason if s == Stage.EXITED else None,
                    "recorded_by_id": admin.id,
                    "sequence": sequence,
                }
            )
        _dossier_rows(candidate_id, dates, group, admin.id, today, files)
        demo_training.extras(candidate_id, row, dates, admin.id, today, training)
    session.execute(insert(StageEvent), events)
    demo_training.store(session, training)
    if files["items"]:
        session.execute(insert(DossierItem), files["items"])
    if files["introducers"]:
        session.execute(insert(Introducer), files["introducers"])
    _store_validity(session, files, today)
    return count


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


# The state of a demo dossier: (share, how many of the required items it holds).
_DOSSIER_STATES = ((0.7, 5), (0.15, 3), (0.15, 0))


def _dossier_rows(
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
    roll, held = rng.random(), 5
    for share, count in _DOSSIER_STATES:
        if roll < share:
            held = count
            break
        roll -= share
    if dossier is not None and held == 0:
        held = 3  # a dossier date with nothing entered reads as an old record
    base: dict[str, object] = {"candidate_id": candidate_id, "recorded_by_id": admin_id}
    base["checked_by"] = "Bí thư chi bộ"
    for kind in dossier_rules.REQUIRED_FOR_DOSSIER[:held]:
        day = made - timedelta(days=rng.randint(1, 40))
        files["items"].append({**base, "kind": kind, "day": day, "number": None})
    if held:
        first: dict[str, object] = {"kind": "member", "name": "Trần Văn Minh"}
        first["full_member_since"] = date(2010, 3, 3)
        files["introducers"].append(
            {**base, **first, "day": made - timedelta(days=3), "months_together": 30}
        )
        # Students go by the youth-union route; workers have two members.
        second: dict[str, object] = {"kind": "youth_union", "name": "Ban Chấp hành Đoàn trường"}
        if group != "student":
            second = {
                "kind": "member",
                "name": "Lê Thị Hoa",
                "full_member_since": date(2012, 9, 2),
                "months_together": rng.choice([8, 24]),
            }
        files["introducers"].append({**base, **second, "day": made - timedelta(days=2)})
    cell = dates.get(Stage.CELL_RESOLUTION)
    if cell is not None:
        votes = {"votes_total": 9, "votes_for": rng.randint(6, 9)}
        files["items"].append(
            {**base, **votes, "kind": "cell_resolution", "day": cell, "number": None}
        )
    admitted = dates.get(Stage.ADMITTED)
    if admitted is not None and rng.random() < 0.5:
        end = add_months(admitted, 12)
        recognition = dossier_rules.REQUIRED_FOR_RECOGNITION
        for kind in recognition[: rng.randint(2, len(recognition))]:
            row = {**base, "kind": kind, "day": end, "number": None}
            if kind in dossier_rules.VOTED:
                row.update(votes_total=9, votes_for=8)
            if end <= dates.get(Stage.FULL_MEMBER, today):
                files["items"].append(row)


def is_empty(session: Session) -> bool:
    return session.scalar(select(Area.id).limit(1)) is None

"""The demo's units and party cells: schools, a college with its đảng bộ, enterprises of
every kind with their year-end surveys (the benchmark's data uses `generated_surveys` too).
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy.orm import Session

from registry.domain.taxcode import with_check_digit
from registry.domain.textutil import fold
from registry.models import Area, EnterpriseSurvey, PartyCell, Unit

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


def _cell(session: Session, name: str, area: Area, kind: str = "co_so", parent=None) -> PartyCell:
    cell = PartyCell(name=name, name_key=fold(name), area=area, kind=kind, parent_org=parent)
    session.add(cell)
    return cell


def add_units_and_cells(
    session: Session, rng: random.Random, communes: dict[str, Area]
) -> tuple[list[Unit], dict[str, PartyCell]]:
    """The schools and enterprises with their party cells (by school code, and "DN-" and
    the commune's name for the enterprises' cells), and the enterprises' surveys."""
    units: list[Unit] = []
    cells: dict[str, PartyCell] = {}
    _schools(session, communes, units, cells)
    _enterprises(session, rng, communes, units, cells)
    session.add_all(units)
    session.flush()
    enterprises = [u for u in units if u.code.startswith("DN")]
    session.add_all(generated_surveys(rng, enterprises, max_workers=600, workers_per_member=25))
    return units, cells


def _schools(
    session: Session, communes: dict[str, Area], units: list[Unit], cells: dict[str, PartyCell]
) -> None:
    """SCHOOLS, each with its cell: a chi bộ cơ sở, or a college's chi bộ trực thuộc."""
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


def _enterprises(
    session: Session,
    rng: random.Random,
    communes: dict[str, Area],
    units: list[Unit],
    cells: dict[str, PartyCell],
) -> None:
    """COUNT_BY_KIND enterprises spread over the communes, one cell for those of each."""
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
            tax = demo_tax_code(serial)
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


def demo_tax_code(serial: int) -> str:
    """A valid MST for generated units (the demo's, the bench's): some nine-digit prefixes
    have no check digit, skip them."""
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

"""The province the benchmarks run on: 30 communes, schools and enterprises, cells, users.

Built with the application's own models (a few thousand rows, so the ORM is fine here);
the candidates and their events are bulk-loaded afterwards by bench.datagen.
"""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.people import UnitInfo
from registry.demo.units import demo_tax_code, generated_surveys
from registry.domain.textutil import fold
from registry.domain.vocabulary import group_for_unit_kind
from registry.models import Area, PartyCell, Target, Unit, User
from registry.services.org.area_paths import add_area

PASSWORD = "bench-mat-khau-2025"
COMMUNES = (
    "Phường Lào Cai", "Phường Cam Đường", "Phường Sa Pa", "Xã Bát Xát", "Xã Mường Khương",
    "Xã Si Ma Cai", "Xã Bắc Hà", "Xã Bảo Thắng", "Xã Tằng Loỏng", "Xã Bảo Yên", "Xã Văn Bàn",
    "Xã Phong Hải", "Xã Xuân Quang", "Xã Gia Phú", "Xã Cốc San", "Xã Hợp Thành",
    "Xã Trịnh Tường", "Xã Y Tý", "Xã Bản Xèo", "Xã Pha Long", "Xã Cao Sơn", "Xã Lùng Phình",
    "Xã Bảo Hà", "Xã Nghĩa Đô", "Xã Khánh Yên", "Xã Dương Quỳ", "Xã Minh Lương", "Xã Tả Van",
    "Xã Ngũ Chỉ Sơn", "Xã Mường Bo",
)  # fmt: skip
# Unit kinds with their share of the units (schools are few, enterprises many).
KINDS = {
    "thpt": 6, "gdnn_gdtx": 2, "cao_dang_dai_hoc": 0.5, "cong_ty_tnhh": 42,
    "cong_ty_co_phan": 20, "dn_tu_nhan": 14, "dn_fdi": 6, "hop_tac_xa": 8.5,
    "cong_ty_hop_danh": 1,
}  # fmt: skip
ENTERPRISE_PATTERNS = {
    "cong_ty_tnhh": "Công ty TNHH {}",
    "cong_ty_co_phan": "Công ty cổ phần {}",
    "dn_tu_nhan": "Doanh nghiệp tư nhân {}",
    "dn_fdi": "Công ty TNHH {} Việt Nam",
    "hop_tac_xa": "Hợp tác xã {}",
    "cong_ty_hop_danh": "Công ty hợp danh {}",
}
TRADES = "Thương mại|Xây dựng|Vận tải|Du lịch|Nông sản|Chè|Dược liệu|May mặc|Cơ khí|Khoáng sản"
PLACES = "Hoàng Liên|Fansipan|Phú Hưng|Kim Thành|Tây Bắc|Sông Hồng|Mường Hoa|Bắc Hà|Phố Lu"
# Users the benchmarks sign in as: the whole province, one commune, one school's cell.
USERS = (("admin", "admin"), ("tinh", "province"), ("xa", "area"), ("chibo", "cell"))


def _kinds(count: int) -> list[str]:
    """`count` unit kinds in the KINDS proportions, at least one school of each kind."""
    total = sum(KINDS.values())
    kinds: list[str] = []
    for kind, share in KINDS.items():
        kinds += [kind] * max(1, round(count * share / total))
    return kinds[:count] if len(kinds) >= count else kinds + ["cong_ty_tnhh"] * (count - len(kinds))


def build(session: Session, units: int, seed: int) -> None:
    """Areas, cells, units, surveys, targets and the benchmark users (flushes only)."""
    rng = random.Random(seed)
    province = add_area(session, "10", "Tỉnh Lào Cai", "province")
    communes = [
        add_area(session, f"LC-{i + 1:03d}", name, "commune", province)
        for i, name in enumerate(COMMUNES)
    ]
    shared = {}  # commune id → the cell for small enterprises there
    trades, places = TRADES.split("|"), PLACES.split("|")
    made: list[Unit] = []
    for serial, kind in enumerate(_kinds(units), 1):
        area = communes[serial % len(communes)]
        if kind == "thpt":
            name, code = f"Trường THPT số {serial} {area.name[4:]}", f"THPT{serial:04d}"
        elif kind == "gdnn_gdtx":
            name, code = f"Trung tâm GDNN - GDTX số {serial} {area.name[4:]}", f"GDNN{serial:04d}"
        elif kind == "cao_dang_dai_hoc":
            name, code = f"Trường Cao đẳng số {serial} Lào Cai", f"CD{serial:04d}"
        else:
            words = f"{rng.choice(trades)} {rng.choice(places)} {serial}"
            name, code = ENTERPRISE_PATTERNS[kind].format(words), f"DN{serial:05d}"
        cell = _cell_for(session, kind, name, area, shared, rng)
        unit = Unit(code=code, name=name, name_key=fold(name), kind=kind, area=area, cell=cell)
        if kind in ENTERPRISE_PATTERNS:
            unit.tax_code = demo_tax_code(serial)
        made.append(unit)
    session.add_all(made)
    session.flush()
    enterprises = [u for u in made if u.kind in ENTERPRISE_PATTERNS]
    session.add_all(
        generated_surveys(
            rng, enterprises, max_workers=900, workers_per_member=30, operating_share=0.95
        )
    )
    _targets(session, communes)
    school = next(u for u in made if u.kind == "thpt")
    _users(session, school.area, school)
    session.flush()


def _cell_for(session, kind, name, area, shared, rng) -> PartyCell:
    if kind == "cao_dang_dai_hoc":
        # A college's đảng bộ has chi bộ trực thuộc: its candidates need the committee step.
        cell = PartyCell(name=f"Chi bộ Học sinh - Sinh viên {name[7:]}", kind="truc_thuoc")
        cell.parent_org = f"Đảng bộ {name}"
    elif kind in ("thpt", "gdnn_gdtx") or rng.random() < 0.08:
        short = name.replace("Trường ", "").replace("Trung tâm ", "")
        cell = PartyCell(name=f"Chi bộ {short}", kind="co_so")
    else:
        if area.id not in shared:
            shared[area.id] = PartyCell(
                name=f"Chi bộ doanh nghiệp ngoài khu vực nhà nước {area.name}",
                name_key=fold(f"Chi bộ doanh nghiệp ngoài khu vực nhà nước {area.name}"),
                area=area,
            )
            session.add(shared[area.id])
        return shared[area.id]
    cell.name_key, cell.area = fold(cell.name), area
    session.add(cell)
    return cell


def _targets(session: Session, communes: list[Area]) -> None:
    for year in range(2021, 2027):
        for index, area in enumerate(communes):
            session.add(Target(year=year, group_code="student", area=area, count=20 + index % 9))
            session.add(Target(year=year, group_code="worker", area=area, count=12 + index % 7))


def _users(session: Session, commune: Area, school: Unit) -> None:
    scope = {"area": {"area": commune}, "cell": {"cell": school.cell}}
    for username, role in USERS:
        user = User(username=username, full_name=f"Bench {role}", role=role, **scope.get(role, {}))
        user.set_password(PASSWORD)
        session.add(user)


def load_units(session: Session) -> list[UnitInfo]:
    """Every unit with what a generated person needs to know about it."""
    stmt = (
        select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.cell_id, PartyCell.name,
               PartyCell.kind, Area.name)
        .join(Area, Area.id == Unit.area_id)
        .outerjoin(PartyCell, PartyCell.id == Unit.cell_id)
        .order_by(Unit.id)
    )  # fmt: skip
    out = []
    for ident, code, name, kind, cell_id, cell_name, cell_kind, place in session.execute(stmt):
        group, subgroup = group_for_unit_kind(kind)
        out.append(
            UnitInfo(ident, code, name, kind, cell_id, cell_name or "", cell_kind == "truc_thuoc",
                     group, subgroup, place)
        )  # fmt: skip
    return out


def user_ids(session: Session) -> dict[str, int]:
    names = [name for name, _ in USERS]
    stmt = select(User.username, User.id).where(User.username.in_(names))
    return dict(session.execute(stmt).tuples().all())

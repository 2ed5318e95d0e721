"""The demo's organisations (the bodies users work for, with their report headers and
signers) and its users, one of every role, all with the published demo password."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.models import Area, Organisation, PartyCell, User

DEMO_PASSWORD = "laocai@2026"

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


def add_users(session: Session, communes: dict[str, Area], cells: dict[str, PartyCell]) -> dict:
    """The demo organisations, then the DEMO_USERS working for them, by user name."""
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

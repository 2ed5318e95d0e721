"""Domain vocabulary shared by models, forms, the import pipeline and the reports.

Codes are stored in the database; labels are what users read.
"""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    SOURCE = "source"
    TRAINED = "trained"
    DOSSIER = "dossier"
    CELL_RESOLUTION = "cell_resolution"
    COMMITTEE_RESOLUTION = "committee_resolution"
    DECISION = "decision"
    ADMITTED = "admitted"
    FULL_MEMBER = "full_member"
    EXITED = "exited"


# Forward order of the stages; `exited` stands outside it.
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.SOURCE,
    Stage.TRAINED,
    Stage.DOSSIER,
    Stage.CELL_RESOLUTION,
    Stage.COMMITTEE_RESOLUTION,
    Stage.DECISION,
    Stage.ADMITTED,
    Stage.FULL_MEMBER,
)
STAGE_RANK: dict[str, int] = {s.value: i + 1 for i, s in enumerate(STAGE_ORDER)}

STAGE_LABELS: dict[str, str] = {
    Stage.SOURCE: "Quần chúng ưu tú (nguồn)",
    Stage.TRAINED: "Đã học lớp nhận thức về Đảng",
    Stage.DOSSIER: "Đã hoàn thiện hồ sơ",
    Stage.CELL_RESOLUTION: "Chi bộ đề nghị kết nạp",
    Stage.COMMITTEE_RESOLUTION: "Đảng ủy cơ sở đề nghị",
    Stage.DECISION: "Có quyết định kết nạp",
    Stage.ADMITTED: "Đã kết nạp (dự bị)",
    Stage.FULL_MEMBER: "Đảng viên chính thức",
    Stage.EXITED: "Ra khỏi danh sách",
}

# The candidate column that keeps each stage's date in step with the events.
STAGE_DATE_COLUMNS: dict[str, str] = {
    Stage.SOURCE: "source_date",
    Stage.TRAINED: "trained_date",
    Stage.DOSSIER: "dossier_date",
    Stage.CELL_RESOLUTION: "cell_resolution_date",
    Stage.COMMITTEE_RESOLUTION: "committee_resolution_date",
    Stage.DECISION: "decision_date",
    Stage.ADMITTED: "admitted_date",
    Stage.FULL_MEMBER: "full_member_date",
    Stage.EXITED: "exited_date",
}
# The stage whose event carries the number kept on the candidate row.
DOCUMENT_COLUMNS: dict[str, str] = {
    Stage.TRAINED.value: "certificate_no",
    Stage.DECISION.value: "decision_no",
}

EXIT_REASONS: dict[str, str] = {
    "removed": "Chi bộ đưa ra khỏi danh sách",
    "moved": "Chuyển đi nơi khác",
    "failed_verification": "Không đạt thẩm tra lý lịch",
    "probation_failed": "Không được công nhận chính thức",
    "other": "Lý do khác",
}

UNIT_KINDS: dict[str, str] = {
    "thpt": "Trường THPT",
    "gdnn_gdtx": "Trung tâm GDNN - GDTX",
    "cao_dang_dai_hoc": "Trường cao đẳng, đại học",
    "dn_tu_nhan": "Doanh nghiệp tư nhân",
    "cong_ty_tnhh": "Công ty TNHH",
    "cong_ty_co_phan": "Công ty cổ phần",
    "cong_ty_hop_danh": "Công ty hợp danh",
    "dn_fdi": "Doanh nghiệp có vốn đầu tư nước ngoài",
    "hop_tac_xa": "Hợp tác xã",
    "other": "Khác",
}
# The group and subgroup of the candidates of each kind of unit: the one table the
# candidate form, the import, the reports and scoping read.
UNIT_KIND_GROUPS: dict[str, tuple[str, str]] = {
    "thpt": ("student", "thpt"),
    "gdnn_gdtx": ("student", "gdnn_gdtx"),
    "cao_dang_dai_hoc": ("student", "sinh_vien"),
    "dn_tu_nhan": ("worker", "cong_nhan"),
    "cong_ty_tnhh": ("worker", "cong_nhan"),
    "cong_ty_co_phan": ("worker", "cong_nhan"),
    "cong_ty_hop_danh": ("worker", "cong_nhan"),
    "dn_fdi": ("worker", "cong_nhan"),
    "hop_tac_xa": ("worker", "cong_nhan"),
    "other": ("worker", "cong_nhan"),
}
SCHOOL_KINDS = tuple(k for k, (group, _sub) in UNIT_KIND_GROUPS.items() if group == "student")
ENTERPRISE_KINDS = tuple(k for k, (group, _sub) in UNIT_KIND_GROUPS.items() if group == "worker")

GROUPS: dict[str, str] = {"student": "Học sinh, sinh viên", "worker": "Công nhân, người lao động"}
SUBGROUPS: dict[str, str] = {
    "thpt": "Học sinh THPT",
    "gdnn_gdtx": "Học viên GDNN - GDTX",
    "sinh_vien": "Sinh viên",
    "cong_nhan": "Công nhân, người lao động",
}
SUBGROUP_GROUP: dict[str, str] = {
    "thpt": "student",
    "gdnn_gdtx": "student",
    "sinh_vien": "student",
    "cong_nhan": "worker",
}


# The unit kinds whose candidates are in each group or subgroup.
KINDS_OF_GROUP: dict[str, tuple[str, ...]] = {
    code: tuple(k for k, pair in UNIT_KIND_GROUPS.items() if code in pair)
    for code in (*GROUPS, *SUBGROUPS)
}

# The subgroups of each group, in the order of SUBGROUPS.
GROUP_SUBGROUPS: dict[str, tuple[str, ...]] = {
    group: tuple(s for s, of in SUBGROUP_GROUP.items() if of == group) for group in GROUPS
}


def subgroups_of(code: str) -> tuple[str, ...]:
    """The subgroups a group or subgroup code stands for (a group: all of its own)."""
    if code in GROUP_SUBGROUPS:
        return GROUP_SUBGROUPS[code]
    if code in SUBGROUPS:
        return (code,)
    raise KeyError(code)


def canonical_subgroups(codes) -> tuple[str, ...]:
    """Group or subgroup codes as the subgroups they stand for, in SUBGROUPS order."""
    chosen = {s for code in codes for s in subgroups_of(code)}
    return tuple(s for s in SUBGROUPS if s in chosen)


def kinds_of_subgroups(subgroups) -> tuple[str, ...]:
    """The unit kinds whose candidates fall in any of these subgroups."""
    return tuple(k for k, (_g, sub) in UNIT_KIND_GROUPS.items() if sub in set(subgroups))


def group_for_unit_kind(kind: str) -> tuple[str, str]:
    """Group and subgroup implied by the kind of unit a candidate belongs to."""
    return UNIT_KIND_GROUPS.get(kind, UNIT_KIND_GROUPS["other"])


GENDERS: dict[str, str] = {"M": "Nam", "F": "Nữ"}

CELL_KINDS: dict[str, str] = {
    "co_so": "Chi bộ cơ sở",
    "truc_thuoc": "Chi bộ trực thuộc đảng bộ cơ sở",
}

PARTY_ORG_KINDS: dict[str, str] = {
    "none": "Chưa có tổ chức đảng",
    "chi_bo_co_so": "Chi bộ cơ sở",
    "dang_bo_co_so": "Đảng bộ cơ sở",
    "chi_bo_truc_thuoc": "Chi bộ trực thuộc",
}

AREA_LEVELS: dict[str, str] = {
    "province": "Tỉnh, thành phố",
    "district": "Huyện, thị xã, thành phố thuộc tỉnh",
    "commune": "Xã, phường, thị trấn, đặc khu",
}

ROLES: dict[str, str] = {
    "admin": "Quản trị hệ thống",
    "province": "Cấp tỉnh (Sở Nội vụ, sở ngành)",
    "area": "Cán bộ địa bàn (huyện, xã, phường)",
    "cell": "Bí thư chi bộ",
    # A service account of another system: no web sign-in, API tokens only; its scope is
    # an area (subtree), a cell, or with neither the whole province.
    "api": "Tài khoản dịch vụ (API)",
}

# The two ways an organisation's documents are laid out: a state body's by Nghị định
# 30/2020/NĐ-CP, a party body's by Hướng dẫn 36-HD/VPTW.
DOCUMENT_STYLES: dict[str, str] = {
    "state": "Văn bản hành chính (Nghị định 30/2020)",
    "party": "Văn bản của Đảng",
}

"""How the audit log reads: Vietnamese names of actions, records and fields, and the
before/after values of an entry as a table of the fields it changed.

ACTION_LABELS is the one table of action names; a test checks that every action the
code writes (`audit.record(..., "<action>", ...)`) has its label here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from registry.domain.dossier import DOSSIER_LABELS, INTRODUCER_KINDS
from registry.domain.refdata import ethnicity_names
from registry.domain.vocabulary import (
    AREA_LEVELS,
    CELL_KINDS,
    EXIT_REASONS,
    GENDERS,
    GROUPS,
    PARTY_ORG_KINDS,
    ROLES,
    STAGE_LABELS,
    SUBGROUPS,
    UNIT_KINDS,
)
from registry.domain.workdays import HOLIDAY_KINDS
from registry.spreadsheet.headers import FIELD_LABELS as IMPORT_FIELD_LABELS

ACTION_LABELS: dict[str, str] = {
    "create": "Thêm",
    "update": "Sửa",
    "delete": "Xóa",
    "move": "Chuyển địa bàn cấp trên",
    "transfer": "Chuyển đơn vị, chi bộ",
    "login": "Đăng nhập",
    "logout": "Đăng xuất",
    "lockout": "Tạm khóa do sai mật khẩu",
    "change_password": "Đổi mật khẩu",
    "reset_password": "Đặt lại mật khẩu",
    "disable": "Khóa tài khoản",
    "enable": "Mở khóa tài khoản",
    "import": "Nhập từ tệp",
    "rollback": "Hoàn tác lần nhập",
    "purge_imports": "Xóa tệp nhập quá hạn lưu",
    "view": "Xem",
    "export": "Tải xuống",
    "export_person": "Tải dữ liệu cá nhân",
    "erase": "Xóa dữ liệu cá nhân",
    "stage": "Ghi nhận bước",
    "bulk_stage": "Ghi nhận bước hàng loạt",
    "correct": "Sửa sự kiện",
    "undo": "Hoàn tác sự kiện",
    "helper_note": "Thêm nhận xét của đảng viên giúp đỡ",
    "helper_note_delete": "Xóa nhận xét của đảng viên giúp đỡ",
    "submit": "Nộp báo cáo",
    "upload": "Tải lên",
    "open_round": "Mở đợt báo cáo",
    "return": "Trả lại báo cáo",
    "approve": "Duyệt báo cáo",
    "unlock": "Mở khóa số liệu",
    "remind": "Gửi thư nhắc báo cáo",
    "api": "Gọi API",
    "revoke": "Thu hồi",
}
ENTITY_LABELS: dict[str, str] = {
    "area": "Địa bàn",
    "unit": "Đơn vị",
    "cell": "Chi bộ",
    "survey": "Phiếu khảo sát",
    "target": "Chỉ tiêu",
    "user": "Tài khoản",
    "holiday": "Ngày nghỉ",
    "candidate": "Quần chúng",
    "dossier_item": "Giấy tờ hồ sơ",
    "introducer": "Người giới thiệu",
    "stage_event": "Sự kiện",
    "import_batch": "Lần nhập",
    "report": "Báo cáo",
    "candidate_list": "Danh sách quần chúng",
    "submitted_report": "Báo cáo đã nộp",
    "organisation": "Cơ quan, tổ chức",
    "report_template": "Mẫu báo cáo bằng văn bản",
    "report_settings": "Tiêu đề báo cáo",  # entries written before organisations
    "reporting_round": "Đợt báo cáo",
    "submission": "Báo cáo nộp theo đợt",
    "api_token": "Mã truy cập API",
}
FIELD_LABELS: dict[str, str] = {
    **IMPORT_FIELD_LABELS,
    "group_code": "Nhóm đối tượng",
    "subgroup": "Đối tượng",
    "subgroups": "Chỉ theo dõi đối tượng",
    "unit_id": "Đơn vị",
    "cell_id": "Chi bộ",
    "area_id": "Địa bàn",
    "candidate_id": "Quần chúng",
    "stage": "Bước",
    "event": "Sự kiện",
    "event_date": "Ngày",
    "document_no": "Số văn bản",
    "reason": "Lý do",
    "last_event_date": "Ngày cập nhật",
    "id": "Mã số",
    "code": "Mã",
    "name": "Tên",
    "level": "Cấp",
    "parent_id": "Thuộc địa bàn",
    "valid_from": "Hiệu lực từ ngày",
    "valid_to": "Hết hiệu lực từ sau ngày",
    "successor_id": "Địa bàn kế thừa",
    "disadvantaged": "Địa bàn đặc biệt khó khăn",
    "kind": "Loại",
    "tax_code": "Mã số thuế",
    "address": "Địa chỉ",
    "active": "Đang hoạt động",
    "parent_org": "Trực thuộc",
    "survey_date": "Ngày khảo sát",
    "operating": "Đang hoạt động",
    "workers": "Số lao động",
    "party_org": "Tổ chức đảng",
    "party_members": "Số đảng viên đang làm việc",
    "party_members_held": "Đảng viên sinh hoạt tại tổ chức đảng của doanh nghiệp",
    "owner_is_member": "Chủ doanh nghiệp là đảng viên",
    "has_trade_union": "Có tổ chức công đoàn",
    "trade_union_members": "Số đoàn viên công đoàn",
    "has_youth_union": "Có tổ chức Đoàn thanh niên",
    "youth_union_members": "Số đoàn viên thanh niên",
    "year": "Năm",
    "count": "Số lượng",
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "role": "Vai trò",
    "must_change_password": "Phải đổi mật khẩu",
    "day": "Ngày",
    "source": "Căn cứ",
    "number": "Số văn bản",
    "checked_by": "Người kiểm tra",
    "votes_for": "Số phiếu tán thành",
    "votes_total": "Tổng số đảng viên chính thức",
    "full_member_since": "Ngày trở thành đảng viên chính thức",
    "months_together": "Số tháng công tác cùng",
    "file": "Tệp",
    "rows": "Số dòng",
    "new": "Mới",
    "updated": "Cập nhật",
    "unchanged": "Không đổi",
    "removed": "Đã gỡ",
    "restored": "Đã khôi phục",
    "status": "Tình trạng",
    "batches": "Các lần nhập",
    "days": "Số ngày lưu",
    "uploaded_before": "Tải lên trước ngày",
    "report": "Báo cáo",
    "period_from": "Từ ngày",
    "period_to": "Đến ngày",
    "period_label": "Kỳ",
    "area": "Tên địa bàn",
    "group": "Đối tượng",
    "reached": "Đạt bước trong kỳ",
    "date": "Ngày",
    "recorded": "Đã ghi",
    "refused": "Bị từ chối",
    "pseudonym": "Tên thay thế",
    "fields": "Các trường đã xóa",
    "import_files_dropped": "Tệp nhập đã xóa",
    "issuing_body": "Cơ quan ban hành",
    "place": "Địa danh",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ tên người ký",
    "preparer_name": "Người lập biểu",
    "style": "Thể thức",
    "form_code": "Ký hiệu biểu",
    "helper_note": "Nhận xét của đảng viên giúp đỡ",
    "helper": "Đảng viên giúp đỡ",
    "text": "Nội dung",
    "readmission": "Kết nạp lại",
    "left_party_date": "Ngày ra khỏi Đảng",
    "left_party_reason": "Lý do ra khỏi Đảng",
    "record_expunged_date": "Ngày được xóa án tích",
    "format": "Định dạng",
    "document": "Văn bản",
    "edited": "Bản cơ quan gửi tự sửa",
    "draft": "Bản dự thảo",
    "narrative": "Báo cáo bằng văn bản",
    "pdf": "Kèm bản PDF",
}
_BATCH_STATUS = {"committed": "Đã ghi vào sổ", "rolled_back": "Đã hoàn tác"}
# Fields whose stored codes read as the product's labels.
_VALUE_LABELS: dict[str, dict[str, str]] = {
    "stage": STAGE_LABELS,
    "reached": STAGE_LABELS,
    "gender": GENDERS,
    "group_code": {**GROUPS, **SUBGROUPS},
    "group": {**GROUPS, **SUBGROUPS},
    "subgroup": SUBGROUPS,
    "role": ROLES,
    "level": AREA_LEVELS,
    "party_org": PARTY_ORG_KINDS,
    "exit_reason": EXIT_REASONS,
    "reason": EXIT_REASONS,
    "status": _BATCH_STATUS,
}
_KIND_LABELS = {
    "unit": UNIT_KINDS,
    "cell": CELL_KINDS,
    "holiday": HOLIDAY_KINDS,
    "dossier_item": DOSSIER_LABELS,
    "introducer": INTRODUCER_KINDS,
}
_ID_LISTS = ("id", "batches", "recorded", "refused", "import_files_dropped")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def entity_label(code: str) -> str:
    return ENTITY_LABELS.get(code, code)


def _field_label(path: tuple[str, ...]) -> str:
    return " – ".join(FIELD_LABELS.get(part, part) for part in path)


def _text(entity: str, name: str, value: Any) -> str:
    """A stored JSON value as a person reads it."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, list):
        if name == "fields":
            return ", ".join(FIELD_LABELS.get(str(item), str(item)) for item in value)
        return ", ".join(_text(entity, name, item) for item in value)
    if isinstance(value, int) and (name.endswith("_id") or name in _ID_LISTS):
        return f"#{value}"
    if isinstance(value, str):
        if name == "kind":
            return _KIND_LABELS.get(entity, UNIT_KINDS).get(value, value)
        if name == "ethnicity":
            return ethnicity_names().get(value, value)
        if name == "subgroups":
            return ", ".join(SUBGROUPS.get(code, code) for code in value.split(","))
        labels = _VALUE_LABELS.get(name)
        if labels is not None:
            return labels.get(value, value)
        found = _ISO_DATE.match(value)
        if found:
            return date(*map(int, found.groups())).strftime("%d/%m/%Y")
    return str(value)


def _flat(values: dict[str, Any] | None, path: tuple[str, ...] = ()) -> dict[tuple, Any]:
    """Nested before/after values (a stage entry keeps its event) as one level."""
    out: dict[tuple, Any] = {}
    for key, value in (values or {}).items():
        if isinstance(value, dict):
            out.update(_flat(value, (*path, key)))
        else:
            out[(*path, key)] = value
    return out


def changes(entity: str, before: dict | None, after: dict | None) -> list[Change]:
    """The entry's fields, each with its value before and after, in Vietnamese."""
    old, new = _flat(before), _flat(after)
    paths = list(new) + [p for p in old if p not in new]
    return [
        Change(
            _field_label(path),
            _text(entity, path[-1], old.get(path)),
            _text(entity, path[-1], new.get(path)),
        )
        for path in paths
    ]

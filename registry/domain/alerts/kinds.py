"""The kinds of deadline alert: each kind's label (ALERT_KINDS, in the order every page
lists them), the rule it implements (ALERT_RULES, shown on the pages), and an Alert as
one candidate shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ALERT_KINDS: dict[str, str] = {
    "no_decision": "Quá 60 ngày làm việc chưa có quyết định kết nạp",
    "no_ceremony": "Quá 30 ngày làm việc chưa tổ chức lễ kết nạp",
    "probation_ending": "Sắp hết thời gian dự bị, cần xét công nhận chính thức",
    "recognition_overdue": "Quá hạn xét công nhận đảng viên chính thức",
    "recognition_decision_overdue": (
        "Quá 30 ngày làm việc chưa có quyết định công nhận đảng viên chính thức"
    ),
    "certificate_expiring": "Giấy chứng nhận lớp nhận thức về Đảng sắp hết hoặc đã hết hạn",
    "dossier_incomplete": "Hồ sơ kết nạp chưa đủ hoặc có giấy tờ quá hạn",
    "turning_18": "Học sinh sắp đủ 18 tuổi",
    "stalled": "Không có tiến triển trong 12 tháng",
}

# The rule each kind implements (reference admission_rules.md, DESIGN "Deadline alerts").
ALERT_RULES: dict[str, str] = {
    "no_decision": (
        "QĐ 232 mục 4.3.1: cấp ủy có thẩm quyền quyết định kết nạp trong 60 ngày làm việc "
        "kể từ ngày chi bộ có nghị quyết đề nghị; cảnh báo từ ngày sau ngày cuối của hạn."
    ),
    "no_ceremony": (
        "QĐ 232 mục 4.1: chi bộ tổ chức lễ kết nạp trong 30 ngày làm việc kể từ ngày có "
        "quyết định kết nạp; cảnh báo từ ngày sau ngày cuối của hạn."
    ),
    "probation_ending": (
        "Điều lệ Đảng Điều 5: dự bị 12 tháng kể từ ngày lễ kết nạp; nhắc từ 30 ngày trước "
        "khi hết dự bị để chi bộ chuẩn bị xét công nhận."
    ),
    "recognition_overdue": (
        "QĐ 29 mục 4.3.1: chi bộ xét công nhận trong 30 ngày làm việc sau khi hết 12 tháng "
        "dự bị; cảnh báo từ ngày sau ngày cuối của hạn, đến khi chi bộ có nghị quyết."
    ),
    "recognition_decision_overdue": (
        "QĐ 29 mục 4.3.1: cấp ủy có thẩm quyền quyết định công nhận đảng viên chính thức "
        "trong 30 ngày làm việc kể từ ngày chi bộ có nghị quyết đề nghị; cảnh báo từ ngày "
        "sau ngày cuối của hạn."
    ),
    "certificate_expiring": (
        "HD 12-HD/BTCTW: giấy chứng nhận lớp nhận thức về Đảng có giá trị 60 tháng; nhắc "
        "từ 90 ngày trước khi hết hạn nếu chi bộ chưa đề nghị kết nạp."
    ),
    "dossier_incomplete": (
        "HD 01-HD/TW: hồ sơ phải đủ giấy tờ trước khi chi bộ xét; quá 12 tháng mà chi bộ chưa "
        "xét thì làm lại bản giới thiệu, nghị quyết của đoàn thể và các ý kiến nhận xét."
    ),
    "turning_18": (
        "QĐ 232 mục 1.1.1: đủ 18 tuổi (tính theo tháng) khi chi bộ xét; nhắc học sinh sẽ "
        "đủ tuổi trong 3 tháng tới."
    ),
    "stalled": "Theo dõi nguồn: không có bước mới nào trong 12 tháng.",
}


@dataclass(frozen=True)
class Alert:
    code: str
    due_date: date
    message: str

    @property
    def label(self) -> str:
        return ALERT_KINDS[self.code]

    @property
    def rule(self) -> str:
        return ALERT_RULES[self.code]

"""The header labels of candidate lists that name a field exactly.

Aliases (field → "label|label") and parent › child pairs for two-row headers. Headers
no alias names are matched by their words (keywords.py).
"""

from __future__ import annotations

CANDIDATE_ALIAS_TEXT: dict[str, str] = {
    "row_no": "TT|Số TT|Số thứ tự|No",
    "full_name": "Họ tên|Họ và tên học sinh|Họ và tên sinh viên|Họ và tên học viên|"
    "Họ và tên quần chúng|Họ tên quần chúng|Họ và tên quần chúng ưu tú|Tên quần chúng|"
    "Họ và tên người lao động|Họ và tên công nhân|Họ và tên đối tượng|Họ và tên đoàn viên|"
    "Họ và tên khai sinh|Full name|Name",
    "birth_date": "Ngày tháng năm sinh|Ngày, tháng, năm sinh|Ngày/tháng/năm sinh|Sinh ngày|"
    "NTNS|Năm sinh|Ngày sinh (dd/mm/yyyy)|Date of birth|DOB",
    "gender": "Giới|Nam/Nữ|Nam, nữ|Nam hay nữ|Phái|GT",
    "ethnicity": "DT",
    "religion": "TG",
    "id_number": "CCCD|Số CMND/CCCD|Số CCCD/CMND|CMND/CCCD|CCCD/CMND|Số định danh cá nhân|"
    "Số định danh|Mã định danh|Số căn cước|Số căn cước công dân|Căn cước công dân|Căn cước|"
    "Số CMND|CMND|Số chứng minh nhân dân|Số CMND/Căn cước|Số CCCD/Số định danh",
    "hometown": "Quê|Nguyên quán",
    "education": "Trình độ văn hóa|Học vấn|Văn hóa|TĐHV|Trình độ GDPT|"
    "Trình độ giáo dục phổ thông|Trình độ",
    "group": "Nhóm đối tượng|Loại đối tượng|Thành phần",
    "unit_code": "Mã trường|Mã doanh nghiệp|Mã DN|Mã số đơn vị|Mã cơ sở",
    "unit_name": "Tên đơn vị|Trường|Tên trường|Doanh nghiệp|Tên doanh nghiệp|Đơn vị công tác|"
    "Đơn vị học tập|Nơi học tập|Nơi làm việc|Trường/Doanh nghiệp|Đơn vị (trường, doanh nghiệp)|"
    "Cơ sở giáo dục|Công ty|Nơi học tập, làm việc",
    "cell_name": "Tên chi bộ|Chi bộ phụ trách|Chi bộ theo dõi|Chi bộ quản lý",
    "youth_union_date": "Ngày kết nạp Đoàn|Ngày vào Đoàn TNCS Hồ Chí Minh|"
    "Ngày vào Đoàn TNCS HCM|Ngày vào đoàn TN",
    "trade_union": "CĐV|Đoàn viên công đoàn|Công đoàn",
    "trained_date": "Ngày cấp giấy chứng nhận|Ngày cấp GCN|Ngày học lớp nhận thức|"
    "Ngày cấp GCN lớp bồi dưỡng nhận thức về Đảng|Học lớp nhận thức về Đảng|"
    "Ngày học lớp cảm tình Đảng|Lớp cảm tình Đảng|Ngày GCN|Ngày cấp giấy chứng nhận lớp nhận thức",
    "certificate_no": "Số giấy chứng nhận|Số GCN lớp nhận thức|Số hiệu GCN",
    "cell_resolution_date": "Ngày chi bộ đề nghị kết nạp|Ngày NQ chi bộ|"
    "Ngày nghị quyết chi bộ|Chi bộ đề nghị kết nạp|Ngày chi bộ xét|Chi bộ đề nghị",
    "decision_date": "Ngày quyết định kết nạp|Ngày ra quyết định kết nạp|Ngày QĐ",
    "decision_no": "Số quyết định kết nạp|Số QĐ",
    "admitted_date": "Ngày kết nạp Đảng|Ngày kết nạp vào Đảng|Ngày vào Đảng|Ngày lễ kết nạp|"
    "Ngày tổ chức lễ kết nạp|Kết nạp",
    "full_member_date": "Ngày chính thức|Ngày công nhận đảng viên chính thức|"
    "Ngày được công nhận chính thức|Ngày đảng viên chính thức",
    "note": "Ghi chú khác|GC",
    "source_date": "Ngày đưa vào nguồn|Ngày vào nguồn|Ngày vào danh sách|"
    "Ngày đưa vào danh sách nguồn|Ngày đưa vào danh sách",
    "dossier_date": "Ngày hoàn tất hồ sơ|Ngày hoàn thành hồ sơ|Ngày làm hồ sơ",
    "committee_resolution_date": "Ngày đảng ủy đề nghị|Ngày ĐUCS đề nghị|Ngày NQ đảng ủy",
    "class_or_job": "Lớp|Lớp/Công việc|Công việc|Chức vụ|Nghề nghiệp|Vị trí việc làm|"
    "Chức vụ/Công việc|Lớp học|Bộ phận|Lớp, công việc",
    "helpers": "Đảng viên được phân công giúp đỡ|Người giúp đỡ|ĐV giúp đỡ",
    "introducers": "Đảng viên giới thiệu|Người giới thiệu kết nạp",
    "exited_date": "Ngày ra khỏi nguồn|Ngày đưa ra khỏi danh sách",
    "exit_reason": "Lý do ra khỏi danh sách|Lý do đưa ra khỏi danh sách",
    "family_middle": "Họ và đệm|Họ và tên đệm|Họ, tên đệm",
    "middle_name": "Đệm|Chữ đệm",
    "introducer_1_name": "Người giới thiệu 1|Người giới thiệu thứ nhất|Đảng viên giới thiệu 1|"
    "Đảng viên giới thiệu thứ nhất",
    "introducer_2_name": "Người giới thiệu 2|Người giới thiệu thứ hai|Đảng viên giới thiệu 2|"
    "Đảng viên giới thiệu thứ hai",
    "cell_vote": "Biểu quyết của chi bộ|Biểu quyết chi bộ|Kết quả biểu quyết|Số phiếu tán thành|"
    "Chi bộ biểu quyết",
}
# Parent label → child label → field, for two-row headers whose children alone are
# ambiguous ("Nam" under "Ngày sinh" is a birth date, under "Giới tính" a tick).
_BIRTH = (
    "Ngày tháng năm sinh|Ngày sinh|Năm sinh|Sinh ngày",
    {"Nam": "birth_date_male", "Nữ": "birth_date_female"},
)


def _introducer(n: int, ordinal: str) -> tuple[str, dict[str, str]]:
    """ "Người giới thiệu 1" (or "… thứ nhất") over "Họ tên | Ngày giới thiệu | …"."""
    return (
        f"Người giới thiệu {n}|Người giới thiệu thứ {ordinal}|Đảng viên giới thiệu {n}|"
        f"Đảng viên giới thiệu thứ {ordinal}",
        {
            "Họ tên|Họ và tên|Tên": f"introducer_{n}_name",
            "Ngày giới thiệu|Ngày": f"introducer_{n}_date",
            "Ngày vào Đảng chính thức|Ngày chính thức|Ngày trở thành đảng viên chính thức|"
            "Ngày công nhận chính thức": f"introducer_{n}_member_date",
            "Số tháng công tác cùng|Số tháng|Số tháng cùng công tác|"
            "Thời gian công tác cùng (tháng)": f"introducer_{n}_months",
        },
    )


CANDIDATE_COMPOUNDS = (
    _introducer(1, "nhất"),
    _introducer(2, "hai"),
    _BIRTH,
    ("Giới tính|Giới", {"Nam": "gender_male_mark", "Nữ": "gender_female_mark"}),
    (
        "Quyết định kết nạp|QĐ kết nạp|Quyết định|QĐ",
        {
            "Số|Số QĐ|Số, ký hiệu|Số hiệu": "decision_no",
            "Ngày|Ngày ký|Ngày QĐ|Ngày tháng": "decision_date",
        },
    ),
    (
        "Giấy chứng nhận|GCN|Giấy chứng nhận lớp nhận thức|GCN lớp nhận thức|"
        "Lớp nhận thức về Đảng|Lớp bồi dưỡng nhận thức về Đảng|Học lớp nhận thức về Đảng",
        {"Số|Số GCN": "certificate_no", "Ngày cấp|Ngày|Ngày học": "trained_date"},
    ),
    ("Ra khỏi danh sách|Đưa ra khỏi danh sách", {"Ngày": "exited_date", "Lý do": "exit_reason"}),
    ("Đơn vị|Trường|Doanh nghiệp", {"Mã|Mã số": "unit_code", "Tên": "unit_name"}),
)  # fmt: skip

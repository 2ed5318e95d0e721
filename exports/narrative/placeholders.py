"""The placeholders a narrative template may name, and the values one document is filled
with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Placeholder → (what it holds, an example value). The one list the product shows on its
# placeholder page, checks uploaded templates against, and fills.
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "co_quan_chu_quan": ("Cơ quan chủ quản (dòng trên của tiêu đề)", "UBND TỈNH LÀO CAI"),
    "co_quan_ban_hanh": ("Cơ quan ban hành báo cáo", "SỞ NỘI VỤ"),
    "so_ky_hieu": ("Số và ký hiệu văn bản, theo thể thức", "Số:      /BC-SNV"),
    "quoc_hieu": (
        "Quốc hiệu, hoặc tên Đảng với văn bản của Đảng",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    ),
    "tieu_ngu": ("Tiêu ngữ (để trống với văn bản của Đảng)", "Độc lập - Tự do - Hạnh phúc"),
    "noi_ban_hanh": ("Địa danh nơi ban hành", "Lào Cai"),
    "ngay": ("Ngày lập báo cáo", "05"),
    "thang": ("Tháng lập báo cáo", "01"),
    "nam": ("Năm lập báo cáo", "2026"),
    "tieu_de": ("Tên báo cáo", "Kết quả công tác phát triển đảng viên trong học sinh, …"),
    "ky_bao_cao": ("Kỳ báo cáo", "Năm 2025 (từ ngày 01/01/2025 đến ngày 31/12/2025)"),
    "dia_ban": ("Địa bàn báo cáo", "Tỉnh Lào Cai"),
    "doi_tuong": ("Đối tượng báo cáo", "học sinh, sinh viên và công nhân lao động"),
    "kinh_gui": ("Nơi nhận chính (Kính gửi)", "Ủy ban nhân dân tỉnh"),
    "ket_nap": ("Số được kết nạp trong kỳ", "1.234"),
    "chi_tieu": ("Chỉ tiêu kết nạp của kỳ (để trống khi chưa giao)", "1.500"),
    "ty_le_chi_tieu": ("Tỷ lệ so với chỉ tiêu", "82,3%"),
    "nu": ("Trong số kết nạp: nữ", "640"),
    "dan_toc_thieu_so": ("Trong số kết nạp: người dân tộc thiểu số", "412"),
    "ton_giao": ("Trong số kết nạp: người có đạo", "12"),
    "hoc_sinh_sinh_vien": ("Kết nạp trong học sinh, sinh viên", "800"),
    "hoc_sinh_thpt": ("… trong đó học sinh THPT", "420"),
    "gdnn_gdtx": ("… trong đó học viên GDNN-GDTX", "180"),
    "sinh_vien": ("… trong đó sinh viên cao đẳng, đại học", "200"),
    "cong_nhan": ("Kết nạp trong công nhân, người lao động", "434"),
    "theo_loai_hinh": (
        "Kết nạp công nhân theo loại hình doanh nghiệp (đoạn văn)",
        "công ty TNHH 210, công ty cổ phần 150, doanh nghiệp FDI 74",
    ),
    "hoc_lop": ("Số được cấp giấy chứng nhận lớp nhận thức về Đảng trong kỳ", "2.100"),
    "de_nghi": ("Số được chi bộ đề nghị kết nạp trong kỳ", "1.300"),
    "quyet_dinh": ("Số có quyết định kết nạp trong kỳ", "1.250"),
    "dang_theo_doi": ("Số quần chúng đang theo dõi cuối kỳ", "5.600"),
    "cung_ky": ("Kết nạp cùng kỳ năm trước", "1.100"),
    "so_voi_cung_ky": ("So với cùng kỳ năm trước", "tăng 134 người (12,2%)"),
    "vuot_chi_tieu": ("Các địa bàn đạt hoặc vượt chỉ tiêu", "Phường Lào Cai, Xã Bảo Yên"),
    "chua_dat_chi_tieu": ("Các địa bàn chưa đạt chỉ tiêu", "Xã Bắc Hà"),
    "dn_hoat_dong": ("Doanh nghiệp ngoài nhà nước đang hoạt động (Chỉ thị 33)", "1.020"),
    "dn_co_to_chuc_dang": ("… trong đó có tổ chức đảng", "96"),
    "dang_vien_trong_dn": ("Đảng viên làm việc trong các doanh nghiệp đó", "1.480"),
    "lao_dong_dn": ("Số lao động của các doanh nghiệp đang hoạt động", "45.300"),
    "bang": (
        "Bảng theo địa bàn: mỗi dòng có stt, ten, chi_tieu, ket_nap, ty_le, cung_ky",
        "{%tr for dong in bang %} … {{ dong.ten }} … {%tr endfor %}",
    ),
    "bieu_do": ("Biểu đồ kết nạp theo địa bàn, kỳ này và cùng kỳ năm trước", "(hình)"),
    "noi_nhan": ("Nơi nhận, mỗi dòng một nơi", "Như trên; Lưu: VT"),
    "chuc_vu_nguoi_ky": ("Quyền hạn, chức vụ người ký", "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC"),
    "nguoi_ky": ("Họ tên người ký", "Trần Văn Ký"),
    "nguoi_lap": ("Họ tên người lập", "Nguyễn Thị Lập"),
}
ROW_FIELDS = ("stt", "ten", "chi_tieu", "ket_nap", "ty_le", "cung_ky")


@dataclass(frozen=True)
class NarrativeContext:
    """The values of every placeholder (text, already formatted), the table rows and the
    chart picture (PNG bytes, or None when there is nothing to draw)."""

    values: Mapping[str, str]
    rows: tuple[Mapping[str, str], ...]
    chart_png: bytes | None = None

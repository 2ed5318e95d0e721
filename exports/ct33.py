"""`ct33`: Chỉ thị 33-CT/TW figures per area and enterprise kind."""

from __future__ import annotations

from io import BytesIO

from exports.data import Ct33Row, GroupedReport
from exports.layout import Col
from exports.tables import build_grouped, count, derived, share

_ORG_KINDS = ("with_chi_bo_co_so", "with_dang_bo_co_so", "with_chi_bo_truc_thuoc")


def _with_org(f) -> int:
    return sum(f[key] for key in _ORG_KINDS)


# Units per column group: enterprises, a percentage, people (DN: doanh nghiệp).
DN, PEOPLE = "doanh nghiệp", "người"

CT33_COLUMNS = (
    Col("STT", width=6),
    Col("Địa bàn, loại hình doanh nghiệp", width=30),
    count("Số doanh nghiệp đang hoạt động", "operating", width=12, unit=DN),
    Col(
        "Doanh nghiệp có tổ chức đảng",
        children=(
            derived("Tổng số", _with_org, number="(4)=(5)+(6)+(7)", unit=DN),
            Col(
                "Chia ra",
                children=(
                    count("Chi bộ cơ sở", "with_chi_bo_co_so", unit=DN),
                    count("Đảng bộ cơ sở", "with_dang_bo_co_so", unit=DN),
                    count("Chi bộ trực thuộc", "with_chi_bo_truc_thuoc", unit=DN),
                ),
            ),
        ),
    ),
    derived(
        "Tỷ lệ % doanh nghiệp có tổ chức đảng",
        lambda f: share(_with_org(f), f["operating"]),
        number="(8)=(4)/(3)",
        percent=True,
        unit="%",
    ),
    Col(
        "Đảng viên",
        children=(
            count("Số đảng viên làm việc trong doanh nghiệp", "members", width=12, unit=PEOPLE),
            count(
                "Trong đó: sinh hoạt tại doanh nghiệp", "members_held_here", width=12, unit=PEOPLE
            ),
            count(
                "Chủ doanh nghiệp, giám đốc là đảng viên", "owner_members", width=12, unit=PEOPLE
            ),
            count("Kết nạp mới trong kỳ", "admitted", unit=PEOPLE),
            count(
                "Đảng viên làm việc ở doanh nghiệp chưa có tổ chức đảng",
                "members_without_org",
                width=13,
                unit=PEOPLE,
            ),
        ),
    ),
    Col(
        "Công đoàn",
        children=(
            count("Số doanh nghiệp có công đoàn", "with_trade_union", unit=DN),
            count("Số đoàn viên công đoàn", "trade_union_members", unit=PEOPLE),
        ),
    ),
    Col(
        "Đoàn TNCS Hồ Chí Minh",
        children=(
            count("Số doanh nghiệp có tổ chức Đoàn", "with_youth_union", unit=DN),
            count("Số đoàn viên", "youth_union_members", unit=PEOPLE),
        ),
    ),
    count("Số lao động trong các doanh nghiệp đang hoạt động", "workers", width=13, unit=PEOPLE),
)


def build_ct33(report: GroupedReport[Ct33Row]) -> BytesIO:
    """Chỉ thị 33 report: one line per enterprise kind within each area."""
    return build_grouped(report, row_type=Ct33Row, cols=CT33_COLUMNS, sheet="Chỉ thị 33")

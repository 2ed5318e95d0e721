"""The home page's charts and their tables (registry/services/dashboard.py has the queries)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from registry.main.charts import bar_chart, pie_chart
from registry.models import User
from registry.services import dashboard


def dashboard_context(
    session: Session, user: User, today: date, stages: list[tuple[str, str, int]]
) -> dict:
    """Template values for the charts, each chart with the numbers it draws."""
    progress = dashboard.admissions_by_area(session, user, today)
    months = dashboard.admissions_by_month(session, user, today)
    enterprises = dashboard.enterprises_by_party_org(session, user, today)
    return {
        "stage_chart": bar_chart(
            "Quần chúng theo giai đoạn",
            [label for _code, label, _n in stages],
            [("Số người", [n for _code, _label, n in stages])],
            horizontal=True,
        ),
        "progress": progress,
        "progress_chart": bar_chart(
            f"Kết nạp năm {today.year} so với chỉ tiêu",
            [p.area.name for p in progress],
            [
                ("Đã kết nạp", [p.admitted for p in progress]),
                ("Chỉ tiêu", [p.target for p in progress]),
            ],
        )
        if progress
        else None,
        "months": months,
        "months_chart": bar_chart(
            "Kết nạp theo tháng (12 tháng gần nhất)",
            [label for label, _n in months],
            [("Số người được kết nạp", [n for _label, n in months])],
        ),
        "enterprises": enterprises,
        "enterprise_chart": pie_chart(
            "Doanh nghiệp theo tổ chức đảng (phiếu khảo sát mới nhất)",
            [
                ("Có tổ chức đảng", enterprises.with_party),
                ("Chưa có tổ chức đảng", enterprises.without_party),
                ("Chưa có phiếu khảo sát", enterprises.not_surveyed),
            ],
        )
        if enterprises.total
        else None,
    }

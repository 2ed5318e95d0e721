"""Reports as they were submitted for a period."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.extensions import Model
from registry.models._types import utcnow


class SubmittedReport(Model):
    """A report as it was submitted for a period: its workbook and figures."""

    __tablename__ = "submitted_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    report: Mapped[str] = mapped_column(String(20))
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    group_code: Mapped[str | None] = mapped_column(String(10))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    workbook: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Set when an event inside the period changed after submission.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)

"""Reporting rounds (đợt báo cáo): what an organisation asks for, and what is sent back."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.domain.rounds import DOCUMENT_KINDS, STEP_ACTIONS, SUBMISSION_STATES
from registry.extensions import Model
from registry.models._types import one_of, utcnow

if TYPE_CHECKING:
    from registry.models.accounts import User
    from registry.models.areas import Area
    from registry.models.organisations import Organisation


class ReportingRound(Model):
    """A period, the reports asked for it, who must report, and by when.

    `reports` holds the report codes, comma-separated in REPORTS order. The organisation
    that opens a round receives its submissions and reviews them (DESIGN "Reporting
    rounds").
    """

    __tablename__ = "reporting_round"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids are named in links and the audit

    id: Mapped[int] = mapped_column(primary_key=True)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    period_label: Mapped[str] = mapped_column(String(120), default="")
    reports: Mapped[str] = mapped_column(String(120))
    deadline: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    reporters: Mapped[list[RoundReporter]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundReporter.id"
    )

    @property
    def report_codes(self) -> tuple[str, ...]:
        return tuple(code for code in self.reports.split(",") if code)


class RoundReporter(Model):
    """An organisation that must report in a round."""

    __tablename__ = "round_reporter"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("reporting_round.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)

    round: Mapped[ReportingRound] = relationship(back_populates="reporters")
    organisation: Mapped[Organisation] = relationship()


class Submission(Model):
    """One sending of an organisation's reports for a round, kept as sent.

    A returned submission stays as it was; the corrected one is a new row. `area_id` and
    `kinds` (unit kinds, comma-separated) are what the reports covered: while the
    submission is approved, stage events of those units dated in the round's period are
    locked (registry.services.rounds.locks).
    """

    __tablename__ = "submission"
    __table_args__ = (
        one_of("state", SUBMISSION_STATES, name="submission_state"),
        Index("ix_submission_round_org", "round_id", "organisation_id"),
        Index("ix_submission_state", "state"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("reporting_round.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    state: Mapped[str] = mapped_column(String(12), default="submitted")
    comment: Mapped[str] = mapped_column(Text, default="")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    kinds: Mapped[str] = mapped_column(String(200), default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")  # of a return, or of an unlock
    # Why the narrative report went without its PDF (LibreOffice missing, too slow…).
    pdf_missing: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[ReportingRound] = relationship()
    organisation: Mapped[Organisation] = relationship()
    area: Mapped[Area | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reports: Mapped[list[SubmissionReport]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        order_by="SubmissionReport.id",
    )
    documents: Mapped[list[SubmissionDocument]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        order_by="SubmissionDocument.id",
    )
    steps: Mapped[list[SubmissionStep]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        order_by="SubmissionStep.id",
    )

    @property
    def kind_codes(self) -> tuple[str, ...]:
        return tuple(code for code in self.kinds.split(",") if code)

    def document(self, kind: str) -> SubmissionDocument | None:
        return next((d for d in self.documents if d.kind == kind), None)


class SubmissionReport(Model):
    """One report of a submission: its workbook and figures exactly as sent."""

    __tablename__ = "submission_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    report: Mapped[str] = mapped_column(String(20))
    workbook: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)

    submission: Mapped[Submission] = relationship(back_populates="reports")


class SubmissionDocument(Model):
    """The narrative report of a submission (.docx) or its PDF, exactly as sent.

    `edited` marks a .docx the sender uploaded in place of the one the registry rendered
    (its `filename` as uploaded); the PDF is printed from whichever was sent.
    """

    __tablename__ = "submission_document"
    __table_args__ = (
        one_of("kind", DOCUMENT_KINDS, name="submission_document_kind"),
        UniqueConstraint("submission_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    filename: Mapped[str] = mapped_column(String(255), default="")
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    submission: Mapped[Submission] = relationship(back_populates="documents")


class SubmissionStep(Model):
    """A step of a submission's history: sent, returned (with the reason), approved,
    superseded by an admin's unlock (with the reason)."""

    __tablename__ = "submission_step"
    __table_args__ = (one_of("action", STEP_ACTIONS, name="submission_step_action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[Submission] = relationship(back_populates="steps")

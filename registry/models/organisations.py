"""The bodies users work for, and what their documents print about them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, DateTime, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.domain.vocabulary import DOCUMENT_STYLES
from registry.extensions import Model
from registry.models._types import one_of, utcnow

if TYPE_CHECKING:
    from registry.models.areas import Area


class Organisation(Model):
    """Sở Nội vụ, Sở GD&ĐT, Sở Tài chính, Ban Tổ chức Tỉnh ủy, an Đảng ủy, a UBND
    xã/phường…: a user belongs to one, and every report they download carries its
    header lines, place, signer and document style (DESIGN "Organisation").

    `area` is the area it serves (the province for a department, the commune for a
    commune's bodies); `subgroups` the subgroups it follows, comma-separated (empty:
    all). Both are what a new account of the organisation is given by default; an
    account's own scope stays on the account, where scoping reads it.
    """

    __tablename__ = "organisation"
    __table_args__ = (one_of("style", DOCUMENT_STYLES, name="organisation_style"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    style: Mapped[str] = mapped_column(String(10), default="state")
    # The body's mark after the document kind: "Số: 15/BC-SNV" (state), "Số 15-BC/BTCTU"
    # (party).
    issuer_code: Mapped[str] = mapped_column(String(30), default="")
    # The header block above the title, one line per body, the issuing body last.
    issuing_body: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(120), default="")
    signer_title: Mapped[str] = mapped_column(Text, default="")
    signer_name: Mapped[str] = mapped_column(String(120), default="")
    preparer_name: Mapped[str] = mapped_column(String(120), default="")
    form_code: Mapped[str] = mapped_column(String(60), default="")
    # The narrative report's "Kính gửi" and "Nơi nhận" (one per line).
    addressee: Mapped[str] = mapped_column(Text, default="", server_default="")
    recipients: Mapped[str] = mapped_column(Text, default="", server_default="")
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    subgroups: Mapped[str] = mapped_column(String(60), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Whether it opens reporting rounds; None: the default, province-level bodies do.
    opens_rounds: Mapped[bool | None] = mapped_column(Boolean)
    # Where reminders of its reporting rounds go (only when a mail server is configured).
    email: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    area: Mapped[Area | None] = relationship()

    @property
    def subgroup_codes(self) -> tuple[str, ...]:
        return tuple(code for code in self.subgroups.split(",") if code)

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"


class ReportTemplate(Model):
    """An organisation's own Word template of a document (today: the narrative report),
    replacing the default one; only a template that passed the check is stored."""

    __tablename__ = "report_template"
    __table_args__ = (UniqueConstraint("organisation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    kind: Mapped[str] = mapped_column(String(20), default="narrative")
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

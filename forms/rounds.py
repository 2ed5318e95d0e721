"""Reporting-round forms: open a round, send the reports, return one with a reason,
unlock an approved one. The organisations offered are set by the view."""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField
from wtforms import SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Optional

from forms.base import REQUIRED, BaseForm, MaxLength
from forms.fields import VNCheckboxesField, VNDateField, VNSelectField
from forms.reports import PeriodForm
from registry.domain.periods import PRESETS
from registry.domain.report_kinds import SUBMITTABLE
from registry.services.reports.workbooks import REPORTS


class RoundForm(PeriodForm):
    """A round: the period (the download's own fields), what is asked, of whom, by when."""

    preset = VNSelectField("Kỳ báo cáo", choices=list(PRESETS.items()), default="nd09_half")
    reports = VNCheckboxesField(
        "Báo cáo yêu cầu", choices=[(code, REPORTS[code]) for code in SUBMITTABLE]
    )
    reporters = VNCheckboxesField("Cơ quan, tổ chức phải báo cáo", coerce=int)
    deadline = VNDateField("Hạn nộp", validators=[DataRequired(REQUIRED)])
    note = TextAreaField("Ghi chú", validators=[Optional(), MaxLength(2000)])
    submit = SubmitField("Mở đợt báo cáo")

    def validate_date_from(self, field) -> None:
        """One message for a missing pair of dates, under «Đến ngày» (not one under each)."""

    def validate_date_to(self, field) -> None:
        if self.preset.data != "custom":
            return
        if field.data is None or self.date_from.data is None:
            raise ValidationError("Hãy nhập cả “Từ ngày” và “Đến ngày”.")
        if self.date_from.data > field.data:
            raise ValidationError("“Đến ngày” phải sau hoặc trùng “Từ ngày”.")

    def validate_reports(self, field) -> None:
        if not field.data:
            raise ValidationError("Hãy chọn ít nhất một báo cáo.")

    def validate_reporters(self, field) -> None:
        if not field.data:
            raise ValidationError("Hãy chọn ít nhất một cơ quan, tổ chức phải báo cáo.")


class SendForm(BaseForm):
    comment = TextAreaField("Ý kiến kèm theo (nếu có)", validators=[Optional(), MaxLength(2000)])
    # Empty: the registry renders the narrative report; else the sender's edited copy.
    narrative = FileField(
        "Báo cáo bằng văn bản đã sửa (.docx, nếu có)",
        validators=[FileAllowed(["docx"], "Báo cáo bằng văn bản phải là tệp Word .docx.")],
    )
    submit = SubmitField("Nộp báo cáo")


class ReturnForm(BaseForm):
    reason = TextAreaField(
        "Lý do trả lại", validators=[DataRequired("Hãy ghi lý do trả lại."), MaxLength(2000)]
    )
    submit = SubmitField("Trả lại")


class ApproveForm(BaseForm):
    submit = SubmitField("Duyệt")


class UnlockForm(BaseForm):
    reason = TextAreaField(
        "Lý do mở khóa", validators=[DataRequired("Hãy ghi lý do mở khóa."), MaxLength(2000)]
    )
    submit = SubmitField("Mở khóa số liệu")


__all__ = ["ApproveForm", "ReturnForm", "RoundForm", "SendForm", "UnlockForm"]

"""Report forms: what to download (report, period, area, group) and the header settings.

Choices that depend on the user (areas in scope) are set by the view; these forms only
check shape and format.
"""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, NumberRange, Optional

from forms.base import REQUIRED, BaseForm, MaxLength
from forms.fields import VNDateField, VNIntegerField, VNSelectField, optional_id
from registry.domain.periods import MAX_YEAR, MIN_YEAR, PRESETS, ROMAN_QUARTERS
from registry.domain.report_kinds import GROUP_CHOICES, REPORT_GROUPS
from registry.domain.textutil import clean_text
from registry.domain.vocabulary import STAGE_LABELS
from registry.services.reports.headings import STYLES
from registry.services.reports.workbooks import REPORTS


class LinesField(TextAreaField):
    """A text area whose lines are kept (BaseForm collapses the spaces of TextAreaField);
    each line is cleaned on its own."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        lines = (clean_text(line) for line in (self.data or "").splitlines())
        self.data = "\n".join(line for line in lines if line)


QUARTERS = [(str(i), f"Quý {roman}") for i, roman in enumerate(ROMAN_QUARTERS, 1)]


class PeriodForm(BaseForm):
    """The period of a download: a preset (with its year or quarter) or from–to."""

    preset = VNSelectField("Kỳ báo cáo", choices=list(PRESETS.items()), default="year")
    year = VNIntegerField(
        "Năm (năm học: năm bắt đầu)",
        validators=[
            Optional(),
            NumberRange(MIN_YEAR, MAX_YEAR, f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}."),
        ],
    )
    quarter = VNSelectField("Quý", choices=QUARTERS, default="1")
    date_from = VNDateField("Từ ngày")
    date_to = VNDateField("Đến ngày")

    def validate_year(self, field) -> None:
        if self.preset.data != "custom" and field.data is None:
            raise ValidationError("Hãy nhập năm.")

    def validate_date_from(self, field) -> None:
        if self.preset.data == "custom" and field.data is None and not field.errors:
            raise ValidationError(REQUIRED)

    def validate_date_to(self, field) -> None:
        if self.preset.data != "custom":
            return
        if field.data is None:
            if not field.errors:
                raise ValidationError(REQUIRED)
            return
        if self.date_from.data and self.date_from.data > field.data:
            raise ValidationError("“Đến ngày” phải sau hoặc trùng “Từ ngày”.")


class ReportForm(PeriodForm):
    report = VNSelectField("Báo cáo", choices=list(REPORTS.items()), default="students")
    area_id = VNSelectField("Địa bàn", coerce=optional_id)
    group = VNSelectField("Đối tượng", choices=[("", "Tất cả"), *GROUP_CHOICES.items()], default="")
    reached = VNSelectField(
        "Danh sách chi tiết: đạt bước trong kỳ",
        choices=[("", "— Không lọc (mọi quần chúng) —"), *STAGE_LABELS.items()],
        default="",
    )
    download = SubmitField("Tải báo cáo")
    pdf = SubmitField("Tải PDF")
    send = SubmitField("Nộp báo cáo kỳ này")

    def validate_group(self, field) -> None:
        if field.data and field.data not in REPORT_GROUPS.get(self.report.data, ()):
            label = GROUP_CHOICES.get(field.data, field.data)
            raise ValidationError(f"Báo cáo này không lập cho đối tượng “{label}”.")

    def validate_reached(self, field) -> None:
        if field.data and self.report.data != "candidates":
            raise ValidationError("Chỉ danh sách chi tiết mới lọc theo bước đạt trong kỳ.")


class RegisterForm(PeriodForm):
    """A party cell's register: which cell (the view sets the cells in scope) and period."""

    cell_id = VNSelectField("Chi bộ", coerce=optional_id)
    download = SubmitField("Tải sổ theo dõi")


class ReportSettingsForm(BaseForm):
    issuing_body = LinesField(
        "Cơ quan chủ quản và cơ quan ban hành (mỗi dòng một cấp, cơ quan ban hành ở dòng cuối)",
        validators=[DataRequired(REQUIRED), MaxLength(400)],
        render_kw={"rows": 3},
    )
    place = StringField(
        "Địa danh ghi ngày tháng", validators=[DataRequired(REQUIRED), MaxLength(100)]
    )
    style = VNSelectField("Thể thức", choices=list(STYLES.items()), default="state")
    form_code = StringField("Ký hiệu biểu (nếu có)", validators=[Optional(), MaxLength(60)])
    issuer_code = StringField(
        "Chữ viết tắt tên cơ quan trong số văn bản", validators=[Optional(), MaxLength(30)]
    )
    signer_title = LinesField(
        "Chức vụ người ký (ví dụ: KT. GIÁM ĐỐC, xuống dòng, PHÓ GIÁM ĐỐC)",
        validators=[Optional(), MaxLength(200)],
        render_kw={"rows": 2},
    )
    signer_name = StringField("Họ tên người ký", validators=[Optional(), MaxLength(120)])
    preparer_name = StringField("Họ tên người lập biểu", validators=[Optional(), MaxLength(120)])
    addressee = StringField(
        "Kính gửi (báo cáo bằng văn bản)", validators=[Optional(), MaxLength(500)]
    )
    recipients = LinesField("Nơi nhận (mỗi dòng một nơi)", validators=[Optional(), MaxLength(2000)])
    submit = SubmitField("Lưu cài đặt")

    def validate_issuing_body(self, field) -> None:
        lines = [line for line in (field.data or "").splitlines() if line.strip()]
        if len(lines) > 4:
            raise ValidationError("Tối đa 4 dòng.")


__all__ = [
    "QUARTERS",
    "LinesField",
    "PeriodForm",
    "RegisterForm",
    "ReportForm",
    "ReportSettingsForm",
    "TemplateUploadForm",
]


class TemplateUploadForm(BaseForm):
    file = FileField(
        "Mẫu Word (.docx)",
        validators=[
            FileRequired("Hãy chọn tệp mẫu (.docx) để tải lên."),
            FileAllowed(["docx"], "Mẫu phải là tệp Word .docx."),
        ],
    )
    upload = SubmitField("Tải mẫu lên")

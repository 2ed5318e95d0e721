"""Candidate and stage forms: shape and format only; choices in scope come from the view."""

from __future__ import annotations

import re
from datetime import date

from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import TextInput

from forms.base import REQUIRED, BaseForm
from registry.domain import EXIT_REASONS, GENDERS, STAGE_LABELS, SUBGROUPS
from registry.importing.normalise import CMND, Invalid, check_cccd, parse_id_number
from registry.refdata import ethnicity_code, religions
from registry.textutil import clean_text
from registry.workdays import fmt_date, today_vn

_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
DATE_HELP = "dd/mm/yyyy"
NOT_A_DATE = "Ngày không hợp lệ: hãy ghi dạng ngày/tháng/năm, ví dụ 05/09/2024."


def parse_vn_date(text: str) -> date:
    """dd/mm/yyyy or d/m/yyyy (also with - or .), or ISO yyyy-mm-dd; ValueError otherwise."""
    text = text.strip()
    found = _DMY.fullmatch(text)
    if found:
        day, month, year = int(found[1]), int(found[2]), int(found[3])
    else:
        found = _ISO.fullmatch(text)
        if not found:
            raise ValueError(text)
        year, month, day = int(found[1]), int(found[2]), int(found[3])
    return date(year, month, day)


class VnDateField(Field):
    """A date typed the Vietnamese way (day first); shown back exactly as it was typed."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": DATE_HELP, "inputmode": "numeric", "autocomplete": "off"}
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return fmt_date(self.data) if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "") or ""
        if not text.strip():
            self.data = None
            return
        try:
            self.data = parse_vn_date(text)
        except ValueError:
            self.data = None
            raise ValueError(NOT_A_DATE) from None


class LinesField(TextAreaField):
    """A text area whose line breaks are kept (BaseForm's cleaning joins lines)."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        lines = (clean_text(line) for line in (self.data or "").splitlines())
        self.data = "\n".join(line for line in lines if line)


def not_in_future(form, field) -> None:
    if field.data is not None and field.data > today_vn():
        raise ValidationError(f"Ngày không được ở tương lai (hôm nay là {fmt_date(today_vn())}).")


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def religion_choices() -> list[SelectChoice]:
    return options([("", "— Chưa ghi —"), *((r.code, r.name) for r in religions())])


class CandidateForm(BaseForm):
    full_name = StringField(
        "Họ và tên",
        validators=[DataRequired(REQUIRED), Length(max=120)],
        render_kw={"autofocus": True},
    )
    gender = RadioField(
        "Giới tính", choices=options(GENDERS.items()), validators=[InputRequired(REQUIRED)]
    )
    birth_date = VnDateField("Ngày sinh", validators=[InputRequired(REQUIRED), not_in_future])
    ethnicity = StringField(
        "Dân tộc",
        validators=[Optional(), Length(max=60)],
        default="Kinh",
        render_kw={"list": "ethnicity-list", "autocomplete": "off"},
    )
    religion = SelectField("Tôn giáo", choices=religion_choices(), validate_choice=False)
    id_number = StringField(
        "Số CCCD (hoặc CMND cũ)",
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    hometown = StringField("Quê quán", validators=[Optional(), Length(max=255)])
    education = StringField(
        "Trình độ học vấn",
        validators=[Optional(), Length(max=20)],
        render_kw={"placeholder": "12/12"},
    )
    unit_id = SelectField("Đơn vị (trường, doanh nghiệp)", coerce=int, validate_choice=False)
    cell_id = SelectField("Chi bộ", coerce=int, validate_choice=False)
    subgroup = SelectField(
        "Đối tượng",
        choices=options([("", "— Theo loại hình đơn vị —"), *SUBGROUPS.items()]),
        validators=[Optional()],
    )
    class_or_job = StringField("Lớp / Công việc", validators=[Optional(), Length(max=120)])
    youth_union_date = VnDateField("Ngày vào Đoàn", validators=[Optional(), not_in_future])
    trade_union = BooleanField("Là công đoàn viên")
    helpers = StringField("Đảng viên giúp đỡ", validators=[Optional(), Length(max=255)])
    introducers = LinesField(
        "Người giới thiệu (mỗi người một dòng)",
        # Stored joined by "; " in 255 characters.
        validators=[Optional(), Length(max=240)],
        render_kw={"rows": 2},
    )
    note = TextAreaField(
        "Ghi chú", validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    submit = SubmitField("Lưu")

    # Set by validation: the GSO code of the ethnicity typed, and a warning for a CMND.
    ethnicity_code: str | None = None
    id_number_warning: str | None = None

    def validate_ethnicity(self, field) -> None:
        self.ethnicity_code = None
        if not field.data:
            return
        code = ethnicity_code(field.data)
        if code is None or field.data.isdigit():
            raise ValidationError(
                "Không có dân tộc này trong danh mục: chọn trong danh sách (ví dụ Kinh, Tày, Mông)."
            )
        self.ethnicity_code = code

    def validate_id_number(self, field) -> None:
        self.id_number_warning = None
        if not field.data:
            return
        try:
            digits, kind = parse_id_number(field.data)
            if kind == CMND:
                self.id_number_warning = (
                    "Số CMND 9 chữ số đã hết giá trị từ năm 2025; vẫn lưu để đối chiếu danh "
                    "sách cũ, hãy cập nhật số CCCD khi có."
                )
            else:
                check_cccd(digits, self.birth_date.data, self.gender.data or None)
        except Invalid as error:
            raise ValidationError(f"Số CCCD không hợp lệ: {error.detail}.") from None
        field.data = digits

    def validate_unit_id(self, field) -> None:
        if not field.data:
            raise ValidationError("Hãy chọn đơn vị.")


class NewCandidateForm(CandidateForm):
    source_date = VnDateField(
        "Ngày vào danh sách nguồn",
        validators=[InputRequired(REQUIRED), not_in_future],
        default=today_vn,
    )


def _reason_choices() -> list[SelectChoice]:
    return options([("", "— Chọn lý do —"), *EXIT_REASONS.items()])


class StageForm(BaseForm):
    """Record the next stage; the view sets the stage choices to those allowed now."""

    # Choices list the stages allowed now; a stale page posting another one gets the
    # rule's own explanation from the stage service rather than a bare "invalid choice".
    stage = SelectField("Bước", validators=[DataRequired("Hãy chọn bước.")], validate_choice=False)
    event_date = VnDateField("Ngày", validators=[InputRequired(REQUIRED)], default=today_vn)
    document_no = StringField(
        "Số văn bản (giấy chứng nhận, nghị quyết, quyết định)",
        validators=[Optional(), Length(max=60)],
    )
    reason = SelectField(
        "Lý do ra khỏi danh sách", choices=_reason_choices(), validators=[Optional()]
    )
    note = TextAreaField(
        "Ghi chú", validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    submit = SubmitField("Ghi nhận")

    def validate_stage(self, field) -> None:
        if field.data not in STAGE_LABELS:
            raise ValidationError("Bước không hợp lệ.")

    def validate_reason(self, field) -> None:
        if self.stage.data == "exited" and not field.data:
            raise ValidationError("Hãy chọn lý do ra khỏi danh sách.")

    def set_stages(self, stages: list[str]) -> None:
        # Leaving the list is never preselected: an unwary click must not take someone off it.
        self.stage.choices = options(
            [("", "— Chọn bước —"), *((s, STAGE_LABELS[s]) for s in stages)]
        )
        forward = [s for s in stages if s != "exited"]
        if not self.is_submitted() and forward:
            self.stage.data = forward[0]


class CorrectEventForm(BaseForm):
    event_date = VnDateField("Ngày", validators=[InputRequired(REQUIRED)])
    document_no = StringField("Số văn bản", validators=[Optional(), Length(max=60)])
    note = TextAreaField(
        "Ghi chú", validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    submit = SubmitField("Lưu sửa đổi")


class UndoForm(BaseForm):
    submit = SubmitField("Hoàn tác sự kiện cuối")

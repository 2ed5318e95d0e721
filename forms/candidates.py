"""Candidate and stage forms: shape and format only; choices in scope come from the view."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    StopValidation,
    ValidationError,
)

from forms.base import REQUIRED, BaseForm, MaxLength
from forms.fields import SelectChoice, VNDateField
from registry.domain.identity import CMND, IdNumberError, read_id_number
from registry.domain.refdata import ethnicity_code, religions
from registry.domain.textutil import clean_text
from registry.domain.vocabulary import EXIT_REASONS, GENDERS, STAGE_LABELS, SUBGROUPS
from registry.domain.workdays import fmt_date, today_vn


class LinesField(TextAreaField):
    """A text area whose line breaks are kept (BaseForm's cleaning joins lines)."""

    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        lines = (clean_text(line) for line in (self.data or "").splitlines())
        self.data = "\n".join(line for line in lines if line)


def not_in_future(form, field) -> None:
    if field.data is not None and field.data > today_vn():
        raise ValidationError(f"Ngày không được ở tương lai (hôm nay là {fmt_date(today_vn())}).")


class ForReadmission:
    """Required when the candidate is flagged for readmission (placed before Optional,
    which would otherwise end the checks of a blank field)."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        blank = not field.raw_data or not str(field.raw_data[0]).strip()
        if form.readmission.data and blank:
            raise StopValidation(self.message)


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def religion_choices() -> list[SelectChoice]:
    return options([("", "— Chưa ghi —"), *((r.code, r.name) for r in religions())])


class CandidateForm(BaseForm):
    full_name = StringField(
        "Họ và tên",
        validators=[DataRequired(REQUIRED), MaxLength(120)],
        render_kw={"autofocus": True},
    )
    gender = RadioField(
        "Giới tính", choices=options(GENDERS.items()), validators=[InputRequired(REQUIRED)]
    )
    birth_date = VNDateField("Ngày sinh", validators=[InputRequired(REQUIRED), not_in_future])
    ethnicity = StringField(
        "Dân tộc",
        validators=[Optional(), MaxLength(60)],
        default="Kinh",
        render_kw={"list": "ethnicity-list", "autocomplete": "off"},
    )
    religion = SelectField("Tôn giáo", choices=religion_choices(), validate_choice=False)
    id_number = StringField(
        "Số CCCD (hoặc CMND cũ)",
        validators=[Optional(), MaxLength(20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    hometown = StringField("Quê quán", validators=[Optional(), MaxLength(255)])
    education = StringField(
        "Trình độ học vấn",
        validators=[Optional(), MaxLength(20)],
        render_kw={"placeholder": "12/12"},
    )
    unit_id = SelectField("Đơn vị (trường, doanh nghiệp)", coerce=int, validate_choice=False)
    cell_id = SelectField("Chi bộ", coerce=int, validate_choice=False)
    subgroup = SelectField(
        "Đối tượng",
        choices=options([("", "— Theo loại hình đơn vị —"), *SUBGROUPS.items()]),
        validators=[Optional()],
    )
    class_or_job = StringField("Lớp / Công việc", validators=[Optional(), MaxLength(120)])
    youth_union_date = VNDateField("Ngày vào Đoàn", validators=[Optional(), not_in_future])
    trade_union = BooleanField("Là công đoàn viên")
    helpers = StringField("Đảng viên giúp đỡ", validators=[Optional(), MaxLength(255)])
    introducers = LinesField(
        "Người giới thiệu (mỗi người một dòng)",
        # Stored joined by "; " in 255 characters.
        validators=[Optional(), MaxLength(240)],
        render_kw={"rows": 2},
    )
    note = TextAreaField("Ghi chú", validators=[Optional(), MaxLength(2000)], render_kw={"rows": 2})
    # Readmission (kết nạp lại): a former member; the stage service applies the wait.
    readmission = BooleanField("Kết nạp lại (đã từng là đảng viên, đã ra khỏi Đảng)")
    left_party_date = VNDateField(
        "Ngày ra khỏi Đảng",
        validators=[
            ForReadmission("Người kết nạp lại cần ghi ngày ra khỏi Đảng."),
            Optional(),
            not_in_future,
        ],
    )
    left_party_reason = StringField(
        "Lý do ra khỏi Đảng",
        validators=[
            ForReadmission("Người kết nạp lại cần ghi lý do ra khỏi Đảng."),
            Optional(),
            MaxLength(255),
        ],
    )
    record_expunged_date = VNDateField(
        "Ngày được xóa án tích (nếu bị án hình sự về tội ít nghiêm trọng)",
        validators=[Optional(), not_in_future],
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
            digits, kind = read_id_number(
                field.data, self.birth_date.data, self.gender.data or None
            )
        except IdNumberError as error:
            raise ValidationError(f"Số CCCD không hợp lệ: {error.detail}.") from None
        if kind == CMND:
            self.id_number_warning = (
                "Số CMND 9 chữ số đã hết giá trị từ năm 2025; vẫn lưu để đối chiếu danh "
                "sách cũ, hãy cập nhật số CCCD khi có."
            )
        field.data = digits

    def validate_unit_id(self, field) -> None:
        if not field.data:
            raise ValidationError("Hãy chọn đơn vị.")

    def validate_left_party_date(self, field) -> None:
        birth = self.birth_date.data
        if self.readmission.data and birth is not None and field.data <= birth:
            raise ValidationError("Ngày ra khỏi Đảng phải sau ngày sinh.")


class NewCandidateForm(CandidateForm):
    source_date = VNDateField(
        "Ngày vào danh sách nguồn",
        validators=[InputRequired(REQUIRED), not_in_future],
        default=today_vn,
    )
    # One use: the same form sent twice (a double click, a resend) saves once.
    submission_token = HiddenField()
    confirm_duplicate = BooleanField("Tôi đã xem hồ sơ trên: đây là một người khác, vẫn lưu")


def _reason_choices() -> list[SelectChoice]:
    return options([("", "— Chọn lý do —"), *EXIT_REASONS.items()])


class StageForm(BaseForm):
    """Record the next stage; the view sets the stage choices to those allowed now."""

    # Choices list the stages allowed now; a stale page posting another one gets the
    # rule's own explanation from the stage service rather than a bare "invalid choice".
    stage = SelectField("Bước", validators=[DataRequired("Hãy chọn bước.")], validate_choice=False)
    event_date = VNDateField("Ngày", validators=[InputRequired(REQUIRED)], default=today_vn)
    document_no = StringField(
        "Số văn bản (giấy chứng nhận, nghị quyết, quyết định)",
        validators=[Optional(), MaxLength(60)],
    )
    reason = SelectField(
        "Lý do ra khỏi danh sách", choices=_reason_choices(), validators=[Optional()]
    )
    note = TextAreaField("Ghi chú", validators=[Optional(), MaxLength(2000)], render_kw={"rows": 2})
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
    event_date = VNDateField("Ngày", validators=[InputRequired(REQUIRED)])
    document_no = StringField("Số văn bản", validators=[Optional(), MaxLength(60)])
    note = TextAreaField("Ghi chú", validators=[Optional(), MaxLength(2000)], render_kw={"rows": 2})
    submit = SubmitField("Lưu sửa đổi")


class UndoForm(BaseForm):
    submit = SubmitField("Hoàn tác sự kiện cuối")

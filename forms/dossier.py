"""The dossier forms of the candidate page: a document, an introducer."""

from __future__ import annotations

from wtforms import StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from forms.base import REQUIRED, BaseForm, MaxLength
from forms.fields import VNDateField, VNIntegerField, VNSelectField
from registry.domain.dossier import INTRODUCER_KINDS, MEMBER, VOTED, kind_choices
from registry.domain.workdays import today_vn

_COUNT = [Optional(), NumberRange(min=0, max=100000, message="Số không hợp lệ.")]


class DossierItemForm(BaseForm):
    kind = VNSelectField("Giấy tờ", choices=kind_choices(), validators=[DataRequired(REQUIRED)])
    day = VNDateField("Ngày của văn bản", validators=[InputRequired(REQUIRED)], default=today_vn)
    number = StringField("Số văn bản", validators=[Optional(), MaxLength(60)])
    checked_by = StringField("Người kiểm tra", validators=[Optional(), MaxLength(120)])
    votes_for = VNIntegerField("Số đảng viên chính thức tán thành", validators=_COUNT)
    votes_total = VNIntegerField("Tổng số đảng viên chính thức", validators=_COUNT)
    note = StringField("Ghi chú", validators=[Optional(), MaxLength(255)])
    submit = SubmitField("Thêm vào hồ sơ")

    def validate_votes_for(self, field) -> None:
        if self.kind.data in VOTED and (field.data is None or self.votes_total.data is None):
            raise ValidationError("Nghị quyết cần ghi số phiếu tán thành và tổng số đảng viên.")


class IntroducerForm(BaseForm):
    kind = VNSelectField("Người giới thiệu", choices=list(INTRODUCER_KINDS.items()), default=MEMBER)
    name = StringField(
        "Họ tên đảng viên, hoặc tên tổ chức Đoàn, Công đoàn",
        validators=[DataRequired(REQUIRED), MaxLength(120)],
    )
    day = VNDateField(
        "Ngày giới thiệu (hoặc ngày nghị quyết)",
        validators=[InputRequired(REQUIRED)],
        default=today_vn,
    )
    number = StringField("Số văn bản", validators=[Optional(), MaxLength(60)])
    full_member_since = VNDateField("Ngày trở thành đảng viên chính thức", validators=[Optional()])
    months_together = VNIntegerField(
        "Số tháng công tác cùng người vào Đảng",
        validators=[Optional(), NumberRange(min=0, max=1200, message="Số tháng không hợp lệ.")],
    )
    checked_by = StringField("Người kiểm tra", validators=[Optional(), MaxLength(120)])
    submit = SubmitField("Thêm người giới thiệu")


class HelperNoteForm(BaseForm):
    """A helper member's dated note on the candidate (optional, during training); used
    with the prefix NOTE_PREFIX, so its fields' ids differ from the dossier forms'."""

    day = VNDateField("Ngày nhận xét", validators=[InputRequired(REQUIRED)], default=today_vn)
    helper = StringField("Đảng viên giúp đỡ", validators=[DataRequired(REQUIRED), MaxLength(120)])
    text = TextAreaField(
        "Nội dung nhận xét",
        validators=[DataRequired(REQUIRED), MaxLength(2000)],
        render_kw={"rows": 3},
    )
    submit = SubmitField("Thêm nhận xét")


NOTE_PREFIX = "note"

"""The personal API token form: a name, whose token, read-only or read-write, expiry."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from forms.base import REQUIRED, BaseForm, MaxLength
from forms.fields import SelectChoice, VNDateField, VNSelectField

RIGHTS = [
    SelectChoice("read", "Chỉ đọc (xem danh sách, hồ sơ, báo cáo)"),
    SelectChoice("write", "Đọc và ghi (thêm, sửa hồ sơ, ghi nhận bước, nhập tệp)"),
]


class TokenForm(BaseForm):
    name = StringField(
        "Tên gợi nhớ (hệ thống nào dùng mã này)",
        validators=[DataRequired(REQUIRED), MaxLength(120)],
    )
    owner = VNSelectField("Của tài khoản", coerce=int)
    rights = RadioField(
        "Quyền", choices=RIGHTS, default="read", validators=[InputRequired(REQUIRED)]
    )
    expires_on = VNDateField("Hết hạn sau ngày", validators=[InputRequired(REQUIRED)])
    submission_token = HiddenField()
    submit = SubmitField("Tạo mã truy cập")


class RevokeForm(BaseForm):
    submit = SubmitField("Thu hồi")

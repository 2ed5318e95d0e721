"""Admin forms: accounts, the audit-log filter, holidays. Choices come from the views."""

from __future__ import annotations

from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from forms.base import REQUIRED, BaseForm, RequiredWhen, strong_password
from forms.fields import VNCheckboxesField, VNDateField, VNSelectField, optional_id
from registry.domain.vocabulary import DOCUMENT_STYLES, ROLES, SUBGROUPS
from registry.domain.workdays import ENTERED_KINDS, HOLIDAY

USERNAME = Regexp(
    r"^[a-z0-9][a-z0-9._-]{2,59}$",
    message="Tên đăng nhập 3–60 ký tự: chữ thường không dấu, số và các dấu . _ -",
)


class UserForm(BaseForm):
    username = StringField(
        "Tên đăng nhập", validators=[DataRequired(REQUIRED), Length(max=60), USERNAME]
    )
    full_name = StringField("Họ tên, chức vụ", validators=[Optional(), Length(max=120)])
    role = VNSelectField("Vai trò", choices=list(ROLES.items()))
    area_id = VNSelectField(
        "Địa bàn (cán bộ địa bàn)",
        coerce=optional_id,
        validators=[RequiredWhen("role", "area", "Cán bộ địa bàn cần được giao một địa bàn.")],
    )
    cell_id = VNSelectField(
        "Chi bộ (bí thư chi bộ)",
        coerce=optional_id,
        validators=[RequiredWhen("role", "cell", "Bí thư chi bộ cần được giao một chi bộ.")],
    )
    subgroups = VNCheckboxesField("Chỉ theo dõi đối tượng", choices=list(SUBGROUPS.items()))
    organisation_id = VNSelectField("Cơ quan, tổ chức", coerce=optional_id)
    submit = SubmitField("Lưu")


class NewUserForm(UserForm):
    password = PasswordField(
        "Mật khẩu ban đầu",
        validators=[DataRequired(REQUIRED), Length(max=200), strong_password],
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu",
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", "Hai lần nhập mật khẩu không khớp."),
        ],
    )
    submit = SubmitField("Tạo tài khoản")


class ResetPasswordForm(BaseForm):
    password = PasswordField(
        "Mật khẩu tạm thời", validators=[DataRequired(REQUIRED), Length(max=200), strong_password]
    )
    submit = SubmitField("Đặt lại mật khẩu")


class HolidayForm(BaseForm):
    day = VNDateField("Ngày nghỉ", validators=[DataRequired(REQUIRED)])
    name = StringField("Tên ngày", validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = VNSelectField("Loại", choices=list(ENTERED_KINDS.items()), default=HOLIDAY)
    source = StringField("Căn cứ (văn bản công bố)", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Thêm vào lịch")


def _tri_state(value: object) -> str:
    """The stored yes / no / unset (True, False, None) as the select's value."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


class OrganisationForm(BaseForm):
    code = StringField(
        "Mã",
        validators=[
            DataRequired(REQUIRED),
            Length(max=30),
            Regexp(r"^[A-Za-z0-9._-]+$", message="Mã gồm chữ không dấu, số và các dấu . _ -"),
        ],
    )
    name = StringField("Tên cơ quan, tổ chức", validators=[DataRequired(REQUIRED), Length(max=200)])
    style = VNSelectField("Thể thức văn bản", choices=list(DOCUMENT_STYLES.items()))
    issuer_code = StringField(
        "Ký hiệu trên số văn bản",
        validators=[
            Optional(),
            Length(max=30),
            Regexp(r"^[A-Za-z0-9Đđ&.-]*$", message="Ký hiệu không hợp lệ."),
        ],
    )
    area_id = VNSelectField("Địa bàn phụ trách", coerce=optional_id)
    subgroups = VNCheckboxesField("Chỉ theo dõi đối tượng", choices=list(SUBGROUPS.items()))
    active = BooleanField("Đang hoạt động", default=True)
    opens_rounds = VNSelectField(
        "Mở đợt báo cáo",
        choices=[
            ("", "Theo mặc định: cơ quan cấp tỉnh được mở"),
            ("yes", "Được mở đợt báo cáo"),
            ("no", "Không mở đợt báo cáo"),
        ],
        default="",
        coerce=_tri_state,
    )
    email = StringField(
        "Thư điện tử nhận nhắc báo cáo",
        validators=[
            Optional(),
            Length(max=200),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Địa chỉ thư điện tử không hợp lệ."),
        ],
    )
    submit = SubmitField("Lưu")

"""Login and password forms."""

from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from forms.base import REQUIRED, BaseForm, strong_password


class LoginForm(BaseForm):
    username = StringField("Tên đăng nhập", validators=[DataRequired(REQUIRED), Length(max=60)])
    password = PasswordField("Mật khẩu", validators=[DataRequired(REQUIRED), Length(max=200)])
    submit = SubmitField("Đăng nhập")


class ChangePasswordForm(BaseForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired(REQUIRED)])
    new = PasswordField(
        "Mật khẩu mới", validators=[DataRequired(REQUIRED), Length(max=200), strong_password]
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[DataRequired(REQUIRED), EqualTo("new", "Hai lần nhập mật khẩu không khớp.")],
    )
    submit = SubmitField("Đổi mật khẩu")

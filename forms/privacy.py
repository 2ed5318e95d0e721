"""Forms of the personal-data pages."""

from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from forms.base import BaseForm


class EraseForm(BaseForm):
    confirm = BooleanField(
        "Tôi hiểu: họ tên, ngày sinh, số CCCD và các thông tin nhận dạng khác của người này "
        "bị thay bằng bí danh ở mọi nơi và không khôi phục được",
        validators=[DataRequired("Hãy đánh dấu xác nhận trước khi xóa.")],
    )
    submit = SubmitField("Xóa dữ liệu cá nhân")

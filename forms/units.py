"""Forms for areas, units, party cells, surveys, targets and transfers.

Choices (areas, units and cells in the user's scope) are set by the views.
"""

from __future__ import annotations

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, Regexp

from forms.base import REQUIRED, BaseForm, MaxLength, RequiredWhen
from forms.fields import (
    VNDateField,
    VNIntegerField,
    VNSelectField,
    VNSelectMultipleField,
    optional_id,
)
from registry.domain.taxcode import TaxCodeError, normalise_tax_code
from registry.domain.vocabulary import AREA_LEVELS, CELL_KINDS, GROUPS, PARTY_ORG_KINDS, UNIT_KINDS

CODE = Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._\-]*$",
    message="Mã chỉ gồm chữ không dấu, số và các dấu . _ - (không có khoảng trắng).",
)
NOT_NEGATIVE = NumberRange(min=0, message="Không được là số âm.")
SHEET_FILES = FileAllowed(
    ["xlsx", "xlsm", "xls", "ods", "csv"], "Chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv."
)


def _choices(mapping: dict[str, str]) -> list[tuple[str, str]]:
    return list(mapping.items())


class AreaForm(BaseForm):
    code = StringField("Mã địa bàn", validators=[DataRequired(REQUIRED), MaxLength(20), CODE])
    name = StringField("Tên địa bàn", validators=[DataRequired(REQUIRED), MaxLength(200)])
    level = VNSelectField("Cấp", choices=_choices(AREA_LEVELS))
    parent_id = VNSelectField("Thuộc địa bàn", coerce=optional_id)
    valid_from = VNDateField("Hiệu lực từ ngày", validators=[Optional()])
    valid_to = VNDateField("Hết hiệu lực từ sau ngày", validators=[Optional()])
    successor_id = VNSelectField("Địa bàn kế thừa (khi sáp nhập, giải thể)", coerce=optional_id)
    disadvantaged = BooleanField("Địa bàn có điều kiện kinh tế - xã hội đặc biệt khó khăn")
    submit = SubmitField("Lưu")

    def validate_valid_to(self, field) -> None:
        if field.data and self.valid_from.data and field.data < self.valid_from.data:
            raise ValidationError("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")


class UnitForm(BaseForm):
    code = StringField("Mã đơn vị", validators=[DataRequired(REQUIRED), MaxLength(30), CODE])
    name = StringField("Tên đơn vị", validators=[DataRequired(REQUIRED), MaxLength(255)])
    kind = VNSelectField("Loại đơn vị", choices=_choices(UNIT_KINDS))
    tax_code = StringField("Mã số thuế", validators=[Optional(), MaxLength(20)])
    address = StringField("Địa chỉ", validators=[Optional(), MaxLength(255)])
    area_id = VNSelectField("Địa bàn", coerce=optional_id, validators=[InputRequired(REQUIRED)])
    cell_id = VNSelectField("Chi bộ phụ trách", coerce=optional_id)
    active = BooleanField("Đang hoạt động", default=True)
    submit = SubmitField("Lưu")

    def validate_tax_code(self, field) -> None:
        try:
            field.data = normalise_tax_code(field.data)
        except TaxCodeError as error:
            raise ValidationError(str(error)) from None

    def validate_area_id(self, field) -> None:
        if field.data is None:
            raise ValidationError("Hãy chọn địa bàn.")


class CellForm(BaseForm):
    name = StringField("Tên chi bộ", validators=[DataRequired(REQUIRED), MaxLength(200)])
    kind = VNSelectField("Loại chi bộ", choices=_choices(CELL_KINDS))
    parent_org = StringField(
        "Đảng bộ cơ sở (với chi bộ trực thuộc)", validators=[Optional(), MaxLength(200)]
    )
    area_id = VNSelectField("Địa bàn", coerce=optional_id)
    unit_ids = VNSelectMultipleField("Các đơn vị chi bộ phụ trách", coerce=int)
    active = BooleanField("Đang hoạt động", default=True)
    submit = SubmitField("Lưu")

    def validate_parent_org(self, field) -> None:
        if self.kind.data == "truc_thuoc" and not field.data:
            raise ValidationError("Chi bộ trực thuộc cần ghi tên đảng bộ cơ sở.")

    def validate_area_id(self, field) -> None:
        if field.data is None:
            raise ValidationError("Hãy chọn địa bàn.")


class SurveyForm(BaseForm):
    survey_date = VNDateField("Ngày khảo sát", validators=[InputRequired(REQUIRED)])
    operating = BooleanField("Đang hoạt động", default=True)
    workers = VNIntegerField("Số lao động", default=0, validators=[Optional(), NOT_NEGATIVE])
    party_org = VNSelectField("Tổ chức đảng", choices=_choices(PARTY_ORG_KINDS))
    party_members = VNIntegerField(
        "Số đảng viên đang làm việc", default=0, validators=[Optional(), NOT_NEGATIVE]
    )
    party_members_held = VNIntegerField(
        "Trong đó sinh hoạt tại tổ chức đảng của doanh nghiệp",
        default=0,
        validators=[Optional(), NOT_NEGATIVE],
    )
    owner_is_member = BooleanField("Chủ doanh nghiệp (giám đốc) là đảng viên")
    has_trade_union = BooleanField("Có tổ chức công đoàn")
    trade_union_members = VNIntegerField(
        "Số đoàn viên công đoàn", default=0, validators=[Optional(), NOT_NEGATIVE]
    )
    has_youth_union = BooleanField("Có tổ chức Đoàn thanh niên")
    youth_union_members = VNIntegerField(
        "Số đoàn viên thanh niên", default=0, validators=[Optional(), NOT_NEGATIVE]
    )
    note = TextAreaField("Ghi chú", validators=[Optional(), MaxLength(2000)])
    submit = SubmitField("Lưu phiếu khảo sát")

    COUNTS = (
        "workers",
        "party_members",
        "party_members_held",
        "trade_union_members",
        "youth_union_members",
    )

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name).data or 0 for name in self.COUNTS}


class TargetForm(BaseForm):
    year = VNIntegerField(
        "Năm",
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=2000, max=2100, message="Năm không hợp lệ."),
        ],
    )
    group_code = VNSelectField("Đối tượng", choices=_choices(GROUPS))
    owner = VNSelectField(
        "Giao cho", choices=[("area", "Một địa bàn"), ("unit", "Một đơn vị")], default="area"
    )
    area_id = VNSelectField(
        "Địa bàn",
        coerce=optional_id,
        validators=[RequiredWhen("owner", "area", "Hãy chọn địa bàn.")],
    )
    unit_id = VNSelectField(
        "Đơn vị", coerce=optional_id, validators=[RequiredWhen("owner", "unit", "Hãy chọn đơn vị.")]
    )
    count = VNIntegerField(
        "Chỉ tiêu kết nạp (người)", validators=[InputRequired(REQUIRED), NOT_NEGATIVE]
    )
    submit = SubmitField("Lưu chỉ tiêu")


class TransferForm(BaseForm):
    unit_id = VNSelectField("Chuyển đến đơn vị", coerce=optional_id)
    cell_id = VNSelectField("Chi bộ phụ trách", coerce=optional_id)
    submit = SubmitField("Chuyển")

    def validate_unit_id(self, field) -> None:
        if field.data is None:
            raise ValidationError("Hãy chọn đơn vị chuyển đến.")


class UploadForm(BaseForm):
    file = FileField("Tệp bảng tính", validators=[FileRequired("Hãy chọn một tệp."), SHEET_FILES])
    submit = SubmitField("Nhập")

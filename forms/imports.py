"""Forms of the spreadsheet import: upload, sheet, column mapping, commit, rollback."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, Form, IntegerField, SelectField, ValidationError
from wtforms.fields import FieldList, FormField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from forms.base import BaseForm
from forms.fields import SelectChoice
from registry.spreadsheet import CANDIDATE_ALIASES, FIELD_LABELS
from registry.spreadsheet.book import ALL_SHEETS

IGNORE = ""
FIELD_CHOICES = [SelectChoice(IGNORE, "— Bỏ qua cột này —")] + [
    SelectChoice(name, FIELD_LABELS.get(name, name)) for name in CANDIDATE_ALIASES.fields
]


def sheet_choices(names) -> list[SelectChoice]:
    choices = [SelectChoice(name, name) for name in names]
    if len(names) > 1:
        choices.append(SelectChoice(ALL_SHEETS, "Mọi trang có danh sách (một lần nhập)"))
    return choices


class UploadForm(BaseForm):
    file = FileField(
        "Tệp danh sách (Excel .xlsx, .xls, .ods hoặc CSV)",
        validators=[FileRequired("Hãy chọn tệp danh sách để tải lên.")],
    )


class SheetForm(BaseForm):
    # Choices are the sheets of the stored file, set by the view.
    sheet = SelectField("Trang tính", validators=[DataRequired("Hãy chọn trang tính.")])


class ColumnForm(Form):
    """One row of the mapping table (no CSRF of its own: the outer form has it)."""

    column = IntegerField(validators=[InputRequired(), NumberRange(min=0, max=10_000)])
    field = SelectField("Trường dữ liệu", choices=FIELD_CHOICES)


class MappingForm(BaseForm):
    columns = FieldList(FormField(ColumnForm), min_entries=0, max_entries=500)

    def validate_columns(self, field) -> None:
        seen: dict[str, int] = {}
        for entry in field.entries:
            name = entry.form.field.data
            if not name:
                continue
            if name in seen:
                raise ValidationError(
                    f"Trường «{FIELD_LABELS.get(name, name)}» được chọn cho nhiều cột: mỗi "
                    "trường chỉ chọn cho một cột."
                )
            seen[name] = entry.form.column.data

    def override(self) -> dict[int, str | None]:
        """Column index → field (None: ignore the column)."""
        mapping: dict[int, str | None] = {}
        for entry in self.columns.entries:
            column = entry.form.column.data
            if column is None:  # InputRequired: never so on a validated form
                raise ValueError("override() was read before the form validated")
            mapping[column] = entry.form.field.data or None
        return mapping


class CommitForm(BaseForm):
    confirm_duplicate = BooleanField(
        "Tôi biết tệp này đã được nhập trước đây và vẫn muốn nhập lần nữa"
    )


class RollbackForm(BaseForm):
    confirm = BooleanField(
        "Tôi hiểu: các hồ sơ lần nhập này thêm sẽ bị xóa, các hồ sơ được cập nhật trở lại như "
        "trước khi nhập",
        validators=[DataRequired("Hãy đánh dấu xác nhận trước khi hoàn tác.")],
    )

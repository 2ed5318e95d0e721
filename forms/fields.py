"""Fields whose parse errors read in Vietnamese (WTForms ships no Vietnamese messages)."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import Field, IntegerField, SelectField, SelectMultipleField

# WTForms 3.3 has SelectChoice; types-WTForms (3.2) does not describe it yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # see above
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from registry.domain.workdays import fmt_date, parse_day

DATE_HELP = "dd/mm/yyyy"
NOT_A_DATE = "Ngày không hợp lệ: hãy ghi dạng ngày/tháng/năm, ví dụ 05/09/2024."
NOT_A_CHOICE = "Lựa chọn không hợp lệ hoặc nằm ngoài phạm vi của bạn."


def optional_id(value: str | int | None) -> int | None:
    """Coerce a select's value to an id; "" (the "none" choice) gives None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def _as_choices(choices):
    """(value, label) pairs as SelectChoice (WTForms deprecates tuples)."""
    if choices is None or isinstance(choices, dict) or callable(choices):
        return choices
    return [c if isinstance(c, SelectChoice) else SelectChoice(*c) for c in choices]


class VNIntegerField(IntegerField):
    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace(".", "").replace(" ", "")
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError("Hãy nhập một số nguyên.") from None


class VNDateField(Field):
    """A date typed day first (dd/mm/yyyy, as in the lists people keep), or ISO; shown
    back exactly as it was typed."""

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
        text = ((valuelist[0] if valuelist else "") or "").strip()
        self.data = None
        if not text:
            return
        try:
            self.data = parse_day(text)
        except ValueError:
            raise ValueError(NOT_A_DATE) from None


class VNSelectField(SelectField):
    """A select with Vietnamese messages; choices may be given as (value, label) pairs."""

    def __init__(self, label=None, validators=None, choices=None, **kwargs):
        kwargs.setdefault("invalid_choice_message", NOT_A_CHOICE)
        kwargs.setdefault("invalid_value_message", NOT_A_CHOICE)
        super().__init__(label, validators, choices=_as_choices(choices), **kwargs)

    # choices is a property in WTForms 3.3, a plain attribute in types-WTForms.
    @SelectField.choices.setter  # type: ignore[union-attr]  # see above
    def choices(self, value: Any) -> None:
        SelectField.choices.fset(self, _as_choices(value))  # type: ignore[union-attr]  # as above


class VNSelectMultipleField(VNSelectField, SelectMultipleField):
    """VNSelectField's messages and choices over SelectMultipleField's behaviour."""


class VNCheckboxesField(VNSelectMultipleField):
    """Several choices as checkboxes (easier on a phone than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

"""Shared form base and validators with Vietnamese messages."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import Field, ValidationError
from wtforms.validators import Length

from forms.widgets import speed_up
from registry.demo.accounts import DEMO_PASSWORD
from registry.domain.textutil import clean_text


class BaseForm(FlaskForm):
    """Form with Vietnamese CSRF messages; text fields come back NFC and trimmed; fields
    drawn by forms.widgets (the same HTML, written faster)."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            if unbound_field.field_class.__name__ in ("StringField", "TextAreaField"):
                filters.append(lambda v: clean_text(v) if isinstance(v, str) else v)
            return speed_up(unbound_field.bind(form=form, filters=filters, **options))


REQUIRED = "Vui lòng nhập trường này."


def entered(field: Field) -> str:
    """The text of a required field, once its form has validated."""
    if field.data is None:
        raise ValueError(f"{field.name} was read before its form validated")
    return field.data


def add_error(field: Field, message: str) -> None:
    """Show a refusal under a field of a form that has validated."""
    # WTForms makes errors a list when it validates; only the tuple of a fresh form is not.
    if not isinstance(field.errors, list):
        field.errors = list(field.errors)
    field.errors.append(message)


class RequiredWhen:
    """A choice that must be made when another field has a given value (an area for the
    role "area", a unit for a target given to a unit)."""

    def __init__(self, other: str, value: str, message: str) -> None:
        self.other, self.value, self.message = other, value, message

    def __call__(self, form, field) -> None:
        if form[self.other].data == self.value and field.data is None:
            raise ValidationError(self.message)


class MaxLength(Length):
    """At most `max` characters, said in Vietnamese; what was typed is shown back whole.

    No `maxlength` attribute: with it the browser cuts a pasted text at the limit without
    a word, and the person never learns that the end of it was not saved.
    """

    def __init__(self, max: int) -> None:
        super().__init__(max=max)
        self.field_flags: dict[str, int] = {}

    def __call__(self, form, field) -> None:
        length = len(field.data or "")
        if length > self.max:
            raise ValidationError(
                f"Dài quá {self.max} ký tự (đang có {length} ký tự): hãy rút gọn, "
                "nội dung đã nhập vẫn được giữ dưới đây."
            )


_LETTER = re.compile(r"[A-Za-zÀ-ỹĐđ]")
_DIGIT = re.compile(r"\d")


# Printed by seed-demo and in the README: anyone may know them.
PUBLISHED_PASSWORDS = frozenset({DEMO_PASSWORD})


def strong_password_problem(password: str, username: str | None = None) -> str | None:
    """Why a password is too weak, or None: 10+ characters, letters and digits, not the
    user name, not a published demo password."""
    if len(password) < 10 or not _LETTER.search(password) or not _DIGIT.search(password):
        return "Mật khẩu cần ít nhất 10 ký tự, có cả chữ và số."
    if password.strip().lower() in PUBLISHED_PASSWORDS:
        return "Đây là mật khẩu dùng thử đã được công bố; hãy chọn mật khẩu khác."
    if username and username.lower() in password.lower():
        return "Mật khẩu không được chứa tên đăng nhập."
    return None


def strong_password(form, field) -> None:
    """WTForms validator for strong_password_problem."""
    username = getattr(getattr(form, "username", None), "data", None)
    problem = strong_password_problem(field.data or "", username)
    if problem:
        raise ValidationError(problem)

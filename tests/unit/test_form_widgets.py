"""forms.widgets draws every field of every form exactly as WTForms' own widgets do."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask import Flask
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms.widgets.core import html_params as wtforms_html_params

import forms
from forms import widgets
from forms.base import BaseForm

# Values that exercise the escaping: quotes of both kinds, markup, an ampersand, Vietnamese.
TRICKY = 'Lê "Thị" <b>Hoà</b> & O\'Neil'
PARAMS = [
    {},
    {"id": "e12-note", "name": "e12-note", "type": "text", "value": TRICKY},
    {"class_": "form-control is-invalid", "for_": "x", "data_role_name": "a", "aria_label": "b"},
    {"checked": True, "readonly": False, "required": True, "value": 0, "size": 5},
    {"value": Markup('<i>"already markup"</i>'), "title": Markup("a &amp; b")},
    {"data-x": TRICKY, "z": None, "a": 1.5},
]


def _all_forms() -> list[type[BaseForm]]:
    for info in pkgutil.iter_modules(forms.__path__):
        importlib.import_module(f"forms.{info.name}")
    found, todo = [], list(BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: c.__qualname__)


def _plain(form, unbound_field, options):
    """Binding as WTForms does it, with its own widgets and labels."""
    return unbound_field.bind(form=form, **options)


def _fill(form) -> None:
    for field in form:
        if getattr(field, "choices", ()) is None:
            field.choices = [("1", "Một"), ("2", TRICKY)]


@pytest.fixture
def request_context():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=True)
    with app.test_request_context("/"):
        yield


@pytest.mark.parametrize("params", PARAMS)
def test_html_params_writes_what_wtforms_writes(params):
    assert widgets.html_params(**params) == wtforms_html_params(**params)
    assert isinstance(widgets.html_params(**params), Markup)


def test_every_field_of_every_form_renders_the_same_html(request_context):
    checked = 0
    for cls in _all_forms():
        for formdata in (None, MultiDict()):
            fast = cls(formdata=formdata, prefix="p")
            plain = cls(formdata=formdata, prefix="p", meta={"bind_field": _plain})
            if formdata is not None:
                # Every field typed with the tricky value, as a refused form shows it back.
                typed = MultiDict({f.name: TRICKY for f in fast})
                fast, plain = (
                    cls(formdata=typed, prefix="p"),
                    cls(formdata=typed, prefix="p", meta={"bind_field": _plain}),
                )
            _fill(fast)
            _fill(plain)
            # The CSRF token differs per form only if the session does; same request here.
            for name in fast._fields:
                a, b = fast[name], plain[name]
                assert type(a.widget) is not type(b.widget) or a.widget is b.widget
                assert str(a(class_="c")) == str(b(class_="c")), (cls.__name__, name)
                assert str(a()) == str(b()), (cls.__name__, name)
                assert str(a.label) == str(b.label), (cls.__name__, name)
                assert str(a.label("Nhãn <b>", class_="x")) == str(b.label("Nhãn <b>", class_="x"))
                checked += 1
    assert checked > 150  # the forms of the application, not an empty sweep


def test_fields_get_the_faster_widgets(request_context):
    from forms.candidates import CorrectEventForm

    form = CorrectEventForm(formdata=None)
    assert isinstance(form.event_date.widget, widgets.Input)
    assert type(form.event_date.widget).html_params is widgets.html_params
    assert type(form.event_date.label) is widgets.FastLabel


def test_grouped_and_multiple_selects_render_the_same_html(request_context):
    from wtforms import SelectField, SelectMultipleField, TextAreaField
    from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # WTForms 3.3

    groups = [
        SelectChoice("a", "A", optgroup="Nhóm <1>"),
        SelectChoice("b", TRICKY, optgroup=TRICKY),
    ]

    class Grouped(BaseForm):
        kind = SelectField(choices=groups)
        kinds = SelectMultipleField(choices=[SelectChoice("a", "A"), SelectChoice("b", TRICKY)])
        text = TextAreaField()

    typed = MultiDict([("kind", "b"), ("kinds", "a"), ("kinds", "b"), ("text", TRICKY)])
    fast = Grouped(formdata=typed)
    plain = Grouped(formdata=typed, meta={"bind_field": _plain})
    assert isinstance(fast.kind.widget, widgets.FastSelect)
    for name in ("kind", "kinds", "text"):
        assert str(fast[name](size=3)) == str(plain[name](size=3))
    assert "<optgroup" in str(fast.kind())

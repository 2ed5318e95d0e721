"""WTForms' widgets with a faster attribute writer, the same HTML to the byte.

WTForms writes each attribute through `Markup('{k}="{v}"').format(...)`, markupsafe's
pure-Python formatter: about 40 µs per tag, 3 ms of the 11 ms an editor's candidate page
costs (its correction, dossier and stage forms hold some 80 tags). `html_params` below
writes the same text with one escape per value. `BaseForm` gives every bound field the
faster widget and label (`speed_up`); the widgets' own logic stays WTForms', and
tests/unit/test_form_widgets.py renders every form of the application both ways.
"""

from __future__ import annotations

import copy
from typing import Any

from markupsafe import Markup, escape
from wtforms import Field
from wtforms.fields.core import Label
from wtforms.widgets import Select, TextArea

# WTForms 3.3 has Button and clean_key; types-WTForms (3.2) does not describe them yet.
from wtforms.widgets.core import Button, Input, clean_key  # type: ignore[attr-defined]
from wtforms.widgets.core import html_params as wtforms_html_params


def html_params(**kwargs: Any) -> Markup:
    """What wtforms.widgets.html_params writes: sorted attributes, True bare, False out."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = clean_key(key)
        if value is True:
            params.append(key)
        elif value is not False:
            # escape() leaves a Markup value as it is; its quotes still need escaping.
            text = str(escape(value))
            if '"' in text:
                text = text.replace('"', "&quot;")
            params.append(f'{escape(key)}="{text}"')
    return Markup(" ".join(params))


class FastLabel(Label):
    def __call__(self, text: str | None = None, **kwargs: Any) -> Markup:
        if "for_" in kwargs:
            kwargs["for"] = kwargs.pop("for_")
        else:
            kwargs.setdefault("for", self.field_id)
        attributes = html_params(**kwargs)
        attributes = Markup(f" {attributes}") if attributes else Markup("")
        return Markup(f"<label{attributes}>{escape(text or self.text)}</label>")


class FastTextArea(TextArea):
    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        params = html_params(name=field.name, **kwargs)
        return Markup(f"<textarea {params}>\r\n{escape(field._value())}</textarea>")


class FastSelect(Select):
    """Select's rendering with `html_params`, its options drawn by `render_option` directly
    (WTForms reads the method's signature on every select, for overrides of the old one)."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        if field.has_groups():
            for group, choices in field._iter_groups_normalized():
                if group is not None:
                    html.append(f"<optgroup {html_params(label=group)}>")
                html.extend(self.render_option(choice) for choice in choices)
                if group is not None:
                    html.append("</optgroup>")
        else:
            html.extend(self.render_option(choice) for choice in field._iter_choices_normalized())
        html.append("</select>")
        return Markup("".join(html))

    # WTForms 3.3 passes a SelectChoice; types-WTForms (3.2) describes the older signature.
    @classmethod
    def render_option(cls, choice: Any, **kwargs: Any) -> Markup:  # type: ignore[override]
        value = choice.value
        if isinstance(value, bool):
            value = str(value)
        options = {"value": value, **(choice.render_kw or {}), **kwargs}
        if choice.selected:
            options["selected"] = True
        label = escape(choice.label or choice.value)
        return Markup(f"<option {html_params(**options)}>{label}</option>")


_SUBCLASSES: dict[type, type | None] = {}
_FAST: dict[int, tuple[object, object]] = {}  # id(widget) → (widget, its faster copy)


def _subclass(cls: type) -> type | None:
    """The faster subclass of a widget class, None for a widget this module leaves alone."""
    if cls not in _SUBCLASSES:
        fast: type | None = None
        if issubclass(cls, (Input, Button)) and cls.html_params is wtforms_html_params:
            fast = type(cls.__name__, (cls,), {"html_params": staticmethod(html_params)})
        elif cls is TextArea:
            fast = FastTextArea
        elif cls is Select:
            fast = FastSelect
        _SUBCLASSES[cls] = fast
    return _SUBCLASSES[cls]


def fast_widget(widget: Any) -> Any:
    """The same widget (its settings copied) drawn through `html_params`."""
    known = _FAST.get(id(widget))
    if known is not None and known[0] is widget:
        return known[1]
    cls = _subclass(type(widget))
    fast = widget
    if cls is not None:
        fast = copy.copy(widget)
        fast.__class__ = cls
    # Widgets are made once, with their field classes or form declarations: kept here for
    # good, they cost a dict entry each.
    _FAST[id(widget)] = (widget, fast)
    return fast


def speed_up(field: Field) -> Field:
    """Give a bound field the faster widget and label (the same HTML)."""
    field.widget = fast_widget(field.widget)
    if type(field.label) is Label:
        field.label.__class__ = FastLabel
    return field

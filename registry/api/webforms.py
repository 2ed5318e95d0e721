"""The web's forms fed a call's JSON, so the API checks what the pages check, with their
Vietnamese messages (each with a code, `errors.form_fields`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from forms.base import BaseForm
from registry.api import errors


def bound(form_class: type[BaseForm], data: Mapping[str, Any]) -> Any:
    """The web form filled with the JSON fields, as a browser would send them."""
    formdata: MultiDict[str, str] = MultiDict()
    for name, value in data.items():
        if value is None or value is False:
            continue  # an unticked box is absent from a form
        if value is True:
            formdata[name] = "y"
        elif isinstance(value, list):
            formdata[name] = "\n".join(str(v) for v in value)
        else:
            formdata[name] = str(value)
    return form_class(formdata=formdata, meta={"csrf": False})


def refuse(form: BaseForm) -> None:
    """422 with the form's errors, field by field."""
    errors.raise_api(422, "validation", errors.HTTP_ERRORS[422][1], errors.form_fields(form.errors))


def checked(form_class: type[BaseForm], data: Mapping[str, Any]) -> Any:
    """The form filled with `data` and validated (422 with its errors otherwise)."""
    form = bound(form_class, data)
    if not form.validate():
        refuse(form)
    return form

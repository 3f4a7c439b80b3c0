"""A Django form's fields as the NHS.UK macros that show them, with their hints
and errors: the templates loop over the specs and call the macro each names.

A form may name fields to show as radios (``radios``) and text fields that take
numbers (``numbers``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms


def _value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


Spec = dict[str, Any]


def _radios(name: str, field: Any, label: str, value: Any) -> Spec:
    return {
        "macro": "radios",
        "params": {
            "idPrefix": name,
            "name": name,
            "fieldset": {"legend": {"text": label, "size": "s"}},
            "items": [
                {"value": v, "text": t, "checked": _value(value) == str(v)}
                for v, t in field.choices
            ],
        },
    }


def _checkboxes(name: str, field: Any, label: str, value: Any) -> Spec:
    return {
        "macro": "checkboxes",
        "params": {
            "idPrefix": name,
            "name": name,
            "items": [{"value": "on", "text": label, "checked": bool(value)}],
        },
    }


def _file(name: str, field: Any, label: str, value: Any) -> Spec:
    return {
        "macro": "file",
        "params": {"id": name, "name": name, "label": {"text": label}},
    }


def _select(name: str, field: Any, label: str, value: Any) -> Spec:
    return {
        "macro": "select",
        "params": {
            "id": name,
            "name": name,
            "label": {"text": label},
            "items": [
                {"value": v, "text": t, "selected": _value(value) == str(v)}
                for v, t in field.choices
            ],
        },
    }


def _textarea(name: str, field: Any, label: str, value: Any) -> Spec:
    return {
        "macro": "textarea",
        "params": {
            "id": name,
            "name": name,
            "label": {"text": label},
            "value": _value(value),
            "rows": 3,
        },
    }


def _input(
    name: str, field: Any, label: str, value: Any, numbers: tuple[str, ...]
) -> Spec:
    params: dict[str, Any] = {
        "id": name,
        "name": name,
        "label": {"text": label},
        "value": _value(value),
    }
    if isinstance(field, forms.DateField):
        params |= {"type": "date", "classes": "nhsuk-input--width-10"}
    elif isinstance(field, forms.DecimalField) or name in numbers:
        params |= {
            "inputmode": "decimal",
            "classes": "nhsuk-input--width-4",
            "spellcheck": False,
        }
    else:
        params["spellcheck"] = False
    return {"macro": "input", "params": params}


def _field_spec(form: Any, name: str, field: Any) -> Spec:
    """The macro that shows one field, without its hint and error."""
    value = form[name].value()
    label = str(field.label)
    if name in getattr(form, "radios", ()):
        return _radios(name, field, label, value)
    # Order matters: a FileField is not a choice, a ChoiceField not a textarea.
    if isinstance(field, forms.BooleanField):
        return _checkboxes(name, field, label, value)
    if isinstance(field, forms.FileField):
        return _file(name, field, label, value)
    if isinstance(field, forms.ChoiceField):
        return _select(name, field, label, value)
    if isinstance(field.widget, forms.Textarea):
        return _textarea(name, field, label, value)
    return _input(name, field, label, value, getattr(form, "numbers", ()))


def form_fields(form: Any) -> list[dict[str, Any]]:
    """Each field as the NHS.UK macro that shows it and that macro's parameters.

    Every field's first input has the field's name as its id, so the error
    summary's links (``#name``) land on it.
    """
    specs = []
    for name, field in form.fields.items():
        bound = form[name]
        error = (
            {"errorMessage": {"text": " ".join(bound.errors)}} if bound.errors else {}
        )
        hint = {"hint": {"text": str(field.help_text)}} if field.help_text else {}
        spec = _field_spec(form, name, field)
        spec["params"] = spec["params"] | hint | error
        specs.append(spec)
    return specs

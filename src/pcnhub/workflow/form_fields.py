"""The fields the workflow's forms share (NHS.UK patterns): the date input in
three parts, text and choice fields with the NHS.UK error messages, ODS codes
as typed. Part of :mod:`pcnhub.workflow.forms`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

DATE_PARTS = ("day", "month", "year")


class DatePartsWidget(forms.Widget):
    """Reads the NHS.UK date input's three boxes: ``<name>-day`` and so on."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return tuple(str(data.get(f"{name}-{part}", "")).strip() for part in DATE_PARTS)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}-{part}" in data for part in DATE_PARTS)


class DatePartsField(forms.Field):
    """A date typed as day, month and year, with the NHS.UK error messages."""

    widget = DatePartsWidget

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what  # "the date the practice gave notice"
        kwargs.setdefault(
            "error_messages", {"required": f"Enter {what}"}
        )  # shown in the summary
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date) or value is None:
            return value
        parts = dict(zip(DATE_PARTS, value, strict=True))
        if not any(parts.values()):
            return None
        what = self.what[:1].upper() + self.what[1:]
        missing = [part for part in DATE_PARTS if not parts[part]]
        if missing:
            raise ValidationError(f"{what} must include a {' and a '.join(missing)}")
        if not all(v.isdigit() for v in parts.values()):
            raise ValidationError(f"{what} must be a real date, in numbers")
        if len(parts["year"]) != 4:
            raise ValidationError(f"Year must include 4 numbers ({self.what})")
        try:
            return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError as exc:
            raise ValidationError(f"{what} must be a real date") from exc


def date_values(day: date | None) -> dict[str, str]:
    if day is None:
        return {}
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def _text(label: str, required: bool = False, max_length: int = 200) -> forms.Field:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={"required": f"Enter the {label.lower()}"},
    )


def _choice(
    label: str, choices: list[tuple[str, str]], message: str, required: bool = False
) -> forms.Field:
    return forms.ChoiceField(
        label=label,
        choices=[("", "")] + list(choices),
        required=required,
        error_messages={"required": message, "invalid_choice": message},
    )


def _ods(code: str) -> str:
    return code.strip().upper()

"""The workforce plan's forms: add a planned row, remove one. They parse; the
service (:mod:`pcnhub.workforce.plan`) decides."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from pcnhub.rules.periods import parse_month
from pcnhub.rules.plan import PlannedRow
from pcnhub.ui.forms import ServiceForm, money_field
from pcnhub.workforce.staff import role_labels


def _month(label: str, what: str, required: bool = True, hint: str = "") -> Any:
    return forms.CharField(
        label=label,
        max_length=7,
        required=required,
        help_text=hint,
        error_messages={"required": f"Enter {what}, for example 2024-10"},
    )


def _parsed(text: str, what: str) -> date | None:
    if not text:
        return None
    try:
        return parse_month(text)
    except ValueError:
        raise ValidationError(
            f"Enter {what} as year and month, for example 2024-10"
        ) from None


class PlannedRowForm(ServiceForm):
    """One planned post: the role, the months, the WTE and the pay."""

    role = forms.ChoiceField(
        label="Role",
        error_messages={
            "required": "Choose the role",
            "invalid_choice": "Choose a role from the list",
        },
    )
    start = _month(
        "Start month",
        "the month the post starts",
        hint="Year and month, for example 2024-10: the post is counted from the "
        "first day of the month.",
    )
    wte = forms.DecimalField(
        label="Whole-time equivalent (WTE)",
        help_text="Above 0 and at most 1, for example 0.6 for three days a week.",
        max_digits=5,
        decimal_places=4,
        error_messages={
            "required": "Enter the WTE",
            "invalid": "Enter the WTE as a number, for example 0.6",
        },
    )
    salary = money_field(
        "Annual salary (£)",
        "the annual salary",
        hint="The salary to be paid in a year (for a part-time post, the "
        "part-time salary).",
    )
    on_costs = money_field(
        "Employer on-costs a year (£, optional)",
        "the on-costs",
        required=False,
        hint="Employer pension and National Insurance. Left empty, pcnhub works "
        "out the pension from the published rate.",
    )
    end = _month(
        "End month (optional)",
        "the post's last month",
        required=False,
        hint="The last month in post (counted to its last day); empty if the "
        "post carries on.",
    )
    reason = forms.CharField(
        label="Reason (optional)",
        widget=forms.Textarea,
        max_length=2000,
        required=False,
        help_text="Kept with the plan's version and in the audit trail.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose a role")] + list(
            role_labels().items()
        )

    def clean_start(self) -> date | None:
        return _parsed(self.cleaned_data["start"], "the start month")

    def clean_end(self) -> date | None:
        return _parsed(self.cleaned_data["end"], "the end month")

    def clean_wte(self) -> Decimal:
        wte: Decimal = self.cleaned_data["wte"]
        if not Decimal(0) < wte <= Decimal(1):
            raise ValidationError(f"The WTE is above 0 and at most 1, not {wte}")
        return wte

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(
                "end",
                f"The end month ({end:%Y-%m}) is before the start ({start:%Y-%m})",
            )
        return data

    def row(self) -> PlannedRow:
        data = self.cleaned_data
        return PlannedRow(
            role=data["role"],
            start=data["start"],
            wte=data["wte"],
            salary=data["salary"],
            on_costs=data["on_costs"],
            end=data["end"],
        )


class RemoveRowForm(ServiceForm):
    row = forms.IntegerField(
        label="Row",
        min_value=1,
        error_messages={
            "required": "Choose the row to remove",
            "invalid": "Choose the row to remove by its number",
            "min_value": "Choose the row to remove by its number",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        help_text="Kept with the plan's version and in the audit trail.",
        error_messages={"required": "Say why the row is removed"},
    )

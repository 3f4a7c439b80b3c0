"""The workforce pages' forms: a post, ending a post, a staff list, a month's
claim. They parse; the services (:mod:`pcnhub.workforce.staff`) decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from pcnhub.rules.claims import BASELINE_EXCEPTIONS
from pcnhub.rules.periods import parse_month
from pcnhub.ui.forms import ServiceForm, money_field
from pcnhub.workforce.models import Employer, Funding, London
from pcnhub.workforce.staff import StaffEntry, role_labels


def _date(label: str, what: str, required: bool = True, hint: str = "") -> Any:
    return forms.DateField(
        label=label,
        required=required,
        help_text=hint,
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a real date, for example 2023-04-01",
        },
    )


class PostForm(ServiceForm):
    """One post: the person, the role, the pay and the dates."""

    radios = ("funding",)
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="Shown only to the network's own roles and its commissioner; "
        "everyone else sees the person's pseudonymous key.",
        error_messages={"required": "Enter the person's name"},
    )
    person_key = forms.CharField(
        label="Person key (optional)",
        max_length=40,
        required=False,
        help_text="The key of this person's other post, if they hold one (in "
        "this or another network), so that they are one person. Left empty, "
        "pcnhub gives a new key.",
    )
    role = forms.ChoiceField(
        label="Role",
        error_messages={
            "required": "Choose the role",
            "invalid_choice": "Choose a role from the list",
        },
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
        hint="The salary actually paid for the post in a year (for a part-time "
        "post, the part-time salary).",
    )
    pay_band = forms.CharField(
        label="Pay band (optional)",
        max_length=40,
        required=False,
        help_text="For example Agenda for Change band 6.",
    )
    on_costs = money_field(
        "Employer on-costs a year (£, optional)",
        "the on-costs",
        required=False,
        hint="Employer pension and National Insurance. Left empty, pcnhub works "
        "out the pension from the published rate.",
    )
    employer = forms.ChoiceField(label="Employer", choices=Employer.choices)
    employer_name = forms.CharField(
        label="Employer's name (optional)", max_length=200, required=False
    )
    start = _date("Start date", "the first day in post")
    end = _date(
        "End date (optional)",
        "the last day in post",
        required=False,
        hint="The last day in post; empty while the person is in post.",
    )
    funding = forms.ChoiceField(
        label="Funding",
        choices=Funding.choices,
        error_messages={"required": "Choose how the post is funded"},
    )
    london = forms.ChoiceField(label="London weighting", choices=London.choices)
    baseline_exception = forms.ChoiceField(
        label="Baseline exception (in post at the baseline only)",
        required=False,
        choices=[("", "None")] + [(k, v) for k, v in BASELINE_EXCEPTIONS.items()],
    )
    commissioner_agreed = forms.BooleanField(
        label="The commissioner has agreed this role (2026/27 roles agreed "
        "with the commissioner)",
        required=False,
    )
    written_agreement = forms.BooleanField(
        label="A mental health practitioner under a written agreement with the "
        "mental health trust",
        required=False,
    )
    within_two_years_of_cct = forms.BooleanField(
        label="A GP within two years of their Certificate of Completion of "
        "Training (CCT)",
        required=False,
    )
    reason = forms.CharField(
        label="Reason (needed for a change)",
        widget=forms.Textarea,
        max_length=2000,
        required=False,
        help_text="Kept with the record and in the audit trail.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "Choose a role")] + list(  # type: ignore[attr-defined]
            role_labels().items()
        )

    def clean_wte(self) -> Decimal:
        wte: Decimal = self.cleaned_data["wte"]
        if not Decimal(0) < wte <= Decimal(1):
            raise ValidationError(f"The WTE is above 0 and at most 1, not {wte}")
        return wte

    def entry(self) -> StaffEntry:
        data = self.cleaned_data
        return StaffEntry(
            name=data["name"].strip(),
            role=data["role"],
            wte=data["wte"],
            salary=data["salary"],
            pay_band=data["pay_band"],
            employer=data["employer"],
            employer_name=data["employer_name"],
            start=data["start"],
            end=data["end"],
            funding=data["funding"],
            london=data["london"],
            on_costs=data["on_costs"],
            baseline_exception=data["baseline_exception"] or "",
            commissioner_agreed=data["commissioner_agreed"],
            written_agreement=data["written_agreement"],
            within_two_years_of_cct=data["within_two_years_of_cct"] or None,
        )


def initial_from(entry: StaffEntry, person_key: str) -> dict[str, Any]:
    """A post's current version as the form's starting values."""
    values = {k: getattr(entry, k) for k in StaffEntry.__dataclass_fields__}
    return values | {"person_key": person_key, "reason": ""}


class StaffListForm(ServiceForm):
    file = forms.FileField(
        label="Staff list (CSV or Excel .xlsx)",
        help_text="One row per post, with the columns in the user guide. Every "
        "row is recorded, or none.",
        error_messages={"required": "Choose a file to upload"},
    )


class ClaimForm(ServiceForm):
    month = forms.CharField(
        label="Month",
        max_length=7,
        help_text="The month to claim, as year and month, for example 2024-05.",
        error_messages={"required": "Enter the month, for example 2024-05"},
    )

    def clean_month(self) -> date:
        try:
            return parse_month(self.cleaned_data["month"])
        except ValueError:
            raise ValidationError(
                "Enter the month as year and month, for example 2024-05"
            ) from None

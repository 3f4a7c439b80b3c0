"""The form that records a local scheme. It only checks the input's shape (a
date, an amount, one of the choices); :mod:`pcnhub.schemes.records` decides
whether the scheme may be recorded, and its errors land on the same fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from pcnhub.rules.registry import default_parameters
from pcnhub.rules.services import PREFIX
from pcnhub.schemes.models import SchemeKind
from pcnhub.schemes.records import SchemeEntry, codes_from, roles_from


def _date(label: str, what: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d"],
        help_text="" if required else "Leave empty while the scheme runs.",
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a real date, for example 2021-04-01",
        },
    )


def requirement_choices() -> list[tuple[str, str]]:
    parameters = default_parameters()
    return sorted(
        (name.removeprefix(PREFIX), p.label)
        for name, p in parameters.by_name.items()
        if name.startswith(PREFIX) and p.unit == "flag"
    )


class SchemeForm(forms.Form):
    reference = forms.CharField(
        label="Reference",
        max_length=60,
        help_text="The commissioner's own reference, for example LCS-CARE-2020.",
        error_messages={"required": "Enter the scheme's reference"},
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the scheme's name"},
    )
    kind = forms.ChoiceField(
        label="Kind of scheme",
        choices=SchemeKind.choices,
        error_messages={
            "required": "Select the kind of scheme",
            "invalid_choice": "Select the kind of scheme from the list",
        },
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea, max_length=4000
    )
    start = _date("Starts on", "the day the scheme starts")
    end = _date("Ends on (its last day)", "the scheme's last day", required=False)
    annual_funding = forms.DecimalField(
        label="Annual funding (£)",
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        error_messages={
            "required": "Enter the annual funding in pounds",
            "invalid": "Enter the annual funding as an amount, for example 120000",
            "min_value": "The annual funding cannot be negative",
            "max_decimal_places": "Give the annual funding to the penny at most",
        },
    )
    funding_source = forms.CharField(
        label="Funding source", required=False, max_length=200
    )
    networks = forms.CharField(
        label="Networks covered",
        required=False,
        help_text="Network codes, separated by commas or spaces, for example U99001.",
    )
    practices = forms.CharField(
        label="Practices covered",
        required=False,
        help_text="Practice codes; their networks are covered too.",
    )
    roles = forms.CharField(
        label="Roles funded, with the WTE of each",
        required=False,
        widget=forms.Textarea,
        help_text="A locally funded roles scheme: one role a line, its name then "
        "the WTE, for example “social prescribing link worker 15”.",
    )
    requirements = forms.MultipleChoiceField(
        label="DES service requirements it is like",
        required=False,
        choices=(),
        help_text="A locally commissioned service: the DES requirements it overlaps.",
        error_messages={"invalid_choice": "Select requirements from the list"},
    )
    reason = forms.CharField(
        label="Note for the audit trail", required=False, max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirements"].choices = requirement_choices()

    def clean_roles(self) -> dict[str, Decimal]:
        roles, problems = roles_from(self.cleaned_data.get("roles", ""))
        if problems:
            raise ValidationError(problems)
        return roles

    def entry(self) -> SchemeEntry:
        data = self.cleaned_data
        return SchemeEntry(
            name=data["name"],
            kind=data["kind"],
            start=data["start"],
            end=data["end"],
            annual_funding=data["annual_funding"],
            description=data["description"],
            funding_source=data["funding_source"],
            networks=codes_from(data["networks"]),
            practices=codes_from(data["practices"]),
            roles=data["roles"],
            requirements=tuple(data["requirements"]),
        )

    def attach(self, error: ValidationError) -> None:
        """Show a service's errors on the fields they name."""
        for name, messages in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages)

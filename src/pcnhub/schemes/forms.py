"""The forms that record, change and end a local scheme. They only check the
input's shape (a date, an amount, one of the choices); :mod:`pcnhub.schemes.records`
decides whether the scheme may be recorded or changed, and its errors land on
the same fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from pcnhub.rules.registry import default_parameters
from pcnhub.rules.services import PREFIX
from pcnhub.schemes.models import LocalSchemeVersion, SchemeKind
from pcnhub.schemes.records import SchemeEntry, codes_from, entry_of, roles_from
from pcnhub.workforce.staff import role_labels

#: The service's errors that name no field of a form: the version the change
#: was made from is a hidden field, so its error goes to the top of the page.
NOT_SHOWN_ON_A_FIELD = {"version"}


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
    #: the service refused the change: the scheme was changed since the page
    #: was opened
    stale = False

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
        attach(self, error)


def attach(form: SchemeForm | EndSchemeForm, error: ValidationError) -> None:
    """A service's errors on the fields they name (the rest at the top)."""
    if "version" in error.message_dict:
        form.stale = True
    for name, messages in error.message_dict.items():
        shown = name in form.fields and name not in NOT_SHOWN_ON_A_FIELD
        form.add_error(name if shown else None, messages)


def _version_field() -> forms.IntegerField:
    # No bounds: the service refuses any version but the current one.
    return forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The page did not say which version it changes: reload it",
            "invalid": "The page did not say which version it changes: reload it",
        },
    )


def _reason_field(label: str, required_message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=2000,
        widget=forms.Textarea,
        help_text="Kept in the scheme's history and the audit trail.",
        error_messages={"required": required_message},
    )


class ChangeSchemeForm(SchemeForm):
    """Change a scheme: its next version, from the version the page showed.
    The reference stays (it names the scheme); a reason is needed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["reference"]
        self.fields["reason"] = _reason_field(
            "Why the scheme changes", "Say why the scheme changes"
        )
        self.fields["version"] = _version_field()


def roles_lines(roles: dict[str, Any]) -> str:
    """Role key → WTE as the form's text: one role a line, its name then the WTE
    (what :func:`pcnhub.schemes.records.roles_from` reads back)."""
    labels = role_labels()
    return "\n".join(f"{labels.get(r, r)} {w}" for r, w in sorted(roles.items()))


def change_initial(version: LocalSchemeVersion) -> dict[str, Any]:
    """A scheme's current version as the change form's starting values."""
    entry = entry_of(version)
    return {
        "name": entry.name,
        "kind": entry.kind,
        "description": entry.description,
        "start": entry.start,
        "end": entry.end,
        "annual_funding": entry.annual_funding,
        "funding_source": entry.funding_source,
        "networks": ", ".join(entry.networks),
        "practices": ", ".join(entry.practices),
        "roles": roles_lines(entry.roles),
        "requirements": list(entry.requirements),
        "reason": "",
        "version": version.number,
    }


class EndSchemeForm(forms.Form):
    """End a scheme on its last day: its next version, with a reason."""

    stale = False

    end = _date("Ends on (its last day)", "the scheme's last day")
    reason = _reason_field("Why the scheme ends", "Say why the scheme ends")
    version = _version_field()

    def attach(self, error: ValidationError) -> None:
        """Show a service's errors on the fields they name."""
        attach(self, error)

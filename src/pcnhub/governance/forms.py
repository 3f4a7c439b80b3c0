"""The forms that record governance changes (one per kind of record).

Forms only check that the input has the right shape (a date, a number, one of
the choices); the services decide whether the change is allowed, and their
errors are shown on the same fields.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from pcnhub.governance.models import (
    WTE_MAX,
    AgreementStatus,
    DocumentKind,
    OperatingModelKind,
    PayeeKind,
    Profession,
)
from pcnhub.governance.sniffing import MAX_DOCUMENT_BYTES
from pcnhub.ui.forms import ServiceForm


def _date(
    label: str, what: str, required: bool = True, hint: str = ""
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=hint,
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} as a real date, for example 2021-04-01",
        },
    )


def _choice(label: str, what: str, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        error_messages={
            "required": f"Select {what}",
            "invalid_choice": f"Select {what} from the list",
        },
    )


def _text(
    label: str, what: str, max_length: int, required: bool = True
) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{what[0].upper()}{what[1:]} must be {max_length} "
            "characters or fewer",
        },
    )


def _reason() -> forms.CharField:
    return forms.CharField(
        label="Reason for this change",
        widget=forms.Textarea,
        max_length=2000,
        help_text="Kept with the record and in the audit trail.",
        error_messages={
            "required": "Enter the reason for this change",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )


START_HINT = (
    "The first day it holds. It cannot be before the record it replaces starts."
)


class ChangeForm(ServiceForm):
    """A governance change: the service's field errors land on these fields."""


class ClinicalDirectorForm(ChangeForm):
    radios = ("profession",)
    name = _text("Name", "the clinical director's name", 200)
    profession = _choice(
        "Profession", "the clinical director's profession", Profession.choices
    )
    wte = forms.DecimalField(
        label="Whole-time equivalent (WTE)",
        help_text=f"For example 0.5 or 1. Above 0 and at most {WTE_MAX}.",
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=WTE_MAX,
        error_messages={
            "required": "Enter the whole-time equivalent",
            "invalid": "Enter the whole-time equivalent as a number, for example 0.5",
            "min_value": "The whole-time equivalent must be above 0",
            "max_value": f"The whole-time equivalent must be {WTE_MAX} or less",
            "max_digits": f"The whole-time equivalent must be {WTE_MAX} or less",
            "max_decimal_places": "Give the whole-time equivalent to 2 decimal places "
            "at most",
            "max_whole_digits": f"The whole-time equivalent must be {WTE_MAX} or less",
        },
    )
    start = _date("Appointed from", "the date the appointment starts", hint=START_HINT)
    reason = _reason()


class EndClinicalDirectorForm(ChangeForm):
    on = _date(
        "First day no longer in post",
        "the first day the clinical director is no longer in post",
    )
    reason = _reason()


class NominatedPayeeForm(ChangeForm):
    radios = ("kind",)
    kind = _choice("Who is paid", "who is paid", PayeeKind.choices)
    payee_code = _text("ODS code", "the payee's ODS code", 12, required=False)
    payee_code.help_text = "Needed for a member practice, for example Z91001."
    payee_name = _text("Name", "the payee's name", 200, required=False)
    payee_name.help_text = "Filled in from the register when left empty."
    start = _date("Paid from", "the date the payee starts", hint=START_HINT)
    reason = _reason()


class NetworkAgreementForm(ChangeForm):
    radios = ("status",)
    status = _choice("Status", "the agreement's status", AgreementStatus.choices)
    signed_on = _date(
        "Signed on",
        "the date it was signed",
        required=False,
        hint="The day the last member practice signed, if it is signed.",
    )
    schedules_complete = forms.BooleanField(
        label="The schedules are completed", required=False
    )
    notes = forms.CharField(
        label="Notes", widget=forms.Textarea, required=False, max_length=4000
    )
    start = _date("Holds from", "the date this holds from", hint=START_HINT)
    reason = _reason()


class DataSharingForm(ChangeForm):
    radios = ("status",)
    status = _choice("Status", "the agreement's status", AgreementStatus.choices)
    signed_on = _date("Signed on", "the date it was signed", required=False)
    start = _date("Holds from", "the date this holds from", hint=START_HINT)
    reason = _reason()


class OperatingModelForm(ChangeForm):
    radios = ("model",)
    model = _choice(
        "Operating model", "the operating model", OperatingModelKind.choices
    )
    contract_holder = _text(
        "Who holds the network contract", "who holds the contract", 300
    )
    contract_holder.help_text = (
        "For example “each member practice”, or the ODS code and name of the "
        "lead provider."
    )
    start = _date("Holds from", "the date this holds from", hint=START_HINT)
    reason = _reason()


class SmallPopulationForm(ChangeForm):
    approval_reason = forms.CharField(
        label="Why the network is approved below the population minimum",
        widget=forms.Textarea,
        max_length=2000,
        help_text="For example: a natural community over a large rural area. The "
        "contract checks cite it.",
        error_messages={
            "required": "Enter why the network is approved below the minimum",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )
    start = _date("Approved from", "the date the approval holds from", hint=START_HINT)


class DocumentForm(ChangeForm):
    radios = ("kind",)
    kind = _choice("Kind of document", "the kind of document", DocumentKind.choices)
    title = _text("Title", "a title", 200)
    upload = forms.FileField(
        label="File",
        help_text="PDF, Word (DOCX), Excel (XLSX), OpenDocument text (ODT), PNG or "
        "JPEG; 10 MB at most.",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The file is empty",
            "invalid": "Choose a file to upload",
        },
    )
    supersedes = forms.TypedChoiceField(
        label="Replaces (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="The earlier document this one replaces: it stays listed, as "
        "superseded.",
        error_messages={"invalid_choice": "Select a document from the list"},
    )
    reason = _reason()

    def __init__(
        self, *args: Any, documents: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supersedes"].choices = [("", "None"), *documents]

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        # Refuse early what the service would refuse, before anything is read.
        if upload is not None and upload.size > MAX_DOCUMENT_BYTES:
            raise ValidationError("The file must be 10 MB or smaller")
        return upload


def _input(label: str, hint: str) -> forms.CharField:
    """A number the service checks (``parse_decimal``); empty means not known."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=30,
        help_text=hint,
        error_messages={"max_length": f"{label} must be 30 characters or fewer"},
    )


class ContractInputsForm(ChangeForm):
    """The inputs an entitlement needs; each optional, empty meaning not known."""

    numbers = ("care_home_beds", "iif_points", "iif_prevalence_factor", "caip_share")
    care_home_beds = _input(
        "Care home beds (optional)",
        "The beds in the network's aligned care homes, a whole number, for "
        "example 120. Care Home Premium is paid per bed. Beds hold until replaced.",
    )
    iif_points = _input(
        "IIF points achieved (optional)",
        "The Investment and Impact Fund points the network achieved in the "
        "contract year the record starts in, for example 150.5.",
    )
    iif_prevalence_factor = _input(
        "IIF prevalence factor (optional)",
        "Above 0, for example 1.05; left empty, the IIF uses 1.",
    )
    caip_share = _input(
        "CAIP share achieved (optional)",
        "Your assessment of the Capacity and Access Improvement Payment: the "
        "share achieved, from 0 to 1, for example 0.75.",
    )
    start = _date(
        "Holds from",
        "the date these inputs hold from",
        hint="To count for a contract year they must hold on its first day, "
        "1 April (or on 1 March for a network formed during the year). IIF "
        "achievement and the CAIP share count only in the contract year this "
        "date is in. It cannot be before the record it replaces starts.",
    )
    reason = _reason()

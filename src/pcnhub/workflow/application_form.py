"""The application form: one :class:`ApplicationForm` serves every kind of
application (the kind picks its fields, :data:`~pcnhub.workflow.form_kinds.KIND_FIELDS`)
and turns what was typed into a :class:`~pcnhub.workflow.services.Proposal`;
:func:`initial_from` fills it from an application to change it. Part of
:mod:`pcnhub.workflow.forms`.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from pcnhub.core.codes import PATTERNS
from pcnhub.governance.models import (
    AgreementStatus,
    OperatingModelKind,
    PayeeKind,
    Profession,
)
from pcnhub.register import queries
from pcnhub.register.models import RelationshipKind
from pcnhub.workflow.form_fields import DatePartsField, _choice, _ods, _text
from pcnhub.workflow.form_kinds import (
    KIND_FIELDS,
    NETWORK_LABEL,
    PAGE_ORDER,
    PAYEE_FIELDS,
    PRACTICE_CHANGE,
    PRACTICES_LABEL,
)
from pcnhub.workflow.models import Application, Kind

YES_NO = [("yes", "Yes"), ("no", "No")]
AGREEMENT_STATUSES = [
    (AgreementStatus.DRAFT.value, AgreementStatus.DRAFT.label),
    (AgreementStatus.SIGNED.value, AgreementStatus.SIGNED.label),
]


class ApplicationForm(forms.Form):
    """Everything any kind of application asks; ``kind`` keeps its own fields."""

    network_name = _text("Network name")
    commissioner = forms.CharField(
        label="Commissioner",
        required=False,
        max_length=12,
        error_messages={"required": "Choose the commissioner"},
    )
    network = forms.CharField(
        label="Network",
        max_length=12,
        error_messages={"required": "Enter the network's ODS code"},
    )
    absorbed_network = forms.CharField(
        label="Absorbed network",
        max_length=12,
        error_messages={"required": "Enter the ODS code of the network absorbed"},
    )
    new_network_name = _text("New network's name", required=True)
    effective_from = DatePartsField(what="the date the change takes effect")
    notice_given_on = DatePartsField(
        what="the date the practice gave notice", required=False
    )
    practices = forms.CharField(
        label="Practices",
        widget=forms.Textarea,
        error_messages={"required": "Enter at least one practice's ODS code"},
    )
    cd1_name = _text("Clinical director's name")
    cd1_profession = _choice(
        "Profession", Profession.choices, "Select the clinical director's profession"
    )
    cd1_wte = forms.CharField(label="Whole-time equivalent", required=False)
    cd2_name = _text("Second clinical director's name")
    cd2_profession = _choice(
        "Profession",
        Profession.choices,
        "Select the second clinical director's profession",
    )
    cd2_wte = forms.CharField(label="Whole-time equivalent", required=False)
    payee_code = forms.CharField(label="Payee's ODS code", required=False)
    payee_name = _text("Payee's name")
    payee_kind = _choice(
        "Kind of payee", PayeeKind.choices, "Select the kind of nominated payee"
    )
    agreement_status = _choice(
        "Network agreement",
        AGREEMENT_STATUSES,
        "Select whether the network agreement is a draft or signed",
    )
    agreement_signed_on = DatePartsField(
        what="the date the network agreement was signed", required=False
    )
    agreement_schedules_complete = _choice(
        "Are the schedules to the agreement complete?",
        YES_NO,
        "Select yes if the schedules are complete",
    )
    data_sharing_status = _choice(
        "Data-sharing agreement",
        AGREEMENT_STATUSES,
        "Select whether the data-sharing agreement is a draft or signed",
    )
    data_sharing_signed_on = DatePartsField(
        what="the date the data-sharing agreement was signed", required=False
    )
    operating_model = _choice(
        "Operating model", OperatingModelKind.choices, "Select the operating model"
    )
    contract_holder = _text("Contract holder")
    small_population_reason = forms.CharField(
        label="Reason for a population below 30,000",
        required=False,
        widget=forms.Textarea,
        max_length=4000,
    )
    reason = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea, max_length=4000
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = set(KIND_FIELDS[kind]) | {"version"}
        # The page's order, so that the error summary follows it.
        self.fields = {name: self.fields[name] for name in PAGE_ORDER if name in keep}
        if kind == Kind.REGISTRATION:
            self.fields["network_name"].required = True
            self.fields["commissioner"].required = True
        if kind == Kind.CLINICAL_DIRECTOR:
            self.fields["cd1_name"].required = True
        if kind == Kind.NOMINATED_PAYEE:
            self.fields["payee_kind"].required = True
        if "practices" in self.fields:
            self.fields["practices"].label = PRACTICES_LABEL[kind]
        if "network" in self.fields:
            self.fields["network"].label = NETWORK_LABEL.get(kind, "Network")
        if kind in (Kind.PRACTICE_LEAVE, Kind.OPT_OUT):
            self.fields["notice_given_on"].required = True

    # --- cleaning ---------------------------------------------------------------

    def clean_commissioner(self) -> str:
        return _ods(self.cleaned_data.get("commissioner", ""))

    def clean_network(self) -> str:
        return _ods(self.cleaned_data.get("network", ""))

    def clean_absorbed_network(self) -> str:
        return _ods(self.cleaned_data.get("absorbed_network", ""))

    def clean_payee_code(self) -> str:
        return _ods(self.cleaned_data.get("payee_code", ""))

    def clean_practices(self) -> list[str]:
        codes = [_ods(c) for c in re.split(r"[\s,;]+", self.cleaned_data["practices"])]
        codes = [c for c in codes if c]
        if not codes:
            raise ValidationError("Enter at least one practice's ODS code")
        bad = [c for c in codes if not PATTERNS["practice"].match(c)]
        if bad:
            raise ValidationError(
                f"{bad[0]} is not a practice's ODS code: enter a letter and 5 "
                "characters, for example Z93030, one a line"
            )
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValidationError(f"{twice[0]} is named twice: enter it once")
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for n in (1, 2):
            self._clean_director(data, n)
        if "payee_kind" in self.fields:
            self._clean_payee(data)
        if data.get("agreement_status") == AgreementStatus.SIGNED and not data.get(
            "agreement_signed_on"
        ):
            self._missing(
                "agreement_signed_on", "Enter the date the network agreement was signed"
            )
        if data.get("data_sharing_status") == AgreementStatus.SIGNED and not data.get(
            "data_sharing_signed_on"
        ):
            self._missing(
                "data_sharing_signed_on",
                "Enter the date the data-sharing agreement was signed",
            )
        if (
            data.get("operating_model")
            and not (data.get("contract_holder") or "").strip()
        ):
            self._missing(
                "contract_holder",
                "Enter who holds the network's contracts (for a flat practice "
                "network, the member practices)",
            )
        if "commissioner" in self.fields and not data.get("commissioner"):
            data["commissioner"] = self._network_commissioner(data)
            if not data["commissioner"] and data.get("network"):
                self._missing(
                    "commissioner",
                    f"{data['network']} has no commissioner in the register: "
                    "enter its commissioner's ODS code",
                )
        return data

    def _missing(self, name: str, message: str) -> None:
        if name not in self.errors:
            self.add_error(name, message)

    def _clean_director(self, data: dict[str, Any], n: int) -> None:
        name_field = f"cd{n}_name"
        if name_field not in self.fields:
            return
        name = (data.get(name_field) or "").strip()
        profession = data.get(f"cd{n}_profession")
        raw_wte = (data.get(f"cd{n}_wte") or "").strip()
        which = "clinical director's" if n == 1 else "second clinical director's"
        if not name:
            if profession or raw_wte:
                self._missing(name_field, f"Enter the {which} name")
            return
        if not profession:
            self._missing(f"cd{n}_profession", f"Select the {which} profession")
        try:
            wte = Decimal(raw_wte)
        except InvalidOperation:
            self._missing(
                f"cd{n}_wte",
                f"Enter the {which} whole-time equivalent as a number, for example 0.5",
            )
            return
        if not (Decimal(0) < wte <= Decimal(2)) or wte != wte.quantize(Decimal("0.01")):
            self._missing(
                f"cd{n}_wte",
                f"The {which} whole-time equivalent must be more than 0 and at "
                "most 2, with up to 2 decimal places",
            )
        else:
            data[f"cd{n}_wte"] = str(wte)

    def _clean_payee(self, data: dict[str, Any]) -> None:
        given = any(data.get(f) for f in PAYEE_FIELDS)
        if not given:
            return
        if not data.get("payee_kind"):
            self._missing("payee_kind", "Select the kind of nominated payee")
        kind, code = data.get("payee_kind"), data.get("payee_code", "")
        if kind == PayeeKind.NETWORK_ACCOUNT:
            return
        if not code and not data.get("payee_name"):
            self._missing(
                "payee_code", "Enter the payee's ODS code, or its name if it has none"
            )
        elif code and not re.match(r"^[A-Z0-9]{3,6}$", code):
            self._missing("payee_code", f"{code} is not an ODS code")
        elif (
            code
            and kind == PayeeKind.MEMBER_PRACTICE
            and not PATTERNS["practice"].match(code)
        ):
            self._missing(
                "payee_code",
                f"{code} is not a practice's ODS code: a member practice's code is "
                "a letter and 5 characters, for example Z93030",
            )

    def _network_commissioner(self, data: dict[str, Any]) -> str:
        network = data.get("network")
        if not network:
            return ""
        return network_commissioner(network, data.get("effective_from"))

    # --- what the form asks for ---------------------------------------------------

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        details: dict[str, Any] = {}
        if self.kind == Kind.REGISTRATION:
            details["network_name"] = data["network_name"].strip()
        if self.kind == Kind.MERGER:
            details["absorbed_network"] = data["absorbed_network"]
        if self.kind == Kind.SPLIT:
            details["new_network_name"] = data["new_network_name"].strip()
        directors = [
            {
                "name": data[f"cd{n}_name"].strip(),
                "profession": data[f"cd{n}_profession"],
                "wte": data[f"cd{n}_wte"],
            }
            for n in (1, 2)
            if f"cd{n}_name" in self.fields and (data.get(f"cd{n}_name") or "").strip()
        ]
        if directors:
            details["clinical_directors"] = directors
        if "payee_kind" in self.fields and data.get("payee_kind"):
            details["payee"] = {
                "code": data.get("payee_code", ""),
                "name": (data.get("payee_name") or "").strip(),
                "kind": data["payee_kind"],
            }
        if data.get("agreement_status"):
            signed = data.get("agreement_signed_on")
            details["agreement"] = {
                "status": data["agreement_status"],
                "signed_on": signed.isoformat() if signed else None,
                "schedules_complete": data.get("agreement_schedules_complete") == "yes",
            }
        if data.get("data_sharing_status"):
            signed = data.get("data_sharing_signed_on")
            details["data_sharing"] = {
                "status": data["data_sharing_status"],
                "signed_on": signed.isoformat() if signed else None,
            }
        if data.get("operating_model"):
            details["operating_model"] = {
                "model": data["operating_model"],
                "contract_holder": (data.get("contract_holder") or "").strip(),
            }
        reason = (data.get("small_population_reason") or "").strip()
        if reason:
            details["small_population_reason"] = reason
        return details

    def proposal(self) -> Any:
        from pcnhub.workflow.validation import Proposal

        data = self.cleaned_data
        change = PRACTICE_CHANGE.get(self.kind, "")
        return Proposal(
            kind=self.kind,
            commissioner=data.get("commissioner", ""),
            network=data.get("network", ""),
            effective_from=data["effective_from"],
            notice_given_on=data.get("notice_given_on"),
            reason=(data.get("reason") or "").strip(),
            details=self.details(),
            practices=[(code, change) for code in data.get("practices") or []],
        )


def network_commissioner(network: str, day: date | None) -> str:
    """The network's commissioner on ``day`` (or today), from the register."""
    from pcnhub.access.scope import today

    for when in (day, today()):
        if when is None:
            continue
        found = queries.parent_on(RelationshipKind.NETWORK_COMMISSIONER, network, when)
        if found:
            return found
    return ""


def initial_from(application: Application) -> dict[str, Any]:
    """The form's initial values from an application (to change it)."""
    details = application.details or {}
    initial: dict[str, Any] = {
        "commissioner": application.commissioner_id,
        "network": application.network_id or "",
        "effective_from": application.effective_from,
        "notice_given_on": application.notice_given_on,
        "reason": application.reason,
        "practices": "\n".join(application.practice_codes()),
        "network_name": details.get("network_name", ""),
        "absorbed_network": details.get("absorbed_network", ""),
        "new_network_name": details.get("new_network_name", ""),
        "small_population_reason": details.get("small_population_reason", ""),
        "version": application.version,
    }
    for n, director in enumerate(details.get("clinical_directors") or [], start=1):
        if n > 2:
            break
        initial[f"cd{n}_name"] = director.get("name", "")
        initial[f"cd{n}_profession"] = director.get("profession", "")
        initial[f"cd{n}_wte"] = str(director.get("wte", ""))
    payee = details.get("payee") or {}
    initial |= {
        "payee_code": payee.get("code", ""),
        "payee_name": payee.get("name", ""),
        "payee_kind": payee.get("kind", ""),
    }
    agreement = details.get("agreement") or {}
    if agreement:
        initial["agreement_status"] = agreement.get("status", "")
        initial["agreement_signed_on"] = _iso(agreement.get("signed_on"))
        initial["agreement_schedules_complete"] = (
            "yes" if agreement.get("schedules_complete") else "no"
        )
    sharing = details.get("data_sharing") or {}
    if sharing:
        initial["data_sharing_status"] = sharing.get("status", "")
        initial["data_sharing_signed_on"] = _iso(sharing.get("signed_on"))
    model = details.get("operating_model") or {}
    initial["operating_model"] = model.get("model", "")
    initial["contract_holder"] = model.get("contract_holder", "")
    return initial


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None

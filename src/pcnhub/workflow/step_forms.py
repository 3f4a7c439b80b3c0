"""The forms of the workflow's other steps: the kind of a new application,
withdrawing, confirming, deciding, appealing and assigning a practice. Part of
:mod:`pcnhub.workflow.forms`.
"""

from __future__ import annotations

from django import forms

from pcnhub.workflow.form_fields import DatePartsField, _ods
from pcnhub.workflow.form_kinds import APPLICANT_KINDS
from pcnhub.workflow.models import Decision


class KindForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in APPLICANT_KINDS],
        error_messages={
            "required": "Select the kind of application",
            "invalid_choice": "Select the kind of application",
        },
    )


def _version_field() -> forms.Field:
    message = "The page was out of date: reload it and try again"
    return forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": message, "invalid": message},
    )


class VersionForm(forms.Form):
    version = _version_field()


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=4000,
        error_messages={"required": "Say why you are withdrawing the application"},
    )


class ConfirmForm(forms.Form):
    practice = forms.CharField(
        max_length=12,
        error_messages={"required": "Choose the practice that confirmed"},
    )
    note = forms.CharField(max_length=4000, required=False)

    def clean_practice(self) -> str:
        return _ods(self.cleaned_data["practice"])


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=Decision.Outcome.choices,
        error_messages={
            "required": "Select approve, approve with conditions or reject",
            "invalid_choice": "Select approve, approve with conditions or reject",
        },
    )
    reasons = forms.CharField(required=False, max_length=10000)
    conditions = forms.CharField(required=False, max_length=10000)
    network_code = forms.CharField(required=False, max_length=12)
    version = _version_field()

    def clean_network_code(self) -> str:
        return _ods(self.cleaned_data.get("network_code", ""))


class AppealForm(forms.Form):
    grounds = forms.CharField(
        max_length=10000,
        error_messages={"required": "Give the grounds of the appeal"},
    )


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[("upheld", "Uphold the appeal"), ("dismissed", "Dismiss the appeal")],
        error_messages={
            "required": "Select whether the appeal is upheld or dismissed",
            "invalid_choice": "Select whether the appeal is upheld or dismissed",
        },
    )
    reasons = forms.CharField(
        max_length=10000,
        error_messages={"required": "Give the reasons for the appeal's outcome"},
    )
    network_code = forms.CharField(required=False, max_length=12)

    def clean_network_code(self) -> str:
        return _ods(self.cleaned_data.get("network_code", ""))


class AssignForm(forms.Form):
    network = forms.CharField(
        max_length=12,
        error_messages={"required": "Choose the network the practice is assigned to"},
    )
    effective_from = DatePartsField(what="the date the assignment takes effect")
    reason = forms.CharField(
        max_length=4000,
        error_messages={"required": "Say why the practice is assigned"},
    )

    def clean_network(self) -> str:
        return _ods(self.cleaned_data["network"])

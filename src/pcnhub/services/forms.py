"""The forms of the services pages: a delivery status, or a week's access hours.

Forms check only the shape of the input; the services (:mod:`pcnhub.services.records`)
decide whether it is allowed and their errors land on the same fields.
"""

from __future__ import annotations

from django import forms

from pcnhub.governance.forms import ChangeForm
from pcnhub.services.models import DeliveryStatus
from pcnhub.services.records import MAX_WEEK_MINUTES

WHAT = (("delivery", "A service requirement's delivery"), ("access", "Access hours"))


def _reason() -> forms.CharField:
    return forms.CharField(
        label="Reason for this change",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Enter the reason for this change",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )


class DeliveryForm(ChangeForm):
    radios = ("status",)

    def __init__(
        self, *args: object, requirements: list[tuple[str, str]], **kw: object
    ):
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.fields["requirement"].choices = requirements

    requirement = forms.ChoiceField(
        label="Service requirement",
        error_messages={
            "required": "Select the service requirement",
            "invalid_choice": "Select a service requirement due in the year",
        },
    )
    status = forms.ChoiceField(
        label="Delivery status",
        choices=DeliveryStatus.choices,
        error_messages={
            "required": "Select the delivery status",
            "invalid_choice": "Select the delivery status from the list",
        },
    )
    evidence = forms.CharField(
        label="Evidence",
        help_text="What shows the requirement is delivered: a plan, an audit, data.",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        error_messages={"max_length": "The evidence must be 5,000 characters or fewer"},
    )
    link = forms.URLField(
        label="Link to the evidence (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter the link as a web address starting https://"},
    )
    reason = _reason()


class AccessHoursForm(ChangeForm):
    week_starting = forms.DateField(
        label="Week starting (a Monday)",
        input_formats=["%Y-%m-%d"],
        help_text="For example 2024-06-03",
        error_messages={
            "required": "Enter the Monday the week starts on",
            "invalid": "Enter the week's Monday as a real date, for example 2024-06-03",
        },
    )
    minutes_offered = forms.IntegerField(
        label="Minutes of appointments offered in the week",
        min_value=0,
        max_value=MAX_WEEK_MINUTES,
        error_messages={
            "required": "Enter the minutes offered",
            "invalid": "Enter the minutes offered as a whole number, like 1260",
            "min_value": "The minutes offered cannot be negative",
            "max_value": f"The minutes offered must be at most {MAX_WEEK_MINUTES:,}",
        },
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )
    reason = _reason()
    numbers = ("minutes_offered",)

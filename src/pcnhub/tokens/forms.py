"""The forms of the tokens pages (the rules are the service's)."""

from __future__ import annotations

from django import forms

from pcnhub.tokens.services import LONGEST_YEARS, NAME_LIMIT
from pcnhub.ui.forms import ServiceForm


class TokenForm(ServiceForm):
    name = forms.CharField(
        label="Name",
        max_length=NAME_LIMIT,
        help_text="What the token is for, for example 'weekly export script'",
        error_messages={
            "required": "Enter a name for the token",
            "max_length": f"The name must be {NAME_LIMIT} characters or fewer",
        },
    )
    expires_on = forms.DateField(
        label="Expiry date (optional)",
        required=False,
        help_text="The token works until the end of this day, at most "
        f"{LONGEST_YEARS} years ahead. Leave it empty for a token that does not "
        "expire.",
        error_messages={"invalid": "Enter the expiry date as a real date"},
    )


class RevokeForm(ServiceForm):
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea,
        help_text="Kept in the audit trail, for example 'the laptop was lost'",
        error_messages={"max_length": "The reason must be 500 characters or fewer"},
    )

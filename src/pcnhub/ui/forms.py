"""Forms in the NHS.UK frame: the CSRF field and the error summary."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from markupsafe import Markup

#: Stands in for the CSRF token while a page is rendered; the token is filled in
#: per request (pcnhub.web.page_cache), so a kept page never holds anyone's
#: token. It cannot be typed into a form by accident; if a user types it, it
#: becomes that viewer's own token, in their own page, as escaped text.
CSRF_PLACEHOLDER = "pcnhub-csrf-token-3f9c1e7a5b"


def csrf_field() -> Markup:
    """The hidden CSRF field, holding the placeholder."""
    return Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(
        CSRF_PLACEHOLDER
    )


def csrf_input(request: HttpRequest) -> Markup:
    """The form's CSRF field; the token is filled in per request."""
    return csrf_field()


def form_errors(form: Any) -> list[dict[str, str]]:
    """A bound form's errors for the NHS.UK error summary, each linking its field."""
    if not form.is_bound:
        return []
    first_field = next(iter(form.fields), "")
    return [
        {"text": str(message), "href": f"#{field or first_field}"}
        for field, messages in form.errors.items()
        for message in messages
        if field != "__all__"
    ] + [
        {"text": str(message), "href": f"#{first_field}"}
        for message in form.non_field_errors()
    ]


class ServiceForm(forms.Form):
    """A form whose service's ``ValidationError`` lands on the fields it names
    (the rest on the form as a whole). ``radios`` names the choice fields shown
    as radios rather than a select (:mod:`pcnhub.ui.form_fields`)."""

    radios: tuple[str, ...] = ()

    def attach(self, error: ValidationError) -> None:
        found = error.error_dict if hasattr(error, "error_dict") else {None: [error]}
        for field, errors in found.items():
            target = field if field in self.fields else None
            for item in errors:
                for message in item.messages:
                    # The services speak in lower case; the NHS.UK pattern starts
                    # each message with a capital.
                    self.add_error(target, message[:1].upper() + message[1:])


def money_field(label: str, what: str, required: bool = True, hint: str = "") -> Any:
    """Pounds to the penny, not negative; the errors say ``what`` is wrong."""
    return forms.DecimalField(
        label=label,
        required=required,
        help_text=hint,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"Enter {what} in pounds, for example 28000 or 28000.50",
            "min_value": f"{what[:1].upper() + what[1:]} cannot be negative",
            "max_decimal_places": f"Enter {what} to the penny at most",
        },
    )

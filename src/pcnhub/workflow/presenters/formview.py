"""Forms for the NHS.UK macros: a Django form's values and errors (the
error-summary pattern), services' refusals put on the form, and the
commissioners a user may choose."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from pcnhub.access.roles import Role
from pcnhub.access.scope import scope_of
from pcnhub.register import queries
from pcnhub.workflow import forms as wf_forms
from pcnhub.workflow.presenters.common import sentence


class FormView:
    """A Django form's values and errors, as the NHS.UK macros take them.

    ``extra`` holds errors from the services (a :class:`WorkflowError` names the
    form field; one that names none goes first in the summary).
    """

    def __init__(self, form: forms.Form, anchors: dict[str, str] | None = None):
        self.form = form
        self.anchors = anchors or {}

    def has(self, name: str) -> bool:
        return name in self.form.fields

    def label(self, name: str) -> str:
        return str(self.form.fields[name].label or name)

    def value(self, name: str) -> Any:
        if self.form.is_bound:
            value = self.form.data.get(name, "")
        else:
            value = self.form.initial.get(name, self.form.fields[name].initial)
        return "" if value is None else value

    def dates(self, name: str) -> dict[str, str]:
        if self.form.is_bound:
            return {
                part: self.form.data.get(f"{name}-{part}", "")
                for part in wf_forms.DATE_PARTS
            }
        return wf_forms.date_values(self.form.initial.get(name))

    def error(self, name: str) -> dict[str, str] | None:
        messages = self.form.errors.get(name) if self.form.is_bound else None
        return {"text": " ".join(sentence(m) for m in messages)} if messages else None

    def items(self, name: str) -> list[dict[str, str]]:
        field = self.form.fields[name]
        return [
            {"value": value, "text": text}
            for value, text in getattr(field, "choices", [])
            if value != ""
        ]

    def anchor(self, name: str) -> str:
        if name in self.anchors:
            return "#" + self.anchors[name]
        field = self.form.fields.get(name)
        if isinstance(field, wf_forms.DatePartsField):
            return f"#{name}-day"
        return f"#{name}"

    def summary(self) -> list[dict[str, str]]:
        """The error summary: service errors without a field, then by field order."""
        if not self.form.is_bound:
            return []
        first = next((n for n in self.form.fields if n != "version"), "")
        items = [
            {"text": sentence(m), "href": self.anchor(first)}
            for m in self.form.non_field_errors()
        ]
        for name in self.form.fields:
            for message in self.form.errors.get(name, []):
                items.append({"text": sentence(message), "href": self.anchor(name)})
        return items


def add_service_error(form: forms.Form, message: str, field: str) -> None:
    """Put a :class:`WorkflowError` on the form: on its field, or the whole form."""
    aliases = {"practice": "practices", "kind": ""}
    name = field if field in form.fields else aliases.get(field, "")
    form.add_error(name if name in form.fields else None, sentence(message))


def commissioner_choices(user: Any) -> list[tuple[str, str]]:
    """Commissioners the user's roles reach (and those above their practices and
    networks), for the registration form's select; empty for country-wide users."""
    from pcnhub.register.models import Organisation, OrganisationKind, Succession

    scope = scope_of(user)
    if scope.country_wide:
        return []
    today = timezone.localdate()
    codes = set(
        Organisation.objects.filter(
            code__in=scope.reach, kind=OrganisationKind.COMMISSIONER
        ).values_list("code", flat=True)
    )
    for org in scope.held_for(Role.PRACTICE_MANAGER):
        found = queries.parent_on("practice_commissioner", org, today)
        if found:
            codes.add(found)
    for org in scope.acts_for_networks:
        found = wf_forms.network_commissioner(org, today)
        if found:
            codes.add(found)
    # Commissioners since merged into another are no longer chosen.
    merged = set(
        Succession.objects.filter(predecessor_id__in=codes).values_list(
            "predecessor_id", flat=True
        )
    )
    codes -= merged
    names = queries.latest_names(codes)
    return sorted(
        ((c, f"{names.get(c) or c} ({c})") for c in codes), key=lambda x: x[1]
    )

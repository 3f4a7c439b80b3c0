"""Shaping schemes and the overlap report into what the NHS.UK macros show."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse
from markupsafe import Markup

from pcnhub.rules.claims import pounds
from pcnhub.schemes.models import LocalSchemeVersion, SchemeKind
from pcnhub.schemes.overlaps import KIND_LABELS, Overlap
from pcnhub.ui.asat import AsAt
from pcnhub.ui.formatting import fmt_date
from pcnhub.ui.sorting import Column, Total
from pcnhub.workforce.staff import role_labels

KINDS = dict(SchemeKind.choices)
Spec = dict[str, Any]


def money(value: Total) -> str:
    return "" if value is None else pounds(Decimal(value))


def period(start: date, end: date | None) -> str:
    return f"{fmt_date(start)} to {fmt_date(end) if end else 'now'}"


def roles_text(roles: dict[str, Any]) -> str:
    labels = role_labels()
    return "; ".join(f"{labels.get(r, r)} {w} WTE" for r, w in sorted(roles.items()))


def covers_text(version: LocalSchemeVersion) -> str:
    parts = [", ".join(version.networks), ", ".join(version.practices)]
    return "; practices ".join(p for p in parts if p) or "—"


def scheme_link(code: str, version: LocalSchemeVersion, as_at: AsAt) -> Markup:
    href = as_at.link(reverse("local_scheme", args=[code, version.scheme_id]))
    return Markup('<a class="nhsuk-link" href="{}">{}</a>').format(
        href, version.scheme.reference
    )


def schemes_table(
    code: str, versions: Sequence[LocalSchemeVersion], as_at: AsAt
) -> dict[str, Any]:
    return {
        "caption": "Local schemes",
        "responsive": True,
        "head": [
            {"text": t}
            for t in ("Reference", "Name", "Kind", "Runs", "Covers", "Funds")
        ]
        + [{"text": "Annual funding", "format": "numeric"}],
        "rows": [
            [
                {"html": scheme_link(code, v, as_at)},
                {"text": v.name},
                {"text": KINDS.get(v.kind, v.kind)},
                {"text": period(v.start, v.end)},
                {"text": covers_text(v)},
                {"text": roles_text(v.roles) or ", ".join(v.requirements) or "—"},
                {"text": pounds(v.annual_funding), "format": "numeric"},
            ]
            for v in versions
        ],
    }


def version_rows(version: LocalSchemeVersion) -> list[dict[str, Any]]:
    def row(key: str, value: str) -> dict[str, Any]:
        return {"key": {"text": key}, "value": {"text": value or "—"}}

    return [
        row("Kind", KINDS.get(version.kind, version.kind)),
        row("Runs", period(version.start, version.end)),
        row("Annual funding", pounds(version.annual_funding)),
        row("Funding source", version.funding_source),
        row("Networks covered", ", ".join(version.networks)),
        row("Practices covered", ", ".join(version.practices)),
        row("Roles funded", roles_text(version.roles)),
        row("DES requirements it is like", ", ".join(version.requirements)),
        row("Description", version.description),
    ]


def history_table(versions: Sequence[LocalSchemeVersion]) -> dict[str, Any]:
    return {
        "caption": "Versions, newest first",
        "responsive": True,
        "head": [
            {"text": t}
            for t in (
                "Version",
                "Recorded",
                "Name",
                "Runs",
                "Covers",
                "Funding",
                "Note",
            )
        ],
        "rows": [
            [
                {"text": str(v.number)},
                {"text": fmt_date(v.recorded_at.date())},
                {"text": v.name},
                {"text": period(v.start, v.end)},
                {"text": covers_text(v)},
                {"text": pounds(v.annual_funding)},
                {"text": v.reason or "—"},
            ]
            for v in versions
        ],
    }


#: The report's columns: sorted on the server, amounts totalled.
REPORT_COLUMNS = (
    Column("overlap", "Overlap", lambda r: KIND_LABELS[r.kind]),
    Column("scheme", "Scheme", lambda r: r.scheme),
    Column("network", "Network", lambda r: r.network),
    Column("what", "Requirement or role", lambda r: r.what_label),
    Column("post", "Post (person key)", lambda r: r.post),
    Column("period", "Period", lambda r: r.start),
    Column("days", "Days", lambda r: r.days, numeric=True),
    Column(
        "amount",
        "Amount at stake",
        lambda r: r.amount,
        numeric=True,
        summable=True,
        fmt=money,
    ),
    Column("explanation", "Why"),
)


def _post_text(row: Overlap) -> str:
    if not row.post:
        return "—"
    who = f"{row.name}, " if row.name else ""
    return f"{row.post} ({who}{row.person_key})"


def report_rows(rows: Sequence[Overlap]) -> list[list[dict[str, Any]]]:
    return [
        [
            {"text": KIND_LABELS[r.kind]},
            {"text": r.scheme or "none recorded"},
            {"text": r.network},
            {"text": r.what_label},
            {"text": _post_text(r)},
            {"text": period(r.start, r.end)},
            {"text": f"{r.days:,}", "format": "numeric"},
            {"text": pounds(r.amount), "format": "numeric"},
            {"text": r.explanation},
        ]
        for r in rows
    ]


# --- the form ----------------------------------------------------------------------


def _value(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _spec(form: forms.Form, name: str) -> Spec:
    field = form.fields[name]
    label = str(field.label)
    value = form[name].value()
    if isinstance(field, forms.MultipleChoiceField):
        chosen = {str(v) for v in value or []}
        return {
            "macro": "checkboxes",
            "params": {
                "idPrefix": name,
                "name": name,
                "fieldset": {"legend": {"text": label, "size": "s"}},
                "items": [
                    {"value": v, "text": t, "checked": v in chosen}
                    for v, t in field.choices
                ],
            },
        }
    if isinstance(field, forms.ChoiceField):
        return {
            "macro": "radios",
            "params": {
                "idPrefix": name,
                "name": name,
                "fieldset": {"legend": {"text": label, "size": "s"}},
                "items": [
                    {"value": v, "text": t, "checked": _value(value) == str(v)}
                    for v, t in field.choices
                ],
            },
        }
    params: Spec = {"id": name, "name": name, "label": {"text": label}}
    params["value"] = _value(value)
    if isinstance(field.widget, forms.Textarea):
        return {"macro": "textarea", "params": params | {"rows": 3}}
    if isinstance(field, forms.DateField):
        params |= {"type": "date", "classes": "nhsuk-input--width-10"}
    elif isinstance(field, forms.DecimalField):
        params |= {"inputmode": "decimal", "classes": "nhsuk-input--width-10"}
    return {"macro": "input", "params": params | {"spellcheck": False}}


def form_fields(form: forms.Form) -> list[Spec]:
    """Each field as the NHS.UK macro that shows it, with its hint and error;
    each field's first input has the field's name as its id (the error
    summary links to ``#name``)."""
    specs = []
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        spec = _spec(form, name)
        errors = form[name].errors
        if errors:
            spec["params"]["errorMessage"] = {"text": " ".join(errors)}
        if field.help_text:
            spec["params"]["hint"] = {"text": str(field.help_text)}
        specs.append(spec)
    return specs


def hidden_fields(form: forms.Form) -> dict[str, str]:
    """The form's hidden fields → their values (as given back when the form is
    sent, so a change stays made from the version the page first showed)."""
    return {
        name: _value(form[name].value())
        for name, field in form.fields.items()
        if field.widget.is_hidden
    }

"""What the services pages and downloads show: the year's tables and rows.

Names of who recorded a row are people's usernames: they are shown only to
those who may see the network's personal data (``governance.view_personal``),
as on the governance pages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from markupsafe import Markup

from pcnhub.services.models import DeliveryStatus
from pcnhub.services.records import AccessWeek, RequirementDelivery, YearView
from pcnhub.ui.formatting import fmt_date, fmt_when
from pcnhub.ui.tags import numeric, tag

WITHHELD = "withheld"
Table = dict[str, Any]

STATUS_COLOURS = {
    DeliveryStatus.NOT_STARTED: "grey",
    DeliveryStatus.IN_PROGRESS: "yellow",
    DeliveryStatus.DELIVERED: "green",
    DeliveryStatus.NOT_DELIVERED: "red",
}
NOT_RECORDED = "Not recorded"

#: The columns of the year's download (CSV and Excel).
DELIVERY_COLUMNS = [
    "network",
    "contract_year",
    "requirement",
    "requirement_name",
    "due_from",
    "due_to",
    "provisional",
    "status",
    "evidence",
    "link",
    "version",
    "recorded_by",
    "recorded_at",
    "reason",
    "source",
]
ACCESS_COLUMNS = [
    "network",
    "week_starting",
    "minutes_offered",
    "required_minutes",
    "basis",
    "population",
    "outcome",
    "provisional",
    "version",
    "note",
    "recorded_by",
    "recorded_at",
    "reason",
    "source",
]


def _who(label: str, personal: bool) -> str:
    return label if personal else WITHHELD


def status_tag(status: str | None) -> Markup:
    if not status:
        return tag(NOT_RECORDED, "white")
    return tag(DeliveryStatus(status).label, STATUS_COLOURS[DeliveryStatus(status)])


def _due(item: RequirementDelivery) -> str:
    r = item.requirement
    text = f"{fmt_date(r.due_from)} to {fmt_date(r.due_to)}"
    return text + (" (provisional)" if r.provisional else "")


def _evidence(item: RequirementDelivery) -> dict[str, Any]:
    """The latest evidence, with its link when one was given."""
    latest = item.latest
    if latest is None:
        return {"text": "—"}
    if latest.link:
        html = Markup('{} <a class="nhsuk-link" href="{}">Evidence link</a>')
        return {"html": html.format(latest.evidence, latest.link)}
    return {"text": latest.evidence or "—"}


def requirements_table(view: YearView, personal: bool) -> Table:
    rows = []
    for item in view.requirements:
        latest = item.latest
        recorded = (
            f"{fmt_when(latest.recorded_at)} by "
            f"{_who(latest.recorded_by_label, personal)} (version {latest.version})"
            if latest
            else "—"
        )
        rows.append(
            [
                {"text": item.requirement.name},
                _due(item),
                {"html": status_tag(latest.status if latest else None)},
                _evidence(item),
                recorded,
            ]
        )
    return {
        "caption": f"Service requirements due in {view.year}",
        "responsive": True,
        "firstCellIsHeader": True,
        "head": [
            {"text": "Requirement"},
            {"text": "Due"},
            {"text": "Status"},
            {"text": "Evidence"},
            {"text": "Last recorded"},
        ],
        "rows": rows,
    }


def history_table(view: YearView, personal: bool) -> Table:
    names = {i.requirement.code: i.requirement.name for i in view.requirements}
    rows = [
        [
            names.get(row.requirement, row.requirement),
            numeric(str(row.version)),
            {"html": status_tag(row.status)},
            row.evidence or "—",
            f"{fmt_when(row.recorded_at)} by {_who(row.recorded_by_label, personal)}",
            row.reason,
        ]
        for item in view.requirements
        for row in item.history
    ]
    return {
        "caption": "Every version recorded, newest first",
        "responsive": True,
        "head": [
            {"text": "Requirement"},
            {"text": "Version", "format": "numeric"},
            {"text": "Status"},
            {"text": "Evidence"},
            {"text": "Recorded"},
            {"text": "Reason"},
        ],
        "rows": rows,
    }


def _outcome(week: AccessWeek) -> Markup:
    if week.finding is None:
        return tag("No minimum", "grey")
    if week.finding.outcome == "breach":
        return tag("Below the minimum", "red")
    return tag("Meets the minimum", "green")


def access_table(view: YearView) -> Table:
    rows = [
        [
            fmt_date(w.row.week_starting),
            numeric(f"{w.row.minutes_offered:,}"),
            numeric(f"{w.required.minutes:,}" if w.required else "—"),
            {"html": _outcome(w)},
            w.row.note or "—",
        ]
        for w in view.weeks
    ]
    return {
        "caption": f"Access minutes offered each week in {view.year}",
        "responsive": True,
        "head": [
            {"text": "Week starting"},
            {"text": "Offered", "format": "numeric"},
            {"text": "Required", "format": "numeric"},
            {"text": "Outcome"},
            {"text": "Note"},
        ],
        "rows": rows,
    }


def delivery_records(view: YearView, personal: bool) -> list[dict[str, Any]]:
    """One row per requirement due: its latest status (the download)."""
    out = []
    for item in view.requirements:
        r, latest = item.requirement, item.latest
        out.append(
            {
                "network": view.code,
                "contract_year": str(view.year),
                "requirement": r.code,
                "requirement_name": r.name,
                "due_from": r.due_from,
                "due_to": r.due_to,
                "provisional": "yes" if r.provisional else "no",
                "status": DeliveryStatus(latest.status).label
                if latest
                else NOT_RECORDED,
                "evidence": latest.evidence if latest else "",
                "link": latest.link if latest else "",
                "version": latest.version if latest else None,
                "recorded_by": _who(latest.recorded_by_label, personal)
                if latest
                else "",
                "recorded_at": fmt_when(latest.recorded_at) if latest else "",
                "reason": latest.reason if latest else "",
                "source": r.source,
            }
        )
    return out


def access_records(view: YearView, personal: bool) -> list[dict[str, Any]]:
    out = []
    for w in view.weeks:
        required = w.required
        out.append(
            {
                "network": view.code,
                "week_starting": w.row.week_starting,
                "minutes_offered": w.row.minutes_offered,
                "required_minutes": required.minutes if required else None,
                "basis": required.basis if required else "",
                "population": required.population.total if required else None,
                "outcome": w.finding.outcome if w.finding else "",
                "provisional": "yes" if required and required.provisional else "no",
                "version": w.row.version,
                "note": w.row.note,
                "recorded_by": _who(w.row.recorded_by_label, personal),
                "recorded_at": fmt_when(w.row.recorded_at),
                "reason": w.row.reason,
                "source": w.finding.source if w.finding else "",
            }
        )
    return out


# Forms --------------------------------------------------------------------------


def _field_value(value: Any) -> str:
    return "" if value is None else str(value)


def _field_spec(form: Any, name: str, field: Any) -> dict[str, Any]:
    """The NHS.UK macro that shows one field, and its parameters (without hint
    and error). Each field's first input has the field's name as its id, so the
    error summary's links (``#name``) land on it."""
    value = _field_value(form[name].value())
    label = str(field.label)
    if name in getattr(form, "radios", ()):
        items = [
            {"value": v, "text": t, "checked": value == str(v)}
            for v, t in field.choices
        ]
        return {
            "macro": "radios",
            "params": {
                "idPrefix": name,
                "name": name,
                "fieldset": {"legend": {"text": label, "size": "s"}},
                "items": items,
            },
        }
    params: dict[str, Any] = {"id": name, "name": name, "label": {"text": label}}
    if isinstance(field, forms.ChoiceField):
        params["items"] = [{"value": "", "text": "Choose"}] + [
            {"value": v, "text": t, "selected": value == str(v)}
            for v, t in field.choices
        ]
        return {"macro": "select", "params": params}
    params["value"] = value
    if isinstance(field.widget, forms.Textarea):
        return {"macro": "textarea", "params": params | {"rows": 3}}
    if isinstance(field, forms.DateField):
        params |= {"type": "date", "classes": "nhsuk-input--width-10"}
    elif isinstance(field, forms.IntegerField):
        params |= {"inputmode": "numeric", "classes": "nhsuk-input--width-5"}
    params["spellcheck"] = False
    return {"macro": "input", "params": params}


def form_fields(form: Any) -> list[dict[str, Any]]:
    """Each field of ``form`` as the NHS.UK macro that shows it, with its hint and
    its error."""
    specs = []
    for name, field in form.fields.items():
        bound = form[name]
        spec = _field_spec(form, name, field)
        if field.help_text:
            spec["params"]["hint"] = {"text": str(field.help_text)}
        if bound.errors:
            spec["params"]["errorMessage"] = {"text": " ".join(bound.errors)}
        specs.append(spec)
    return specs

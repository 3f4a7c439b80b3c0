"""One application's pages: what it asks (summary-list rows), its practices,
what has happened to it, its decisions and appeals, and the banner after a
decision."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.urls import reverse
from markupsafe import Markup

from pcnhub.governance.models import (
    AgreementStatus,
    OperatingModelKind,
    PayeeKind,
    Profession,
)
from pcnhub.ui.formatting import fmt_date, fmt_when
from pcnhub.ui.tags import tag
from pcnhub.workflow import forms as wf_forms
from pcnhub.workflow.models import (
    APPROVED_STATES,
    Application,
    ApplicationPractice,
    Change,
    Kind,
    State,
)
from pcnhub.workflow.presenters.common import (
    SHORT_STATE_LABELS,
    Row,
    Table,
    org_link,
    sentence,
    state_tag,
)


def _row(key: str, value: Any) -> Row | None:
    if value in (None, "", []):
        return None
    if isinstance(value, Markup):
        return {"key": {"text": key}, "value": {"html": value}}
    return {"key": {"text": key}, "value": {"text": str(value)}}


def _lines(items: Iterable[str]) -> Markup:
    return Markup("<br>").join(items)


def _label(choices: Any, value: str) -> str:
    return dict(choices.choices).get(value, value)


# --- what the application asks -------------------------------------------------------


def _asked_rows(
    application: Application, details: dict[str, Any], names: dict[str, str]
) -> list[Row | None]:
    """Its kind and state, the organisations it names and its dates."""
    return [
        _row("Kind of application", application.get_kind_display()),
        _row("State", state_tag(application.state)),
        _row("New network's name", details.get("network_name")),
        _row("Network", org_link(application.network_id, names)),
        _row("Absorbed network", org_link(details.get("absorbed_network"), names)),
        _row("New network's name", details.get("new_network_name")),
        _row("Commissioner", org_link(application.commissioner_id, names)),
        _row("Takes effect on", fmt_date(application.effective_from)),
        _row("Notice given on", fmt_date(application.notice_given_on)),
    ]


def _directors_row(directors: list[dict[str, Any]]) -> Row | None:
    if not directors:
        return None
    return _row(
        "Clinical directors" if len(directors) > 1 else "Clinical director",
        _lines(
            Markup("{} ({}, {} WTE)").format(
                d.get("name", ""),
                _label(Profession, d.get("profession", "")),
                d.get("wte", ""),
            )
            for d in directors
        ),
    )


def _payee_row(payee: dict[str, Any] | None) -> Row | None:
    if not payee:
        return None
    who = " ".join(
        x
        for x in (
            payee.get("name", ""),
            f"({payee['code']})" if payee.get("code") else "",
        )
        if x
    )
    kind = _label(PayeeKind, payee.get("kind", ""))
    return _row("Nominated payee", f"{who}: {kind.lower()}" if who else kind)


def _agreement_row(agreement: dict[str, Any] | None) -> Row | None:
    if not agreement:
        return None
    signed = wf_forms._iso(agreement.get("signed_on"))
    return _row(
        "Network agreement",
        _label(AgreementStatus, agreement.get("status", ""))
        + (f" on {fmt_date(signed)}" if signed else "")
        + (
            "; schedules complete"
            if agreement.get("schedules_complete")
            else "; schedules not complete"
        ),
    )


def _data_sharing_row(sharing: dict[str, Any] | None) -> Row | None:
    if not sharing:
        return None
    signed = wf_forms._iso(sharing.get("signed_on"))
    return _row(
        "Data-sharing agreement",
        _label(AgreementStatus, sharing.get("status", ""))
        + (f" on {fmt_date(signed)}" if signed else ""),
    )


def _operating_model_row(model: dict[str, Any] | None) -> Row | None:
    if not model:
        return None
    holder = model.get("contract_holder")
    return _row(
        "Operating model",
        _label(OperatingModelKind, model.get("model", ""))
        + (f"; contract held by {holder}" if holder else ""),
    )


def _closing_rows(
    application: Application, details: dict[str, Any]
) -> list[Row | None]:
    """The reasons given, then the application's reference and version."""
    return [
        _row(
            "Reason for a population below 30,000",
            details.get("small_population_reason"),
        ),
        _row("Reason", application.reason),
        _row("Reference", application.reference),
        _row("Version", str(application.version)),
    ]


def details_rows(application: Application, names: dict[str, str]) -> list[Row]:
    """What the application asks, as summary-list rows."""
    details = application.details or {}
    rows: list[Row | None] = [
        *_asked_rows(application, details, names),
        _directors_row(details.get("clinical_directors") or []),
        _payee_row(details.get("payee")),
        _agreement_row(details.get("agreement")),
        _data_sharing_row(details.get("data_sharing")),
        _operating_model_row(details.get("operating_model")),
        *_closing_rows(application, details),
    ]
    return [r for r in rows if r]


# --- the practices it names -----------------------------------------------------------


def practices_table(
    application: Application,
    rows: Sequence[ApplicationPractice],
    names: dict[str, str],
    may_confirm: set[str],
    csrf: Markup,
) -> Table:
    """Each named practice, what happens to it and whether it confirmed."""
    body = []
    for row in rows:
        if row.confirmed_at:
            status = tag("Confirmed", "green")
            note = f"{fmt_when(row.confirmed_at)}" + (
                f": {row.confirmation_note}" if row.confirmation_note else ""
            )
        else:
            status = tag("Waiting to confirm", "grey")
            note = ""
        action: Any = ""
        if row.practice_id in may_confirm:
            action = {
                "html": Markup(
                    '<form method="post" action="{}" novalidate>{}'
                    '<input type="hidden" name="practice" value="{}">'
                    '<button class="nhsuk-button nhsuk-button--small" '
                    'type="submit">Confirm for {}</button></form>'
                ).format(
                    reverse("application_confirm", args=[application.reference]),
                    csrf,
                    row.practice_id,
                    row.practice_id,
                )
            }
        body.append(
            [
                {"html": org_link(row.practice_id, names)},
                Change(row.change).label if row.change in Change.values else row.change,
                {"html": status},
                note,
                action,
            ]
        )
    return {
        "caption": "Practices named",
        "responsive": True,
        "head": [
            {"text": "Practice"},
            {"text": "Change"},
            {"text": "Confirmation"},
            {"text": "Confirmed"},
            {"text": "Action"},
        ],
        "rows": body,
    }


# --- what has happened to it ----------------------------------------------------------


def timeline_table(application: Application, show_who: bool) -> Table:
    head = [{"text": "When"}]
    if show_who:
        head.append({"text": "Who"})
    head += [{"text": "What"}, {"text": "Details"}]
    rows = []
    for event in application.events.select_related("by").order_by("at", "id"):
        row: list[Any] = [fmt_when(event.at)]
        if show_who:
            row.append(event.by.get_username())
        row += [sentence(event.action.replace("_", " ")), event.text]
        rows.append(row)
    return {
        "caption": "What has happened",
        "responsive": True,
        "head": head,
        "rows": rows,
    }


def decision_rows(application: Application, show_who: bool) -> list[list[Row]]:
    out = []
    for decision in application.decisions.select_related("decided_by").order_by(
        "round"
    ):
        rows = [
            _row(
                "Decision",
                Markup("{} (round {})").format(
                    state_tag(decision.outcome), decision.round
                ),
            ),
            _row("Reasons", decision.reasons),
            _row("Conditions", decision.conditions),
            _row("ODS code issued", decision.network_code),
            _row(
                "Decided by",
                decision.decided_by.get_username() if show_who else "",
            ),
            _row("Decided at", fmt_when(decision.decided_at)),
        ]
        out.append([r for r in rows if r])
    return out


def appeal_rows(application: Application, show_who: bool) -> list[list[Row]]:
    out = []
    for appeal in application.appeals.select_related("lodged_by", "decided_by"):
        rows = [
            _row("Grounds", appeal.grounds),
            _row("Lodged by", appeal.lodged_by.get_username() if show_who else ""),
            _row("Lodged at", fmt_when(appeal.lodged_at)),
            _row(
                "Outcome",
                appeal.get_outcome_display() if appeal.outcome else "Not decided yet",
            ),
            _row("Reasons", appeal.outcome_reasons),
            _row(
                "Decided by",
                appeal.decided_by.get_username()
                if show_who and appeal.decided_by_id
                else "",
            ),
            _row("Decided at", fmt_when(appeal.decided_at)),
        ]
        out.append([r for r in rows if r])
    return out


# --- deciding it ----------------------------------------------------------------------


def needs_network_code(application: Application) -> bool:
    return application.kind in (Kind.REGISTRATION, Kind.SPLIT)


def success_text(application: Application, code: str = "") -> str:
    """The banner after a decision: what is in the register, and from when."""
    when = fmt_date(application.effective_from)
    state = application.state
    if state in APPROVED_STATES:
        label = "Approved" if state == State.APPROVED else "Approved with conditions"
        if code and application.kind == Kind.REGISTRATION:
            return f"{label}. {code} is in the register from {when}."
        if code:
            return f"{label}. {code} and the change are in the register from {when}."
        return f"{label}. The change is in the register from {when}."
    if state == State.REJECTED:
        return (
            "Rejected. The applicants can change the application and submit it "
            "again, or appeal."
        )
    return f"{SHORT_STATE_LABELS.get(state, state)}."

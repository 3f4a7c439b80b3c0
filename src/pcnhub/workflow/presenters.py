"""Shaping applications for the NHS.UK macros: tags, summary lists, tables, and
forms' values and errors (the error-summary pattern)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from markupsafe import Markup

from pcnhub.access.roles import Role
from pcnhub.access.scope import scope_of
from pcnhub.governance.models import (
    AgreementStatus,
    OperatingModelKind,
    PayeeKind,
    Profession,
)
from pcnhub.register import queries
from pcnhub.rules.checks import OUTCOMES, seriousness
from pcnhub.ui.formatting import fmt_date, fmt_when
from pcnhub.ui.outcomes import OUTCOME_COLOURS, RULE_LABELS
from pcnhub.ui.tags import tag
from pcnhub.workflow import forms as wf_forms
from pcnhub.workflow import visibility
from pcnhub.workflow.models import (
    APPROVED_STATES,
    Application,
    ApplicationPractice,
    Change,
    Kind,
    State,
)
from pcnhub.workflow.services import latest_checks, unconfirmed

Table = dict[str, Any]
Row = dict[str, Any]

STATE_COLOURS: dict[str, str] = {
    State.DRAFT: "grey",
    State.SUBMITTED: "blue",
    State.APPROVED: "green",
    State.APPROVED_WITH_CONDITIONS: "aqua-green",
    State.REJECTED: "red",
    State.APPEALED: "orange",
    State.WITHDRAWN: "white",
}
SHORT_STATE_LABELS: dict[str, str] = {
    State.DRAFT: "Draft",
    State.SUBMITTED: "Submitted",
    State.APPROVED: "Approved",
    State.APPROVED_WITH_CONDITIONS: "Approved with conditions",
    State.REJECTED: "Rejected",
    State.APPEALED: "Appealed",
    State.WITHDRAWN: "Withdrawn",
}
NEW_NETWORK = "The new network"
DECIDED_STATES = (*APPROVED_STATES, State.REJECTED)
RECENT_DAYS = 90

CSV_COLUMNS = [
    "reference",
    "kind",
    "state",
    "commissioner_code",
    "network_code",
    "practices",
    "effective_from",
    "submitted_on",
    "days_waiting",
    "worst_check",
    "waiting_for",
]


def state_tag(state: str) -> Markup:
    return tag(SHORT_STATE_LABELS.get(state, state), STATE_COLOURS.get(state))


def outcome_tag(outcome: str) -> Markup:
    return tag(outcome[:1].upper() + outcome[1:], OUTCOME_COLOURS.get(outcome))


def sentence(text: str) -> str:
    """A service message (lower case, as the services write them) as a sentence."""
    text = str(text).strip()
    return text[:1].upper() + text[1:]


def application_url(application: Application) -> str:
    return reverse("application", args=[application.reference])


def org_link(code: str | None, names: dict[str, str] | None = None) -> Markup:
    if not code:
        return Markup("")
    name = (names or {}).get(code)
    text = f"{name} ({code})" if name else code
    return Markup('<a class="nhsuk-link" href="{}">{}</a>').format(
        reverse("org", args=[code]), text
    )


def oversees(user: Any, application: Application) -> bool:
    return scope_of(user).oversees(application.commissioner_id)


def is_overseer(user: Any) -> bool:
    return scope_of(user).has(Role.NATIONAL, Role.REGIONAL, Role.COMMISSIONER)


def worst_outcome(findings: Iterable[dict[str, Any]]) -> str:
    found = [f["outcome"] for f in findings if f.get("outcome") in OUTCOMES]
    return min(found, key=seriousness) if found else ""


def worst_check(user: Any, application: Application) -> str:
    """The worst outcome of the findings ``user`` is shown (``visibility``): a
    finding held back must not speak through the one-word summary either."""
    run = latest_checks(application)
    if run is None:
        return ""
    shown, _hidden = visibility.shown_to(user, application, run.findings)
    return worst_outcome(shown)


def _list(codes: Sequence[str]) -> str:
    codes = list(codes)
    if len(codes) <= 1:
        return "".join(codes)
    return ", ".join(codes[:-1]) + " and " + codes[-1]


def waiting_for(application: Application) -> str:
    """What the application is waiting for, in a few words."""
    waiting = unconfirmed(application)
    confirm = f"waiting for {_list(waiting)} to confirm" if waiting else ""
    state = application.state
    if state == State.DRAFT:
        return sentence(confirm or "ready to submit") + (
            "; then submit it" if confirm else ""
        )
    if state == State.SUBMITTED:
        then = "the commissioner's decision"
        return sentence(f"{confirm}, then {then}" if confirm else f"waiting for {then}")
    if state == State.APPEALED:
        return "Waiting for the decision on the appeal"
    if state == State.REJECTED:
        return "Nothing: it can be changed and submitted again, or appealed"
    if state in APPROVED_STATES:
        return f"Nothing: in the register from {fmt_date(application.effective_from)}"
    return "Nothing"


def days_waiting(application: Application, today: date) -> int | None:
    if application.state not in (State.SUBMITTED, State.APPEALED):
        return None
    since = getattr(application, "submitted_at", None) or application.updated_at
    return (today - timezone.localtime(since).date()).days


def csv_row(application: Application, today: date, user: Any) -> dict[str, Any]:
    submitted = getattr(application, "submitted_at", None)
    waited = days_waiting(application, today)
    return {
        "reference": application.reference,
        "kind": application.kind,
        "state": application.state,
        "commissioner_code": application.commissioner_id,
        "network_code": application.network_id or "",
        "practices": " ".join(application.practice_codes()),
        "effective_from": application.effective_from.isoformat(),
        "submitted_on": (
            timezone.localtime(submitted).date().isoformat() if submitted else ""
        ),
        "days_waiting": "" if waited is None else waited,
        "worst_check": worst_check(user, application),
        "waiting_for": waiting_for(application),
    }


# --- the review queue ----------------------------------------------------------------


def _network_cell(application: Application, names: dict[str, str]) -> Any:
    if application.network_id:
        return {"html": org_link(application.network_id, names)}
    new = (application.details or {}).get("network_name", "")
    return f"New: {new}" if new else "New network"


def _ref_cell(application: Application) -> dict[str, Any]:
    return {
        "html": Markup('<a class="nhsuk-link" href="{}">{}</a>').format(
            application_url(application), application.reference
        )
    }


def _check_cell(application: Application) -> Any:
    run = latest_checks(application)
    if run is None:
        return "Not run yet"
    worst = worst_outcome(run.findings)
    return {"html": outcome_tag(worst)} if worst else "No findings"


def queue_table(
    applications: Sequence[Application], caption: str, today: date
) -> Table:
    """The overseer's table: oldest first, with the days waited and worst check."""
    names = queries.latest_names(
        {a.network_id for a in applications if a.network_id}
        | {c for a in applications for c in a.practice_codes()}
    )
    rows = []
    for application in applications:
        waited = days_waiting(application, today)
        rows.append(
            [
                _ref_cell(application),
                application.get_kind_display(),
                _network_cell(application, names),
                ", ".join(application.practice_codes()) or "None",
                fmt_date(application.effective_from),
                {"text": "" if waited is None else str(waited), "format": "numeric"},
                _check_cell(application),
            ]
        )
    return {
        "caption": caption,
        "responsive": True,
        "head": [
            {"text": "Application"},
            {"text": "Kind"},
            {"text": "Network"},
            {"text": "Practices"},
            {"text": "Takes effect"},
            {"text": "Days waiting", "format": "numeric"},
            {"text": "Worst check"},
        ],
        "rows": rows,
    }


def decided_table(applications: Sequence[Application], caption: str) -> Table:
    names = queries.latest_names({a.network_id for a in applications if a.network_id})
    rows = [
        [
            _ref_cell(application),
            application.get_kind_display(),
            _network_cell(application, names),
            {"html": state_tag(application.state)},
            fmt_date(
                timezone.localtime(application.decided_at).date()
                if getattr(application, "decided_at", None)
                else None
            ),
            fmt_date(application.effective_from),
        ]
        for application in applications
    ]
    return {
        "caption": caption,
        "responsive": True,
        "head": [
            {"text": "Application"},
            {"text": "Kind"},
            {"text": "Network"},
            {"text": "Outcome"},
            {"text": "Decided on"},
            {"text": "Takes effect"},
        ],
        "rows": rows,
    }


def mine_table(applications: Sequence[Application], caption: str) -> Table:
    """An applicant's table: state and what the application is waiting for."""
    names = queries.latest_names({a.network_id for a in applications if a.network_id})
    rows = [
        [
            _ref_cell(application),
            application.get_kind_display(),
            _network_cell(application, names),
            {"html": state_tag(application.state)},
            waiting_for(application),
            fmt_date(application.effective_from),
        ]
        for application in applications
    ]
    return {
        "caption": caption,
        "responsive": True,
        "head": [
            {"text": "Application"},
            {"text": "Kind"},
            {"text": "Network"},
            {"text": "State"},
            {"text": "Waiting for"},
            {"text": "Takes effect"},
        ],
        "rows": rows,
    }


@dataclass
class Queue:
    """The sections of the applications page for one user."""

    waiting: list[Application]
    appealed: list[Application]
    decided: list[Application]
    mine: list[Application]
    overseer: bool


def queue(user: Any, applications: Sequence[Application], today: date) -> Queue:
    scope = scope_of(user)
    overseen = [a for a in applications if scope.oversees(a.commissioner_id)]
    own = [a for a in applications if not scope.oversees(a.commissioner_id)]

    def _submitted(a: Application) -> datetime:
        return getattr(a, "submitted_at", None) or a.updated_at

    waiting = sorted(
        (a for a in overseen if a.state == State.SUBMITTED), key=_submitted
    )
    appealed = sorted(
        (a for a in overseen if a.state == State.APPEALED), key=_submitted
    )
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    decided = sorted(
        (
            a
            for a in overseen
            if a.state in DECIDED_STATES
            and getattr(a, "decided_at", None)
            and a.decided_at >= since
        ),
        key=lambda a: a.decided_at,
        reverse=True,
    )
    mine = sorted(own, key=lambda a: a.created_at, reverse=True)
    return Queue(waiting, appealed, decided, mine, is_overseer(user))


def state_options(chosen: str | None) -> list[dict[str, Any]]:
    return [{"value": "", "text": "Every state", "selected": not chosen}] + [
        {"value": value, "text": label, "selected": value == chosen}
        for value, label in State.choices
    ]


# --- one application ----------------------------------------------------------------


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


def details_rows(application: Application, names: dict[str, str]) -> list[Row]:
    """What the application asks, as summary-list rows."""
    details = application.details or {}
    rows: list[Row | None] = [
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
    directors = details.get("clinical_directors") or []
    if directors:
        rows.append(
            _row(
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
        )
    payee = details.get("payee")
    if payee:
        who = " ".join(
            x
            for x in (
                payee.get("name", ""),
                f"({payee['code']})" if payee.get("code") else "",
            )
            if x
        )
        kind = _label(PayeeKind, payee.get("kind", ""))
        rows.append(_row("Nominated payee", f"{who}: {kind.lower()}" if who else kind))
    agreement = details.get("agreement")
    if agreement:
        signed = wf_forms._iso(agreement.get("signed_on"))
        rows.append(
            _row(
                "Network agreement",
                _label(AgreementStatus, agreement.get("status", ""))
                + (f" on {fmt_date(signed)}" if signed else "")
                + (
                    "; schedules complete"
                    if agreement.get("schedules_complete")
                    else "; schedules not complete"
                ),
            )
        )
    sharing = details.get("data_sharing")
    if sharing:
        signed = wf_forms._iso(sharing.get("signed_on"))
        rows.append(
            _row(
                "Data-sharing agreement",
                _label(AgreementStatus, sharing.get("status", ""))
                + (f" on {fmt_date(signed)}" if signed else ""),
            )
        )
    model = details.get("operating_model")
    if model:
        holder = model.get("contract_holder")
        rows.append(
            _row(
                "Operating model",
                _label(OperatingModelKind, model.get("model", ""))
                + (f"; contract held by {holder}" if holder else ""),
            )
        )
    rows += [
        _row(
            "Reason for a population below 30,000",
            details.get("small_population_reason"),
        ),
        _row("Reason", application.reason),
        _row("Reference", application.reference),
        _row("Version", str(application.version)),
    ]
    return [r for r in rows if r]


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


def _evidence(text: str, source: str) -> Markup:
    items = []
    for part in (text or "").split("; "):
        if not part:
            continue
        key, _, value = part.partition("=")
        items.append(
            Markup("<li>{}: {}</li>").format(key.replace("_", " ").capitalize(), value)
        )
    if source:
        items.append(Markup("<li>Source: {}</li>").format(source))
    if not items:
        return Markup("")
    return Markup('<ul class="nhsuk-list nhsuk-body-s">{}</ul>').format(
        Markup("").join(items)
    )


def findings_table(findings: Sequence[dict[str, Any]], caption: str) -> Table:
    """Findings (stored rows), most serious first."""
    ordered = sorted(findings, key=lambda f: seriousness(f.get("outcome", "")))
    rows = []
    for f in ordered:
        where = " ".join(
            NEW_NETWORK if x == "(new)" else x
            for x in (f.get("pcn_code", ""), f.get("practice_code", ""))
            if x
        )
        rows.append(
            [
                {"html": outcome_tag(f.get("outcome", ""))},
                where or "Whole area",
                RULE_LABELS.get(f.get("rule", ""), f.get("rule", "")),
                sentence(f.get("message", "")),
                {"html": _evidence(f.get("evidence", ""), f.get("source", ""))},
            ]
        )
    return {
        "caption": caption,
        "responsive": True,
        "classes": "pcnhub-findings",
        "head": [
            {"text": "Outcome"},
            {"text": "Network or practice"},
            {"text": "Requirement"},
            {"text": "Finding"},
            {"text": "Evidence"},
        ],
        "rows": rows,
    }


def counts_text(findings: Sequence[dict[str, Any]]) -> str:
    tally = [
        (outcome, sum(1 for f in findings if f.get("outcome") == outcome))
        for outcome in OUTCOMES
    ]
    parts = [f"{n} {outcome}" for outcome, n in tally if n]
    total = f"{len(findings)} finding{'' if len(findings) == 1 else 's'}"
    return f"{total}: " + ", ".join(parts) if parts else total


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


# --- forms for the NHS.UK macros -----------------------------------------------------


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

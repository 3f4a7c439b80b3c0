"""Shaping governance records into what the NHS.UK macros display.

People's names (clinical directors, who recorded what) are shown only to those
holding ``governance.view_personal``; others see :data:`WITHHELD` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.urls import reverse
from markupsafe import Markup

from pcnhub.access.permissions import Permission
from pcnhub.governance.history import HistoryEntry, record_entry
from pcnhub.governance.kinds import KINDS, page_of
from pcnhub.governance.models import (
    AgreementStatus,
    ClinicalDirectorAppointment,
    ContractInputs,
    DataSharingAgreement,
    DocumentKind,
    GovernanceDocument,
    NetworkAgreement,
    NominatedPayee,
    OperatingModel,
    OperatingModelKind,
    PayeeKind,
    Profession,
    SmallPopulationApproval,
)
from pcnhub.governance.reading import Governance
from pcnhub.governance.records import WITHHELD
from pcnhub.governance.sniffing import ALLOWED_TYPES
from pcnhub.ui.asat import AsAt
from pcnhub.ui.formatting import fmt_date, fmt_when, period_text
from pcnhub.ui.tags import tag

Row = dict[str, Any]
Table = dict[str, Any]

STATUS_LABELS = dict(AgreementStatus.choices)
PROFESSION_LABELS = dict(Profession.choices)
PAYEE_LABELS = dict(PayeeKind.choices)
MODEL_LABELS = dict(OperatingModelKind.choices)
DOCUMENT_LABELS = dict(DocumentKind.choices)
STATUS_COLOURS = {"draft": "yellow", "signed": "green", "terminated": "red"}
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Access:
    """What the viewer may see and do on a network's governance page."""

    personal: bool
    documents: bool
    change: bool
    #: May record the commissioner's approval of a small network.
    approve_small: bool = False
    #: May record the contract inputs (beds, IIF achievement, CAIP assessment).
    contract_inputs: bool = False


def _row(key: str, value: str | Markup) -> Row:
    if isinstance(value, Markup):
        return {"key": {"text": key}, "value": {"html": value}}
    return {"key": {"text": key}, "value": {"text": value}}


def fmt_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def status_tag(status: str) -> Markup:
    return tag(STATUS_LABELS.get(status, status), STATUS_COLOURS.get(status))


def who(label: str, access: Access) -> str:
    if not label:
        return "—"
    return label if access.personal else WITHHELD


def director_name(appointment: ClinicalDirectorAppointment, access: Access) -> str:
    return appointment.name if access.personal else WITHHELD


def agreement_rows(agreement: NetworkAgreement) -> list[Row]:
    return [
        _row("Status", status_tag(agreement.status)),
        _row("Signed on", fmt_date(agreement.signed_on) or "Not recorded"),
        _row(
            "Schedules",
            "Completed" if agreement.schedules_complete else "Not completed",
        ),
        _row("Holds", period_text(agreement.valid_from, agreement.valid_to)),
        *([_row("Notes", agreement.notes)] if agreement.notes else []),
    ]


def data_sharing_rows(dsa: DataSharingAgreement) -> list[Row]:
    return [
        _row("Status", status_tag(dsa.status)),
        _row("Signed on", fmt_date(dsa.signed_on) or "Not recorded"),
        _row("Holds", period_text(dsa.valid_from, dsa.valid_to)),
    ]


def payee_rows(payee: NominatedPayee) -> list[Row]:
    return [
        _row("Who is paid", PAYEE_LABELS.get(payee.kind, payee.kind)),
        _row("ODS code", payee.payee_code or "—"),
        _row("Name", payee.payee_name or "—"),
        _row("Holds", period_text(payee.valid_from, payee.valid_to)),
    ]


def model_rows(model: OperatingModel) -> list[Row]:
    return [
        _row("Operating model", MODEL_LABELS.get(model.model, model.model)),
        _row("Contract holder", model.contract_holder),
        _row("Holds", period_text(model.valid_from, model.valid_to)),
    ]


def directors_table(
    directors: Sequence[ClinicalDirectorAppointment],
    access: Access,
    code: str,
) -> Table:
    head = ["Name", "Profession", "WTE", "From", "To (last day)"]
    if access.change:
        head.append("Change")
    rows = []
    for appointment in directors:
        row: list[Any] = [
            director_name(appointment, access),
            PROFESSION_LABELS.get(appointment.profession, appointment.profession),
            {"text": f"{appointment.wte}", "format": "numeric"},
            fmt_date(appointment.valid_from),
            fmt_date(appointment.valid_to - ONE_DAY)
            if appointment.valid_to
            else "Still in post",
        ]
        if access.change:
            row.append(
                {
                    "html": Markup(
                        '<a class="nhsuk-link" href="{}">End appointment'
                        '<span class="nhsuk-u-visually-hidden"> {}</span></a>'
                    ).format(
                        reverse("governance_cd_end", args=[code, appointment.pk]),
                        director_name(appointment, access),
                    )
                }
                if appointment.valid_to is None
                else "—"
            )
        rows.append(row)
    return {
        "caption": "Clinical directors",
        "responsive": True,
        "head": [{"text": h} for h in head],
        "rows": rows,
    }


def documents_table(documents: Sequence[GovernanceDocument], access: Access) -> Table:
    rows = []
    for document in documents:
        link = Markup('<a class="nhsuk-link" href="{}">{}</a>').format(
            reverse("governance_document", args=[document.network_id, document.pk]),
            document.title,
        )
        kind = ALLOWED_TYPES.get(document.content_type, document.content_type)
        rows.append(
            [
                {"html": link},
                DOCUMENT_LABELS.get(document.kind, document.kind),
                f"{document.original_name} ({kind}, {fmt_size(document.size)})",
                f"{fmt_when(document.uploaded_at)} by "
                f"{who(document.uploaded_by_label, access)}",
                {
                    "html": tag("Superseded", "grey")
                    if document.superseded
                    else tag("Current", "green")
                },
            ]
        )
    return {
        "caption": "Documents",
        "responsive": True,
        "head": [
            {"text": "Title"},
            {"text": "Kind"},
            {"text": "File"},
            {"text": "Uploaded"},
            {"text": "Status"},
        ],
        "rows": rows,
    }


def summary(entry: HistoryEntry, access: Access) -> str:
    """What a history record says, in words (names withheld where needed)."""
    item = entry.item
    if isinstance(item, NetworkAgreement):
        signed = f", signed on {fmt_date(item.signed_on)}" if item.signed_on else ""
        schedules = (
            "schedules completed"
            if item.schedules_complete
            else ("schedules not completed")
        )
        return f"{STATUS_LABELS[item.status]}{signed}; {schedules}"
    if isinstance(item, DataSharingAgreement):
        signed = f", signed on {fmt_date(item.signed_on)}" if item.signed_on else ""
        return f"{STATUS_LABELS[item.status]}{signed}"
    if isinstance(item, ClinicalDirectorAppointment):
        profession = PROFESSION_LABELS.get(item.profession, item.profession)
        return f"{director_name(item, access)} ({profession}, {item.wte} WTE)"
    if isinstance(item, NominatedPayee):
        named = " ".join(x for x in (item.payee_code, item.payee_name) if x)
        return f"{PAYEE_LABELS[item.kind]}: {named or '—'}"
    if isinstance(item, OperatingModel):
        return f"{MODEL_LABELS[item.model]}; contract held by {item.contract_holder}"
    if isinstance(item, SmallPopulationApproval):
        return f"Approved below the population minimum: {item.approval_reason}"
    if isinstance(item, ContractInputs):
        return inputs_summary(item)
    if isinstance(item, GovernanceDocument):
        superseded = " (superseded)" if item.superseded else ""
        return f"{DOCUMENT_LABELS[item.kind]}: {item.title}{superseded}"
    return str(item)


def _held(entry: HistoryEntry) -> str | Markup:
    if entry.valid_from is None:
        return "—"
    if entry.never_held:
        return Markup("{}<br>{}").format(
            tag("Superseded", "grey"),
            f"recorded for {fmt_date(entry.valid_from)} but replaced before it held",
        )
    if entry.valid_to is None:
        return f"From {fmt_date(entry.valid_from)}"
    last = fmt_date(entry.valid_to - ONE_DAY)
    return f"{fmt_date(entry.valid_from)} to {last}"


def _why(entry: HistoryEntry, access: Access) -> Markup:
    parts = [Markup("{}").format(entry.reason or "No reason given")]
    if entry.application_ref:
        parts.append(Markup("Application {}").format(entry.application_ref))
    if entry.closed_at is not None:
        parts.append(
            Markup("Ended {} by {}{}").format(
                fmt_when(entry.closed_at),
                who(entry.closed_by, access),
                f": {entry.close_reason}" if entry.close_reason else "",
            )
        )
    return Markup("<br>").join(parts)


def history_table(entries: Sequence[HistoryEntry], access: Access) -> Table:
    """Every record, newest first: when and by whom recorded, what, held, why."""
    shown = [e for e in entries if e.kind != "document" or access.documents]
    return {
        "caption": "Every governance record, newest first",
        "responsive": True,
        "head": [
            {"text": "Recorded"},
            {"text": "Record"},
            {"text": "What"},
            {"text": "Held"},
            {"text": "By"},
            {"text": "Why"},
        ],
        "rows": [
            [
                fmt_when(e.recorded_at),
                e.kind_label,
                summary(e, access),
                {"html": Markup("{}").format(_held(e))},
                who(e.recorded_by, access),
                {"html": _why(e, access)},
            ]
            for e in shown
        ],
    }


#: The change that records the commissioner's approval of a small network.
SMALL_POPULATION = page_of("small_population").slug

#: The changes any who may change the network can record: the slug in the URL,
#: and the link's words (the page's heading), in the specification's order.
CHANGE_LINKS: tuple[tuple[str, str], ...] = tuple(
    (k.page.slug, k.page.heading)
    for k in KINDS
    if k.page is not None and k.permission == Permission.CHANGE_NETWORK
)


def change_links(code: str, as_at: AsAt, access: Access) -> list[dict[str, str]]:
    links = []
    if access.change:
        links += [
            {
                "text": text,
                "href": as_at.link(reverse("governance_change", args=[code, kind])),
            }
            for kind, text in CHANGE_LINKS
        ]
    if access.change and access.approve_small:
        links.append(
            {
                "text": page_of("small_population").heading,
                "href": as_at.link(
                    reverse("governance_change", args=[code, SMALL_POPULATION])
                ),
            }
        )
    if access.contract_inputs:
        links.append(
            {
                "text": "Record contract inputs (care home beds, IIF, CAIP)",
                "href": as_at.link(reverse("governance_contract_inputs", args=[code])),
            }
        )
    if access.change and access.documents:
        links.append(
            {
                "text": "Upload a document",
                "href": as_at.link(reverse("governance_document_new", args=[code])),
            }
        )
    return links


def page(
    governance: Governance,
    entries: Sequence[HistoryEntry],
    access: Access,
    as_at: AsAt,
    inputs: ContractInputs | None = None,
) -> dict[str, Any]:
    """The context of the governance page (beyond the frame)."""
    code = governance.network
    return {
        "code": code,
        "access": access,
        "withheld": WITHHELD,
        "agreement_rows": agreement_rows(governance.agreement)
        if governance.agreement
        else [],
        "data_sharing_rows": data_sharing_rows(governance.data_sharing)
        if governance.data_sharing
        else [],
        "directors": directors_table(governance.clinical_directors, access, code)
        if governance.clinical_directors
        else None,
        "directors_known": governance.directors_known,
        "payee_rows": payee_rows(governance.payee) if governance.payee else [],
        "model_rows": model_rows(governance.operating_model)
        if governance.operating_model
        else [],
        "documents": documents_table(governance.documents, access)
        if access.documents and governance.documents
        else None,
        "history": history_table(entries, access),
        "change_links": change_links(code, as_at, access),
        "inputs_rows": inputs_rows(inputs) if inputs else [],
        "inputs_url": as_at.link(reverse("governance_contract_inputs", args=[code])),
    }


# Contract inputs ------------------------------------------------------------------

#: How each input is shown, and what an empty one says.
INPUT_LABELS = {
    "care_home_beds": "Care home beds",
    "iif_points": "IIF points achieved",
    "iif_prevalence_factor": "IIF prevalence factor",
    "caip_share": "CAIP share achieved",
}
NOT_KNOWN = "Not known"


def _input_text(record: ContractInputs, name: str) -> str:
    value = getattr(record, name)
    if value is None:
        return NOT_KNOWN
    return f"{value:,}" if name == "care_home_beds" else str(value.normalize())


def inputs_summary(record: ContractInputs) -> str:
    """The values in one line, for history tables."""
    return "; ".join(
        f"{INPUT_LABELS[name].lower().replace('iif', 'IIF').replace('caip', 'CAIP')}"
        f" {_input_text(record, name).lower()}"
        for name in ContractInputs.INPUTS
    )


def inputs_rows(record: ContractInputs) -> list[Row]:
    return [
        *(
            _row(INPUT_LABELS[name], _input_text(record, name))
            for name in ContractInputs.INPUTS
        ),
        _row("Holds", period_text(record.valid_from, record.valid_to)),
    ]


def inputs_history_table(records: Sequence[ContractInputs], access: Access) -> Table:
    """Every contract inputs record, newest first."""
    return {
        "caption": "Every contract inputs record, newest first",
        "responsive": True,
        "head": [
            {"text": "Recorded"},
            *({"text": INPUT_LABELS[name]} for name in ContractInputs.INPUTS),
            {"text": "Held"},
            {"text": "By"},
            {"text": "Why"},
        ],
        "rows": [
            [
                fmt_when(r.recorded_at),
                *(
                    {
                        "text": _input_text(r, name),
                        "format": "numeric" if getattr(r, name) is not None else "",
                    }
                    for name in ContractInputs.INPUTS
                ),
                {"html": Markup("{}").format(_held(record_entry(r)))},
                who(r.recorded_by_label, access),
                Markup("{}").format(r.reason or "No reason given"),
            ]
            for r in records
        ],
    }

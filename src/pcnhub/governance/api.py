"""API routes of pcnhub.governance (mounted by pcnhub.api at /api/governance/).

The same permissions and redaction as the pages: ``governance.view_network`` to
read, ``governance.change_network`` to record changes, ``governance.view_personal``
for people's names (otherwise ``null``, with ``personal_data_withheld: true``),
``governance.view_documents`` for the documents list. Bad input answers 422
with the fields named; every write goes through a service. The record kinds'
write routes are generated from their specification (:mod:`pcnhub.governance.kinds`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import create_model

from pcnhub.access.checks import allowed, require_network
from pcnhub.access.permissions import Permission
from pcnhub.audit.services import Actor
from pcnhub.governance import contract_inputs, reading, records, services
from pcnhub.governance.history import history as history_of
from pcnhub.governance.kinds import KINDS, RecordKind
from pcnhub.governance.models import (
    ClinicalDirectorAppointment,
    GovernanceDocument,
    GovernanceRecord,
)
from pcnhub.ui.asat import today

router = Router(tags=["governance"])

Json = dict[str, Any]


class Change(Schema):
    start: date
    reason: str = Field(min_length=1, description="Why: kept with the record.")
    application_ref: str = Field("", description="The workflow application, if any.")


class EndClinicalDirectorIn(Schema):
    on: date = Field(description="The first day the director is no longer in post")
    reason: str = Field(min_length=1)
    application_ref: str = ""


def _network(request: HttpRequest, code: str, permission: str) -> str:
    return require_network(request.user, code, permission).code


def _personal(request: HttpRequest, code: str) -> bool:
    return request.user.has_perm(Permission.VIEW_PERSONAL, code)


def _plain(item: GovernanceRecord | GovernanceDocument | None, personal: bool) -> Any:
    if item is None:
        return None
    values = records.describe(item)
    if not personal:
        # The API says "withheld" with null and a flag, not with words.
        values = {
            k: None if k in records.PERSONAL_KEYS else v for k, v in values.items()
        }
    return values


def _document(document: GovernanceDocument, personal: bool) -> Json:
    return _plain(document, personal) | {
        "superseded": document.superseded,
        "download_url": reverse(
            "governance_document", args=[document.network_id, document.pk]
        ),
    }


@router.get("/{code}", summary="A network's governance on a date")
def governance(request: HttpRequest, code: str, as_at: date | None = None) -> Json:
    """What held on ``as_at`` (today if not given)."""
    code = _network(request, code, Permission.VIEW_NETWORK)
    day = as_at or today()
    personal = _personal(request, code)
    found = reading.governance_on(code, day)
    result: Json = {
        "network": code,
        "as_at": day,
        "personal_data_withheld": not personal,
        "network_agreement": _plain(found.agreement, personal),
        "data_sharing": _plain(found.data_sharing, personal),
        "clinical_directors": [_plain(a, personal) for a in found.clinical_directors],
        "nominated_payee": _plain(found.payee, personal),
        "operating_model": _plain(found.operating_model, personal),
    }
    if request.user.has_perm(Permission.VIEW_DOCUMENTS, code):
        result["documents"] = [_document(d, personal) for d in found.documents]
    return result


@router.get("/{code}/history", summary="Every governance record, newest first")
def history(request: HttpRequest, code: str) -> Json:
    code = _network(request, code, Permission.VIEW_NETWORK)
    personal = _personal(request, code)
    documents = request.user.has_perm(Permission.VIEW_DOCUMENTS, code)
    return {
        "network": code,
        "personal_data_withheld": not personal,
        "records": [
            {"record_kind": entry.kind} | _plain(entry.item, personal)
            for entry in history_of(code)
            if entry.kind != "document" or documents
        ],
    }


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user)


def _body(kind: RecordKind) -> type[Change]:
    """The kind's request schema, built from its declared inputs."""
    fields: dict[str, Any] = {
        i.name: (i.type, Field(i.default, description=i.doc) if i.doc else i.default)
        for i in kind.inputs
    }
    assert kind.route is not None
    return create_model(kind.route.body, __base__=Change, **fields)


def _write_route(kind: RecordKind) -> None:
    """Add the kind's write route: its permission, its service, 201 with the record."""
    route = kind.route
    assert route is not None
    body_schema = _body(kind)

    def write(request: HttpRequest, code: str, body: Change) -> Status[Json]:
        code = _network(request, code, kind.permission)
        made = kind.write(
            _actor(request),
            code,
            start=body.start,
            reason=body.reason,
            application_ref=body.application_ref,
            **{name: getattr(body, name) for name in kind.input_names},
        )
        return Status(201, _plain(made, _personal(request, code)))

    # ninja names the route (its URL name and operationId) after the function
    # and reads the body's schema from the annotations: both must be real.
    write.__name__ = write.__qualname__ = route.name
    write.__doc__ = route.description or None
    write.__annotations__ = {
        "request": HttpRequest,
        "code": str,
        "body": body_schema,
        "return": Status[Json],
    }
    router.post(f"/{{code}}/{route.path}", response={201: Json}, summary=route.summary)(
        write
    )


@router.post(
    "/{code}/clinical-directors/{appointment_id}/end",
    response={200: Json},
    summary="End a clinical director's appointment",
)
def end(
    request: HttpRequest, code: str, appointment_id: int, body: EndClinicalDirectorIn
) -> Json:
    code = _network(request, code, Permission.CHANGE_NETWORK)
    appointment = ClinicalDirectorAppointment.objects.filter(
        pk=appointment_id, network_id=code
    ).first()
    if appointment is None:
        raise Http404("no such appointment for this network")
    ended = services.end_clinical_director(
        _actor(request),
        appointment,
        on=body.on,
        reason=body.reason,
        application_ref=body.application_ref,
    )
    return _plain(ended, _personal(request, code))


@router.get("/{code}/contract-inputs", summary="A network's contract inputs")
def contract_inputs_of(
    request: HttpRequest, code: str, as_at: date | None = None
) -> Json:
    """The inputs holding on ``as_at`` (today if not given), and every record."""
    code = _network(request, code, Permission.VIEW_NETWORK)
    day = as_at or today()
    personal = _personal(request, code)
    return {
        "network": code,
        "as_at": day,
        "personal_data_withheld": not personal,
        "may_record": allowed(request.user, Permission.RECORD_CONTRACT_INPUTS, code),
        "current": _plain(contract_inputs.inputs_on(code, day), personal),
        "history": [
            _plain(item, personal) for item in contract_inputs.inputs_history(code)
        ],
    }


# The record kinds' write routes, after the hand-written ones.
for _kind in KINDS:
    if _kind.route is not None:
        _write_route(_kind)

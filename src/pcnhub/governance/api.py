"""API routes of pcnhub.governance (mounted by pcnhub.api at /api/governance/).

The same permissions and redaction as the pages: ``governance.view_network`` to
read, ``governance.change_network`` to record changes, ``governance.view_personal``
for people's names (otherwise ``null``, with ``personal_data_withheld: true``),
``governance.view_documents`` for the documents list. Bad input answers 422
with the fields named; every write goes through :mod:`pcnhub.governance.services`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.responses import Status

from pcnhub.access.checks import allowed, require
from pcnhub.access.permissions import Permission
from pcnhub.audit.services import Actor
from pcnhub.core.codes import normalise
from pcnhub.governance import contract_inputs, services
from pcnhub.governance.models import (
    ClinicalDirectorAppointment,
    GovernanceDocument,
    GovernanceRecord,
)
from pcnhub.register import queries
from pcnhub.register.models import OrganisationKind
from pcnhub.web.asat import today

router = Router(tags=["governance"])

Json = dict[str, Any]


class Change(Schema):
    start: date
    reason: str = Field(min_length=1, description="Why: kept with the record.")
    application_ref: str = Field("", description="The workflow application, if any.")


class ClinicalDirectorIn(Change):
    name: str
    profession: str = Field(description="gp or other")
    wte: Decimal = Field(description="Whole-time equivalent, above 0 and at most 2")


class EndClinicalDirectorIn(Schema):
    on: date = Field(description="The first day the director is no longer in post")
    reason: str = Field(min_length=1)
    application_ref: str = ""


class NominatedPayeeIn(Change):
    kind: str = Field(description="member_practice, other_provider or network_account")
    payee_code: str = ""
    payee_name: str = ""


class NetworkAgreementIn(Change):
    status: str = Field(description="draft, signed or terminated")
    signed_on: date | None = None
    schedules_complete: bool = False
    notes: str = ""


class DataSharingIn(Change):
    status: str = Field(description="draft, signed or terminated")
    signed_on: date | None = None


class OperatingModelIn(Change):
    model: str = Field(
        description="flat_practice_network, lead_provider, gp_federation, "
        "super_practice or community_trust_employer"
    )
    contract_holder: str


class ContractInputsIn(Change):
    care_home_beds: int | None = Field(
        None, description="Beds in the network's aligned care homes (whole, from 0)"
    )
    iif_points: Decimal | None = Field(
        None, description="IIF points achieved in the contract year of start (from 0)"
    )
    iif_prevalence_factor: Decimal | None = Field(
        None, description="IIF prevalence factor, above 0 (empty: 1)"
    )
    caip_share: Decimal | None = Field(
        None, description="The commissioner's CAIP assessment: share achieved, 0 to 1"
    )


def _network(request: HttpRequest, code: str, permission: str) -> str:
    code = normalise(code)
    require(request.user, permission, code)
    org = queries.find_organisation(code)
    if org is None or org.kind != OrganisationKind.NETWORK:
        raise Http404(f"{code} is not a primary care network in the register")
    return org.code


def _personal(request: HttpRequest, code: str) -> bool:
    return request.user.has_perm(Permission.VIEW_PERSONAL, code)


def _plain(item: GovernanceRecord | GovernanceDocument | None, personal: bool) -> Any:
    if item is None:
        return None
    values = services.describe(item)
    if not personal:
        # The API says "withheld" with null and a flag, not with words.
        values = {
            k: None if k in services.PERSONAL_KEYS else v for k, v in values.items()
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
    found = services.governance_on(code, day)
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
            for entry in services.history(code)
            if entry.kind != "document" or documents
        ],
    }


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user)


@router.post(
    "/{code}/clinical-directors",
    response={201: Json},
    summary="Appoint a clinical director",
)
def appoint(request: HttpRequest, code: str, body: ClinicalDirectorIn) -> Status[Json]:
    code = _network(request, code, Permission.CHANGE_NETWORK)
    made = services.appoint_clinical_director(
        _actor(request),
        code,
        name=body.name,
        profession=body.profession,
        wte=body.wte,
        start=body.start,
        reason=body.reason,
        application_ref=body.application_ref,
    )
    return Status(201, _plain(made, _personal(request, code)))


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


@router.post(
    "/{code}/nominated-payee", response={201: Json}, summary="Set the nominated payee"
)
def nominated_payee(
    request: HttpRequest, code: str, body: NominatedPayeeIn
) -> Status[Json]:
    code = _network(request, code, Permission.CHANGE_NETWORK)
    made = services.set_nominated_payee(
        _actor(request),
        code,
        payee_code=body.payee_code,
        payee_name=body.payee_name,
        kind=body.kind,
        start=body.start,
        reason=body.reason,
        application_ref=body.application_ref,
    )
    return Status(201, _plain(made, _personal(request, code)))


@router.post(
    "/{code}/network-agreement",
    response={201: Json},
    summary="Record the network agreement",
)
def network_agreement(
    request: HttpRequest, code: str, body: NetworkAgreementIn
) -> Status[Json]:
    code = _network(request, code, Permission.CHANGE_NETWORK)
    made = services.record_network_agreement(
        _actor(request),
        code,
        status=body.status,
        signed_on=body.signed_on,
        schedules_complete=body.schedules_complete,
        start=body.start,
        reason=body.reason,
        application_ref=body.application_ref,
        notes=body.notes,
    )
    return Status(201, _plain(made, _personal(request, code)))


@router.post(
    "/{code}/data-sharing",
    response={201: Json},
    summary="Record the data-sharing agreement",
)
def data_sharing(request: HttpRequest, code: str, body: DataSharingIn) -> Status[Json]:
    code = _network(request, code, Permission.CHANGE_NETWORK)
    made = services.record_data_sharing(
        _actor(request),
        code,
        status=body.status,
        signed_on=body.signed_on,
        start=body.start,
        reason=body.reason,
        application_ref=body.application_ref,
    )
    return Status(201, _plain(made, _personal(request, code)))


@router.post(
    "/{code}/operating-model",
    response={201: Json},
    summary="Set the operating model and contract holder",
)
def operating_model(
    request: HttpRequest, code: str, body: OperatingModelIn
) -> Status[Json]:
    code = _network(request, code, Permission.CHANGE_NETWORK)
    made = services.set_operating_model(
        _actor(request),
        code,
        model=body.model,
        contract_holder=body.contract_holder,
        start=body.start,
        reason=body.reason,
        application_ref=body.application_ref,
    )
    return Status(201, _plain(made, _personal(request, code)))


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


@router.post(
    "/{code}/contract-inputs",
    response={201: Json},
    summary="Record a network's contract inputs (care home beds, IIF, CAIP)",
)
def record_contract_inputs(
    request: HttpRequest, code: str, body: ContractInputsIn
) -> Status[Json]:
    """Replace the current record from ``start``; an input left out is not known.

    Only the overseeing commissioner may (``governance.record_contract_inputs``).
    """
    code = _network(request, code, Permission.RECORD_CONTRACT_INPUTS)
    made = contract_inputs.record_contract_inputs(
        _actor(request),
        code,
        start=body.start,
        reason=body.reason,
        application_ref=body.application_ref,
        care_home_beds=body.care_home_beds,
        iif_points=body.iif_points,
        iif_prevalence_factor=body.iif_prevalence_factor,
        caip_share=body.caip_share,
    )
    return Status(201, _plain(made, _personal(request, code)))

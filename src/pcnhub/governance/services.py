"""The only way to write a network's governance records, one function per change.

Each checks its input (raising Django's ``ValidationError`` with the field
names) and hands the record to the shared machinery of
:mod:`pcnhub.governance.records`, which closes the record it replaces, opens the
new one and audits it. Documents are stored by :mod:`pcnhub.governance.documents`,
contract inputs by :mod:`pcnhub.governance.contract_inputs`; what is read is in
:mod:`pcnhub.governance.reading` and :mod:`pcnhub.governance.history`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from pcnhub.audit.services import Actor
from pcnhub.core.codes import is_valid, normalise
from pcnhub.governance import validation as check
from pcnhub.governance.models import (
    AgreementStatus,
    ClinicalDirectorAppointment,
    DataSharingAgreement,
    NetworkAgreement,
    NominatedPayee,
    OperatingModel,
    OperatingModelKind,
    PayeeKind,
    Profession,
    SmallPopulationApproval,
)
from pcnhub.governance.records import (
    audit,
    close,
    describe,
    not_before,
    provenance,
    replace,
)
from pcnhub.register import queries
from pcnhub.register.models import Organisation

Director = tuple[str, str, Decimal]


def _director(name: str, profession: str, wte: Decimal) -> Director:
    """A clinical director's name, profession and WTE, checked."""
    return (
        check.text("name", name, "the clinical director's name", 200),
        check.choice("profession", profession, Profession),
        check.wte(wte),
    )


def _appoint(
    actor: Actor,
    org: Organisation,
    director: Director,
    start: date,
    reason: str,
    application_ref: str,
) -> ClinicalDirectorAppointment:
    name, profession, wte = director
    new = ClinicalDirectorAppointment(
        network=org,
        name=name,
        profession=profession,
        wte=wte,
        valid_from=start,
        reason=reason,
        application_ref=application_ref,
        **provenance(actor),
    )
    new.save()
    return new


def appoint_clinical_director(
    actor: Actor,
    network: str,
    *,
    name: str,
    profession: str,
    wte: Decimal,
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> ClinicalDirectorAppointment:
    """Appoint a clinical director from ``start`` (others may hold the role too)."""
    director = _director(name, profession, wte)
    start = check.day("start", start)
    application_ref = check.ref(application_ref)
    with transaction.atomic():
        org = check.locked_network(network)
        new = _appoint(actor, org, director, start, reason, application_ref)
        audit(
            actor,
            "appoint clinical director",
            org.code,
            f"ClinicalDirectorAppointment:{new.pk}",
            None,
            describe(new),
            reason,
        )
    return new


def end_clinical_director(
    actor: Actor,
    appointment: ClinicalDirectorAppointment,
    *,
    on: date,
    reason: str = "",
    application_ref: str = "",
) -> ClinicalDirectorAppointment:
    """End an appointment: ``on`` is the first day it no longer holds."""
    on = check.day("on", on)
    application_ref = check.ref(application_ref)
    with transaction.atomic():
        check.locked_network(appointment.network_id)
        current = ClinicalDirectorAppointment.objects.select_for_update().get(
            pk=appointment.pk
        )
        if current.valid_to is not None:
            raise check.invalid(
                "on", f"this appointment already ended on {current.valid_to}"
            )
        if on < current.valid_from:
            raise check.invalid(
                "on",
                f"the appointment cannot end before it started ({current.valid_from})",
            )
        before = describe(current)
        close(current, on, actor, reason, application_ref)
        audit(
            actor,
            "end clinical director",
            current.network_id,
            f"ClinicalDirectorAppointment:{current.pk}",
            before,
            describe(current),
            reason,
        )
    return current


def replace_clinical_directors(
    actor: Actor,
    network: str,
    *,
    directors: list[Director],
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> list[ClinicalDirectorAppointment]:
    """End every current appointment on ``start`` and appoint ``directors``.

    ``directors`` are ``(name, profession, wte)``; there must be at least one.
    """
    start = check.day("start", start)
    application_ref = check.ref(application_ref)
    if not directors:
        raise check.invalid("directors", "name at least one clinical director")
    checked = [_director(*director) for director in directors]
    with transaction.atomic():
        org = check.locked_network(network)
        current = list(
            ClinicalDirectorAppointment.objects.select_for_update()
            .filter(network=org, valid_to__isnull=True)
            .order_by("valid_from", "id")
        )
        for appointment in current:
            not_before("start", start, appointment, "the new clinical directors")
        before = [describe(a) for a in current]
        for appointment in current:
            close(appointment, start, actor, reason, application_ref)
        new = [
            _appoint(actor, org, director, start, reason, application_ref)
            for director in checked
        ]
        audit(
            actor,
            "replace clinical directors",
            org.code,
            org.code,
            before,
            [describe(a) for a in new],
            reason,
        )
    return new


def set_nominated_payee(
    actor: Actor,
    network: str,
    *,
    payee_code: str,
    payee_name: str,
    kind: str,
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> NominatedPayee:
    """Name who is paid for the network from ``start`` (closing the current payee).

    A member practice or another provider needs its ODS code or, failing that,
    its name (the contract checks can only confirm a payee by code); a member
    practice's code must be a practice code. The network's own account needs
    neither.
    """
    check.choice("kind", kind, PayeeKind)
    code = normalise(payee_code)
    name = (payee_name or "").strip()
    start = check.day("start", start)
    if code and not check.ODS.match(code):
        raise check.invalid("payee_code", f"{code!r} is not an ODS code")
    if kind == PayeeKind.MEMBER_PRACTICE and code and not is_valid("practice", code):
        raise check.invalid(
            "payee_code", f"{code} is not a practice code (a letter and 5 characters)"
        )
    if kind != PayeeKind.NETWORK_ACCOUNT and not (code or name):
        raise check.invalid("payee_code", "enter the payee's ODS code, or its name")
    if len(name) > 200:
        raise check.invalid("payee_name", "the name must be 200 characters or fewer")
    if code and not name:
        name = queries.names_on([code], start).get(code, "")
    return replace(
        actor,
        NominatedPayee,
        network,
        start,
        reason,
        check.ref(application_ref),
        "set nominated payee",
        "the nominated payee",
        payee_code=code,
        payee_name=name,
        kind=kind,
    )


def record_network_agreement(
    actor: Actor,
    network: str,
    *,
    status: str,
    signed_on: date | None,
    schedules_complete: bool,
    start: date,
    reason: str = "",
    application_ref: str = "",
    notes: str = "",
) -> NetworkAgreement:
    """Record the network agreement's state from ``start``."""
    check.choice("status", status, AgreementStatus)
    if signed_on is not None:
        check.day("signed_on", signed_on)
    return replace(
        actor,
        NetworkAgreement,
        network,
        check.day("start", start),
        reason,
        check.ref(application_ref),
        "record network agreement",
        "the network agreement",
        status=status,
        signed_on=signed_on,
        schedules_complete=bool(schedules_complete),
        notes=(notes or "").strip(),
    )


def record_data_sharing(
    actor: Actor,
    network: str,
    *,
    status: str,
    signed_on: date | None,
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> DataSharingAgreement:
    """Record the data-sharing agreement's state from ``start``."""
    check.choice("status", status, AgreementStatus)
    if signed_on is not None:
        check.day("signed_on", signed_on)
    return replace(
        actor,
        DataSharingAgreement,
        network,
        check.day("start", start),
        reason,
        check.ref(application_ref),
        "record data-sharing agreement",
        "the data-sharing agreement",
        status=status,
        signed_on=signed_on,
    )


def set_operating_model(
    actor: Actor,
    network: str,
    *,
    model: str,
    contract_holder: str,
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> OperatingModel:
    """Record how the network is organised and who holds its contract."""
    check.choice("model", model, OperatingModelKind)
    holder = check.text(
        "contract_holder", contract_holder, "who holds the contract", 300
    )
    return replace(
        actor,
        OperatingModel,
        network,
        check.day("start", start),
        reason,
        check.ref(application_ref),
        "set operating model",
        "the operating model",
        model=model,
        contract_holder=holder,
    )


def record_small_population_approval(
    actor: Actor,
    network: str,
    *,
    approval_reason: str,
    start: date,
    reason: str = "",
    application_ref: str = "",
) -> SmallPopulationApproval:
    """Record the commissioner's approval of the network below the minimum.

    It holds from ``start`` until replaced; the population check cites it.
    Only the overseeing commissioner may record it
    (``governance.approve_small_population``, checked by the pages and the API).
    """
    why = check.text(
        "approval_reason", approval_reason, "the reason for the approval", 2000
    )
    return replace(
        actor,
        SmallPopulationApproval,
        network,
        check.day("start", start),
        (reason or "").strip() or why,
        check.ref(application_ref),
        "approve small population",
        "the small population approval",
        approval_reason=why,
    )

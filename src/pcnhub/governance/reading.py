"""What a network's governance record says on a day, and the facts the rules read.

:func:`facts_on` turns the records into the rules' ``NetworkFacts``, so the
contract checks see them (:mod:`pcnhub.contract.snapshots`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, TypeVar

from pcnhub.core.codes import normalise
from pcnhub.governance.models import (
    AgreementStatus,
    ClinicalDirectorAppointment,
    ContractInputs,
    DataSharingAgreement,
    GovernanceDocument,
    GovernanceRecord,
    NetworkAgreement,
    NominatedPayee,
    OperatingModel,
    PayeeKind,
)
from pcnhub.governance.records import holding_on
from pcnhub.governance.validation import network_named
from pcnhub.register import queries
from pcnhub.rules.snapshot import NetworkFacts

R = TypeVar("R", bound=GovernanceRecord)


@dataclass(frozen=True)
class Governance:
    """What holds for a network on a day; ``None`` / empty where nothing does."""

    network: str
    day: date
    agreement: NetworkAgreement | None
    data_sharing: DataSharingAgreement | None
    clinical_directors: tuple[ClinicalDirectorAppointment, ...]
    payee: NominatedPayee | None
    operating_model: OperatingModel | None
    #: Every document of the network, newest first, superseded ones included
    #: (a document is evidence, kept whatever the date looked at).
    documents: tuple[GovernanceDocument, ...]
    #: Whether any clinical director was appointed on or before the day.
    directors_known: bool


def _one(model: type[R], network: str, day: date) -> R | None:
    found = holding_on(model, network, day)
    return found[-1] if found else None


def governance_on(network: str, day: date) -> Governance:
    """The network's governance on ``day``."""
    code = network_named(network).code
    directors = tuple(holding_on(ClinicalDirectorAppointment, code, day))
    return Governance(
        network=code,
        day=day,
        agreement=_one(NetworkAgreement, code, day),
        data_sharing=_one(DataSharingAgreement, code, day),
        clinical_directors=directors,
        payee=_one(NominatedPayee, code, day),
        operating_model=_one(OperatingModel, code, day),
        documents=tuple(
            GovernanceDocument.objects.filter(network_id=code)
            .select_related("uploaded_by")
            .order_by("-uploaded_at", "-id")
        ),
        directors_known=bool(directors)
        or ClinicalDirectorAppointment.objects.filter(
            network_id=code, valid_from__lte=day
        ).exists(),
    )


def payee_fact(payee: NominatedPayee) -> str:
    """The nominated payee as the rules read it.

    The check compares it with the network's code (its own account), with the
    member practices' codes, and with the ODS code pattern; so the network's
    account is given as the network's code, anyone else by code, else by name.
    """
    if payee.kind == PayeeKind.NETWORK_ACCOUNT:
        return payee.network_id
    return payee.payee_code or payee.payee_name


def facts_on(networks: Iterable[str], day: date) -> dict[str, NetworkFacts]:
    """The governance facts of each network on ``day``, for the rules.

    A field stays ``None`` ("not known") when nothing about it was recorded on
    or before ``day``. Clinical directors are ``()`` (none) when directors were
    recorded before but none holds on the day. Networks with no record at all
    are left out.
    """
    wanted = {normalise(code) for code in networks}
    if not wanted:
        return {}
    values: dict[str, dict[str, Any]] = defaultdict(dict)

    def held(model: type[R]) -> Iterable[R]:
        # The tables are small (a few records per network): reading those held
        # on the day and keeping ours beats a long IN (...) list for a country.
        rows = queries.holding_on(model.objects.all(), day)
        if len(wanted) < 500:
            rows = rows.filter(network_id__in=wanted)
        return (r for r in rows.order_by("valid_from", "id") if r.network_id in wanted)

    for agreement in held(NetworkAgreement):
        values[agreement.network_id] |= {
            "agreement_signed": agreement.status == AgreementStatus.SIGNED,
            "schedules_complete": agreement.schedules_complete,
        }
    for dsa in held(DataSharingAgreement):
        values[dsa.network_id]["data_sharing"] = dsa.status == AgreementStatus.SIGNED
    for payee in held(NominatedPayee):
        values[payee.network_id]["nominated_payee"] = payee_fact(payee)
    for inputs in held(ContractInputs):  # see pcnhub.governance.contract_inputs
        values[inputs.network_id] |= inputs.facts(day)
    directors: dict[str, list[str]] = defaultdict(list)
    for appointment in held(ClinicalDirectorAppointment):
        directors[appointment.network_id].append(appointment.name)
    appointed_before = ClinicalDirectorAppointment.objects.filter(valid_from__lte=day)
    if len(wanted) < 500:
        appointed_before = appointed_before.filter(network_id__in=wanted)
    for code in set(appointed_before.values_list("network_id", flat=True)) & wanted:
        values[code]["clinical_directors"] = tuple(directors.get(code, ()))
    return {code: NetworkFacts(**found) for code, found in values.items()}


def merged(file: NetworkFacts | None, recorded: NetworkFacts | None) -> NetworkFacts:
    """A facts file's values, with recorded governance where the file says nothing.

    The file wins field by field: a value it gives (even "no") is kept; a field
    it leaves empty (``None``) is taken from the governance record.
    """
    if recorded is None:
        return file or NetworkFacts()
    if file is None:
        return recorded
    return NetworkFacts(
        **{
            name: getattr(file, name)
            if getattr(file, name) is not None
            else getattr(recorded, name)
            for name in (f.name for f in fields(NetworkFacts))
        }
    )

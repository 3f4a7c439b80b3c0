"""What an approved application writes: the register from its effective date,
and the network's governance record.

The register is written through the same :class:`RegisterWriter` the importers
use (records closed and opened, never rewritten), under an ``ImportRun`` of kind
``application`` that names the application, so every record says which decision
opened or closed it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal

from django.utils import timezone

from pcnhub.audit.services import Actor
from pcnhub.governance import services as governance
from pcnhub.register import queries
from pcnhub.register.importers.writer import Details, RegisterWriter
from pcnhub.register.imports import wait_for_imports
from pcnhub.register.models import ImportRun, OrganisationKind, RelationshipKind
from pcnhub.register.timeline import Segment
from pcnhub.workflow.models import Application, Change, Kind

KINDS = [RelationshipKind.PRACTICE_NETWORK, RelationshipKind.NETWORK_COMMISSIONER]


def _run(application: Application, actor: Actor) -> ImportRun:
    content = json.dumps(
        {"reference": application.reference, "details": application.details},
        sort_keys=True,
        default=str,
    ).encode()
    return ImportRun.objects.create(
        kind="application",
        file_name=f"application {application.reference}",
        file_sha256=hashlib.sha256(content).hexdigest(),
        as_at=application.effective_from,
        started_at=timezone.now(),
        status=ImportRun.Status.RUNNING,
        actor=actor.user,
        system_actor=actor.system if actor.user is None else "",
    )


def _member_from(
    writer: RegisterWriter, practice: str, network: str | None, day: date
) -> None:
    segments = [Segment(network, day)] if network else []
    writer.link_history(
        RelationshipKind.PRACTICE_NETWORK, practice, segments, since=day, known_on=day
    )


def _open_network(
    writer: RegisterWriter, code: str, name: str, commissioner: str, day: date
) -> None:
    writer.details(
        code,
        OrganisationKind.NETWORK,
        day,
        Details(name=name, status="A", open_date=day),
        history_from=None,
    )
    writer.link_history(
        RelationshipKind.NETWORK_COMMISSIONER,
        code,
        [Segment(commissioner, day)],
        since=day,
        known_on=day,
    )


def _close_network(writer: RegisterWriter, code: str, day: date) -> None:
    writer.details(
        code,
        OrganisationKind.NETWORK,
        day,
        Details(status="C", close_date=day),
        history_from=None,
    )
    writer.link_history(
        RelationshipKind.NETWORK_COMMISSIONER, code, [], since=day, known_on=day
    )


def apply(application: Application, actor: Actor, network_code: str) -> ImportRun:
    """Write the approved change; return the run that names it in the register."""
    wait_for_imports(f"pcnhub approval of {application.reference} by {actor.label}")
    run = _run(application, actor)
    writer = RegisterWriter(run, KINDS, [OrganisationKind.NETWORK])
    day = application.effective_from
    details = application.details or {}
    rows = list(application.practices.all())
    target = network_code or application.network_id
    kind = application.kind
    if kind == Kind.REGISTRATION:
        _open_network(
            writer,
            target,
            details.get("network_name", ""),
            application.commissioner_id,
            day,
        )
    if kind == Kind.SPLIT:
        _open_network(
            writer,
            network_code,
            details.get("new_network_name", ""),
            application.commissioner_id,
            day,
        )
    for row in rows:
        if row.change in (Change.JOINS, Change.MEMBER) and kind != Kind.SPLIT:
            _member_from(writer, row.practice_id, target, day)
        elif row.change == Change.LEAVES:
            _member_from(writer, row.practice_id, None, day)
        elif row.change == Change.MOVES:
            _member_from(writer, row.practice_id, network_code, day)
    if kind == Kind.MERGER:
        absorbed = details["absorbed_network"]
        for practice in queries.members_of(absorbed, day):
            _member_from(writer, practice, application.network_id, day)
        _close_network(writer, absorbed, day)
    writer.flush()
    run.counts = writer.counts.as_dict()
    run.status = ImportRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()
    _governance(application, actor, target, details)
    return run


def _governance(
    application: Application, actor: Actor, network: str, details: dict
) -> None:
    """Record the governance the application states, from its effective date."""
    day = application.effective_from
    ref = application.reference
    common = {
        "start": day,
        "reason": f"application {ref} approved",
        "application_ref": ref,
    }
    directors = details.get("clinical_directors")
    if directors:
        governance.replace_clinical_directors(
            actor,
            network,
            directors=[
                (d["name"], d["profession"], Decimal(str(d["wte"]))) for d in directors
            ],
            **common,
        )
    payee = details.get("payee")
    if payee:
        governance.set_nominated_payee(
            actor,
            network,
            payee_code=payee.get("code", ""),
            payee_name=payee.get("name", ""),
            kind=payee["kind"],
            **common,
        )
    agreement = details.get("agreement")
    if agreement:
        governance.record_network_agreement(
            actor,
            network,
            status=agreement["status"],
            signed_on=_date(agreement.get("signed_on")),
            schedules_complete=bool(agreement.get("schedules_complete")),
            **common,
        )
    sharing = details.get("data_sharing")
    if sharing:
        governance.record_data_sharing(
            actor,
            network,
            status=sharing["status"],
            signed_on=_date(sharing.get("signed_on")),
            **common,
        )
    model = details.get("operating_model")
    if model:
        governance.set_operating_model(
            actor,
            network,
            model=model["model"],
            contract_holder=model.get("contract_holder") or "each member practice",
            **common,
        )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None

"""A network's staff records: record a post, change it, end it; never edit one.

Each post is a :class:`StaffPost` (its reference, network and the person's
pseudonymous key) and a run of :class:`StaffPostVersion` rows: a change adds the
next version. Every change writes an audit entry; the entries hold the person's
key and the post's figures, never the name, as the audit trail is read by
national and regional analysts who may not see names.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.core.versions import refuse_unless_current
from pcnhub.register.models import OrganisationKind, RelationshipKind
from pcnhub.register.queries import find_organisation, parents_on
from pcnhub.rules import claims as rules
from pcnhub.rules.params import Parameters
from pcnhub.rules.registry import default_parameters
from pcnhub.workforce.models import (
    Employer,
    Funding,
    London,
    StaffPost,
    StaffPostVersion,
)

KEY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class StaffEntry:
    """What a form, the API or a staff-list row gives for one post."""

    name: str
    role: str
    wte: Decimal
    salary: Decimal
    employer: str
    start: date
    funding: str
    end: date | None = None
    pay_band: str = ""
    employer_name: str = ""
    london: str = London.NONE
    on_costs: Decimal | None = None
    baseline_exception: str = ""
    commissioner_agreed: bool = False
    written_agreement: bool = False
    within_two_years_of_cct: bool | None = None


ENTRY_FIELDS = tuple(f.name for f in fields(StaffEntry))


def role_labels(parameters: Parameters | None = None) -> dict[str, str]:
    """Each ARRS role's key → its name, as the parameters give them."""
    parameters = parameters or default_parameters()
    out = {}
    for name, parameter in parameters.by_name.items():
        if name.startswith("arrs_roles.") and name.endswith(".eligible"):
            role = name.split(".")[1]
            out[role] = parameter.label.split(": ", 1)[-1]
    return dict(sorted(out.items(), key=lambda kv: kv[1]))


def new_person_key() -> str:
    """A pseudonymous key: random, so it says nothing about the person."""
    return "S" + "".join(secrets.choice(KEY_ALPHABET) for _ in range(9))


def _new_reference() -> str:
    return "P" + "".join(secrets.choice(KEY_ALPHABET) for _ in range(9))


def validate(entry: StaffEntry, network_code: str) -> dict[str, list[str]]:
    """Field → what is wrong with it (empty when the entry is good)."""
    errors: dict[str, list[str]] = {}

    def bad(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    network = find_organisation(network_code)
    if network is None or network.kind != OrganisationKind.NETWORK:
        bad("network", f"{network_code} is not a primary care network in the register")
    if not entry.name.strip():
        bad("name", "Enter the person's name")
    if entry.role not in role_labels():
        bad("role", f"{entry.role!r} is not an ARRS role pcnhub knows")
    if entry.employer not in Employer.values:
        bad("employer", f"employer is one of {', '.join(Employer.values)}")
    if entry.funding not in Funding.values:
        bad("funding", f"funding is one of {', '.join(Funding.values)}")
    if entry.london not in London.values:
        bad("london", f"London zone is one of {', '.join(London.values)}")
    if not Decimal(0) < entry.wte <= Decimal(1):
        bad("wte", f"WTE is above 0 and at most 1, not {entry.wte}")
    if entry.salary < 0:
        bad("salary", "The salary cannot be negative")
    if entry.on_costs is not None and entry.on_costs < 0:
        bad("on_costs", "On-costs cannot be negative")
    if entry.end is not None and entry.end < entry.start:
        bad("end", f"The post ends ({entry.end}) before it starts ({entry.start})")
    if entry.baseline_exception not in ("", *rules.BASELINE_EXCEPTIONS):
        bad("baseline_exception", "Choose a baseline exception pcnhub knows")
    if entry.baseline_exception and entry.funding != Funding.BASELINE:
        bad("baseline_exception", "Only a post in post at the baseline has one")
    return errors


def _audited(version: StaffPostVersion) -> dict[str, Any]:
    """What the audit trail keeps of a version: everything but the name."""
    entry = asdict(entry_of(version))
    entry.pop("name")
    return {
        "post": version.post.reference,
        "network": version.post.network_code,
        "person_key": version.post.person_key,
        "version": version.number,
        **entry,
    }


def network_subjects(network_code: str, day: date) -> list[str]:
    parent = parents_on(
        RelationshipKind.NETWORK_COMMISSIONER, day, children=[network_code]
    ).get(network_code)
    return [network_code] + ([parent.code] if parent else [])


def _version(
    post: StaffPost, entry: StaffEntry, number: int, actor: Actor, reason: str
) -> StaffPostVersion:
    return StaffPostVersion.objects.create(
        post=post,
        number=number,
        recorded_at=timezone.now(),
        actor=actor.user,
        system_actor=actor.system if actor.user is None else "",
        reason=reason,
        **{f: getattr(entry, f) for f in ENTRY_FIELDS},
    )


def record_post(
    actor: Actor,
    network_code: str,
    entry: StaffEntry,
    *,
    person_key: str = "",
    reason: str = "",
) -> StaffPostVersion:
    """A new post for ``network_code``; ``person_key`` names a person already
    known (another post of theirs), else a new key is given."""
    errors = validate(entry, network_code)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        post = StaffPost.objects.create(
            reference=_new_reference(),
            network_code=network_code,
            person_key=person_key.strip() or new_person_key(),
            created_at=timezone.now(),
        )
        version = _version(post, entry, 1, actor, reason)
        record(
            actor,
            "workforce.post_recorded",
            "staff post",
            post.reference,
            after=_audited(version),
            reason=reason,
            subjects=network_subjects(network_code, entry.start),
        )
    return version


def change_post(
    actor: Actor,
    post: StaffPost,
    entry: StaffEntry,
    *,
    expected_version: int,
    reason: str,
) -> StaffPostVersion:
    """The post's next version. ``expected_version`` is the version the change was
    made from: a change from an older one is refused (someone changed it since)."""
    errors = validate(entry, post.network_code)
    if not reason.strip():
        errors.setdefault("reason", []).append("Say why the record changes")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        post = StaffPost.objects.select_for_update().get(pk=post.pk)
        current = latest_version(post)
        refuse_unless_current("post", current.number, expected_version)
        if entry_of(current) == entry:
            raise ValidationError({"__all__": ["Nothing changed"]})
        version = _version(post, entry, current.number + 1, actor, reason)
        before = _audited(current)
        record(
            actor,
            "workforce.post_changed",
            "staff post",
            post.reference,
            before=before,
            after=_audited(version) | {"name_changed": current.name != entry.name},
            reason=reason,
            subjects=network_subjects(post.network_code, entry.start),
        )
    return version


def end_post(
    actor: Actor, post: StaffPost, end: date, *, expected_version: int, reason: str
) -> StaffPostVersion:
    """The post's next version, ending on ``end`` (the last day in post)."""
    current = latest_version(post)
    entry = entry_of(current)
    changed = StaffEntry(**(asdict(entry) | {"end": end}))
    return change_post(
        actor, post, changed, expected_version=expected_version, reason=reason
    )


def entry_of(version: StaffPostVersion) -> StaffEntry:
    return StaffEntry(**{f: getattr(version, f) for f in ENTRY_FIELDS})


def latest_version(post: StaffPost) -> StaffPostVersion:
    return post.versions.order_by("-number").first()  # type: ignore[return-value]


def current_versions(
    network_codes: list[str] | None = None,
    person_keys: list[str] | None = None,
) -> QuerySet[StaffPostVersion]:
    """Each post's latest version (of the networks or people given)."""
    latest = (
        StaffPostVersion.objects.filter(post=OuterRef("post"))
        .order_by()
        .values("post")
        .annotate(top=Max("number"))
        .values("top")
    )
    rows = StaffPostVersion.objects.select_related("post").filter(
        number=Subquery(latest)
    )
    if network_codes is not None:
        rows = rows.filter(post__network_code__in=network_codes)
    if person_keys is not None:
        rows = rows.filter(post__person_key__in=person_keys)
    return rows.order_by("post__network_code", "role", "start", "post__reference")


def as_rule_post(version: StaffPostVersion) -> rules.Post:
    """The version as the claim rules take it."""
    post = version.post
    return rules.Post(
        person=post.person_key,
        network=post.network_code,
        role=version.role,
        wte=version.wte,
        salary=version.salary,
        start=version.start,
        end=version.end,
        funding=version.funding,
        london=version.london,
        on_costs=version.on_costs,
        within_two_years_of_cct=version.within_two_years_of_cct,
        commissioner_agreed=version.commissioner_agreed,
        written_agreement=version.written_agreement,
        baseline_exception=version.baseline_exception,
        key=post.reference,
    )

"""A commissioner's local schemes: record one, change it, end it; never edit one.

Each change adds the scheme's next :class:`LocalSchemeVersion` and writes an
audit entry whose subjects are the commissioner and the networks covered (so
the networks see it in their trail). What a scheme covers is checked against
the register: networks and practices that exist and were the commissioner's
when the scheme started, ends, or today.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.core.versions import refuse_unless_current
from pcnhub.register.models import OrganisationKind, RelationshipKind
from pcnhub.register.queries import find_organisation, networks_of, parents_on
from pcnhub.rules.money import penny
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.services import requirement_codes
from pcnhub.schemes.models import LocalScheme, LocalSchemeVersion, SchemeKind
from pcnhub.ui.asat import today
from pcnhub.workforce.staff import role_labels

CODE_SPLIT = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class SchemeEntry:
    """What a form or the API gives for one version of a scheme."""

    name: str
    kind: str
    start: date
    annual_funding: Decimal
    end: date | None = None
    description: str = ""
    funding_source: str = ""
    networks: tuple[str, ...] = ()
    practices: tuple[str, ...] = ()
    #: role key → WTE funded (a funded-roles scheme)
    roles: dict[str, Decimal] = field(default_factory=dict)
    #: DES service requirement codes (a service scheme)
    requirements: tuple[str, ...] = ()


ENTRY_FIELDS = tuple(f.name for f in fields(SchemeEntry))


def codes_from(text: str) -> tuple[str, ...]:
    """``"U99001, u99002"`` → ``("U99001", "U99002")``, in order, once each."""
    found = (c.strip().upper() for c in CODE_SPLIT.split(text or ""))
    return tuple(dict.fromkeys(c for c in found if c))


def roles_from(text: str) -> tuple[dict[str, Decimal], list[str]]:
    """``"social prescribing link worker 15; clinical_pharmacist 2.5"`` (a role's
    name or key, then the WTE; one a line or separated by ``;``) → role → WTE,
    and what could not be read."""
    labels = role_labels()
    by_name = {v.casefold(): k for k, v in labels.items()} | {k: k for k in labels}
    roles: dict[str, Decimal] = {}
    problems: list[str] = []
    for part in re.split(r"[;\n]+", text or ""):
        part = part.strip()
        if not part:
            continue
        words = part.rsplit(None, 1)
        try:
            wte = Decimal(words[-1]) if len(words) == 2 else None
        except InvalidOperation:
            wte = None
        role = by_name.get(words[0].strip().rstrip("=:").strip().casefold())
        if wte is None or role is None:
            problems.append(
                f"“{part}”: give an ARRS role's name or key, then the WTE funded"
            )
            continue
        roles[role] = roles.get(role, Decimal(0)) + wte
    return roles, problems


def _days(entry: SchemeEntry) -> list[date]:
    return list(
        dict.fromkeys([entry.start, *([entry.end] if entry.end else []), today()])
    )


def _under(kind: str, code: str, commissioner: str, days: list[date]) -> bool:
    return any(
        (found := parents_on(kind, day, [code]).get(code)) is not None
        and found.code == commissioner
        for day in days
    )


def _coverage_errors(commissioner: str, entry: SchemeEntry) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    days = _days(entry)
    checks = (
        ("networks", OrganisationKind.NETWORK, RelationshipKind.NETWORK_COMMISSIONER),
        (
            "practices",
            OrganisationKind.PRACTICE,
            RelationshipKind.PRACTICE_COMMISSIONER,
        ),
    )
    for name, kind, link in checks:
        what = "primary care network" if name == "networks" else "GP practice"
        for code in getattr(entry, name):
            org = find_organisation(code)
            if org is None or org.kind != kind:
                message = f"{code} is not a {what} in the register"
            elif not _under(link, org.code, commissioner, days):
                message = f"{code} is not one of {commissioner}'s: it cannot cover it"
            else:
                continue
            errors.setdefault(name, []).append(message)
    if not entry.networks and not entry.practices:
        errors["networks"] = ["Enter the networks or practices the scheme covers"]
    return errors


def validate(commissioner: str, entry: SchemeEntry) -> dict[str, list[str]]:
    """Field → what is wrong with it (empty when the entry is good)."""
    errors: dict[str, list[str]] = {}

    def bad(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not entry.name.strip():
        bad("name", "Enter the scheme's name")
    if entry.kind not in SchemeKind.values:
        bad("kind", f"The kind is one of {', '.join(SchemeKind.values)}")
    if entry.annual_funding < 0:
        bad("annual_funding", "The annual funding cannot be negative")
    if entry.end is not None and entry.end < entry.start:
        bad("end", f"The scheme ends ({entry.end}) before it starts ({entry.start})")
    labels = role_labels()
    for role, wte in entry.roles.items():
        if role not in labels:
            bad("roles", f"{role!r} is not an ARRS role pcnhub knows")
        elif wte <= 0:
            bad("roles", f"The WTE funded for {labels[role]} must be above 0")
    known = set(requirement_codes(default_parameters()))
    for code in entry.requirements:
        if code not in known:
            bad("requirements", f"{code!r} is not a DES service requirement")
    if entry.kind == SchemeKind.ROLES and not entry.roles:
        bad("roles", "Enter the roles the scheme funds, each with its WTE")
    if entry.kind == SchemeKind.SERVICE and entry.roles:
        bad("roles", "A locally commissioned service funds no roles: leave empty")
    if entry.kind == SchemeKind.ROLES and entry.requirements:
        bad("requirements", "Only a locally commissioned service is like a DES one")
    for name, messages in _coverage_errors(commissioner, entry).items():
        errors.setdefault(name, []).extend(messages)
    return errors


def entry_of(version: LocalSchemeVersion) -> SchemeEntry:
    values = {f: getattr(version, f) for f in ENTRY_FIELDS}
    values["networks"] = tuple(version.networks)
    values["practices"] = tuple(version.practices)
    values["requirements"] = tuple(version.requirements)
    values["roles"] = {k: Decimal(v) for k, v in version.roles.items()}
    return SchemeEntry(**values)


def _stored(entry: SchemeEntry) -> dict[str, Any]:
    values = {f: getattr(entry, f) for f in ENTRY_FIELDS}
    values["networks"] = list(entry.networks)
    values["practices"] = list(entry.practices)
    values["requirements"] = list(entry.requirements)
    values["roles"] = {k: str(v) for k, v in sorted(entry.roles.items())}
    return values


def audited(version: LocalSchemeVersion) -> dict[str, Any]:
    """What the audit trail keeps of a version (a scheme holds no names)."""
    scheme = version.scheme
    entry = asdict(entry_of(version))
    # to the penny, as stored, whether the version was read back or just made
    entry["annual_funding"] = str(penny(version.annual_funding))
    return {
        "commissioner": scheme.commissioner_code,
        "reference": scheme.reference,
        "version": version.number,
        **entry,
    }


def covered_networks(entry: SchemeEntry, day: date) -> list[str]:
    """The networks covered on ``day``: those named, and the practices' networks."""
    of_practices = networks_of(list(entry.practices), day) if entry.practices else {}
    return sorted({*entry.networks, *of_practices.values()})


def _subjects(commissioner: str, entry: SchemeEntry) -> list[str]:
    return [commissioner, *entry.networks, *entry.practices]


def _version(
    scheme: LocalScheme, entry: SchemeEntry, number: int, actor: Actor, reason: str
) -> LocalSchemeVersion:
    return LocalSchemeVersion.objects.create(
        scheme=scheme,
        number=number,
        recorded_at=timezone.now(),
        actor=actor.user,
        system_actor=actor.system if actor.user is None else "",
        reason=reason,
        **_stored(entry),
    )


def record_scheme(
    actor: Actor,
    commissioner: str,
    reference: str,
    entry: SchemeEntry,
    *,
    reason: str = "",
) -> LocalSchemeVersion:
    """A new scheme for ``commissioner`` under its own ``reference``."""
    reference = reference.strip()
    errors = validate(commissioner, entry)
    if not reference:
        errors.setdefault("reference", []).append("Enter the scheme's reference")
    elif LocalScheme.objects.filter(
        commissioner_code=commissioner, reference__iexact=reference
    ).exists():
        errors.setdefault("reference", []).append(
            f"{commissioner} already has a scheme {reference}: change that one"
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        scheme = LocalScheme.objects.create(
            commissioner_code=commissioner,
            reference=reference,
            created_at=timezone.now(),
        )
        version = _version(scheme, entry, 1, actor, reason)
        record(
            actor,
            "schemes.scheme_recorded",
            "local scheme",
            f"{commissioner}/{reference}",
            after=audited(version),
            reason=reason,
            subjects=_subjects(commissioner, entry),
        )
    return version


def change_scheme(
    actor: Actor,
    scheme: LocalScheme,
    entry: SchemeEntry,
    *,
    expected_version: int,
    reason: str,
) -> LocalSchemeVersion:
    """The scheme's next version, made from version ``expected_version`` (a
    change from an older one is refused: someone changed it since)."""
    errors = validate(scheme.commissioner_code, entry)
    if not reason.strip():
        errors.setdefault("reason", []).append("Say why the scheme changes")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        scheme = LocalScheme.objects.select_for_update().get(pk=scheme.pk)
        current = latest_version(scheme)
        refuse_unless_current("scheme", current.number, expected_version)
        if entry_of(current) == entry:
            raise ValidationError({"__all__": ["Nothing changed"]})
        version = _version(scheme, entry, current.number + 1, actor, reason)
        old = entry_of(current)
        record(
            actor,
            "schemes.scheme_changed",
            "local scheme",
            f"{scheme.commissioner_code}/{scheme.reference}",
            before=audited(current),
            after=audited(version),
            reason=reason,
            subjects=_subjects(scheme.commissioner_code, entry)
            + list(old.networks + old.practices),
        )
    return version


def end_scheme(
    actor: Actor,
    scheme: LocalScheme,
    end: date,
    *,
    expected_version: int,
    reason: str,
) -> LocalSchemeVersion:
    """The scheme's next version, ending on ``end`` (its last day)."""
    entry = replace(entry_of(latest_version(scheme)), end=end)
    return change_scheme(
        actor, scheme, entry, expected_version=expected_version, reason=reason
    )


def latest_version(scheme: LocalScheme) -> LocalSchemeVersion:
    return scheme.versions.order_by("-number").first()  # type: ignore[return-value]


def current_versions(
    commissioner: str | None = None,
) -> QuerySet[LocalSchemeVersion]:
    """Each scheme's latest version (of one commissioner, or all)."""
    latest = (
        LocalSchemeVersion.objects.filter(scheme=OuterRef("scheme"))
        .order_by()
        .values("scheme")
        .annotate(top=Max("number"))
        .values("top")
    )
    rows = LocalSchemeVersion.objects.select_related("scheme").filter(
        number=Subquery(latest)
    )
    if commissioner is not None:
        rows = rows.filter(scheme__commissioner_code=commissioner)
    return rows.order_by("scheme__commissioner_code", "start", "scheme__reference")


def covering(network: str, day: date | None = None) -> list[LocalSchemeVersion]:
    """The current versions of every scheme covering ``network`` (named, or
    through one of its practices on ``day``, today if not given)."""
    day = day or today()
    found = []
    for version in current_versions():
        entry = entry_of(version)
        if network in entry.networks or network in covered_networks(entry, day):
            found.append(version)
    return found

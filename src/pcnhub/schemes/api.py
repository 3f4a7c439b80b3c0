"""The local schemes API (mounted at /api/local-schemes/ by pcnhub.api).

The same permissions as the pages: ``workforce.view_local_schemes`` on the
commissioner (or network) to read, ``workforce.record_local_schemes`` on the
commissioner to record, change or end a scheme (asked before the scheme is
looked up: 403 before 404). Bad input answers 422 with the fields named. Staff
names in the overlap report only where the caller may see the network's staff
names (otherwise ``null``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from pcnhub.access.checks import require
from pcnhub.access.permissions import Permission
from pcnhub.audit.services import Actor
from pcnhub.core.codes import normalise
from pcnhub.register import queries
from pcnhub.register.models import Organisation, OrganisationKind
from pcnhub.rules.money import penny
from pcnhub.schemes.models import LocalScheme, LocalSchemeVersion
from pcnhub.schemes.overlaps import report_for
from pcnhub.schemes.records import (
    SchemeEntry,
    change_scheme,
    codes_from,
    covering,
    current_versions,
    end_scheme,
    record_scheme,
)
from pcnhub.ui.asat import as_at_from

router = Router(tags=["local schemes"])

Json = dict[str, Any]


class SchemeFields(Schema):
    """What a version of a scheme holds (bounds are the service's: 422)."""

    name: str = Field(min_length=1)
    kind: str = Field(description="service or roles")
    start: date
    end: date | None = Field(None, description="The last day (none: running)")
    annual_funding: Decimal
    description: str = ""
    funding_source: str = ""
    networks: list[str] = Field(default_factory=list)
    practices: list[str] = Field(default_factory=list)
    roles: dict[str, Decimal] = Field(
        default_factory=dict, description="ARRS role key → WTE funded"
    )
    requirements: list[str] = Field(
        default_factory=list, description="DES service requirement codes"
    )

    def entry(self) -> SchemeEntry:
        return SchemeEntry(
            name=self.name,
            kind=self.kind,
            start=self.start,
            end=self.end,
            annual_funding=self.annual_funding,
            description=self.description,
            funding_source=self.funding_source,
            networks=codes_from(" ".join(self.networks)),
            practices=codes_from(" ".join(self.practices)),
            roles=self.roles,
            requirements=tuple(self.requirements),
        )


class SchemeIn(SchemeFields):
    reference: str = Field(min_length=1, description="The commissioner's reference")
    reason: str = ""


# The version is not bounded here: the service refuses any but the current
# one (422), after the permission has answered.
VERSION = Field(description="The version the change is made from: the current one")


class SchemeChangeIn(SchemeFields):
    version: int = VERSION
    reason: str = Field(description="Why the scheme changes (needed)")


class SchemeEndIn(Schema):
    end: date = Field(description="The scheme's last day")
    version: int = VERSION
    reason: str = Field(description="Why the scheme ends (needed)")


def _organisation(
    request: HttpRequest, code: str, permission: str, *kinds: str
) -> Organisation:
    code = normalise(code)
    require(request.user, permission, code)
    org = queries.find_organisation(code)
    wanted = kinds or (OrganisationKind.COMMISSIONER, OrganisationKind.NETWORK)
    if org is None or org.kind not in wanted:
        raise Http404(f"{code} is not a commissioner or network in the register")
    return org


def _plain(version: LocalSchemeVersion) -> Json:
    return {
        "id": version.scheme_id,
        "commissioner": version.scheme.commissioner_code,
        "reference": version.scheme.reference,
        "version": version.number,
        "name": version.name,
        "kind": version.kind,
        "description": version.description,
        "start": version.start,
        "end": version.end,
        # to the penny, whether the version was read back or just made
        "annual_funding": str(penny(version.annual_funding)),
        "funding_source": version.funding_source,
        "networks": version.networks,
        "practices": version.practices,
        "roles": version.roles,
        "requirements": version.requirements,
        "recorded_at": version.recorded_at,
    }


@router.get("/{code}", summary="A commissioner's local schemes (or a network's)")
def local_schemes(request: HttpRequest, code: str) -> Json:
    org = _organisation(request, code, Permission.VIEW_LOCAL_SCHEMES)
    if org.kind == OrganisationKind.COMMISSIONER:
        versions = list(current_versions(org.code))
    else:
        versions = covering(org.code)
    return {"code": org.code, "schemes": [_plain(v) for v in versions]}


@router.post("/{code}", response={201: Json}, summary="Record a local scheme")
def record_local_scheme(
    request: HttpRequest, code: str, body: SchemeIn
) -> Status[Json]:
    org = _organisation(
        request, code, Permission.RECORD_LOCAL_SCHEMES, OrganisationKind.COMMISSIONER
    )
    # A service's ValidationError answers 422 with the fields named (pcnhub.api).
    version = record_scheme(
        Actor(user=request.user),
        org.code,
        body.reference,
        body.entry(),
        reason=body.reason,
    )
    return Status(201, _plain(version))


def _own_scheme(request: HttpRequest, code: str, pk: int) -> LocalScheme:
    """The commissioner's scheme ``pk``: the permission first (403 before 404)."""
    org = _organisation(
        request, code, Permission.RECORD_LOCAL_SCHEMES, OrganisationKind.COMMISSIONER
    )
    found = LocalScheme.objects.filter(pk=pk, commissioner_code=org.code).first()
    if found is None:
        raise Http404(f"no local scheme {pk} of {org.code}")
    return found


@router.get("/{code}/overlaps", summary="The overlap report for a contract year")
def local_scheme_overlaps(
    request: HttpRequest, code: str, year: str | None = None
) -> Json:
    """Overlaps with the DES service requirements and ARRS posts in ``year``
    (``2024/25``; the current contract year if not given)."""
    org = _organisation(request, code, Permission.VIEW_LOCAL_SCHEMES)
    try:
        report = report_for(request.user, org, year, as_at_from(request).day)
    except ValueError as exc:
        raise ValidationError({"year": [str(exc)]}) from exc
    return {
        "code": org.code,
        "year": str(report.year),
        "total_at_stake": str(report.total),
        "overlaps": [r.as_dict() for r in report.rows],
    }


# After /{code}/overlaps: the first pattern that matches a path answers it.
@router.put("/{code}/{pk}", summary="Change a local scheme: its next version")
def change_local_scheme(
    request: HttpRequest, code: str, pk: int, body: SchemeChangeIn
) -> Json:
    """The scheme's next version, made from ``version`` (a change from an older
    one than the current is refused, 422 naming ``version``: reload it)."""
    found = _own_scheme(request, code, pk)
    version = change_scheme(
        Actor(user=request.user),
        found,
        body.entry(),
        expected_version=body.version,
        reason=body.reason,
    )
    return _plain(version)


@router.post("/{code}/{pk}/end", summary="End a local scheme on its last day")
def end_local_scheme(
    request: HttpRequest, code: str, pk: int, body: SchemeEndIn
) -> Json:
    """The scheme's next version, ending on ``end``; the overlap report counts
    no day after it."""
    found = _own_scheme(request, code, pk)
    version = end_scheme(
        Actor(user=request.user),
        found,
        body.end,
        expected_version=body.version,
        reason=body.reason,
    )
    return _plain(version)

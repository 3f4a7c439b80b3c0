"""Entitlements files: whose the user may take, the run for the nation, a region,
a commissioner or a network, and the file (CSV or an Excel workbook).

Shared by the downloads page (:mod:`pcnhub.contract.views`, which builds the
file in the request) and the background jobs (``pcnhub.jobs``, which build the
national and regional files in ``pcnhub worker``), so both refuse and write the
same. Who may take what follows the entitlements pages
(``register.view_organisation`` on the organisation; the nation needs
``register.view_all``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any, BinaryIO

from pcnhub.access.permissions import Permission
from pcnhub.access.roles import NETWORK_ROLES, Role
from pcnhub.access.scope import Scope, scope_of
from pcnhub.contract import exports
from pcnhub.contract.services import EntitlementRun, line_notes, run_entitlements
from pcnhub.register import queries
from pcnhub.register.exports import write_records
from pcnhub.register.models import Organisation, OrganisationKind, RelationshipKind
from pcnhub.rules.entitlements import EntitlementLine
from pcnhub.rules.periods import ContractYear
from pcnhub.ui.refusals import Refused

NATION = "nation"
REGION = "region"
COMMISSIONER = "commissioner"
NETWORK = "network"
FORMATS = ("csv", "xlsx")
#: Lines written per chunk of the streamed CSV.
CHUNK_LINES = 2000


@dataclass(frozen=True)
class Choices:
    """What the user may download: the nation, and which organisations."""

    nation: bool
    regions: dict[str, str]  # code -> name
    commissioners: dict[str, str]
    networks: dict[str, str]

    def __bool__(self) -> bool:
        return self.nation or bool(self.regions or self.commissioners or self.networks)

    def offered(self, kind: str) -> dict[str, str]:
        return {
            REGION: self.regions,
            COMMISSIONER: self.commissioners,
            NETWORK: self.networks,
        }.get(kind, {})


def choices_for(user: Any) -> Choices:
    """The nation, regions, commissioners and networks ``user`` may download."""
    scope: Scope = scope_of(user)
    network_roles = scope.has(*NETWORK_ROLES, Role.PRACTICE_MANAGER)
    overseer = scope.country_wide or scope.has(Role.REGIONAL, Role.COMMISSIONER)
    kinds = [OrganisationKind.REGION, OrganisationKind.COMMISSIONER]
    codes = {
        kind: [
            c
            for c in Organisation.objects.filter(kind=kind)
            .order_by("code")
            .values_list("code", flat=True)
            if scope.sees(c)
        ]
        for kind in (kinds if overseer else [])
    }
    networks: list[str] = []
    if network_roles:
        networks = sorted(
            (scope.acts_for_networks | scope.read_only)
            & set(
                Organisation.objects.filter(kind=OrganisationKind.NETWORK).values_list(
                    "code", flat=True
                )
            )
        )
    everything = [c for found in codes.values() for c in found] + networks
    names = queries.latest_names(everything)
    return Choices(
        nation=user.has_perm(Permission.VIEW_ALL_ORGANISATIONS),
        regions={c: names.get(c, c) for c in codes.get(OrganisationKind.REGION, [])},
        commissioners={
            c: names.get(c, c) for c in codes.get(OrganisationKind.COMMISSIONER, [])
        },
        networks={c: names.get(c, c) for c in networks},
    )


def not_downloadable(user: Any, choices: Choices, kind: str, code: str) -> str:
    """Refuse (403) what the user may not download; for a code pcnhub does not
    hold as that kind, what to say (404); "" when the download may go ahead."""
    if kind == NATION:
        if not choices.nation:
            raise Refused(
                "The whole country's entitlements are for national analysts, "
                "evaluators and administrators; choose your region, commissioner "
                "or network."
            )
        return ""
    if code in choices.offered(kind):
        return ""
    org = queries.find_organisation(code)
    if org is None or org.kind != kind:
        return f"{code} is not a {kind} in the register."
    raise Refused(
        f"Your roles in pcnhub do not include {code}, so its entitlements are not "
        "yours to download."
    )


def entitlement_run(year: ContractYear, kind: str, code: str) -> EntitlementRun:
    if kind == NETWORK:
        return run_entitlements(year, pcn=code)
    if kind == COMMISSIONER:
        return run_entitlements(year, commissioner=code)
    run = run_entitlements(year)
    if kind == REGION:
        return in_region(run, code)
    return run


def in_region(run: EntitlementRun, region: str) -> EntitlementRun:
    """The run's networks whose commissioner was in ``region`` (the first day of the
    year, or for a commissioner with no system then, the last)."""
    year = run.year
    last = year.start.replace(year=year.start.year + 1) - timedelta(days=1)
    commissioners = {n.commissioner for n in run.networks if n.commissioner}
    inside = _commissioners_in(region, commissioners, year.start)
    rest = commissioners - inside - _commissioners_elsewhere(commissioners, year.start)
    inside |= _commissioners_in(region, rest, last)
    networks = [n for n in run.networks if n.commissioner in inside]
    codes = {n.code for n in networks}
    lines = [x for x in run.lines if x.network in codes]
    national = set(line_notes(run.lines))
    notes = [n for n in run.notes if n not in national] + line_notes(lines)
    return EntitlementRun(run.year, networks, lines, notes)


def _regions_of(commissioners: set[str], day: date) -> dict[str, str]:
    systems = queries.parents_on(
        RelationshipKind.COMMISSIONER_SYSTEM, day, commissioners
    )
    regions = queries.parents_on(
        RelationshipKind.SYSTEM_REGION, day, {p.code for p in systems.values()}
    )
    return {c: regions[s.code].code for c, s in systems.items() if s.code in regions}


def _commissioners_in(region: str, commissioners: set[str], day: date) -> set[str]:
    return {c for c, r in _regions_of(commissioners, day).items() if r == region}


def _commissioners_elsewhere(commissioners: set[str], day: date) -> set[str]:
    return set(_regions_of(commissioners, day))


def csv_chunks(lines: Sequence[EntitlementLine]) -> Iterator[str]:
    """The CSV of ``pcnhub entitlements --format csv``, a chunk of lines at a time
    (the header with the first chunk; an empty run is the header alone)."""
    for start in range(0, max(len(lines), 1), CHUNK_LINES):
        out = io.StringIO()
        chunk = lines[start : start + CHUNK_LINES]
        write_records(out, [x.row() for x in chunk], exports.LINE_COLUMNS, "csv")
        text = out.getvalue()
        yield text if start == 0 else text.split("\n", 1)[1]


def file_name(year: ContractYear, code: str, fmt: str) -> str:
    """The name a download of ``code``'s (or, without one, England's) year has."""
    return f"entitlements-{code or 'england'}-{str(year).replace('/', '-')}.{fmt}"


def write_csv(out: IO[str], lines: Sequence[EntitlementLine]) -> None:
    for chunk in csv_chunks(lines):
        out.write(chunk)


def write_xlsx(out: BinaryIO, run: EntitlementRun) -> None:
    exports.write_xlsx(out, run.year, run.networks, run.lines, run.notes)

"""Entitlements downloads: a contract year for the nation, a region, a
commissioner or a network, as CSV (streamed) or an Excel workbook.

Who may download what follows the entitlements pages (``register.view_organisation``
on the organisation; the nation needs ``register.view_all``): a national analyst,
evaluator or administrator may take the nation, any region or commissioner; a
regional team its region and the commissioners beneath it; a commissioner its own
(and those it merged with); a network's clinical director, manager or a member
practice's manager only that network. Evaluators get every result with personal
data withheld (:func:`pcnhub.contract.redaction.for_viewer`), as everywhere.

The CSV has exactly the columns and rows of ``pcnhub entitlements --format csv``
and is streamed as it is written. Downloads are reads: like the other CSV
downloads, they write no audit entry. (When pcnhub gains a background-job queue,
the national downloads belong there.)
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.views.decorators.http import require_safe

from pcnhub.access.decorators import needs_role
from pcnhub.access.permissions import Permission
from pcnhub.access.roles import NETWORK_ROLES, Role
from pcnhub.access.scope import Scope, scope_of
from pcnhub.contract import exports
from pcnhub.contract.redaction import for_viewer
from pcnhub.contract.services import (
    EntitlementRun,
    NotFound,
    line_notes,
    run_entitlements,
)
from pcnhub.register import queries
from pcnhub.register.exports import write_records
from pcnhub.register.models import Organisation, OrganisationKind, RelationshipKind
from pcnhub.rules.entitlements import EntitlementLine
from pcnhub.rules.periods import ContractYear
from pcnhub.ui.asat import AsAt, as_at_from
from pcnhub.ui.downloads import XLSX
from pcnhub.ui.frame import frame
from pcnhub.ui.refusals import Refused
from pcnhub.ui.years import covered_years, default_year, parse_year

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


class BadRequest(ValueError):
    """The form's answer cannot be used; the message says why (400)."""


@require_safe
@needs_role
def entitlements_download(request: HttpRequest) -> HttpResponse:
    """The form (no ``format``), or the download it asks for."""
    as_at = as_at_from(request)
    if as_at.error:
        as_at = AsAt(as_at.day)
    user = request.user
    choices = choices_for(user)
    if not choices:
        raise Refused(
            "Your roles in pcnhub reach no network, commissioner or region, so "
            "there are no entitlements to download."
        )
    fmt = request.GET.get("format", "").strip().lower()
    if not fmt:
        return _form(request, as_at, choices, {}, status=200)
    errors: dict[str, str] = {}
    try:
        year = parse_year(request.GET.get("year"), as_at.day)
    except ValueError as exc:
        errors["year"] = str(exc)
    kind = request.GET.get("scope", "").strip().lower()
    code = request.GET.get(kind, "").strip().upper() if kind else ""
    if kind not in (NATION, REGION, COMMISSIONER, NETWORK):
        errors["scope"] = "Choose the nation, a region, a commissioner or a network."
    elif kind != NATION and not code:
        errors[kind] = f"Choose the {kind} whose entitlements to download."
    if fmt not in FORMATS:
        errors["format"] = "Choose CSV or Excel (xlsx)."
    if errors:
        return _form(request, as_at, choices, errors, status=400)
    missing = _not_downloadable(user, choices, kind, code)
    if missing:
        return _form(request, as_at, choices, {kind: missing}, status=404)
    try:
        run = for_viewer(user, _run(year, kind, code))
    except NotFound as exc:
        return _form(request, as_at, choices, {kind: str(exc)}, status=404)
    name = f"entitlements-{code or 'england'}-{str(year).replace('/', '-')}"
    if fmt == "xlsx":
        return _xlsx(run, f"{name}.xlsx")
    response = StreamingHttpResponse(
        csv_chunks(run.lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _not_downloadable(user: Any, choices: Choices, kind: str, code: str) -> str:
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


def _run(year: ContractYear, kind: str, code: str) -> EntitlementRun:
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


def _xlsx(run: EntitlementRun, filename: str) -> FileResponse:
    # A temporary file rather than memory: a national workbook is several MB.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    exports.write_xlsx(out, run.year, run.networks, run.lines, run.notes)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)


def _form(
    request: HttpRequest,
    as_at: AsAt,
    choices: Choices,
    errors: dict[str, str],
    status: int,
) -> HttpResponse:
    year = request.GET.get("year") or str(default_year(as_at.day))
    kind = request.GET.get("scope", "") or _first_kind(choices)
    context = frame(request, as_at) | {
        "show_date_form": False,
        "choices": choices,
        "years": [str(y) for y in covered_years()],
        "year": year,
        "scope": kind,
        "picked": {k: request.GET.get(k, "").strip().upper() for k in _KINDS},
        "format": request.GET.get("format", "csv") or "csv",
        "errors": errors,
        "error_list": [
            {"text": text, "href": f"#{field}"} for field, text in errors.items()
        ],
    }
    return render(request, "contract/downloads.html", context, status=status)


_KINDS = (REGION, COMMISSIONER, NETWORK)


def _first_kind(choices: Choices) -> str:
    if choices.nation:
        return NATION
    for kind in _KINDS:
        if choices.offered(kind):
            return kind
    return NATION

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
downloads, they write no audit entry. The national and regional files can also
be prepared in the background ("Prepare the file"): the form posts to the jobs
app's route (``job_start_entitlements``, found by name, as the contract does
not import the jobs app) and the file is offered on the user's jobs page.
"""

from __future__ import annotations

import tempfile

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.views.decorators.http import require_safe

from pcnhub.access.decorators import needs_role
from pcnhub.contract.entitlement_files import (
    COMMISSIONER,
    FORMATS,
    NATION,
    NETWORK,
    REGION,
    Choices,
    choices_for,
    csv_chunks,
    entitlement_run,
    file_name,
    not_downloadable,
    write_xlsx,
)
from pcnhub.contract.redaction import for_viewer
from pcnhub.contract.services import EntitlementRun, NotFound
from pcnhub.ui.asat import AsAt, as_at_from
from pcnhub.ui.downloads import XLSX
from pcnhub.ui.frame import frame
from pcnhub.ui.links import optional_url
from pcnhub.ui.refusals import Refused
from pcnhub.ui.years import covered_years, default_year, parse_year


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
    missing = not_downloadable(user, choices, kind, code)
    if missing:
        return _form(request, as_at, choices, {kind: missing}, status=404)
    try:
        run = for_viewer(user, entitlement_run(year, kind, code))
    except NotFound as exc:
        return _form(request, as_at, choices, {kind: str(exc)}, status=404)
    if fmt == "xlsx":
        return _xlsx(run, file_name(year, code, fmt))
    response = StreamingHttpResponse(
        csv_chunks(run.lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{file_name(year, code, fmt)}"'
    )
    return response


def _xlsx(run: EntitlementRun, filename: str) -> FileResponse:
    # A temporary file rather than memory: a national workbook is several MB.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(out, run)
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
        # The nation's and regions' files, prepared by ``pcnhub worker`` where
        # the jobs app is installed (its route, by name).
        "job_url": optional_url("job_start_entitlements")
        if choices.nation or choices.regions
        else None,
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

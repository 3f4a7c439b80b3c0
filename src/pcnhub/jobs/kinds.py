"""The kinds of job: who may start each, what it needs, and what it does.

Each kind checks, when a job is started, the same permission as the page or
export it stands in for, first (403), then its parameters (422, each error on
its field); it then runs in the worker as the user who started it (so an
evaluator's file withholds personal data, as the page would).

- ``entitlements``: the entitlements of a contract year for England or a region
  (the downloads page's national and regional files; ``register.view_all`` for
  England, the region in the user's scope for a region).
- ``networks``: the networks open on a date with their populations, the whole
  country (``pcnhub networks --as-at DATE --format csv|json``; ``register.view_all``).
- ``import``: an uploaded NHS file imported by the importer ``pcnhub import``
  uses, all or nothing (administrators).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.module_loading import import_string

from pcnhub.access.permissions import Permission, is_administrator
from pcnhub.audit.services import Actor
from pcnhub.contract import entitlement_files as ef
from pcnhub.contract.redaction import for_viewer
from pcnhub.core.dates import parse_iso
from pcnhub.jobs import files
from pcnhub.jobs.models import Job, JobKind
from pcnhub.jobs.progress import Reporter
from pcnhub.register.exports import NETWORK_COLUMNS, write_rows
from pcnhub.register.importers import IMPORTERS
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.register.imports import run_import
from pcnhub.register.queries import networks_on
from pcnhub.ui.downloads import XLSX
from pcnhub.ui.refusals import Refused
from pcnhub.ui.years import parse_year

CSV = "text/csv; charset=utf-8"
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"
#: What the whole country's files need.
NATIONAL = (
    "The whole country's files are for national analysts, evaluators and "
    "administrators."
)


class JobFailed(Exception):
    """The job could not be done; the message says why, fit to show its owner."""


@dataclass(frozen=True)
class Prepared:
    """A job's checked parameters and whose data it covers."""

    parameters: dict[str, Any]
    scope: str


@dataclass(frozen=True)
class Output:
    path: Path
    name: str
    content_type: str
    message: str = "Done"


@dataclass(frozen=True)
class Kind:
    prepare: Callable[[Any, Mapping[str, Any]], Prepared]
    run: Callable[[Job, Reporter], Output]


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _date(data: Mapping[str, Any], name: str, default: date | None) -> date | None:
    text = _text(data, name)
    if not text:
        return default
    try:
        return parse_iso(text)
    except ValueError as exc:
        raise ValidationError({name: str(exc)}) from None


# --- the entitlements of England or a region ------------------------------------


def prepare_entitlements(user: Any, data: Mapping[str, Any]) -> Prepared:
    choices = ef.choices_for(user)
    if not (choices.nation or choices.regions):
        raise Refused(
            "Files prepared in the background are the whole country's or a "
            "region's: your roles reach neither, so download yours from the "
            "downloads page."
        )
    scope = _text(data, "scope").lower()
    if scope not in (ef.NATION, ef.REGION):
        raise ValidationError({"scope": "Choose England or a region."})
    code = _text(data, "region").upper() if scope == ef.REGION else ""
    if scope == ef.REGION and not code:
        raise ValidationError({"region": "Choose the region."})
    # Refused (403) before anything is said of what exists.
    missing = ef.not_downloadable(user, choices, scope, code)
    if missing:
        raise ValidationError({"region": missing})
    errors: dict[str, str] = {}
    try:
        year = parse_year(_text(data, "year") or None, timezone.localdate())
    except ValueError as exc:
        errors["year"] = str(exc)
    fmt = _text(data, "format").lower() or "csv"
    if fmt not in ef.FORMATS:
        errors["format"] = "Choose CSV or Excel (xlsx)."
    if errors:
        raise ValidationError(errors)
    parameters = {"year": str(year), "scope": scope, "region": code, "format": fmt}
    return Prepared(parameters, code or "England")


def run_entitlements(job: Job, reporter: Reporter) -> Output:
    p = job.parameters
    year = parse_year(p["year"], timezone.localdate())
    kind = ef.REGION if p["region"] else ef.NATION
    reporter.stage(0, 3, f"Working out every network's {year}")
    run = ef.entitlement_run(year, kind, p["region"])
    reporter.stage(1, 3, "Withholding what the file's owner may not see")
    run = for_viewer(job.requested_by, run)
    reporter.stage(2, 3, "Writing the file")
    name = ef.file_name(year, p["region"], p["format"])
    if p["format"] == "xlsx":
        path = files.write_result(
            job.pk, name, "wb", lambda out: ef.write_xlsx(out, run)
        )
        return Output(path, name, XLSX, f"{len(run.lines):,} lines")
    path = files.write_result(
        job.pk, name, "w", lambda out: ef.write_csv(out, run.lines)
    )
    return Output(path, name, CSV, f"{len(run.lines):,} lines")


# --- the register's networks, the whole country ----------------------------------


def prepare_networks(user: Any, data: Mapping[str, Any]) -> Prepared:
    if not user.has_perm(Permission.VIEW_ALL_ORGANISATIONS):
        raise Refused(NATIONAL)
    day = _date(data, "as_at", timezone.localdate())
    lists_at = _date(data, "lists_at", None)
    fmt = _text(data, "format").lower() or "csv"
    if fmt not in ("csv", "json"):
        raise ValidationError({"format": "Choose CSV or JSON."})
    parameters = {
        "as_at": day.isoformat() if day else "",
        "lists_at": lists_at.isoformat() if lists_at else "",
        "format": fmt,
    }
    return Prepared(parameters, "England")


def run_networks(job: Job, reporter: Reporter) -> Output:
    p = job.parameters
    day = parse_iso(p["as_at"])
    lists_at = parse_iso(p["lists_at"]) if p["lists_at"] else None
    reporter.stage(0, 1, f"Finding the networks open on {day:%d %B %Y}")
    rows = networks_on(day, None, lists_at)
    written = list(reporter.iterate(rows, "Writing the networks", len(rows)))
    name = f"networks-{day.isoformat()}.{p['format']}"
    path = files.write_result(
        job.pk,
        name,
        "w",
        lambda out: write_rows(out, written, NETWORK_COLUMNS, p["format"]),
    )
    content_type = CSV if p["format"] == "csv" else JSON
    return Output(path, name, content_type, f"{len(rows):,} networks")


# --- an uploaded file, imported ---------------------------------------------------


def _import_command() -> Any:
    # The command's module is called "import", which Python cannot name directly.
    return importlib.import_module("pcnhub.register.management.commands.import")


def import_kinds() -> list[str]:
    """Every kind ``pcnhub import`` reads, the register's and the other apps'."""
    return sorted([*IMPORTERS, *_import_command().extra_imports()])


def may_import(user: Any) -> bool:
    return bool(user.is_active) and is_administrator(user)


def prepare_import(user: Any, data: Mapping[str, Any]) -> Prepared:
    if not may_import(user):
        raise Refused("Files are imported through the pages by administrators.")
    errors: dict[str, str] = {}
    kind = _text(data, "import_kind")
    if kind not in import_kinds():
        errors["import_kind"] = "Choose the kind of file."
    upload = data.get("file")
    if upload is None or not getattr(upload, "name", ""):
        errors["file"] = "Choose the file to import."
    try:
        as_at = _date(data, "as_at", None)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        as_at = None
    if errors:
        raise ValidationError(errors)
    parameters = {
        "import_kind": kind,
        "as_at": as_at.isoformat() if as_at else "",
        "file_name": files.safe_name(upload.name),
    }
    return Prepared(parameters, "England")


def run_upload(job: Job, reporter: Reporter) -> Output:
    p = job.parameters
    path = files.absolute(p["file"])
    kind = p["import_kind"]
    command = _import_command()
    extra = command.extra_imports().get(kind)
    run_one = import_string(extra) if extra else run_import
    arguments = () if extra else (kind,)
    actor = Actor(user=job.requested_by)
    try:
        run = run_one(
            *arguments,
            path,
            actor=actor,
            as_at=parse_iso(p["as_at"]) if p["as_at"] else None,
            progress=reporter.iterate,
        )
    except ImportRejected as rejected:
        raise JobFailed(
            f"{p['file_name']} was not imported; nothing was written.\n"
            f"{rejected.summary()}"
        ) from None
    label = run.label if extra else f"import run {run.pk}"
    summary = (
        f"Imported {p['file_name']} as {kind}"
        + (f" as at {run.as_at}" if run.as_at else "")
        + f" ({label}).\n"
        + command.format_counts(run.counts)
        + "\n"
    )
    name = f"import-{job.pk}-report.txt"
    out = files.write_result(job.pk, name, "w", lambda o: o.write(summary))
    return Output(out, name, TEXT, summary.split("\n", 1)[0])


KINDS: dict[str, Kind] = {
    JobKind.ENTITLEMENTS: Kind(prepare_entitlements, run_entitlements),
    JobKind.NETWORKS: Kind(prepare_networks, run_networks),
    JobKind.IMPORT: Kind(prepare_import, run_upload),
}

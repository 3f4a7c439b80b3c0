"""``pcnhub import KIND PATH [--as-at YYYY-MM-DD]``"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string
from tqdm import tqdm

from pcnhub.audit.services import Actor
from pcnhub.core.dates import parse_iso
from pcnhub.register.importers import IMPORTERS
from pcnhub.register.importers.errors import ImportRejected
from pcnhub.register.imports import run_import

#: Tolerated anomalies name their rows up to this many per rule (all are kept in
#: the import run's counts).
MAX_NAMED = 20


def tqdm_progress(items: Iterable[Any], label: str, total: int) -> Iterable[Any]:
    return tqdm(
        items,
        desc=label,
        total=total,
        unit=" rows",
        file=sys.stderr,
        leave=False,
        mininterval=0.5,
    )


def format_counts(counts: dict) -> str:
    lines = []
    width = max([len(f) for f in counts["by_fact"]] + [12])
    header = ("", "created", "updated", "closed", "unchanged")
    lines.append(f"{header[0]:<{width}}" + "".join(f"{h:>11}" for h in header[1:]))
    for fact, c in counts["by_fact"].items():
        lines.append(f"{fact:<{width}}" + "".join(f"{c[h]:>11}" for h in header[1:]))
    t = counts["totals"]
    lines.append(f"{'total':<{width}}" + "".join(f"{t[h]:>11}" for h in header[1:]))
    lines.append(f"skipped: {t['skipped']}")
    for reason, n in counts["skipped"].items():
        lines.append(f"  {n} {reason}")
    bounded = counts.get("bounded", {})
    if bounded:
        lines.append(
            f"bounded by newer files: {sum(bounded.values())} claims written only "
            "where a file known on a later day is silent"
        )
        lines += [f"  {n} {fact}" for fact, n in bounded.items()]
    tolerated = counts.get("tolerated", {})
    if tolerated:
        lines.append(f"tolerated: {sum(len(w) for w in tolerated.values())}")
        for rule, where in tolerated.items():
            named = ", ".join(where[:MAX_NAMED])
            more = (
                f" and {len(where) - MAX_NAMED} more" if len(where) > MAX_NAMED else ""
            )
            lines.append(f"  {len(where)} {rule}: {named}{more}")
    return "\n".join(lines)


def extra_imports() -> dict[str, str]:
    """Other apps' import kinds (``PCNHUB_EXTRA_IMPORTS``: kind to the dotted path
    of a function taking ``(path, *, actor, as_at, progress)``, returning a result
    with ``as_at``, ``label`` and ``counts``, and raising :class:`ImportRejected`
    on a bad file). The register never imports them; each is resolved only when
    its kind is asked for."""
    extra = dict(getattr(settings, "PCNHUB_EXTRA_IMPORTS", {}))
    return {kind: path for kind, path in extra.items() if kind not in IMPORTERS}


class Command(BaseCommand):
    help = "Import an NHS file into the register (all or nothing)."
    # A data command: Django's system checks (which import every URL and the API)
    # add nothing here; `pcnhub check --deploy` and runserver still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind",
            choices=sorted([*IMPORTERS, *extra_imports()]),
            help="the file's format",
        )
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--as-at",
            type=parse_iso,
            default=None,
            help="the date a snapshot file describes (YYYY-MM-DD); files with "
            "dates use their own",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        kind, path = options["kind"], options["path"]
        actor = Actor(system=f"pcnhub import {kind} (command line)")
        extra = extra_imports().get(kind)
        run_one = import_string(extra) if extra else run_import
        arguments = () if extra else (kind,)
        try:
            run = run_one(
                *arguments,
                path,
                actor=actor,
                as_at=options["as_at"],
                progress=(lambda i, _l, _t: i) if options["quiet"] else tqdm_progress,
            )
        except ImportRejected as rejected:
            raise CommandError(
                f"{path} was not imported; nothing was written.\n{rejected.summary()}"
            ) from None
        label = run.label if extra else f"import run {run.pk}"
        self.stdout.write(
            f"Imported {path.name} as {kind}"
            + (f" as at {run.as_at}" if run.as_at else "")
            + f" ({label}).\n"
            + format_counts(run.counts)
        )

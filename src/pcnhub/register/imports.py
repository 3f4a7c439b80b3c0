"""Running one import: all or nothing, recorded, audited."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.core.dates import date_from_filename
from pcnhub.register.importers import IMPORTERS
from pcnhub.register.importers.base import Progress, no_progress
from pcnhub.register.importers.errors import ImportRejected, Problem, Problems
from pcnhub.register.importers.writer import RegisterWriter
from pcnhub.register.models import ImportRun


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def effective_date(kind: str, path: Path, as_at: date | None) -> date | None:
    importer = IMPORTERS[kind]
    if importer.as_at != "required" or as_at is not None:
        return as_at
    from_name = date_from_filename(path.name)
    if from_name is None:
        raise ImportRejected(
            [
                Problem(
                    path.name,
                    None,
                    None,
                    f"a {kind} file carries no extract date: give --as-at YYYY-MM-DD "
                    "(the date the file describes)",
                )
            ]
        )
    return from_name


def run_import(
    kind: str,
    path: Path,
    *,
    actor: Actor,
    as_at: date | None = None,
    progress: Progress = no_progress,
) -> ImportRun:
    """Import one file; raise :class:`ImportRejected` and write nothing if it is bad."""
    if kind not in IMPORTERS:
        known = ", ".join(sorted(IMPORTERS))
        raise ImportRejected(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    f"unknown import kind {kind!r} (known: {known})",
                )
            ]
        )
    started = timezone.now()
    try:
        if not path.is_file():
            raise ImportRejected([Problem(str(path), None, None, "no such file")])
        day = effective_date(kind, path, as_at)
        importer = IMPORTERS[kind]
        problems = Problems(path.name)
        parsed = importer.read(path, problems, day)
        with transaction.atomic():
            run = ImportRun.objects.create(
                kind=kind,
                file_name=path.name,
                file_sha256=_sha256(path),
                as_at=day,
                started_at=started,
                status=ImportRun.Status.RUNNING,
                actor=actor.user,
                system_actor=actor.system,
            )
            writer = RegisterWriter(
                run,
                importer.relationship_kinds,
                importer.version_kinds,
                importer.list_measures,
            )
            for reason, n in problems.skipped.items():
                writer.counts.skip(reason, n)
            try:
                importer.apply(parsed, writer, progress)
            except ValueError as exc:
                raise ImportRejected(
                    [Problem(path.name, None, None, str(exc))]
                ) from exc
            writer.flush()
            run.counts = writer.counts.as_dict()
            run.status = ImportRun.Status.SUCCEEDED
            run.finished_at = timezone.now()
            run.save()
            record(
                actor,
                "import",
                "import_run",
                str(run.pk),
                after={
                    "kind": kind,
                    "file": path.name,
                    "sha256": run.file_sha256,
                    "as_at": day,
                    "counts": run.counts["totals"],
                },
                reason=f"imported {path.name}",
            )
        return run
    except ImportRejected as rejected:
        _record_failure(kind, path, as_at, actor, started, rejected.summary())
        raise


def _record_failure(
    kind: str, path: Path, as_at: date | None, actor: Actor, started, error: str
) -> None:
    # Written after the import's own transaction rolled back, so the attempt is
    # on record even though nothing of the file is.
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            file_name=path.name,
            file_sha256=_sha256(path) if path.is_file() else "",
            as_at=as_at,
            started_at=started,
            finished_at=timezone.now(),
            status=ImportRun.Status.FAILED,
            actor=actor.user,
            system_actor=actor.system,
            error=error,
        )
        record(
            actor,
            "import rejected",
            "import_run",
            str(run.pk),
            after={"kind": kind, "file": path.name},
            reason=error[:2000],
        )

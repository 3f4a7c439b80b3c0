"""Running one import: all or nothing, recorded, audited."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from django.db import DataError, OperationalError, connection, transaction
from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.core.dates import date_from_filename, outside_era
from pcnhub.register.importers import IMPORTERS
from pcnhub.register.importers.base import Importer, Progress, no_progress
from pcnhub.register.importers.errors import ImportRejected, Problem, Problems
from pcnhub.register.importers.writer import RegisterWriter
from pcnhub.register.models import ImportRun

#: The PostgreSQL advisory lock every import holds for its transaction (two int4
#: keys: "pcnh", then 1 for imports), so that two imports never interleave. Two
#: at once used to fail on the second's inserts with an IntegrityError.
IMPORT_LOCK = (0x70636E68, 1)
#: PostgreSQL cuts application_name to 63 bytes.
APPLICATION_NAME_MAX = 63
BUSY = "another import is running{who}; try again when it has finished"
NOT_RECORDED = (
    "this attempt could not be recorded as a failed import run: "
    "the database is busy with the other import"
)
_HOLDER = """
    SELECT a.xact_start, a.application_name
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid::bigint = %s AND l.objid::bigint = %s AND l.objsubid = 2
"""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def effective_date(kind: str, path: Path, as_at: date | None) -> date | None:
    importer = IMPORTERS[kind]
    why = outside_era(as_at) if as_at is not None else None
    if why:
        raise ImportRejected([Problem(path.name, None, None, f"--as-at: {why}")])
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
    _check_kind(kind, path)
    started = timezone.now()
    try:
        if not path.is_file():
            raise ImportRejected([Problem(str(path), None, None, "no such file")])
        day = effective_date(kind, path, as_at)
        importer = IMPORTERS[kind]
        problems = Problems(path.name)
        parsed = importer.read(path, problems, day)
        with _database_errors(path), transaction.atomic():
            _serialise(path, kind, actor)
            run = _start_run(kind, path, day, started, actor)
            writer = _writer_for(run, importer, problems)
            try:
                importer.apply(parsed, writer, progress)
            except ValueError as exc:
                raise ImportRejected(
                    [Problem(path.name, None, None, str(exc))]
                ) from exc
            writer.flush()
            _finish_run(run, writer)
            _audit_run(actor, run, kind, path, day)
        return run
    except ImportRejected as rejected:
        if not record_rejected_run(
            kind, path, as_at, actor, started, rejected.summary()
        ):
            problem = Problem(path.name, None, None, NOT_RECORDED)
            raise ImportRejected([*rejected.problems, problem]) from None
        raise


def _check_kind(kind: str, path: Path) -> None:
    """Refuse an import kind no importer reads."""
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


def _start_run(
    kind: str, path: Path, day: date | None, started: datetime, actor: Actor
) -> ImportRun:
    """The run, recorded as running (in the import's transaction)."""
    return ImportRun.objects.create(
        kind=kind,
        file_name=path.name,
        file_sha256=_sha256(path),
        as_at=day,
        started_at=started,
        status=ImportRun.Status.RUNNING,
        actor=actor.user,
        system_actor=actor.system,
    )


def _writer_for(
    run: ImportRun, importer: Importer, problems: Problems
) -> RegisterWriter:
    """The run's writer, counting the rows reading skipped or tolerated."""
    writer = RegisterWriter(
        run,
        importer.relationship_kinds,
        importer.version_kinds,
        importer.list_measures,
    )
    for reason, n in problems.skipped.items():
        writer.counts.skip(reason, n)
    writer.counts.tolerated = dict(problems.tolerated)
    return writer


def _finish_run(run: ImportRun, writer: RegisterWriter) -> None:
    """Record the run as succeeded, with its counts."""
    run.counts = writer.counts.as_dict()
    run.status = ImportRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save()


def _audit_run(
    actor: Actor, run: ImportRun, kind: str, path: Path, day: date | None
) -> None:
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


def _serialise(path: Path, kind: str, actor: Actor) -> None:
    """Hold the import lock for this transaction, or refuse: another import runs.

    On SQLite the database's own write lock serialises imports (see
    :func:`_database_errors`).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", IMPORT_LOCK)
        if cursor.fetchone()[0]:
            # Shown to a second import by pg_stat_activity, reset at commit.
            label = f"pcnhub import {kind} by {actor.label}"
            cursor.execute(
                "SELECT set_config('application_name', %s, true)",
                [label[:APPLICATION_NAME_MAX]],
            )
            return
        cursor.execute(_HOLDER, IMPORT_LOCK)
        holder = cursor.fetchone()
    who = ""
    if holder:
        started, name = holder
        who = f" ({name or 'an import'}, started {started:%Y-%m-%d %H:%M:%S %Z})"
    raise ImportRejected([Problem(path.name, None, None, BUSY.format(who=who))])


def wait_for_imports(label: str) -> None:
    """Hold the import lock for this transaction, waiting while an import runs.

    Anything else that writes the register (an approved application) takes it
    too, so that it never interleaves with an import; an import started
    meanwhile is refused as busy, naming ``label``. On SQLite the database's own
    write lock serialises them.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", IMPORT_LOCK)
        cursor.execute(
            "SELECT set_config('application_name', %s, true)",
            [label[:APPLICATION_NAME_MAX]],
        )


@contextmanager
def _database_errors(path: Path) -> Iterator[None]:
    """Turn the database's refusals into a rejection naming the file."""
    try:
        yield
    except OperationalError as exc:
        # SQLite: another import holds the write lock for longer than the
        # connection waits (settings: 30 s).
        if connection.vendor != "sqlite" or "locked" not in str(exc):
            raise
        problem = Problem(path.name, None, None, BUSY.format(who=""))
        raise ImportRejected([problem]) from exc
    except DataError as exc:
        # The importers bound every value; this is the last line, not a check.
        message = f"the database refused a value: {exc}".strip()
        raise ImportRejected([Problem(path.name, None, None, message)]) from exc


def record_rejected_run(
    kind: str,
    path: Path,
    as_at: date | None,
    actor: Actor,
    started,
    error: str,
    sha: str | None = None,
) -> bool:
    """Record a failed attempt to import ``path`` (an import run and its audit
    entry, after the import's own transaction rolled back); False if SQLite is
    locked by another import. Other apps' import kinds record theirs here too.
    ``sha`` is the fingerprint of a folder's files (default: the file's)."""
    try:
        _write_failure(kind, path, as_at, actor, started, error, sha)
    except OperationalError as exc:
        if connection.vendor != "sqlite" or "locked" not in str(exc):
            raise
        return False
    return True


def _file_sha256(path: Path) -> str:
    return _sha256(path) if path.is_file() else ""


def _write_failure(
    kind: str,
    path: Path,
    as_at: date | None,
    actor: Actor,
    started,
    error: str,
    sha: str | None,
) -> None:
    # Written after the import's own transaction rolled back, so the attempt is
    # on record even though nothing of the file is.
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            file_name=path.name,
            file_sha256=sha if sha is not None else _file_sha256(path),
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

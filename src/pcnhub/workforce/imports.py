"""``pcnhub import workforce-census PATH``: one census file, all or nothing.

Named by ``PCNHUB_EXTRA_IMPORTS`` in the settings, so that the register's import
command runs it without importing this app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from pcnhub.audit.services import Actor
from pcnhub.register.importers.errors import ImportRejected, Problem, Problems
from pcnhub.register.imports import wait_for_imports
from pcnhub.workforce.census_file import ParsedCensus, read_census
from pcnhub.workforce.file_imports import (
    file_counts,
    file_sha256,
    record_import,
    record_rejected,
)
from pcnhub.workforce.models import Census, StaffSnapshot

KIND = "workforce-census"
FACTS = ("census", "staff by network and role")


@dataclass(frozen=True)
class CensusImport:
    """What ``pcnhub import`` prints: the census, and the counts as the register's
    imports give them (:func:`format_counts`)."""

    census: Census
    counts: dict[str, Any]
    unchanged: bool

    @property
    def as_at(self) -> date:
        return self.census.census_date

    @property
    def label(self) -> str:
        return f"census {self.census.pk}" + (", unchanged" if self.unchanged else "")


def import_census(
    path: Path,
    *,
    actor: Actor,
    as_at: date | None = None,
    progress: Any = None,
) -> CensusImport:
    """Import one census file; raise :class:`ImportRejected`, writing nothing of
    it, if it is bad. The same file again changes nothing (reported unchanged)."""
    problems = Problems(path.name)
    try:
        if not path.is_file():
            problems.reject(None, None, "no such file")
        parsed = read_census(path, problems)
        if as_at is not None and as_at != parsed.census_date:
            problems.reject(
                None,
                None,
                f"--as-at {as_at} is not the file's census date, "
                f"{parsed.census_date}: a census file gives its own month",
            )
        sha = file_sha256(path)
        with transaction.atomic():
            wait_for_imports(f"pcnhub import {KIND} by {actor.label}")
            done = Census.objects.filter(file_sha256=sha).first()
            if done is not None:
                return _unchanged(done, actor, path, problems)
            return _create(parsed, path, sha, actor, problems)
    except ImportRejected as rejected:
        _record_failure(actor, path, rejected)
        raise
    except IntegrityError as exc:  # the same file, imported meanwhile
        problem = Problem(path.name, None, None, f"not imported: {exc}")
        raise ImportRejected([problem]) from exc


def _create(
    parsed: ParsedCensus, path: Path, sha: str, actor: Actor, problems: Problems
) -> CensusImport:
    counts = file_counts(FACTS, len(parsed.groups), False, problems)
    census = Census.objects.create(
        census_year=parsed.year,
        census_month=parsed.month,
        census_date=parsed.census_date,
        file_name=path.name,
        file_sha256=sha,
        imported_at=timezone.now(),
        actor=actor.user,
        system_actor=actor.system,
        records=parsed.records,
        counts=counts,
    )
    StaffSnapshot.objects.bulk_create(
        (
            StaffSnapshot(
                census=census,
                pcn_code=key[0],
                pcn_name=key[1],
                sub_icb_code=key[2],
                staff_group=key[3],
                staff_role=key[4],
                detailed_staff_role=key[5],
                staff=len(group.staff),
                fte=group.fte,
            )
            for key, group in sorted(parsed.groups.items())
        ),
        batch_size=2000,
    )
    _audit(actor, census, path, counts, "import")
    return CensusImport(census, counts, unchanged=False)


def _unchanged(
    census: Census, actor: Actor, path: Path, problems: Problems
) -> CensusImport:
    counts = file_counts(FACTS, census.rows.count(), True, problems)
    _audit(actor, census, path, counts, "import unchanged")
    return CensusImport(census, counts, unchanged=True)


def _audit(
    actor: Actor, census: Census, path: Path, counts: dict[str, Any], action: str
) -> None:
    details = {
        "kind": KIND,
        "sha256": census.file_sha256,
        "census_date": census.census_date,
        "records": census.records,
    }
    record_import(
        actor, action, "workforce_census", str(census.pk), path, details, counts
    )


def _record_failure(actor: Actor, path: Path, rejected: ImportRejected) -> None:
    record_rejected(actor, "workforce_census", KIND, path, rejected)

"""``pcnhub import district-outlines PATH``: postcode-district outlines into the
database, all or nothing. Named by ``PCNHUB_EXTRA_IMPORTS``.

``PATH`` is a directory of ``<AREA>.geojson`` files (``../shared/data/geography/
postcode-districts``) or one such file (:mod:`pcnhub.geography.outline_files`
reads and checks them). Outlines are simplified as they are read, so that maps
stay small. This is reference data, not dated: an outline a later import gives
differently supersedes the held one (kept, as for the register's centroids);
districts an import does not mention are left as they are, so the demo's
invented ``ZZ`` area adds to the national outlines rather than replacing them.
The same files again change nothing (every outline counted unchanged).

Each attempt is an :class:`~pcnhub.register.models.ImportRun` of kind
``district-outlines`` (a rejected one too, written after the rollback) with an
audit entry, as the register's imports are.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.geography.models import DistrictOutline
from pcnhub.geography.outline_files import Outline, outline_files, read_all
from pcnhub.register.importers.errors import ImportRejected, Problem
from pcnhub.register.imports import record_rejected_run, wait_for_imports
from pcnhub.register.models import ImportRun

KIND = "district-outlines"
FACT = "district outline"
BATCH = 500


@dataclass(frozen=True)
class OutlinesImport:
    """What ``pcnhub import`` prints: the run, its counts."""

    run: ImportRun
    counts: dict[str, Any]

    @property
    def as_at(self) -> date | None:
        return None  # reference data, not dated

    @property
    def label(self) -> str:
        return f"import run {self.run.pk}"


def _no_progress(items: Any, _label: str, _total: int) -> Any:
    return items


def files_sha256(files: list[Path]) -> str:
    """One fingerprint of every file read (names and contents, in order)."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def import_outlines(
    path: Path,
    *,
    actor: Actor,
    as_at: date | None = None,
    progress: Any = None,
) -> OutlinesImport:
    """Import the outlines in ``path`` (a directory of ``.geojson`` files, or
    one); raise :class:`ImportRejected`, writing nothing of them, if any is bad.
    ``as_at`` is ignored: outlines are not dated."""
    started = timezone.now()
    progress = progress or _no_progress
    path = Path(path)
    sha = ""
    try:
        files = outline_files(path)
        sha = files_sha256(files)
        outlines, problems = read_all(files, progress)
        problems.raise_if_any()
        if not outlines:
            raise ImportRejected([Problem(path.name, None, None, "no outlines")])
        with transaction.atomic():
            wait_for_imports(f"pcnhub import {KIND} by {actor.label}")
            run = ImportRun.objects.create(
                kind=KIND,
                file_name=path.name,
                file_sha256=sha,
                started_at=started,
                status=ImportRun.Status.RUNNING,
                actor=actor.user,
                system_actor=actor.system,
                rows_read=len(outlines),
            )
            counts = _write(outlines, run, progress)
            counts["tolerated"] = dict(problems.tolerated)
            run.counts = counts
            run.status = ImportRun.Status.SUCCEEDED
            run.finished_at = timezone.now()
            run.save()
            _audit(actor, run, path, len(files))
        return OutlinesImport(run, counts)
    except ImportRejected as rejected:
        record_rejected_run(KIND, path, None, actor, started, rejected.summary(), sha)
        raise


def _write(outlines: list[Outline], run: ImportRun, progress: Any) -> dict[str, Any]:
    """Supersede the outlines that changed, add the new ones; the counts."""
    held = {
        outcode: (pk, geometry)
        for pk, outcode, geometry in DistrictOutline.objects.filter(
            superseded_by__isnull=True
        ).values_list("id", "outcode", "geometry")
    }
    tally = {"created": 0, "updated": 0, "closed": 0, "unchanged": 0}
    superseded: list[int] = []
    new: list[DistrictOutline] = []
    for outline in progress(outlines, "district outlines", len(outlines)):
        current = held.get(outline.outcode)
        if current is not None and current[1] == outline.geometry:
            tally["unchanged"] += 1
            continue
        if current is not None:
            superseded.append(current[0])
        tally["updated" if current is not None else "created"] += 1
        west, south, east, north = outline.bbox
        new.append(
            DistrictOutline(
                outcode=outline.outcode,
                area=outline.area,
                geometry=outline.geometry,
                points=outline.points,
                source_points=outline.source_points,
                min_longitude=west,
                min_latitude=south,
                max_longitude=east,
                max_latitude=north,
                source_file=outline.source_file[:200],
                recorded_by=run,
            )
        )
    # Superseded first: the new row is then the one current row of its outcode.
    for start in range(0, len(superseded), BATCH):
        DistrictOutline.objects.filter(id__in=superseded[start : start + BATCH]).update(
            superseded_by=run
        )
    DistrictOutline.objects.bulk_create(new, batch_size=BATCH)
    return {
        "by_fact": {FACT: dict(tally)},
        "totals": {**tally, "skipped": 0},
        "skipped": {},
    }


def _audit(actor: Actor, run: ImportRun, path: Path, files: int) -> None:
    record(
        actor,
        "import",
        "import_run",
        str(run.pk),
        after={
            "kind": KIND,
            "file": path.name,
            "files": files,
            "sha256": run.file_sha256,
            "counts": run.counts["totals"],
        },
        reason=f"imported {path.name}",
    )

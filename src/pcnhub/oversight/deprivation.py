"""``pcnhub import deprivation PATH``: each practice's Index of Multiple
Deprivation 2019 score and decile. All or nothing. Named by
``PCNHUB_EXTRA_IMPORTS``.

The file (``practice_imd2019.csv`` in the shared data: a third party's
derivation of the IoD2019 through the practices' LSOA registrations) has the
headings ``practice_code, practice_name, postcode, subicb_code, imd_score,
imd_decile``; only the code, score and decile are read, by heading. Deciles are
1 (most deprived) to 10 (least). This is reference data, not dated, as postcode
districts are: a figure a later file gives differently supersedes the held one
(kept), and practices a file does not mention are left as they are. ``--as-at``
is recorded on the import run when given and otherwise not used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from pcnhub.audit.services import Actor, record
from pcnhub.oversight.models import PracticeDeprivation
from pcnhub.register.importers.base import cells_for, first_seen, no_progress
from pcnhub.register.importers.errors import ImportRejected, Problem, Problems, shown
from pcnhub.register.importers.reading import Layout, csv_rows, match_layout
from pcnhub.register.imports import record_rejected_run, wait_for_imports
from pcnhub.register.models import ImportRun
from pcnhub.workforce.file_imports import file_sha256

KIND = "deprivation"
FACT = "practice deprivation"
ENTITY = "import_run"
LAYOUTS = [
    Layout(
        "practice IMD 2019",
        {
            "practice_code": "practice_code",
            "imd_score": "imd_score",
            "imd_decile": "imd_decile",
        },
    )
]
#: An IMD 2019 score as the file writes it: digits and an optional fraction (no
#: sign, exponent, NaN or Infinity, which Decimal() would take).
SCORE = re.compile(r"[0-9]{1,3}(?:\.[0-9]+)?")
#: Scores lie between 0 and 100 (the English LSOAs' run from 0.5 to 92.7).
SCORE_MAX = Decimal(100)
SCORE_PLACES = Decimal("0.001")
#: A practice code: ODS's for GP practices (a letter and five characters, in the
#: files seen; the register's own check is for the register's practices).
PRACTICE_CODE = re.compile(r"[A-Z][0-9A-Z]{5}")


@dataclass(frozen=True)
class Deprivation:
    practice_code: str
    imd_score: Decimal
    imd_decile: int


@dataclass(frozen=True)
class DeprivationImport:
    """What ``pcnhub import`` prints: the run and its counts."""

    run: ImportRun
    counts: dict[str, Any]

    @property
    def as_at(self) -> date | None:
        return None  # reference data: not a picture of a day

    @property
    def label(self) -> str:
        return f"import run {self.run.pk}"


def read_deprivation(path: Path, problems: Problems) -> list[Deprivation]:
    """Every row, or :class:`ImportRejected` naming each problem (row, column)."""
    rows = csv_rows(path, problems)
    _layout, positions = match_layout(rows[0], LAYOUTS, problems)
    headings = {f: rows[0][i].strip().lstrip("\ufeff") for f, i in positions.items()}
    seen: dict[Any, Any] = {}
    found: list[Deprivation] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = cells_for(number, row, positions, headings, problems)
        before = len(problems.items)
        code = cells.text("practice_code").upper()
        if not PRACTICE_CODE.fullmatch(code):
            cells.problem(
                "practice_code",
                f"{shown(code) if code else '(empty)'} is not a practice code "
                "(a letter and five letters or digits, e.g. A81001)",
            )
        score = _score(cells.text("imd_score"), number, headings, problems)
        decile = _decile(cells.text("imd_decile"), number, headings, problems)
        if len(problems.items) > before:
            continue
        item = Deprivation(code, score, decile)
        if first_seen(problems, seen, code, number, item, "practice"):
            found.append(item)
    if not found and not problems.items:
        problems.reject(None, None, "the file has headings but no practices")
    problems.raise_if_any()
    return found


def _score(raw: str, row: int, headings: dict[str, str], problems: Problems) -> Decimal:
    column = headings["imd_score"]
    if not SCORE.fullmatch(raw):
        problems.add(
            row, column, f"expected an IMD score such as 34.569, got {shown(raw)}"
        )
        return Decimal(0)
    value = Decimal(raw)
    if value > SCORE_MAX:
        problems.add(row, column, f"{raw} is above {SCORE_MAX}, the largest score")
    return value.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def _decile(raw: str, row: int, headings: dict[str, str], problems: Problems) -> int:
    if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 10:
        return int(raw)
    problems.add(
        row,
        headings["imd_decile"],
        f"expected a decile from 1 (most deprived) to 10, got {shown(raw)}",
    )
    return 0


def import_deprivation(
    path: Path,
    *,
    actor: Actor,
    as_at: date | None = None,
    progress: Any = no_progress,
) -> DeprivationImport:
    """Import one file; raise :class:`ImportRejected`, writing nothing of it, if
    it is bad. The same figures again change nothing (counted unchanged)."""
    started = timezone.now()
    problems = Problems(path.name)
    try:
        if not path.is_file():
            problems.reject(None, None, "no such file")
        parsed = read_deprivation(path, problems)
        with transaction.atomic():
            wait_for_imports(f"pcnhub import {KIND} by {actor.label}")
            run = ImportRun.objects.create(
                kind=KIND,
                file_name=path.name,
                file_sha256=file_sha256(path),
                as_at=as_at,
                started_at=started,
                status=ImportRun.Status.RUNNING,
                actor=actor.user,
                system_actor=actor.system,
                rows_read=len(parsed),
            )
            counts = write_deprivation(run, parsed, problems, progress)
            run.counts = counts
            run.status = ImportRun.Status.SUCCEEDED
            run.finished_at = timezone.now()
            run.save()
            record(
                actor,
                "import",
                ENTITY,
                str(run.pk),
                after={
                    "kind": KIND,
                    "file": path.name,
                    "sha256": run.file_sha256,
                    "counts": counts["totals"],
                },
                reason=f"imported {path.name}",
            )
        return DeprivationImport(run, counts)
    except IntegrityError as exc:  # another import wrote the same rows meanwhile
        rejected = ImportRejected([Problem(path.name, None, None, f"{exc}")])
        record_rejected_run(KIND, path, as_at, actor, started, rejected.summary())
        raise rejected from exc
    except ImportRejected as rejected:
        record_rejected_run(KIND, path, as_at, actor, started, rejected.summary())
        raise


def write_deprivation(
    run: ImportRun,
    parsed: Iterable[Deprivation],
    problems: Problems,
    progress: Any = no_progress,
) -> dict[str, Any]:
    """Write ``parsed`` under ``run`` (in the caller's transaction): a changed
    figure supersedes the held row; returns the counts as ``pcnhub import``
    prints them."""
    items = list(parsed)
    current = {
        row.practice_code: row
        for row in PracticeDeprivation.objects.filter(superseded_by__isnull=True)
    }
    tally = {"created": 0, "updated": 0, "closed": 0, "unchanged": 0}
    superseded: list[PracticeDeprivation] = []
    new: list[PracticeDeprivation] = []
    for item in progress(items, "practices", len(items)):
        held = current.get(item.practice_code)
        if held is not None and (held.imd_score, held.imd_decile) == (
            item.imd_score,
            item.imd_decile,
        ):
            tally["unchanged"] += 1
            continue
        if held is not None:
            held.superseded_by = run
            superseded.append(held)
        new.append(
            PracticeDeprivation(
                practice_code=item.practice_code,
                imd_score=item.imd_score,
                imd_decile=item.imd_decile,
                recorded_by=run,
            )
        )
        tally["updated" if held is not None else "created"] += 1
    # Superseded rows first: the one-current-row constraint holds at every step.
    PracticeDeprivation.objects.bulk_update(
        superseded, ["superseded_by"], batch_size=2000
    )
    PracticeDeprivation.objects.bulk_create(new, batch_size=2000)
    return {
        "by_fact": {FACT: dict(tally)},
        "totals": {**tally, "skipped": sum(problems.skipped.values())},
        "skipped": dict(problems.skipped),
        "tolerated": dict(problems.tolerated),
    }


def current_deciles() -> dict[str, int]:
    """Each practice's current IMD decile, by code."""
    return dict(
        PracticeDeprivation.objects.filter(superseded_by__isnull=True).values_list(
            "practice_code", "imd_decile"
        )
    )

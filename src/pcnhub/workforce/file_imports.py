"""What the workforce app's file imports (the census, the payments file's PCN
Workforce column) share: the file's fingerprint, the counts as ``pcnhub
import`` prints them, and their audit entries (imported, unchanged, rejected)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pcnhub.audit.services import Actor, record
from pcnhub.register.importers.errors import ImportRejected, Problems


def file_sha256(path: Path) -> str:
    """The file's SHA-256: importing the same file again changes nothing."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def import_counts(
    facts: Mapping[str, int], unchanged: bool, problems: Problems
) -> dict[str, Any]:
    """``facts`` (fact → how many) as created, or as unchanged, in the shape of
    the register's import counts (``format_counts``)."""
    by_fact = {
        fact: {
            "created": 0 if unchanged else n,
            "updated": 0,
            "closed": 0,
            "unchanged": n if unchanged else 0,
        }
        for fact, n in facts.items()
    }
    totals = {
        h: sum(c[h] for c in by_fact.values()) for h in next(iter(by_fact.values()))
    }
    return {
        "by_fact": by_fact,
        "totals": {**totals, "skipped": 0},
        "skipped": {},
        "tolerated": dict(problems.tolerated),
    }


def file_counts(
    facts: tuple[str, str], rows: int, unchanged: bool, problems: Problems
) -> dict[str, Any]:
    """One file (the first fact) and its ``rows`` (the second)."""
    return import_counts(dict(zip(facts, (1, rows), strict=True)), unchanged, problems)


def record_import(
    actor: Actor,
    action: str,
    entity_type: str,
    key: str,
    path: Path,
    details: Mapping[str, Any],
    counts: Mapping[str, Any],
) -> None:
    """An import (``action`` "import") or a file imported before ("import
    unchanged"), on the audit trail."""
    record(
        actor,
        action,
        entity_type,
        key,
        after={**details, "file": path.name, "counts": counts["totals"]},
        reason=f"imported {path.name}"
        + (" (already imported: unchanged)" if action != "import" else ""),
    )


def record_rejected(
    actor: Actor, entity_type: str, kind: str, path: Path, rejected: ImportRejected
) -> None:
    """The rejected attempt, on the audit trail (after the import rolled back)."""
    record(
        actor,
        "import rejected",
        entity_type,
        "",
        after={"kind": kind, "file": path.name},
        reason=rejected.summary()[:2000],
    )

"""The demo's deprivation figures: a synthetic IMD decile for the demo area's
practices, imported as a user would (``pcnhub import deprivation``), so the
variability page has a deprivation table to show. Neighbouring practices share
a decile, give or take one, so networks differ; one practice (Z93023) is left
without one, as practices new since the IMD was published are. Made once: when
the demo's deciles are already held, nothing is imported.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from pcnhub.audit.services import Actor
from pcnhub.oversight.deprivation import current_deciles, import_deprivation
from pcnhub.register.demo import DEMO_PRACTICES

#: The demo practice without a decile.
WITHOUT_DECILE = "Z93023"
FILE_NAME = "demo-practice-imd2019.csv"


def demo_deciles() -> dict[str, tuple[str, int]]:
    """Each demo practice's (score, decile), by code."""
    found = {}
    for code in sorted(DEMO_PRACTICES):
        if code == WITHOUT_DECILE:
            continue
        group, member = int(code[2:5]), int(code[5])
        decile = min(10, max(1, (group * 7) % 10 + 1 + member % 3 - 1))
        score = 62.5 - 5.5 * decile + member * 0.25
        found[code] = (f"{score:.3f}", decile)
    return found


def create_demo_deprivation(actor: Actor | None = None) -> int:
    """Import the demo's deciles; the number of practices given one (0 when
    they are already held)."""
    actor = actor or Actor(system="pcnhub demo")
    deciles = demo_deciles()
    held = current_deciles()
    if all(held.get(code) == decile for code, (_, decile) in deciles.items()):
        return 0
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / FILE_NAME
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                [
                    "practice_code",
                    "practice_name",
                    "postcode",
                    "subicb_code",
                    "imd_score",
                    "imd_decile",
                ]
            )
            for code, (score, decile) in deciles.items():
                writer.writerow([code, DEMO_PRACTICES[code], "", "", score, decile])
        import_deprivation(path, actor=actor)
    return len(deciles)

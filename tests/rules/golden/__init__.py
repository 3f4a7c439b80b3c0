"""Golden digests of every entitlement line, to prove a speed-up changes nothing.

``digests(networks_for)`` runs the entitlements of every contract year pcnhub
covers, as paid (arrears lines included) and restated, and reduces each run to
its line count, total and a SHA-256 over every line's network, practice, month,
item, amount, status, paid to, payee, instalment, note and trace formula.

The fixture ``digests.json`` was written by ``make.py`` with the code as it was
before the rules were made faster (issue 16); ``tests/rules/test_golden.py``
asserts the code still gives the same digests, to the penny.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path

from pcnhub.rules.entitlements import EntitlementLine, entitlements, pot_context
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.snapshot import Network

FIXTURE = Path(__file__).with_name("digests.json")


def digest(lines: Sequence[EntitlementLine]) -> dict[str, str | int]:
    rows = sorted(
        "|".join(
            (
                x.network,
                x.practice,
                x.month.isoformat(),
                x.item,
                str(x.amount),
                x.status,
                x.paid_to,
                x.payee,
                str(x.instalment),
                x.note,
                x.trace.formula,
            )
        )
        for x in lines
    )
    sha = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    total = sum((x.amount for x in lines), start=0)
    return {"lines": len(rows), "total": str(total), "sha256": sha}


def digests(
    networks_for: Callable[[ContractYear], Sequence[Network]],
) -> dict[str, dict[str, str | int]]:
    parameters = default_parameters()
    out: dict[str, dict[str, str | int]] = {}
    for year in parameters.years:
        networks = networks_for(year)
        context = pot_context(networks, year, parameters)
        out[f"{year} as paid"] = digest(
            entitlements(networks, year, parameters, context)
        )
        out[f"{year} restated"] = digest(
            entitlements(networks, year, parameters, context, as_paid=False)
        )
    return out


def read() -> dict[str, dict[str, dict[str, str | int]]]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def write(dataset: str, found: dict[str, dict[str, str | int]]) -> None:
    current = read() if FIXTURE.exists() else {}
    current[dataset] = found
    FIXTURE.write_text(
        json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )

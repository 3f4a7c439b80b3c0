"""Personal data withheld from contract results, in one place.

Findings, entitlement lines and the network snapshots behind them can carry
people's names: a clinical director's name is the evidence of the clinical
director check, and comes from the governance record or a network facts file.
Those who may not see personal data (``governance.view_personal``: evaluators)
get every result through :func:`for_viewer` before a page, an export, the API
or a command shows it, so no surface can forget to withhold a name.

Without a viewer (``None``: the server operator at the command line) nothing is
withheld.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, TypeVar

from pcnhub.access.checks import allowed
from pcnhub.access.permissions import Permission
from pcnhub.governance.records import WITHHELD
from pcnhub.rules.checks import Finding
from pcnhub.rules.snapshot import Network

#: Evidence keys whose values are people's names.
PERSONAL_EVIDENCE = frozenset({"clinical_directors"})

Run = TypeVar("Run")


def sees_personal(viewer: Any | None) -> bool:
    """Whether ``viewer`` may see people's names (the operator always may)."""
    return viewer is None or allowed(viewer, Permission.VIEW_PERSONAL)


def redact_finding(finding: Finding) -> Finding:
    """The finding with every personal evidence value withheld, message too."""
    personal = {k: v for k, v in finding.evidence.items() if k in PERSONAL_EVIDENCE}
    if not personal:
        return finding
    message = finding.message
    # The rules write the names into the message exactly as in the evidence.
    for value in sorted(personal.values(), key=len, reverse=True):
        if value:
            message = message.replace(value, WITHHELD)
    evidence = {
        k: (WITHHELD if k in personal and v else v) for k, v in finding.evidence.items()
    }
    return dataclasses.replace(finding, message=message, evidence=evidence)


def redact_findings(findings: Iterable[Finding]) -> list[Finding]:
    return [redact_finding(f) for f in findings]


def redact_network(network: Network) -> Network:
    """The snapshot with its clinical directors' names withheld."""
    directors = network.facts.clinical_directors
    if not directors:
        return network
    facts = dataclasses.replace(
        network.facts, clinical_directors=tuple(WITHHELD for _ in directors)
    )
    return dataclasses.replace(network, facts=facts)


def for_viewer(viewer: Any | None, run: Run) -> Run:
    """``run`` (a check, entitlement or distribution run) as ``viewer`` may see it.

    Any object with ``findings``, ``networks`` or ``network`` is handled, so new
    kinds of run are covered as long as they keep those names.
    """
    if run is None or sees_personal(viewer):
        return run
    changes: dict[str, Any] = {}
    if hasattr(run, "findings"):
        changes["findings"] = redact_findings(run.findings)
    if hasattr(run, "networks"):
        changes["networks"] = [redact_network(n) for n in run.networks]
    if hasattr(run, "network"):
        changes["network"] = redact_network(run.network)
    return dataclasses.replace(run, **changes) if changes else run

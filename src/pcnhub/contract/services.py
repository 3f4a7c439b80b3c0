"""Running the rules over the register: checks, entitlements, distribution.

Views and commands call these; they read the register (through snapshots), call
the pure rules and return results. Nothing here writes: a run changes no state.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from pcnhub.contract import snapshots
from pcnhub.register import queries
from pcnhub.rules import whatif
from pcnhub.rules.checks import (
    Finding,
    check_coverage,
    check_network,
    check_practices_in_one_network,
)
from pcnhub.rules.distribution import Method, Schedule, Share, distribute
from pcnhub.rules.entitlements import (
    ARREARS,
    DUE,
    Context,
    EntitlementLine,
    EntitlementYear,
    Instalments,
    annual_totals,
    entitlement_year,
    entitlements,
    pot_context,
)
from pcnhub.rules.items import ITEMS_BY_ID
from pcnhub.rules.local import (
    LocalVariation,
    load_variations,
    local_entitlements,
)
from pcnhub.rules.local import (
    register as register_items,
)
from pcnhub.rules.params import ParameterError, Parameters
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.snapshot import Network, NetworkFacts
from pcnhub.rules.sources import source_text


class NotFound(LookupError):
    """A network or commissioner the register does not know on that date."""


def local_variations() -> tuple[LocalVariation, ...]:
    """The agreements in ``settings.PCNHUB_LOCAL_PARAMETERS`` (none when empty),
    read and checked once per process; a wrong file stops pcnhub at start-up
    (:mod:`pcnhub.contract.apps`) with the file and key named."""
    directory = str(getattr(settings, "PCNHUB_LOCAL_PARAMETERS", "") or "")
    if not directory:
        return ()
    try:
        return _variations(directory)
    except ParameterError as exc:
        raise ImproperlyConfigured(
            f"PCNHUB_LOCAL_PARAMETERS ({directory}): {exc}"
        ) from None


@cache
def _variations(directory: str) -> tuple[LocalVariation, ...]:
    found = tuple(load_variations(Path(directory)))
    register_items(found)
    return found


#: forget the agreements read (tests that change the setting or the files)
local_variations.cache_clear = _variations.cache_clear  # type: ignore[attr-defined]


@dataclass
class CheckRun:
    day: date
    year: ContractYear
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)


def run_checks(
    day: date,
    pcn: str | None = None,
    commissioner: str | None = None,
    facts: Mapping[str, NetworkFacts] | None = None,
    parameters: Parameters | None = None,
    year: ContractYear | None = None,
) -> CheckRun:
    """Findings for one network, one commissioner's area, or everywhere.

    Coverage and one-network-per-practice are commissioner-level: they run for a
    commissioner or everywhere, not for a single network.
    """
    parameters = parameters or default_parameters()
    year = year or ContractYear.containing(day)
    # The requirements in force are those of ``year`` (a what-if may pick another).
    when = day if ContractYear.containing(day) == year else year.start
    # One network's checks need only its own snapshot.
    register = snapshots.networks_on(day, facts, only=pcn)
    networks = _select(register.networks, pcn, commissioner, day)
    findings: list[Finding] = []
    for network in networks:
        findings += check_network(network, when, parameters)
    if not pcn:
        findings += check_practices_in_one_network(networks, when, parameters)
        members = {p.code: p for n in register.networks for p in n.practices}
        areas = snapshots.area_on(day, commissioner, members)
        if commissioner and commissioner not in areas and not networks:
            raise NotFound(f"no commissioner {commissioner} with practices on {day}")
        for code, practices in sorted(areas.items()):
            findings += check_coverage(
                code, practices, register.networks, when, parameters
            )
    return CheckRun(day, year, findings, register.notes)


def _select(
    networks: list[Network], pcn: str | None, commissioner: str | None, day: date
) -> list[Network]:
    if pcn:
        chosen = [n for n in networks if n.code == pcn]
        if not chosen:
            raise NotFound(f"no network {pcn} with members on {day}")
        return chosen
    if commissioner:
        chosen = [n for n in networks if n.commissioner == commissioner]
        if not chosen and queries.find_organisation(commissioner) is None:
            raise NotFound(f"no commissioner {commissioner} in the register")
        return chosen
    return networks


@dataclass
class Edits:
    """A what-if's changes to a network: practices added or removed, lists set."""

    add: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    lists: list[tuple[str, str, Decimal]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.add or self.remove or self.lists)


@dataclass
class EntitlementRun:
    year: ContractYear
    networks: list[Network]
    lines: list[EntitlementLine]
    notes: list[str] = field(default_factory=list)


def run_entitlements(
    year: ContractYear,
    pcn: str | None = None,
    commissioner: str | None = None,
    facts: Mapping[str, NetworkFacts] | None = None,
    register_as_at: date | None = None,
    edits: Edits | None = None,
    parameters: Parameters | None = None,
    known_on: date | None = None,
    local: Sequence[LocalVariation] | None = None,
) -> EntitlementRun:
    """Every entitlement line for the chosen networks in ``year``, as the contract
    parameters were known on ``known_on`` (default: all pcnhub holds), with each
    commissioner's ``local`` variations applied to its networks (default: those
    of the ``PCNHUB_LOCAL_PARAMETERS`` setting).

    National sums are always shared over every network in the register, so a
    network's figure does not depend on which others were asked for.
    """
    parameters = parameters or default_parameters()
    local = local_variations() if local is None else local
    chosen, context, notes = _prepare(
        year, pcn, commissioner, facts, register_as_at, edits, parameters, known_on
    )
    if local:
        lines = local_entitlements(chosen, year, local, parameters, context, known_on)
    else:
        lines = entitlements(chosen, year, parameters, context, known_on=known_on)
    notes += local_notes(lines) + line_notes(lines)
    return EntitlementRun(year, chosen, lines, _known_on_first(notes, known_on))


@dataclass
class EntitlementTotals:
    """The chosen networks' totals for the year per network and item, worked
    out without the monthly lines; :meth:`lines` makes a network's (or every
    chosen network's) lines when they are wanted, from the same run."""

    year: ContractYear
    networks: list[Network]
    #: (network, item) → the year's total, as the lines add up to
    totals: dict[tuple[str, str], Decimal]
    notes: list[str] = field(default_factory=list)
    #: what the lines are made from (``None`` where local variations applied:
    #: they work on lines, so ``made`` holds them)
    due: EntitlementYear | None = None
    made: list[EntitlementLine] | None = None

    def lines(self, pcn: str | None = None) -> list[EntitlementLine]:
        """The monthly lines of ``pcn`` (default: every chosen network)."""
        if self.due is not None:
            return self.due.lines(None if pcn is None else (pcn,))
        made = self.made or []
        return made if pcn is None else [x for x in made if x.network == pcn]

    def network_totals(self, pcn: str) -> dict[str, Decimal]:
        """Item → the year's total for ``pcn``."""
        return {item: v for (code, item), v in self.totals.items() if code == pcn}


def run_entitlement_totals(
    year: ContractYear,
    pcn: str | None = None,
    commissioner: str | None = None,
    facts: Mapping[str, NetworkFacts] | None = None,
    register_as_at: date | None = None,
    edits: Edits | None = None,
    parameters: Parameters | None = None,
    known_on: date | None = None,
    local: Sequence[LocalVariation] | None = None,
) -> EntitlementTotals:
    """:func:`run_entitlements`' totals per network and item (and its notes),
    without making the monthly lines: for a national run or a page that shows
    totals. Exactly the sums of :func:`run_entitlements`' lines."""
    parameters = parameters or default_parameters()
    local = local_variations() if local is None else local
    chosen, context, notes = _prepare(
        year, pcn, commissioner, facts, register_as_at, edits, parameters, known_on
    )
    if local:  # the agreements adjust lines: make them, and add them up
        lines = local_entitlements(chosen, year, local, parameters, context, known_on)
        notes += local_notes(lines) + line_notes(lines)
        notes = _known_on_first(notes, known_on)
        return EntitlementTotals(year, chosen, annual_totals(lines), notes, made=lines)
    due = entitlement_year(chosen, year, parameters, context, known_on=known_on)
    parts = [part for _, part in due.parts()]
    notes += local_notes(parts) + line_notes(parts)
    notes = _known_on_first(notes, known_on)
    return EntitlementTotals(year, chosen, due.totals(), notes, due=due)


def _prepare(
    year: ContractYear,
    pcn: str | None,
    commissioner: str | None,
    facts: Mapping[str, NetworkFacts] | None,
    register_as_at: date | None,
    edits: Edits | None,
    parameters: Parameters,
    known_on: date | None,
) -> tuple[list[Network], Context, list[str]]:
    """The chosen networks, the national sums' shares over every network, and
    the register's notes."""
    register = snapshots.networks_for_year(year, facts, register_as_at)
    everyone = register.networks
    if edits:
        everyone = _edited(everyone, pcn, edits, year, register_as_at)
        register.notes.append(f"what-if: {pcn} edited ({_describe(edits)})")
    chosen = _select(everyone, pcn, commissioner, register_as_at or year.start)
    known = parameters.known_on(known_on) if known_on else parameters
    context = pot_context(everyone, year, known)
    return chosen, context, register.notes + _pot_notes(context, len(everyone))


def _known_on_first(notes: list[str], known_on: date | None) -> list[str]:
    if known_on:
        return [f"the contract parameters as known on {known_on}", *notes]
    return notes


#: what notes are made from: lines, or the parts lines are made from
_Noted = EntitlementLine | Instalments


def local_notes(lines: Sequence[_Noted]) -> list[str]:
    """One note per agreement the lines rest on, naming its items."""
    items: dict[str, dict[str, None]] = {}
    for line in lines:
        for agreement in {v.local for v in line.trace.parameters if v.local}:
            items.setdefault(agreement, {})[ITEMS_BY_ID[line.item].label] = None
    return [
        f"local variation: {agreement} applies to {', '.join(labels)} (lines marked "
        '"local variation")'
        for agreement, labels in sorted(items.items())
    ]


def line_notes(lines: Sequence[_Noted]) -> list[str]:
    """What the lines rest on that a reader must be told: provisional values,
    arrears, and items not computed (once each)."""
    provisional: dict[str, str] = {}
    arrears: dict[str, str] = {}
    missing: dict[tuple[str, str], None] = {}
    for line in lines:
        if line.provisional:
            for value in line.trace.provisional:
                provisional.setdefault(value.parameter, source_text(value.source))
        if line.status == ARREARS:
            arrears.setdefault(line.item, line.note)
        if not line.computed:
            missing.setdefault((ITEMS_BY_ID[line.item].label, line.note), None)
    notes = [
        f"provisional: {name} rests on an unverified source ({source}); the lines "
        "using it are marked provisional"
        for name, source in sorted(provisional.items())
    ]
    notes += [f"{ITEMS_BY_ID[item].label}: {note}" for item, note in arrears.items()]
    notes += [f"{label}: {note}" for label, note in missing]
    return notes


def _edited(
    networks: list[Network],
    pcn: str | None,
    edits: Edits,
    year: ContractYear,
    register_as_at: date | None,
) -> list[Network]:
    if not pcn:
        raise ValueError("a what-if edit needs --pcn: the network to edit")
    lists_on = register_as_at or year.population_date
    out = []
    for network in networks:
        if network.code != pcn:
            out.append(network)
            continue
        for code in edits.add:
            found = snapshots.practice(code, lists_on)
            if found is None:
                raise NotFound(f"no practice {code} in the register")
            network = whatif.add_practice(network, found)
        for code in edits.remove:
            network = whatif.remove_practice(network, code)
        for code, measure, value in edits.lists:
            network = whatif.set_list(network, code, measure, value)
        out.append(network)
    if pcn not in {n.code for n in out}:
        raise NotFound(f"no network {pcn} with members in {year}")
    return out


def _describe(edits: Edits) -> str:
    parts = [f"+{c}" for c in edits.add] + [f"-{c}" for c in edits.remove]
    parts += [f"{c} {m}={v}" for c, m, v in edits.lists]
    return ", ".join(parts)


def _pot_notes(context: Context, networks: int) -> list[str]:
    return [
        f"{name} from {start}: £{rest:,} of the national sum is the share of "
        f"networks not in the register (it holds {networks})"
        for (name, start), rest in context.pot_rest.items()
        if rest
    ]


@dataclass
class DistributionRun:
    network: Network
    shares: list[Share]
    lines: list[EntitlementLine]
    schedule: Schedule


def run_distribution(
    pcn: str,
    year: ContractYear,
    schedule: Schedule | None = None,
    facts: Mapping[str, NetworkFacts] | None = None,
    register_as_at: date | None = None,
    edits: Edits | None = None,
    known_on: date | None = None,
) -> DistributionRun:
    run = run_entitlements(
        year, pcn, None, facts, register_as_at, edits, known_on=known_on
    )
    (network,) = run.networks
    schedule = schedule or Schedule()
    due = [x for x in run.lines if x.status == DUE]
    shares = distribute(network, due, year, schedule)
    shares += _share_arrears(network, run.lines, year, schedule)
    return DistributionRun(network, shares, run.lines, schedule)


def _share_arrears(
    network: Network,
    lines: Sequence[EntitlementLine],
    year: ContractYear,
    schedule: Schedule,
) -> list[Share]:
    """Arrears shared like their item, except that fixed amounts (yearly sums
    already paid in the monthly instalments) are not paid again: the arrears go
    by the schedule's remainder method. A negative arrears (a recovery) is
    shared as its size and given back negative."""
    plain = Schedule(
        _no_fixed(schedule.default),
        {item: _no_fixed(m) for item, m in schedule.items.items()},
        schedule.origin,
    )
    shares: list[Share] = []
    for line in lines:
        if line.status != ARREARS:
            continue
        size = dataclasses.replace(line, amount=abs(line.amount))
        for share in distribute(network, [size], year, plain):
            amount = -share.amount if line.amount < 0 else share.amount
            method = f"{share.method} (arrears)"
            shares.append(dataclasses.replace(share, amount=amount, method=method))
    return shares


def _no_fixed(method: Method) -> Method:
    return Method(method.remainder) if method.kind == "fixed" else method

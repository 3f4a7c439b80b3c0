"""Local variations: a commissioner's own values for national parameters.

From 1 May 2026 an ICB may agree a Local Variation Agreement with NHS England
varying the DES financial entitlements for its practices (reference 2026/27
supplement §2.7). pcnhub reads each agreement from a YAML file in a directory
(``pcnhub entitlements --local DIR``)::

    commissioner: 99Z
    from: 2026-05-01
    agreement: {document: "...", section: "..."}
    description: what the agreement varies, and why
    parameters:
      core.registered_rate:
        values:
          2026-05-01: {value: 3.50, per: year, source: {document: ..., section: ...}}

Each parameter's ``values`` have the national shape (see :mod:`params`). From
its first date the local values replace the national ones for the networks whose
commissioner is ``commissioner``; before it, and for every other commissioner,
the national values hold. A local value runs until the file's next date. Every
entitlement line resting on a local value says "local variation: <agreement>"
in its note and trace.

An agreement may also add ``items`` of its own: a new id and label, an amount
per registered, weighted or adjusted patient a year (``basis``), dated values
with their own sources, paid monthly like the national items (see
:func:`_item`).

A local value may say when the agreement was ``published`` (signed), later than
the date it takes effect: as known before that day the national value held, and
the difference for the months before it is an arrears line in the month it was
published, exactly like a national revision (the national value is kept as the
earlier revision; see :func:`_backdated`).

Not varied locally: national sums (a network's share depends on every network)
and "per period" amounts (splitting one mid-period would pay it twice).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pcnhub.rules.entitlements import (
    ARREARS,
    NOT_COMPUTED,
    Context,
    EntitlementLine,
    entitlements,
    pot_context,
)
from pcnhub.rules.items import ITEMS, ITEMS_BY_ID, Component, Item
from pcnhub.rules.params import (
    Parameter,
    ParameterError,
    Parameters,
    Source,
    Value,
    _fail,
    _read,
    _revisions,
    _source,
    _text,
    _unknown,
)
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters
from pcnhub.rules.snapshot import Network

TOP_KEYS = {"commissioner", "from", "agreement", "description", "parameters", "items"}
PARAMETER_KEYS = {"values", "note"}
ITEM_KEYS = {"label", "basis", "description", "values"}
#: an added item's basis → the unit of its rate
ITEM_BASES = {
    "registered": "GBP-per-registered-patient",
    "weighted": "GBP-per-weighted-patient",
    "adjusted": "GBP-per-adjusted-patient",
}
_POPULATIONS = {
    "registered": "registered list",
    "weighted": "weighted list",
    "adjusted": "adjusted population",
}
_ITEM_ID = re.compile(r"^[a-z][a-z0-9_]*$")
#: added items are parameters under this prefix: ``local.<item id>``
PREFIX = "local."
#: parameters read as national sums, shared over every network: never local
POTS = {c.parameter for item in ITEMS for c in item.components if c.pot}


@dataclass(frozen=True)
class LocalVariation:
    """One commissioner's agreement: its values for some national parameters."""

    commissioner: str
    start: dt.date
    agreement: Source
    description: str
    file: Path
    #: parameter name → its local values, earliest first (revisions kept)
    values: dict[str, tuple[tuple[Value, ...], ...]]
    #: items the agreement adds, with their parameters (``local.<id>``)
    items: tuple[LocalItem, ...] = ()

    @property
    def label(self) -> str:
        return _label(self.commissioner, self.agreement)


@dataclass(frozen=True)
class LocalItem:
    """An item an agreement adds: paid like a national item, on its own rate."""

    item: Item
    parameter: Parameter
    description: str = ""


def _label(commissioner: str, agreement: Source) -> str:
    """``99Z Demo ICB agreement, schedule 1``: the agreement, as lines cite it."""
    return f"{commissioner} {agreement.document}, {agreement.section}"


def _date(path: Path, where: str, raw: object) -> dt.date:
    if not isinstance(raw, dt.date) or isinstance(raw, dt.datetime):
        raise _fail(path, where, "a date written YYYY-MM-DD")
    return raw


def load_variation(path: Path, national: Parameters | None = None) -> LocalVariation:
    """Read and check one local variation file against the national parameters."""
    national = national or default_parameters()
    data = _read(path)
    _unknown(path, "top level", data, TOP_KEYS)
    commissioner = _text(data.get("commissioner"))
    if not commissioner:
        raise _fail(path, "commissioner", "missing (the commissioner's ODS code)")
    start = _date(path, "from", data.get("from"))
    agreement = _source(path, "agreement", data.get("agreement"))
    raw = data.get("parameters") or {}
    added = data.get("items") or {}
    if not isinstance(raw, dict) or not isinstance(added, dict) or not (raw or added):
        raise _fail(
            path, "parameters", "missing: vary at least one parameter or add an item"
        )
    label = _label(commissioner, agreement)
    values = {
        str(name): _parameter(path, str(name), body, start, national, label)
        for name, body in raw.items()
    }
    items = tuple(
        _item(path, str(name), body, start, label) for name, body in added.items()
    )
    return LocalVariation(
        commissioner,
        start,
        agreement,
        _text(data.get("description")),
        path,
        values,
        items,
    )


def _item(path: Path, name: str, body: object, start: dt.date, label: str) -> LocalItem:
    """An added item: ``label``, ``basis`` (registered, weighted or adjusted) and
    dated ``values`` (``per: year``, each with its source)."""
    where = f"items.{name}"
    if not _ITEM_ID.match(name):
        raise _fail(path, where, "an item id is lower case letters, digits and _")
    if name in ITEMS_BY_ID and not _is_local(ITEMS_BY_ID[name]):
        raise _fail(path, where, "a national item has that id: choose a new one")
    if not isinstance(body, dict):
        raise _fail(path, where, "a mapping with label, basis and values")
    _unknown(path, where, body, ITEM_KEYS)
    title = _text(body.get("label"))
    if not title:
        raise _fail(path, f"{where}.label", "missing (what the item is called)")
    basis = body.get("basis")
    if basis not in ITEM_BASES:
        raise _fail(
            path, f"{where}.basis", f"one of {', '.join(ITEM_BASES)}, not {basis!r}"
        )
    parameter = PREFIX + name
    history = tuple(
        tuple(dataclasses.replace(v, local=label) for v in revisions)
        for revisions in _values(path, where, parameter, ITEM_BASES[basis], body, start)
    )
    values = tuple(r[-1] for r in history)
    description = _text(body.get("description"))
    item = Item(
        name,
        title,
        (Component(parameter, basis),),
        explanation=f"{_POPULATIONS[basis]} × the local rate ({label})",
    )
    return LocalItem(
        item,
        Parameter(
            parameter,
            title,
            description or title,
            ITEM_BASES[basis],
            path,
            values,
            _starts=tuple(v.start for v in values),
            history=history,
        ),
        description,
    )


def _is_local(item: Item) -> bool:
    return all(c.parameter.startswith(PREFIX) for c in item.components)


def _parameter(
    path: Path,
    name: str,
    body: object,
    start: dt.date,
    national: Parameters,
    label: str,
) -> tuple[tuple[Value, ...], ...]:
    where = f"parameters.{name}"
    if name not in national.by_name:
        raise _fail(path, where, "no national parameter of that name to vary")
    if name in POTS:
        raise _fail(path, where, "a national sum cannot be varied locally")
    if not isinstance(body, dict):
        raise _fail(path, where, "a mapping with values")
    _unknown(path, where, body, PARAMETER_KEYS)
    unit = national[name].unit
    first = _first_date(path, where, body)
    national_value = national.at(name, first) if first else None
    if national_value is not None and national_value.per == "period":
        raise _fail(path, where, "a per-period amount cannot be varied locally")
    history = _values(path, where, name, unit, body, start)
    return tuple(
        tuple(dataclasses.replace(v, local=label) for v in revisions)
        for revisions in history
    )


def _first_date(path: Path, where: str, body: dict[str, Any]) -> dt.date | None:
    raw = body.get("values")
    if not isinstance(raw, dict) or not raw:
        return None
    return _date(path, f"{where}.values.{next(iter(raw))}", next(iter(raw)))


def _values(
    path: Path, where: str, name: str, unit: str, body: dict[str, Any], start: dt.date
) -> tuple[tuple[Value, ...], ...]:
    """A local parameter's dated values (revisions kept), each running until the
    next date (the last one open)."""
    raw = body.get("values")
    if not isinstance(raw, dict) or not raw:
        raise _fail(path, f"{where}.values", "missing: give at least one dated value")
    dates = [_date(path, f"{where}.values.{d}", d) for d in raw]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise _fail(path, f"{where}.values", "dates must be in order, earliest first")
    if dates[0] < start:
        raise _fail(
            path,
            f"{where}.values.{dates[0]}",
            f"is before the agreement's from: {start}",
        )
    out = []
    for i, day in enumerate(dates):
        try:
            revisions = _revisions(path, name, unit, day, raw[day])
        except ParameterError as exc:
            message = str(exc).removeprefix(f"{path.name}: ")
            raise _fail(path, where, message) from None
        if not revisions:
            raise _fail(path, f"{where}.values.{day}", "a local value cannot be null")
        if any(v.per == "period" for v in revisions):
            raise _fail(path, f"{where}.values.{day}", "give a local rate per: year")
        if any(v.not_published for v in revisions):
            raise _fail(path, f"{where}.values.{day}", "a local value needs a figure")
        end = dates[i + 1] if i + 1 < len(dates) else None
        out.append(tuple(dataclasses.replace(v, end=end) for v in revisions))
    return tuple(out)


def load_variations(
    directory: Path, national: Parameters | None = None
) -> list[LocalVariation]:
    """Every ``*.yaml`` agreement in ``directory``; two varying one parameter for
    the same commissioner, or two adding items of one id, are refused."""
    if not directory.is_dir():
        raise ParameterError(f"{directory}: no such directory of local variations")
    variations = [load_variation(p, national) for p in sorted(directory.glob("*.yaml"))]
    seen: dict[tuple[str, str], Path] = {}
    for variation in variations:
        for name in variation.values:
            key = (variation.commissioner, name)
            if key in seen:
                raise _fail(
                    variation.file,
                    f"parameters.{name}",
                    f"{seen[key].name} already varies it for {variation.commissioner}",
                )
            seen[key] = variation.file
        for added in variation.items:
            key = ("", added.item.id)
            if key in seen:
                raise _fail(
                    variation.file,
                    f"items.{added.item.id}",
                    f"{seen[key].name} already adds an item of that id",
                )
            seen[key] = variation.file
    return variations


def register(variations: Sequence[LocalVariation]) -> None:
    """Make the added items known by id, as the national ones are (labels on
    pages, exports and arrears lines are looked up by id)."""
    for variation in variations:
        for added in variation.items:
            ITEMS_BY_ID[added.item.id] = added.item


def items_of(lines: Sequence[EntitlementLine]) -> list[Item]:
    """The national items, then the added items ``lines`` hold, in order."""
    national = {item.id for item in ITEMS}
    extra = dict.fromkeys(x.item for x in lines if x.item not in national)
    return [*ITEMS, *(ITEMS_BY_ID[i] for i in extra if i in ITEMS_BY_ID)]


def apply(
    parameters: Parameters, variations: Sequence[LocalVariation], commissioner: str
) -> Parameters:
    """The parameters that hold for ``commissioner``'s networks (its added items'
    parameters included)."""
    by_name = dict(parameters.by_name)
    for variation in variations:
        if variation.commissioner != commissioner:
            continue
        for name, local in variation.values.items():
            by_name[name] = _overlay(by_name[name], local)
        for added in variation.items:
            by_name[added.parameter.name] = added.parameter
    return Parameters(by_name, parameters.years, parameters.year_sources)


def _overlay(parameter: Parameter, local: tuple[tuple[Value, ...], ...]) -> Parameter:
    """National history cut at the first local date, then the local values (a
    backdated one after the national values it replaces)."""
    cut = local[0][0].start
    kept = tuple(
        tuple(
            v if v.end is not None and v.end <= cut else dataclasses.replace(v, end=cut)
            for v in revisions
        )
        for revisions in parameter.history
        if revisions[0].start < cut
    )
    history: list[tuple[Value, ...]] = list(kept)
    for revisions in local:
        if revisions[0].published is None:
            history.append(revisions)
        else:
            history += _backdated(parameter, revisions)
    values = tuple(r[-1] for r in history)
    return dataclasses.replace(
        parameter,
        values=values,
        _starts=tuple(v.start for v in values),
        history=tuple(history),
        ends=tuple(e for e in parameter.ends if e < cut),
    )


def _backdated(
    parameter: Parameter, revisions: tuple[Value, ...]
) -> list[tuple[Value, ...]]:
    """A local value published after it takes effect, as revisions of the
    national values it replaces: over each national value's part of its span, the
    national value (and its own revisions) first, then the local one. As known
    before the agreement's publication the national value holds; after it, the
    local one, and the months between show as arrears (like a national revision).
    Where no national value is in force the local value stands alone."""
    start, end = revisions[0].start, revisions[0].end
    out: list[tuple[Value, ...]] = []

    def part(lo: dt.date, hi: dt.date | None, before: tuple[Value, ...]) -> None:
        out.append(
            tuple(
                dataclasses.replace(v, start=lo, end=hi) for v in (*before, *revisions)
            )
        )

    day: dt.date | None = start
    for national in parameter.history:
        ns, ne = national[0].start, national[0].end
        if day is None or (end is not None and ns >= end):
            break
        if ne is not None and ne <= day:
            continue
        lo = max(day, ns)
        hi = ne if end is None else (end if ne is None else min(ne, end))
        if lo > day:
            part(day, lo, ())
        part(lo, hi, national)
        day = hi
    if day is not None and (end is None or day < end):
        part(day, end, ())
    return out


def local_entitlements(
    networks: Sequence[Network],
    year: ContractYear,
    variations: Sequence[LocalVariation],
    parameters: Parameters | None = None,
    context: Context | None = None,
    known_on: dt.date | None = None,
) -> list[EntitlementLine]:
    """:func:`entitlements` with each commissioner's local variations applied to
    its networks (its added items too), lines in the order of ``networks``."""
    parameters = parameters or default_parameters()
    if context is None:
        known = parameters.known_on(known_on) if known_on else parameters
        context = pot_context(networks, year, known)
    register(variations)
    varied = {v.commissioner for v in variations}
    groups: dict[str, list[Network]] = {}
    for network in networks:
        key = network.commissioner if network.commissioner in varied else ""
        groups.setdefault(key, []).append(network)
    lines: list[EntitlementLine] = []
    for commissioner, group in groups.items():
        if not commissioner:
            lines += entitlements(group, year, parameters, context, known_on=known_on)
            continue
        own = apply(parameters, variations, commissioner)
        mine = entitlements(group, year, own, context, known_on=known_on)
        added = [
            a.item.id
            for v in variations
            if v.commissioner == commissioner
            for a in v.items
        ]
        if added:
            mine += entitlements(
                group, year, own, context, items=added, known_on=known_on
            )
        _mark_arrears(mine, variations, commissioner)
        lines += mine
    order = {n.code: i for i, n in enumerate(networks)}
    lines = [x for x in lines if not _before_agreement(x)]
    lines.sort(key=lambda x: (x.status == ARREARS, x.month, order[x.network]))
    for line in lines:
        _mark(line)
    return lines


def _mark_arrears(
    lines: Sequence[EntitlementLine],
    variations: Sequence[LocalVariation],
    commissioner: str,
) -> None:
    """Say which agreement an arrears line comes from: one published in its
    month varying a parameter its item reads."""
    published: dict[tuple[str, dt.date], list[Value]] = {}
    for variation in variations:
        if variation.commissioner != commissioner:
            continue
        history = dict(variation.values)
        history |= {a.parameter.name: a.parameter.history for a in variation.items}
        for name, revisions in history.items():
            for value in (v for r in revisions for v in r if v.published):
                month = value.published.replace(day=1)  # type: ignore[union-attr]
                published.setdefault((name, month), []).append(value)
    for line in lines:
        if line.status != ARREARS:
            continue
        item = ITEMS_BY_ID[line.item]
        found = [
            v
            for c in item.components
            for v in published.get((c.parameter, line.month), ())
            if v not in line.trace.parameters
        ]
        if found:
            line.trace = dataclasses.replace(
                line.trace, parameters=(*line.trace.parameters, *found)
            )


def _before_agreement(line: EntitlementLine) -> bool:
    """A "not computed" line only because a local value was not yet agreed (as
    known before it was published): nothing was due then, so no line."""
    if line.status != NOT_COMPUTED:
        return False
    unknown = [v for v in line.trace.parameters if v.not_published]
    return bool(unknown) and all(v.local for v in unknown)


def _mark(line: EntitlementLine) -> None:
    sources = sorted({v.local for v in line.trace.parameters if v.local})
    if not sources:
        return
    said = "; ".join(f"local variation: {s}" for s in sources)
    line.note = f"{line.note}; {said}" if line.note else said
    line.trace = dataclasses.replace(line.trace, notes=(*line.trace.notes, said))


def document(variations: Sequence[LocalVariation]) -> str:
    """A Markdown section of the rules document for ``pcnhub rulesdoc --local``."""
    from pcnhub.rules.sources import markdown_source

    out = ["", "## Local variations", ""]
    if not variations:
        return "\n".join([*out, "No local variation agreements given.", ""])
    out += [
        "Each agreement replaces national values for its commissioner's networks "
        "from its date, and may add items of its own; lines resting on it say "
        '"local variation". A value published after it takes effect is paid as '
        "arrears in the month it was published.",
        "",
    ]

    def value_line(name: str, value: Value) -> str:
        published = f" (published {value.published})" if value.published else ""
        return (
            f"- `{name}` from {value.start}{published}: {value.describe()} "
            f"— {markdown_source(value.source)}"
            + (f". {value.note}" if value.note else "")
        )

    for variation in variations:
        out += [
            f"### {variation.commissioner} from {variation.start}",
            "",
            f"Agreement: {markdown_source(variation.agreement)} "
            f"(file `{variation.file.name}`).",
        ]
        if variation.description:
            out += ["", variation.description]
        if variation.values:
            out.append("")
        for name, history in variation.values.items():
            for revisions in history:
                out += [value_line(name, value) for value in revisions]
        for added in variation.items:
            item = added.item
            out += [
                "",
                f"#### Added item `{item.id}` — {item.label}",
                "",
                *([added.description, ""] if added.description else []),
                f"Paid to: {item.paid_to}, monthly like the national items. "
                f"Formula: {item.explanation}.",
                "",
            ]
            for revisions in added.parameter.history:
                out += [value_line(added.parameter.name, v) for v in revisions]
        out.append("")
    return "\n".join(out)

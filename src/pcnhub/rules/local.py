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

Not varied locally: national sums (a network's share depends on every network)
and "per period" amounts (splitting one mid-period would pay it twice).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pcnhub.rules.entitlements import (
    ARREARS,
    ITEMS,
    Context,
    EntitlementLine,
    entitlements,
    pot_context,
)
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
    default_parameters,
)
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.snapshot import Network

TOP_KEYS = {"commissioner", "from", "agreement", "description", "parameters"}
PARAMETER_KEYS = {"values", "note"}
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

    @property
    def label(self) -> str:
        return f"{self.commissioner} {self.agreement}"


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
    raw = data.get("parameters")
    if not isinstance(raw, dict) or not raw:
        raise _fail(path, "parameters", "missing: vary at least one parameter")
    label = f"{commissioner} {agreement}"
    values = {
        str(name): _parameter(path, str(name), body, start, national, label)
        for name, body in raw.items()
    }
    return LocalVariation(
        commissioner, start, agreement, _text(data.get("description")), path, values
    )


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
    raw = body.get("values")
    if not isinstance(raw, dict) or not raw:
        raise _fail(path, f"{where}.values", "missing: give at least one dated value")
    unit = national[name].unit
    dates = [_date(path, f"{where}.values.{d}", d) for d in raw]
    if dates != sorted(dates):
        raise _fail(path, f"{where}.values", "dates must be in order, earliest first")
    if dates[0] < start:
        raise _fail(
            path,
            f"{where}.values.{dates[0]}",
            f"is before the agreement's from: {start}",
        )
    national_value = national.at(name, dates[0])
    if national_value is not None and national_value.per == "period":
        raise _fail(path, where, "a per-period amount cannot be varied locally")
    out = []
    for i, day in enumerate(dates):
        try:
            revisions = _revisions(path, name, unit, day, raw[day])
        except ParameterError as exc:
            message = str(exc).removeprefix(f"{path.name}: ")
            raise _fail(path, where, message) from None
        if not revisions:
            raise _fail(path, f"{where}.values.{day}", "a local value cannot be null")
        if any(v.published for v in revisions):
            # Before a local value was known the national one held, which the
            # "as known on" runs cannot say yet: refuse rather than pay nothing.
            raise _fail(
                path,
                f"{where}.values.{day}.published",
                "a local value takes no published date (it counts from 'from')",
            )
        if any(v.per == "period" for v in revisions):
            raise _fail(path, f"{where}.values.{day}", "give a local rate per: year")
        end = dates[i + 1] if i + 1 < len(dates) else None
        out.append(
            tuple(dataclasses.replace(v, end=end, local=label) for v in revisions)
        )
    return tuple(out)


def load_variations(
    directory: Path, national: Parameters | None = None
) -> list[LocalVariation]:
    """Every ``*.yaml`` agreement in ``directory``; two varying one parameter for
    the same commissioner are refused."""
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
    return variations


def apply(
    parameters: Parameters, variations: Sequence[LocalVariation], commissioner: str
) -> Parameters:
    """The parameters that hold for ``commissioner``'s networks."""
    by_name = dict(parameters.by_name)
    for variation in variations:
        if variation.commissioner != commissioner:
            continue
        for name, local in variation.values.items():
            by_name[name] = _overlay(by_name[name], local)
    return Parameters(by_name, parameters.years, parameters.year_sources)


def _overlay(parameter: Parameter, local: tuple[tuple[Value, ...], ...]) -> Parameter:
    """National history cut at the first local date, then the local values."""
    cut = local[0][0].start
    kept = tuple(
        tuple(
            v if v.end is not None and v.end <= cut else dataclasses.replace(v, end=cut)
            for v in revisions
        )
        for revisions in parameter.history
        if revisions[0].start < cut
    )
    history = kept + local
    values = tuple(r[-1] for r in history)
    return dataclasses.replace(
        parameter,
        values=values,
        _starts=tuple(v.start for v in values),
        history=history,
        ends=tuple(e for e in parameter.ends if e < cut),
    )


def local_entitlements(
    networks: Sequence[Network],
    year: ContractYear,
    variations: Sequence[LocalVariation],
    parameters: Parameters | None = None,
    context: Context | None = None,
    known_on: dt.date | None = None,
) -> list[EntitlementLine]:
    """:func:`entitlements` with each commissioner's local variations applied to
    its networks, lines in the order of ``networks``."""
    parameters = parameters or default_parameters()
    if context is None:
        known = parameters.known_on(known_on) if known_on else parameters
        context = pot_context(networks, year, known)
    varied = {v.commissioner for v in variations}
    groups: dict[str, list[Network]] = {}
    for network in networks:
        key = network.commissioner if network.commissioner in varied else ""
        groups.setdefault(key, []).append(network)
    lines: list[EntitlementLine] = []
    for commissioner, group in groups.items():
        own = (
            apply(parameters, variations, commissioner) if commissioner else parameters
        )
        lines += entitlements(group, year, own, context, known_on=known_on)
    order = {n.code: i for i, n in enumerate(networks)}
    lines.sort(key=lambda x: (x.status == ARREARS, x.month, order[x.network]))
    for line in lines:
        _mark(line)
    return lines


def _mark(line: EntitlementLine) -> None:
    sources = sorted({v.local for v in line.trace.parameters if v.local})
    if not sources:
        return
    said = "; ".join(f"local variation: {s}" for s in sources)
    line.note = f"{line.note}; {said}" if line.note else said
    line.trace = dataclasses.replace(line.trace, notes=(*line.trace.notes, said))


def document(variations: Sequence[LocalVariation]) -> str:
    """A Markdown section of the rules document for ``pcnhub rulesdoc --local``."""
    out = ["", "## Local variations", ""]
    if not variations:
        return "\n".join([*out, "No local variation agreements given.", ""])
    out += [
        "Each agreement replaces national values for its commissioner's networks "
        'from its date; lines resting on it say "local variation".',
        "",
    ]
    for variation in variations:
        out += [
            f"### {variation.commissioner} from {variation.start}",
            "",
            f"Agreement: {variation.agreement} (file `{variation.file.name}`).",
        ]
        if variation.description:
            out += ["", variation.description]
        out.append("")
        for name, history in variation.values.items():
            for revisions in history:
                for value in revisions:
                    out.append(
                        f"- `{name}` from {value.start}: {value.describe()} "
                        f"— {value.source}" + (f". {value.note}" if value.note else "")
                    )
        out.append("")
    return "\n".join(out)

"""Contract parameters: YAML files read by a strict loader.

One file per parameter under ``parameters/``; the path is the name
(``parameters/core/registered_rate.yaml`` is ``core.registered_rate``). Each file
holds a description, metadata (unit and label) and values keyed by the date they
take effect. Every value cites its source document and section. A ``null`` value
ends the parameter. ``parameters/index.yaml`` lists the contract years covered.

The loader rejects anything it does not understand, naming the file and key:
unknown keys, a value without a source, a value of the wrong type for its unit,
dates out of order or repeated, a "per period" amount whose period runs past its
contract year, and (via :func:`require`) a parameter missing for months that a
rule needs it in.

A value may say when it was ``published`` (otherwise it counts as known from the
start) and may be revised: a date may hold a list of values, earliest published
first, each later one replacing the one before from the same effective date (a
backdated change). :meth:`Parameters.known_on` gives the parameters as known on
a day. A value whose source is unverified is ``provisional: true``; a figure not
found is ``value: not published`` and the rules compute nothing with it.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from pcnhub.rules.periods import ContractYear

PARAMETERS_DIR = Path(__file__).with_name("parameters")

#: unit → (kind of value, the population or thing it is "per", whether it needs ``per``)
UNITS: dict[str, tuple[str, str | None, bool]] = {
    "GBP-per-registered-patient": ("money", "registered", True),
    "GBP-per-weighted-patient": ("money", "weighted", True),
    "GBP-per-adjusted-patient": ("money", "adjusted", True),
    "GBP-per-bed": ("money", "beds", True),
    "GBP-per-network": ("money", "network", True),
    "GBP-per-role-set": ("money", "role_sets", True),
    "GBP": ("money", None, True),
    "GBP-per-point": ("money", None, False),
    "patients": ("count", None, False),
    "points": ("count", None, False),
    "count": ("count", None, False),
    "km": ("number", None, False),
    "percent": ("number", None, False),
    "months": ("count", None, False),
    "flag": ("flag", None, False),
}
PERS = {"year", "period"}
TOP_KEYS = {"description", "metadata", "values", "documentation"}
METADATA_KEYS = {"unit", "label", "reference"}
VALUE_KEYS = {
    "value",
    "per",
    "source",
    "note",
    "conflict",
    "published",
    "provisional",
}
#: how a parameter file says a figure was not found for a date
NOT_PUBLISHED = "not published"
SOURCE_KEYS = {"document", "section", "refs"}


class ParameterError(ValueError):
    """A parameter file is wrong. The message names the file and the key."""


class _Loader(yaml.SafeLoader):
    """YAML with exact decimals and no repeated keys."""


def _decimal(loader: _Loader, node: yaml.ScalarNode) -> Decimal:
    return Decimal(loader.construct_scalar(node).replace("_", ""))


def _mapping(
    loader: _Loader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ParameterError(
                f"line {key_node.start_mark.line + 1}: {key} appears twice "
                "(two values for one date overlap; keep one)"
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> dt.date:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        text = loader.construct_scalar(node)
        raise ParameterError(
            f"line {node.start_mark.line + 1}: {text} is not a real date"
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:float", _decimal)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@dataclass(frozen=True, slots=True)
class Source:
    document: str
    section: str
    refs: tuple[str, ...] = ()

    def __str__(self) -> str:
        refs = f" [{'; '.join(self.refs)}]" if self.refs else ""
        return f"{self.document}, {self.section}{refs}"


@dataclass(frozen=True, slots=True)
class Value:
    """One value of a parameter, in force from ``start`` until ``end`` (exclusive)."""

    parameter: str
    start: dt.date
    end: dt.date | None
    value: Decimal | int | bool
    unit: str
    per: str | None
    source: Source
    note: str = ""
    conflict: str = ""
    #: when the value was published (None: known from the start)
    published: dt.date | None = None
    #: the source is unverified: every figure resting on it says so
    provisional: bool = False
    #: the figure was not found: nothing is computed with it
    not_published: bool = False
    #: a commissioner's local variation agreement this value comes from
    #: (see :mod:`pcnhub.rules.local`); empty for national values
    local: str = ""

    def known_on(self, day: dt.date) -> bool:
        return self.published is None or self.published <= day

    def describe(self) -> str:
        """``£1.50 per registered patient a year`` and so on, for traces."""
        if self.not_published:
            return "not published in pcnhub yet"
        text = self._describe()
        return f"{text} (provisional)" if self.provisional else text

    def _describe(self) -> str:
        kind, basis, _ = UNITS[self.unit]
        if kind == "money":
            per = {
                "registered": " per registered patient",
                "weighted": " per weighted patient",
                "adjusted": " per adjusted-population patient",
                "beds": " per bed",
                "network": " per network",
                "role_sets": " per role set",
            }.get(basis or "", " per point" if self.unit == "GBP-per-point" else "")
            when = {"year": " a year", "period": " for the period"}.get(
                self.per or "", ""
            )
            return f"£{self.value:,}{per}{when}"
        return f"{self.value:,} {self.unit}" if kind != "flag" else str(self.value)


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    description: str
    unit: str
    file: Path
    values: tuple[Value, ...]
    documentation: str = ""
    _starts: tuple[dt.date, ...] = field(default=(), repr=False)
    #: every value ever published, revisions included, by effective date
    history: tuple[tuple[Value, ...], ...] = ()
    #: effective dates where the parameter ends (``null``)
    ends: tuple[dt.date, ...] = ()

    def known_on(self, day: dt.date) -> Parameter:
        """The parameter as known on ``day``: later revisions left out, and a value
        not yet published on ``day`` read as not published."""
        values = []
        for revisions in self.history:
            known = [v for v in revisions if v.known_on(day)]
            if known:
                values.append(known[-1])
            else:
                first = revisions[0]
                values.append(
                    dataclasses.replace(
                        first, value=Decimal(0), not_published=True, provisional=False
                    )
                )
        return dataclasses.replace(
            self, values=tuple(values), _starts=tuple(v.start for v in values)
        )

    def publications(self) -> set[dt.date]:
        return {v.published for r in self.history for v in r if v.published}

    def at(self, day: dt.date) -> Value | None:
        """The value in force on ``day``, or None."""
        i = bisect.bisect_right(self._starts, day) - 1
        if i < 0:
            return None
        value = self.values[i]
        return value if value.end is None or day < value.end else None


@dataclass(frozen=True)
class Parameters:
    """Every parameter, and the contract years they cover."""

    by_name: dict[str, Parameter]
    years: tuple[ContractYear, ...]
    year_sources: dict[ContractYear, Source]

    def __getitem__(self, name: str) -> Parameter:
        try:
            return self.by_name[name]
        except KeyError:
            raise ParameterError(f"no parameter called {name!r}") from None

    def at(self, name: str, day: dt.date) -> Value | None:
        return self[name].at(day)

    def covers(self, year: ContractYear) -> bool:
        return year in self.years

    def known_on(self, day: dt.date) -> Parameters:
        """Every parameter as known on ``day`` (see :meth:`Parameter.known_on`)."""
        return _known_on(self, day)

    def publications(self) -> list[dt.date]:
        """Every day a value was published, earliest first."""
        days: set[dt.date] = set()
        for parameter in self.by_name.values():
            days |= parameter.publications()
        return sorted(days)

    def with_values(self, name: str, values: Iterable[Value]) -> Parameters:
        """A copy with one parameter's values replaced (what-if runs)."""
        old = self[name]
        values = tuple(values)
        new = dataclasses.replace(
            old,
            values=values,
            _starts=tuple(v.start for v in values),
            history=tuple((v,) for v in values),
        )
        return Parameters({**self.by_name, name: new}, self.years, self.year_sources)


def _known_on(parameters: Parameters, day: dt.date) -> Parameters:
    by_name = {
        name: (p.known_on(day) if p.publications() else p)
        for name, p in parameters.by_name.items()
    }
    return Parameters(by_name, parameters.years, parameters.year_sources)


def _text(value: object) -> str:
    """Optional text: an empty YAML value is no text, not the word "None"."""
    return "" if value is None else str(value).strip()


def _fail(path: Path, where: str, message: str) -> ParameterError:
    return ParameterError(f"{path.name}: {where}: {message}")


def _unknown(path: Path, where: str, got: Iterable[object], allowed: set[str]) -> None:
    extra = sorted((str(k) for k in got if k not in allowed), key=str)
    if extra:
        raise _fail(
            path,
            where,
            f"unknown key {extra[0]!r} (allowed: {', '.join(sorted(allowed))})",
        )


def _source(path: Path, where: str, raw: object) -> Source:
    if not isinstance(raw, dict):
        raise _fail(path, where, "every value needs a source: document and section")
    _unknown(path, f"{where}.source", raw, SOURCE_KEYS)
    document, section = raw.get("document"), raw.get("section")
    if not (isinstance(document, str) and document.strip()):
        raise _fail(path, f"{where}.source", "the source needs a document")
    if not (isinstance(section, str) and section.strip()):
        raise _fail(path, f"{where}.source", "the source needs a section")
    refs = raw.get("refs") or []
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise _fail(path, f"{where}.source.refs", "refs is a list of source codes")
    return Source(document.strip(), section.strip(), tuple(refs))


def _typed(path: Path, where: str, unit: str, raw: object) -> Decimal | int | bool:
    kind = UNITS[unit][0]
    if kind == "flag":
        if not isinstance(raw, bool):
            raise _fail(path, where, f"a {unit} value is true or false, not {raw!r}")
        return raw
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        raise _fail(path, where, f"a {unit} value must be a number, not {raw!r}")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise _fail(path, where, f"{raw!r} is not a number") from None
    if number < 0:
        raise _fail(path, where, f"a {unit} value cannot be negative ({raw})")
    if kind == "count":
        if number != number.to_integral_value():
            raise _fail(path, where, f"a {unit} value is a whole number, not {raw}")
        return int(number)
    return number


def _value(
    path: Path, name: str, unit: str, start: dt.date, raw: object, where: str = ""
) -> Value:
    where = where or f"values.{start}"
    if not isinstance(raw, dict):
        raise _fail(path, where, "a value is a mapping with value, source (and per)")
    _unknown(path, where, raw, VALUE_KEYS)
    if "value" not in raw:
        raise _fail(path, where, "missing 'value'")
    not_published = raw["value"] == NOT_PUBLISHED
    needs_per = UNITS[unit][2] and not not_published
    per = raw.get("per")
    if not isinstance(per, str | None):
        raise _fail(path, where, f"per is year or period, not {per!r}")
    if needs_per and per not in PERS:
        raise _fail(
            path, where, f"a {unit} amount needs per: year or per: period, not {per!r}"
        )
    if not UNITS[unit][2] and per is not None:
        raise _fail(path, where, f"a {unit} value takes no 'per'")
    published = raw.get("published")
    if published is not None and not (
        isinstance(published, dt.date) and not isinstance(published, dt.datetime)
    ):
        raise _fail(path, f"{where}.published", "a date written YYYY-MM-DD")
    provisional = raw.get("provisional", False)
    if not isinstance(provisional, bool):
        raise _fail(path, f"{where}.provisional", "true or false")
    if not_published and provisional:
        raise _fail(path, where, "a value not published cannot be provisional")
    return Value(
        parameter=name,
        start=start,
        end=None,
        value=Decimal(0) if not_published else _typed(path, where, unit, raw["value"]),
        unit=unit,
        per=per,
        source=_source(path, where, raw.get("source")),
        note=_text(raw.get("note")),
        conflict=_text(raw.get("conflict")),
        published=published,
        provisional=provisional,
        not_published=not_published,
    )


def _revisions(
    path: Path, name: str, unit: str, start: dt.date, raw: object
) -> tuple[Value, ...]:
    """A date's value, or its revisions (a list, earliest published first)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        return (_value(path, name, unit, start, raw),)
    if len(raw) < 2:
        raise _fail(path, f"values.{start}", "a list of revisions holds two or more")
    revisions = tuple(
        _value(path, name, unit, start, r, f"values.{start}[{i}]")
        for i, r in enumerate(raw)
    )
    for i, later in enumerate(revisions[1:], start=1):
        before = revisions[i - 1].published
        if later.published is None or (
            before is not None and later.published <= before
        ):
            raise _fail(
                path,
                f"values.{start}[{i}].published",
                "a revision needs a published date after the one before it",
            )
    return revisions


def _read(path: Path) -> dict[Any, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except ParameterError as exc:
        raise ParameterError(f"{path.name}: {exc}") from None
    except (yaml.YAMLError, InvalidOperation) as exc:
        raise ParameterError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{path.name}: expected a mapping at the top")
    return data


def load_parameter(path: Path, name: str) -> Parameter:
    data = _read(path)
    _unknown(path, "top level", data, TOP_KEYS)
    metadata, unit = _metadata(path, data)
    if not _text(data.get("description")):
        raise _fail(path, "description", "missing")
    raw_values, starts = _dated(path, data)
    history, ends = _history(path, name, unit, raw_values, starts)
    values = tuple(revisions[-1] for revisions in history)
    return Parameter(
        name=name,
        label=str(metadata["label"]),
        description=_text(data["description"]),
        unit=unit,
        file=path,
        values=values,
        documentation=_text(data.get("documentation")),
        _starts=tuple(v.start for v in values),
        history=tuple(history),
        ends=tuple(ends),
    )


def _metadata(path: Path, data: dict[Any, Any]) -> tuple[dict[str, Any], str]:
    """The file's metadata, checked, and its unit."""
    metadata = data.get("metadata")
    if not isinstance(metadata, dict):
        raise _fail(path, "metadata", "missing (unit and label are required)")
    _unknown(path, "metadata", metadata, METADATA_KEYS)
    unit = metadata.get("unit")
    if not isinstance(unit, str) or unit not in UNITS:
        raise _fail(
            path, "metadata.unit", f"unknown unit {unit!r} (known: {', '.join(UNITS)})"
        )
    if not metadata.get("label"):
        raise _fail(path, "metadata.label", "missing")
    return metadata, unit


def _dated(path: Path, data: dict[Any, Any]) -> tuple[dict[Any, Any], list[dt.date]]:
    """The file's values and their dates, checked to be dates, in order."""
    raw_values = data.get("values")
    if not isinstance(raw_values, dict) or not raw_values:
        raise _fail(path, "values", "missing: give at least one dated value")
    starts = list(raw_values)
    for start in starts:
        if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
            raise _fail(path, f"values.{start}", "keys are dates written YYYY-MM-DD")
    for before, after in zip(starts, starts[1:], strict=False):
        if after < before:
            raise _fail(
                path,
                f"values.{after}",
                f"comes after {before}: dates must be in order, earliest first",
            )
    return raw_values, starts


def _history(
    path: Path,
    name: str,
    unit: str,
    raw_values: dict[Any, Any],
    starts: list[dt.date],
) -> tuple[list[tuple[Value, ...]], list[dt.date]]:
    """Each date's revisions, ended at the next date, and the dates that end a
    value (null)."""
    history: list[tuple[Value, ...]] = []
    ends: list[dt.date] = []
    for i, start in enumerate(starts):
        revisions = _revisions(path, name, unit, start, raw_values[start])
        end = starts[i + 1] if i + 1 < len(starts) else None
        if not revisions:
            ends.append(start)
            continue
        for value in revisions:
            if value.per == "period":
                year_end = ContractYear.containing(start).end
                if end is None or end > year_end:
                    raise _fail(
                        path,
                        f"values.{start}",
                        "a per-period amount must end by the end of its contract "
                        f"year ({year_end}): add the next value or null on or "
                        "before it",
                    )
        history.append(tuple(_replace_end(v, end) for v in revisions))
    return history, ends


def _replace_end(value: Value, end: dt.date | None) -> Value:
    return dataclasses.replace(value, end=end)


def _years(path: Path) -> tuple[tuple[ContractYear, ...], dict[ContractYear, Source]]:
    data = _read(path)
    _unknown(path, "top level", data, {"description", "years"})
    raw = data.get("years")
    if not isinstance(raw, dict) or not raw:
        raise _fail(path, "years", "list the contract years covered, e.g. 2020/21")
    years: dict[ContractYear, Source] = {}
    for text, entry in raw.items():
        try:
            year = ContractYear.parse(str(text))
        except ValueError as exc:
            raise _fail(path, f"years.{text}", str(exc)) from None
        entry = {} if entry is None else entry
        if not isinstance(entry, dict):
            raise _fail(
                path, f"years.{text}", "give the year's source: document, section"
            )
        _unknown(path, f"years.{text}", entry, {"source"})
        years[year] = _source(path, f"years.{text}", entry.get("source"))
    ordered = tuple(sorted(years))
    if any(
        b.start_year != a.start_year + 1
        for a, b in zip(ordered, ordered[1:], strict=False)
    ):
        raise _fail(path, "years", "contract years must follow one another, no gaps")
    return ordered, years


def load_parameters(directory: Path = PARAMETERS_DIR) -> Parameters:
    """Read and check every parameter file under ``directory``."""
    by_name: dict[str, Parameter] = {}
    for path in sorted(directory.rglob("*.yaml")):
        if path.name == "index.yaml":
            continue
        relative = path.relative_to(directory)
        name = ".".join(relative.with_suffix("").parts)
        try:
            by_name[name] = load_parameter(path, name)
        except ParameterError as exc:
            # Many files share a name (rate.yaml): say which folder.
            message = str(exc).removeprefix(f"{path.name}: ")
            raise ParameterError(f"{relative.as_posix()}: {message}") from None
    index = directory / "index.yaml"
    if not index.is_file():
        raise ParameterError(f"index.yaml: missing from {directory}")
    years, sources = _years(index)
    return Parameters(by_name, years, sources)


def require(
    parameters: Parameters, name: str, unit: str, years: Iterable[ContractYear]
) -> None:
    """Fail unless ``name`` is in ``unit`` with a value in every month of ``years``."""
    parameter = parameters[name]
    if parameter.unit != unit:
        raise ParameterError(
            f"{parameter.file.name}: metadata.unit: the rules read {name} in {unit}, "
            f"but the file says {parameter.unit}"
        )
    missing = [
        month for year in years for month in year.months if parameter.at(month) is None
    ]
    if missing:
        raise ParameterError(
            f"{parameter.file.name}: values: no value in force for "
            f"{missing[0]:%Y-%m}"
            + (f" (and {len(missing) - 1} more months)" if len(missing) > 1 else "")
            + f"; the rules need {name} in every month of every contract year covered"
        )

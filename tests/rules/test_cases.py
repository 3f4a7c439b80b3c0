"""Hand-computed entitlement cases (``tests/rules/cases/<year>.yaml``).

Each case file holds networks written out by hand, with the year's totals, some
monthly amounts and each practice's Network Participation Payment worked out on
paper from the reference and the parameter files (the arithmetic is in the YAML
comments). This runner builds the snapshots, runs the rules engine and compares.

Conventions of the case files:

* populations and amounts are exact decimals (amounts are written as strings);
* ``joined`` / ``left`` become the membership's start / (exclusive) end;
* ``rest_of_england`` adds a network ``U99999`` with one practice ``Z99999``
  holding the rest of the country's lists, a member throughout, so that national
  sums are shared between the case network and everyone else;
* a month named in ``months`` with no line for the item counts as ``0.00``;
  ``months`` holds the lines due in the month, ``arrears`` the arrears lines
  (a backdated change's difference, in the month it was published), and
  ``annual`` both;
* ``not_computed`` names each item that gives a "not computed" line and words
  its reason must contain (an item not named must have none);
* ``known_on`` runs the case as the parameters were known on that day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from pcnhub.rules.entitlements import (
    ARREARS,
    NOT_COMPUTED,
    EntitlementLine,
    entitlements,
)
from pcnhub.rules.items import ITEMS_BY_ID
from pcnhub.rules.periods import ContractYear, parse_month
from pcnhub.rules.snapshot import Membership, Network, NetworkFacts, Practice

CASES_DIR = Path(__file__).with_name("cases")
YEARS = (
    "2019-20",
    "2020-21",
    "2021-22",
    "2022-23",
    "2023-24",
    "2024-25",
    "2025-26",
    "2026-27",
)
REST_OF_ENGLAND = "U99999"
REST_PRACTICE = "Z99999"

CASE_KEYS = {
    "name",
    "written_from",
    "network",
    "rest_of_england",
    "annual",
    "months",
    "practices",
    "arrears",
    "not_computed",
    "known_on",
    "provisional",
}
NETWORK_KEYS = {"code", "name", "facts", "practices"}
PRACTICE_KEYS = {"code", "name", "registered", "weighted", "adjusted", "joined", "left"}
POPULATION_KEYS = {"registered", "weighted", "adjusted"}
DECIMAL_FACTS = {"iif_points", "iif_prevalence_factor", "caip_share"}


class _Loader(yaml.SafeLoader):
    """YAML whose numbers with a decimal point are exact ``Decimal``s."""


_Loader.add_constructor(
    "tag:yaml.org,2002:float",
    lambda loader, node: Decimal(loader.construct_scalar(node).replace("_", "")),
)


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)  # noqa: S506 (a SafeLoader)


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = _load(path)
        year = str(data["year"])
        assert year.replace("/", "-") == path.stem, f"{path.name} says year {year}"
        for case in data["cases"]:
            params.append(pytest.param(year, case, id=f"{year} {case['name']}"))
    return params


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float):
        raise TypeError(f"{value!r} reached the runner as a float")
    return Decimal(str(value))


def _date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _unknown(where: str, got: dict, allowed: set[str]) -> None:
    extra = sorted(set(got) - allowed)
    assert not extra, f"{where}: unknown key(s) {extra}"


def _membership(raw: dict[str, Any]) -> Membership:
    _unknown(f"practice {raw.get('code')}", raw, PRACTICE_KEYS)
    practice = Practice(
        code=str(raw["code"]),
        name=str(raw.get("name", "")),
        registered=_decimal(raw.get("registered")),
        weighted=_decimal(raw.get("weighted")),
        adjusted=_decimal(raw.get("adjusted")),
    )
    return Membership(practice, _date(raw.get("joined")), _date(raw.get("left")))


def _facts(raw: dict[str, Any] | None) -> NetworkFacts:
    facts: dict[str, Any] = dict(raw or {})
    for name in DECIMAL_FACTS & facts.keys():
        facts[name] = _decimal(facts[name])
    if facts.get("clinical_directors") is not None:
        facts["clinical_directors"] = tuple(facts["clinical_directors"])
    return NetworkFacts(**facts)


def _network(raw: dict[str, Any]) -> Network:
    _unknown("network", raw, NETWORK_KEYS)
    return Network(
        code=str(raw["code"]),
        name=str(raw.get("name", "")),
        memberships=tuple(_membership(p) for p in raw["practices"]),
        facts=_facts(raw.get("facts")),
    )


def _rest_of_england(raw: dict[str, Any]) -> Network:
    _unknown("rest_of_england", raw, POPULATION_KEYS)
    practice = Practice(
        code=REST_PRACTICE,
        name="Rest of England",
        **{key: _decimal(raw.get(key)) for key in POPULATION_KEYS},
    )
    return Network(
        REST_OF_ENGLAND, "Rest of England", memberships=(Membership(practice),)
    )


def _money(text: object) -> Decimal:
    assert isinstance(text, str), f"write amounts as strings, not {text!r}"
    return Decimal(text)


def test_every_year_has_a_case_file() -> None:
    files = {path.stem for path in CASES_DIR.glob("*.yaml")}
    assert files == set(YEARS)
    for stem in YEARS:
        assert len(_load(CASES_DIR / f"{stem}.yaml")["cases"]) >= 4, stem


@pytest.mark.parametrize(("year", "case"), _cases())
def test_case(year: str, case: dict[str, Any]) -> None:
    _unknown(case["name"], case, CASE_KEYS)
    network = _network(case["network"])
    assert network.code != REST_OF_ENGLAND
    networks = [network]
    if case.get("rest_of_england"):
        networks.append(_rest_of_england(case["rest_of_england"]))

    lines: list[EntitlementLine] = [
        line
        for line in entitlements(
            networks, ContractYear.parse(year), known_on=_date(case.get("known_on"))
        )
        if line.network == network.code
    ]

    annual: dict[str, Decimal] = defaultdict(Decimal)
    monthly: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    arrears: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    by_practice: dict[str, Decimal] = defaultdict(Decimal)
    not_computed: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        if line.status == NOT_COMPUTED:
            not_computed[line.item].append(line.note)
            continue
        annual[line.item] += line.amount
        into = arrears if line.status == ARREARS else monthly
        into[(line.item, line.month.isoformat()[:7])] += line.amount
        if line.item == "network_participation_payment":
            by_practice[line.practice] += line.amount

    expected_missing = case.get("not_computed") or {}
    assert set(not_computed) == set(expected_missing), "items not computed"
    for item, words in expected_missing.items():
        assert all(words in note for note in not_computed[item]), item

    provisional = {line.item for line in lines if line.provisional}
    assert provisional == set(case.get("provisional") or []), "provisional items"

    for item, months in (case.get("arrears") or {}).items():
        for label, amount in months.items():
            month = parse_month(str(label)).isoformat()[:7]
            got = arrears.get((item, month), Decimal("0.00"))
            assert got == _money(amount), f"arrears {item} {month}"
    named = {
        (i, parse_month(str(m)).isoformat()[:7])
        for i, ms in (case.get("arrears") or {}).items()
        for m in ms
    }
    assert set(arrears) <= named, "arrears lines not in the case"

    expected_annual = {item: _money(v) for item, v in case["annual"].items()}
    assert set(expected_annual) <= ITEMS_BY_ID.keys(), "unknown item in annual"
    assert set(annual) == set(expected_annual), "items with lines"
    assert dict(annual) == expected_annual, "annual totals"

    for item, months in (case.get("months") or {}).items():
        assert item in ITEMS_BY_ID, f"unknown item {item} in months"
        for label, amount in months.items():
            month = parse_month(str(label)).isoformat()[:7]
            got = monthly.get((item, month), Decimal("0.00"))
            assert got == _money(amount), f"{item} {month}"

    expected_practices = {
        code: _money(v) for code, v in (case.get("practices") or {}).items()
    }
    if expected_practices:
        assert dict(by_practice) == expected_practices, "Network Participation"

"""Must show (issue 12): ``pcnhub variability`` on the real 2020/21 register
matches a direct computation from the files (../shared/data; skipped with a
message when absent).

The expected figures are computed here from the raw CSVs with the csv module
and the standard library's type 7 quantiles (``statistics.quantiles(...,
method="inclusive")``), not through pcnhub's importers, queries or rules.
"""

from __future__ import annotations

import csv
import json
import statistics
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from pcnhub.audit.services import Actor
from pcnhub.oversight.deprivation import import_deprivation
from tests.register.test_national import JAN_2021, QOF, REGISTRATIONS, load_2020_21

pytestmark = [pytest.mark.django_db, pytest.mark.national]
DEPRIVATION = "deprivation/practice_imd2019.csv"
LOW, HIGH = 30000, 50000


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def from_files(data: Path) -> dict:
    """Each network's population, practices and commissioner, from the files."""
    lists = {
        r["CODE"]: int(r["NUMBER_OF_PATIENTS"]) for r in read(data / REGISTRATIONS)
    }
    mapping = [r for r in read(data / QOF) if r["PCN_ODS_CODE"] != "U"]
    population: dict[str, int] = defaultdict(int)
    members: dict[str, list[str]] = defaultdict(list)
    ccgs: dict[str, Counter[str]] = defaultdict(Counter)
    region_of: dict[str, str] = {}
    for row in mapping:
        pcn = row["PCN_ODS_CODE"]
        population[pcn] += lists[row["PRACTICE_CODE"]]
        members[pcn].append(row["PRACTICE_CODE"])
        ccgs[pcn][row["CCG_ODS_CODE"]] += 1
        region_of[row["CCG_ODS_CODE"]] = row["REGION_ODS_CODE"]
    # A network is overseen by the commissioner most of its members are under
    # (ties: the lowest code), as docs/data-formats.md says of the QOF mapping.
    commissioner = {
        pcn: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        for pcn, c in ccgs.items()
    }
    return {
        "lists": lists,
        "population": population,
        "members": members,
        "commissioner": commissioner,
        "region_of": region_of,
    }


def plain(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def expected_summary(sizes: list[int]) -> dict[str, int | float]:
    deciles = statistics.quantiles(
        [Fraction(s) for s in sizes], n=10, method="inclusive"
    )
    quartiles = statistics.quantiles(
        [Fraction(s) for s in sizes], n=4, method="inclusive"
    )
    return {
        "count": len(sizes),
        "min": min(sizes),
        "p10": plain(deciles[0]),
        "q1": plain(quartiles[0]),
        "median": plain(quartiles[1]),
        "q3": plain(quartiles[2]),
        "p90": plain(deciles[8]),
        "max": max(sizes),
    }


def variability(*args: str) -> str:
    out = StringIO()
    call_command("variability", "--as-at", JAN_2021.isoformat(), *args, stdout=out)
    return out.getvalue()


def four_places(numerator: int, denominator: int) -> float:
    value = Decimal(numerator) / Decimal(denominator)
    return float(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def test_variability_matches_the_files(shared_data: Path) -> None:
    load_2020_21(shared_data)
    files = from_files(shared_data)
    sizes = list(files["population"].values())
    practices = [len(m) for m in files["members"].values()]

    got = json.loads(variability("--format", "json"))
    assert got["networks"] == len(sizes) == 1251
    summary = expected_summary(sizes)
    assert {k: got[f"population_{k}"] for k in summary} == summary
    assert got["below_band"] == sum(s < LOW for s in sizes)
    assert got["within_band"] == sum(LOW <= s <= HIGH for s in sizes)
    assert got["above_band"] == sum(s > HIGH for s in sizes)
    # Morciano et al. (2020): over 40 % of networks outside the band.
    assert got["within_band"] / got["networks"] < 0.6
    assert got["single_practice_networks"] == practices.count(1)
    assert got["networks_with_more_than_10_practices"] == sum(p > 10 for p in practices)
    assert got["practices_median"] == plain(
        statistics.quantiles([Fraction(p) for p in practices], n=4, method="inclusive")[
            1
        ]
    )
    for count, networks in Counter(practices).items():
        assert got[f"networks_with_{count}_practices"] == networks
    bins = Counter(min(s // 5000, 20) for s in sizes)
    assert [b["networks"] for b in got["histogram"]] == [bins[i] for i in range(21)]

    # The CSV gives the same figures.
    rows = dict(csv.reader(StringIO(variability("--format", "csv"))))
    assert rows["population_median"] == str(summary["median"])
    assert rows["within_band"] == str(got["within_band"])


def test_commissioner_measures_match_the_files(shared_data: Path) -> None:
    load_2020_21(shared_data)
    files = from_files(shared_data)
    by_ccg: dict[str, list[int]] = defaultdict(list)
    for pcn, size in files["population"].items():
        by_ccg[files["commissioner"][pcn]].append(size)

    rows = {
        r["commissioner_code"]: r
        for r in json.loads(variability("--by", "commissioner", "--format", "json"))
    }
    assert set(rows) == set(by_ccg)
    for ccg, sizes in by_ccg.items():
        row = rows[ccg]
        within = sum(LOW <= s <= HIGH for s in sizes)
        assert row["networks"] == len(sizes)
        assert row["population"] == sum(sizes)
        assert row["within_band"] == within
        assert row["share_within_band"] == four_places(within, len(sizes))
        assert row["largest_share"] == four_places(max(sizes), sum(sizes))
        assert row["largest_to_smallest"] == four_places(max(sizes), min(sizes))
        assert row["commissioner_name"]  # names beside codes


def test_a_region_and_a_commissioner_scope_match_the_files(shared_data: Path) -> None:
    load_2020_21(shared_data)
    files = from_files(shared_data)
    region = "Y63"
    sizes = [
        s
        for pcn, s in files["population"].items()
        if files["region_of"][files["commissioner"][pcn]] == region
    ]
    got = json.loads(variability("--scope", region, "--format", "json"))
    assert (got["scope"], got["scope_kind"], got["networks"]) == (
        region,
        "region",
        len(sizes),
    )
    assert got["population_median"] == expected_summary(sizes)["median"]
    ccg = "16C"
    sizes = [
        s for p, s in files["population"].items() if files["commissioner"][p] == ccg
    ]
    got = json.loads(variability("--scope", ccg, "--format", "json"))
    assert got["networks"] == len(sizes)
    assert got["population_p90"] == expected_summary(sizes)["p90"]


def test_deprivation_by_network_matches_the_files(shared_data: Path) -> None:
    load_2020_21(shared_data)
    import_deprivation(shared_data / DEPRIVATION, actor=Actor(system="tests"))
    files = from_files(shared_data)
    deciles = {
        r["practice_code"]: int(r["imd_decile"])
        for r in read(shared_data / DEPRIVATION)
    }
    rows = {
        r["pcn_code"]: r
        for r in json.loads(variability("--by", "network", "--format", "json"))
    }
    assert len(rows) == len(files["members"])
    for pcn, members in files["members"].items():
        weighted = [(files["lists"][p], deciles[p]) for p in members if p in deciles]
        missing = sorted(p for p in members if p not in deciles)
        row = rows[pcn]
        assert row["practices_without_decile"] == " ".join(missing)
        if not weighted:
            assert row["weighted_imd_decile"] is None
            continue
        mean = Decimal(sum(n * d for n, d in weighted)) / Decimal(
            sum(n for n, _ in weighted)
        )
        assert row["weighted_imd_decile"] == float(
            mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        )

"""A national contract year of entitlements over the real register, timed.

    .venv/bin/python benchmarks/entitlements_national.py [--year 2021/22] [--data DIR]

Builds a temporary SQLite register from the real files (QOF 2020/21 mapping as
at 2021-01-01, January 2021 registrations, 2020/21 weighted lists), then, in a
fresh process each (so peak memory is the run's own):

* **pcnhub**: a national run, totals first (what
  ``services.run_entitlement_totals`` does): snapshots from the register, then
  every network's dues per item and payable period with their traces, the
  totals per network and item, and the run's notes; no monthly line is made
  (the lines are made afterwards, untimed, to check they add up to the totals);
* **lines**: every entitlement line for every network and month, traces
  included (what ``services.run_entitlements`` does), for comparison;
* **floor**: the same annual totals per network and item, computed with pandas
  from the same tables: read the memberships and lists with ``read_sql``, group,
  multiply (no traces, no monthly lines, no mid-year changes).
* **xlsx**: the whole ``pcnhub entitlements --year YEAR --format xlsx`` command
  (start-up, snapshots, rules and the workbook), timed around ``pcnhub.cli.main``.

Reports seconds (whole run and the rules part alone) and peak resident memory,
and the ratios to the floor. Targets (issue 16): the national run (totals
first) under 1 s and within 10x the floor; the national workbook under 15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
FILES = [
    ("qof-mapping", "qof/MAPPING_NHS_GEOGRAPHIES_2021.csv", "2021-01-01"),
    ("registrations", "registrations/gp-reg-pat-prac-all-2021-01.csv", None),
    ("payments", "payments/nhspaymentsgp-2020-21-prac.csv", "2021-01-01"),
]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _django(database: str) -> None:
    os.environ["PCNHUB_DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcnhub.settings")
    import django

    django.setup()


def measure_pcnhub(database: str, year_text: str) -> dict:
    """What ``services.run_entitlement_totals`` does (a national run, totals
    first), timed in its two parts: the snapshots, then the rules."""
    _django(database)
    from pcnhub.contract import snapshots
    from pcnhub.contract.services import line_notes
    from pcnhub.rules.entitlements import entitlement_year, pot_context
    from pcnhub.rules.periods import ContractYear
    from pcnhub.rules.registry import default_parameters

    year = ContractYear.parse(year_text)
    parameters = default_parameters()
    start = time.perf_counter()
    networks = snapshots.networks_for_year(year).networks
    rules_start = time.perf_counter()
    context = pot_context(networks, year, parameters)
    due = entitlement_year(networks, year, parameters, context)
    totals = due.totals()
    notes = line_notes([part for _, part in due.parts()])
    end = time.perf_counter()
    peak = peak_mb()  # the run's own, before the lines below
    # Not timed: the lines on demand, to check they add up to the totals.
    lines = due.lines()
    return {
        "seconds": end - start,
        "rules_seconds": end - rules_start,
        "networks": len(networks),
        "totals": len(totals),
        "notes": len(notes),
        "total_pounds": str(sum(totals.values())),
        "lines_total_pounds": str(sum(x.amount for x in lines)),
        "peak_mb": peak,
    }


def measure_lines(database: str, year_text: str) -> dict:
    """What ``services.run_entitlements`` does: every line, traces included."""
    _django(database)
    from pcnhub.contract import snapshots
    from pcnhub.rules.entitlements import entitlements, pot_context
    from pcnhub.rules.periods import ContractYear
    from pcnhub.rules.registry import default_parameters

    year = ContractYear.parse(year_text)
    parameters = default_parameters()
    start = time.perf_counter()
    networks = snapshots.networks_for_year(year).networks
    rules_start = time.perf_counter()
    context = pot_context(networks, year, parameters)
    lines = entitlements(networks, year, parameters, context)
    end = time.perf_counter()
    return {
        "seconds": end - start,
        "rules_seconds": end - rules_start,
        "networks": len(networks),
        "lines": len(lines),
        "lines_with_trace": sum(1 for x in lines if x.trace.parameters),
        "total_pounds": str(sum(x.amount for x in lines)),
        "peak_mb": peak_mb(),
    }


def measure_xlsx(database: str, year_text: str) -> dict:
    os.environ["PCNHUB_DATABASE_URL"] = database
    from pcnhub.cli import main

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "national.xlsx"
        start = time.perf_counter()
        main(
            [
                "entitlements",
                "--year",
                year_text,
                "--format",
                "xlsx",
                "--output",
                str(path),
            ]
        )
        seconds = time.perf_counter() - start
        size = path.stat().st_size
    return {"seconds": seconds, "bytes": size, "peak_mb": peak_mb()}


FLOOR_SQL = """
SELECT r.parent_id AS network, r.child_id AS practice, l.measure, l.value
FROM register_relationship r
JOIN register_listsize l ON l.practice_id = r.child_id
WHERE r.kind = 'practice_network' AND r.valid_from < :end
  AND (r.valid_to IS NULL OR r.valid_to > :start) AND r.valid_to IS NOT r.valid_from
  AND l.superseded_by_id IS NULL AND l.date <= :lists
"""


def measure_floor(database: str, year_text: str) -> dict:
    import sqlite3

    import pandas as pd

    first = int(year_text[:4])
    start = time.perf_counter()
    path = database.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        rows = pd.read_sql(
            FLOOR_SQL,
            connection,
            params={
                "end": f"{first + 1}-04-01",
                "start": f"{first}-04-01",
                "lists": f"{first}-01-01",
            },
        )
    read = time.perf_counter() - start
    compute_start = time.perf_counter()
    rows["value"] = rows["value"].astype(float)
    wide = rows.pivot_table(
        index=["network", "practice"], columns="measure", values="value", aggfunc="last"
    ).fillna(0.0)
    networks = wide.groupby(level="network").sum()
    registered, weighted = networks["registered"], networks["weighted"]
    national = max(weighted.sum(), 60670522)
    totals = pd.DataFrame(
        {
            "core_pcn_funding": (registered * 1.50).round(2),
            "clinical_director": (registered * 0.722).round(2),
            "extended_hours_access": (registered * 1.44).round(2),
            "leadership_and_management": (43e6 * weighted / national).round(2),
            "arrs_sum": (746e6 * weighted / national).round(2),
            "network_participation_payment": (wide["weighted"] * 1.761)
            .round(2)
            .groupby(level="network")
            .sum(),
        }
    )
    compute = time.perf_counter() - compute_start
    return {
        "seconds": read + compute,
        "compute_seconds": compute,
        "networks": len(totals),
        "total_pounds": f"{totals.to_numpy().sum():.2f}",
        "peak_mb": peak_mb(),
    }


def child(kind: str, database: str, year: str) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--database",
            database,
            "--year",
            year,
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def build_register(database: str, data: Path) -> None:
    env = {**os.environ, "PCNHUB_DATABASE_URL": database}
    pcnhub = [sys.executable, "-m", "pcnhub.cli"]
    subprocess.run([*pcnhub, "migrate", "-v0"], check=True, env=env, cwd=REPO)
    for kind, name, as_at in FILES:
        args = [*pcnhub, "import", kind, str(data / name)]
        if as_at:
            args += ["--as-at", as_at]
        subprocess.run(args, check=True, env=env, cwd=REPO, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", default="2021/22")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["pcnhub", "lines", "floor", "xlsx"])
    parser.add_argument(
        "--xlsx-runs", type=int, default=1, help="runs of the workbook (0: none)"
    )
    parser.add_argument("--database")
    args = parser.parse_args()
    if args.child:
        measure = {
            "pcnhub": measure_pcnhub,
            "lines": measure_lines,
            "floor": measure_floor,
            "xlsx": measure_xlsx,
        }[args.child]
        result = measure(args.database, args.year)
        sys.stdout.flush()
        print("\n" + json.dumps(result))
        return
    if not args.data.is_dir():
        print(f"skipped: no data at {args.data}")
        return
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{folder}/bench.sqlite3"
        build_register(database, args.data)
        runs = {
            kind: [child(kind, database, args.year) for _ in range(args.runs)]
            for kind in ("pcnhub", "lines", "floor")
        }
        workbooks = [child("xlsx", database, args.year) for _ in range(args.xlsx_runs)]
    best = {kind: min(r, key=lambda x: x["seconds"]) for kind, r in runs.items()}
    ours, floor, lines = best["pcnhub"], best["floor"], best["lines"]
    report = {
        "year": args.year,
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "pcnhub": ours,
        "floor": floor,
        "ratio_total": round(ours["seconds"] / floor["seconds"], 1),
        "ratio_rules_to_compute": round(
            ours["rules_seconds"] / floor["compute_seconds"], 1
        ),
        "lines": lines,
        "ratio_lines_total": round(lines["seconds"] / floor["seconds"], 1),
        "totals_are_the_lines_sums": ours["total_pounds"]
        == ours["lines_total_pounds"]
        == lines["total_pounds"],
        "target_under_1s": ours["seconds"] < 1,
        "target_within_10x": ours["seconds"] <= 10 * floor["seconds"],
    }
    if workbooks:
        xlsx = min(workbooks, key=lambda x: x["seconds"])
        report["xlsx"] = xlsx
        report["target_xlsx_under_15s"] = xlsx["seconds"] < 15
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""The national ``pcnhub arrs --year 2020/21`` run, timed against bare pandas.

    .venv/bin/python benchmarks/arrs.py [--data DIR] [--database URL] [--runs N]

Builds (or reuses) the national register of benchmarks/_register.py in a SQLite
file kept between runs (``pcnhub-bench-arrs.sqlite3`` in the temporary
directory; or ``--database``, whose name must contain ``bench``), so that the
2020/21 entitlements, and with them every network's ARRS sum, can be worked
out. Then, each in a fresh child process (benchmarks/_child.py: the command's
own seconds, Django's set-up apart, and the process's peak memory):

1. ``pcnhub import arrs-payments payments/nhspaymentsgp-2020-21-prac.csv``
   (the first time: later runs find it imported and report it unchanged);
2. ``pcnhub arrs --year 2020/21 --format json``, ``--runs`` times;
3. the bare pandas computation of the paid figure: read the file's ``PCN Code``
   and ``PCN Workforce``, sum per code, keep the network codes.

Prints the median seconds and the largest peak MB, checks that every
network's paid equals pandas' sum (to the penny), and writes
benchmarks/results/arrs.json. Exits 0 with ``skipped: ...`` when the data
folder is absent. The national census import is workforce_census.py's.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _register import (  # noqa: E402 - the benchmarks folder, put on the path
    DEFAULT_DATA,
    RESULTS,
    build_register,
    git_revision,
    missing_files,
    parse_database,
    pcnhub,
)
from workforce_census import RESULT_HERE, child  # noqa: E402

CHILD = Path(__file__).resolve().parent / "_child.py"
FILE = Path("payments") / "nhspaymentsgp-2020-21-prac.csv"
YEAR = "2020/21"
RESULT = RESULTS / "arrs.json"
MB = 1024 * 1024
NETWORK = re.compile(r"^U[0-9]{5}$")


def pandas_child(result: Path, path: Path) -> None:
    """The bare pandas computation, timed in this (fresh) process."""
    import pandas as pd  # before the clock, as benchmarks/_child.py's floor

    start = time.perf_counter()
    frame = pd.read_csv(
        path,
        usecols=["PCN Code", "PCN Workforce"],
        dtype={"PCN Code": str},
        encoding="utf-8-sig",
    )
    paid = frame.groupby("PCN Code")["PCN Workforce"].sum()
    paid = paid[paid.index.str.fullmatch(r"U[0-9]{5}")]
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result.write_text(
        json.dumps(
            {
                "exit_code": 0,
                "seconds": seconds,
                "peak_rss_bytes": peak,
                "paid": {code: round(float(v), 2) for code, v in paid.items()},
            }
        ),
        encoding="utf-8",
    )


def timed_cli(url: str, work: Path, *args: str) -> tuple[dict[str, Any], str]:
    return child([str(CHILD), RESULT_HERE, "cli", "--database", url, *args], work)


def compare(rows: list[dict[str, Any]], bare: dict[str, float]) -> dict[str, Any]:
    """Every network's paid against pandas' (a float sum, rounded to pence)."""
    ours = {r["pcn_code"]: r["paid"] for r in rows if r["paid"] is not None}
    differ = [
        code
        for code in set(ours) | set(bare)
        if code not in ours
        or code not in bare
        or Decimal(ours[code]) != Decimal(str(bare[code])).quantize(Decimal("0.01"))
    ]
    return {
        "networks_paid": len(ours),
        "networks_pandas": len(bare),
        "differ": sorted(differ)[:20],
        "same_paid": not differ,
        "rows": len(rows),
        "with_arrs_sum": sum(1 for r in rows if r["arrs_sum"] is not None),
        "paid_total": str(sum((Decimal(v) for v in ours.values()), Decimal(0))),
    }


def measure(url: str, path: Path, runs: int, work: Path) -> dict[str, Any]:
    imported, _ = timed_cli(url, work, "import", "arrs-payments", str(path), "--quiet")
    arrs_runs = []
    for _ in range(runs):
        figures, stdout = timed_cli(
            url, work, "arrs", "--year", YEAR, "--format", "json", "--quiet"
        )
        arrs_runs.append(figures)
    script = str(Path(__file__).resolve())
    bare_runs = [
        child([script, "--pandas-child", RESULT_HERE, str(path)], work)[0]
        for _ in range(runs)
    ]
    return {
        "import_seconds": imported["seconds"],
        "import_peak_mb": imported["peak_rss_bytes"] / MB,
        "arrs_seconds": statistics.median(r["seconds"] for r in arrs_runs),
        "arrs_work_seconds": statistics.median(
            r["seconds"] - (r["setup_seconds"] or 0) for r in arrs_runs
        ),
        "arrs_peak_mb": max(r["peak_rss_bytes"] for r in arrs_runs) / MB,
        "pandas_seconds": statistics.median(r["seconds"] for r in bare_runs),
        "pandas_peak_mb": max(r["peak_rss_bytes"] for r in bare_runs) / MB,
        **compare(json.loads(stdout), bare_runs[0]["paid"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--database", help="default: a kept SQLite file")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the register")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--pandas-child", nargs=2, metavar=("RESULT", "PATH"))
    options = parser.parse_args(argv)
    if options.pandas_child:
        result, path = options.pandas_child
        pandas_child(Path(result), Path(path))
        return 0
    path = options.data / FILE
    if not options.data.is_dir():
        print(f"skipped: no data folder at {options.data}")
        return 0
    missing = missing_files(options.data)
    if missing or not path.is_file():
        print(f"missing: {', '.join(missing) or path}")
        return 2
    kept = Path(tempfile.gettempdir()) / "pcnhub-bench-arrs.sqlite3"
    db = parse_database(options.database or f"sqlite:///{kept}", options.force, "arrs")
    build_register(db, options.data, options.rebuild)
    pcnhub(db, "migrate", "-v", "0")
    with tempfile.TemporaryDirectory(prefix="pcnhub-bench-arrs-") as tmp:
        figures = measure(db.url, path, options.runs, Path(tmp))
    report(figures, db.vendor, options.runs)
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "host": platform.node(),
                "python": platform.python_version(),
                "commit": git_revision(),
                "database": db.vendor,
                "file": str(FILE),
                "summary": figures,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0 if figures["same_paid"] else 1


def report(figures: dict[str, Any], vendor: str, runs: int) -> None:
    print(
        f"pcnhub arrs --year {YEAR} ({vendor}): {figures['rows']} networks, "
        f"{figures['with_arrs_sum']} with an ARRS sum, {figures['networks_paid']} "
        f"with a paid figure (£{figures['paid_total']})"
    )
    print(
        f"  pcnhub import arrs-payments: {figures['import_seconds']:.2f} s, "
        f"peak {figures['import_peak_mb']:.0f} MB"
    )
    print(
        f"  pcnhub arrs:                 {figures['arrs_seconds']:.2f} s "
        f"(of which work {figures['arrs_work_seconds']:.2f} s), "
        f"peak {figures['arrs_peak_mb']:.0f} MB"
    )
    print(
        f"  bare pandas (paid only):     {figures['pandas_seconds']:.2f} s, "
        f"peak {figures['pandas_peak_mb']:.0f} MB"
    )
    print(
        f"  same paid per network as pandas: {figures['same_paid']}"
        + (f" (differ: {', '.join(figures['differ'])})" if figures["differ"] else "")
        + f" (median of {runs} runs)"
    )


if __name__ == "__main__":
    sys.exit(main())

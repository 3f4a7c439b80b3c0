"""Import the national PCN workforce census, and time it against bare pandas.

    .venv/bin/python benchmarks/workforce_census.py [--data DIR] [--runs N]

Each run migrates a fresh temporary SQLite database (not timed), then imports
``workforce/pcn-workforce-2021-03-individual.csv`` with ``pcnhub import
workforce-census`` in a child process (benchmarks/_child.py: the command's own
seconds, Django's set-up apart, and the process's peak memory), and computes the
same aggregates with bare pandas in another child (read, strip the names, group
by network and role: distinct UNIQUE_IDENTIFIER and the sum of FTE). Prints the
median seconds and the largest peak MB of both over the runs, and writes
benchmarks/results/workforce_census.json. Exits 0 with ``skipped: ...`` when the
data folder is absent. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHILD = Path(__file__).resolve().parent / "_child.py"
DEFAULT_DATA = REPO.parent / "shared" / "data"
FILE = Path("workforce") / "pcn-workforce-2021-03-individual.csv"
RESULT = Path(__file__).resolve().parent / "results" / "workforce_census.json"
MB = 1024 * 1024
KEYS = [
    "PCN_CODE",
    "PCN_NAME",
    "SUB_ICB_CODE",
    "STAFF_GROUP",
    "STAFF_ROLE",
    "DETAILED_STAFF_ROLE",
]
#: Where a child's arguments take the file it writes its result to.
RESULT_HERE = "{result}"
CREATED = re.compile(r"^staff by network and role\s+(\d+)", re.M)


def pandas_child(result: Path, path: Path) -> None:
    """The bare pandas computation, timed in this (fresh) process."""
    import pandas as pd  # before the clock, as benchmarks/_child.py's floor

    start = time.perf_counter()
    frame = pd.read_csv(path, dtype=str, encoding="cp1252")
    for column in ("PCN_NAME", "STAFF_GROUP", "STAFF_ROLE", "DETAILED_STAFF_ROLE"):
        frame[column] = frame[column].str.strip()
    frame["FTE"] = frame["FTE"].astype(float)
    groups = frame.groupby(KEYS).agg(
        staff=("UNIQUE_IDENTIFIER", "nunique"), fte=("FTE", "sum")
    )
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result.write_text(
        json.dumps(
            {
                "exit_code": 0,
                "seconds": seconds,
                "peak_rss_bytes": peak,
                "groups": len(groups),
                "staff": int(groups["staff"].sum()),
            }
        ),
        encoding="utf-8",
    )


def child(args: list[str], work: Path) -> tuple[dict[str, Any], str]:
    result = work / "result.json"
    result.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, *(str(result) if a == RESULT_HERE else a for a in args)],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
        cwd=work,
        check=False,
    )
    if done.returncode or not result.exists():
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(result.read_text(encoding="utf-8")), done.stdout


def one_run(path: Path, work: Path) -> dict[str, Any]:
    database = work / "bench-workforce.sqlite3"
    database.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    subprocess.run(
        [sys.executable, "-m", "pcnhub.cli", "--database", url, "migrate", "-v0"],
        check=True,
        cwd=work,
    )
    imported, stdout = child(
        [
            str(CHILD),
            RESULT_HERE,
            "cli",
            "--database",
            url,
            "import",
            "workforce-census",
            str(path),
            "--quiet",
        ],
        work,
    )
    created = CREATED.search(stdout)
    script = str(Path(__file__).resolve())
    bare, _ = child([script, "--pandas-child", RESULT_HERE, str(path)], work)
    return {
        "import_seconds": imported["seconds"],
        "import_setup_seconds": imported["setup_seconds"],
        "import_work_seconds": imported["seconds"] - (imported["setup_seconds"] or 0),
        "import_peak_mb": imported["peak_rss_bytes"] / MB,
        "import_groups": int(created.group(1)) if created else None,
        "pandas_seconds": bare["seconds"],
        "pandas_peak_mb": bare["peak_rss_bytes"] / MB,
        "pandas_groups": bare["groups"],
    }


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    median = {
        key: statistics.median(r[key] for r in runs)
        for key in ("import_seconds", "import_work_seconds", "pandas_seconds")
    }
    return {
        **median,
        "import_peak_mb": max(r["import_peak_mb"] for r in runs),
        "pandas_peak_mb": max(r["pandas_peak_mb"] for r in runs),
        "same_groups": all(r["import_groups"] == r["pandas_groups"] for r in runs),
        "groups": runs[0]["pandas_groups"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pandas-child", nargs=2, metavar=("RESULT", "PATH"))
    options = parser.parse_args(argv)
    if options.pandas_child:
        result, path = options.pandas_child
        pandas_child(Path(result), Path(path))
        return 0
    path = options.data / FILE
    if not path.is_file():
        print(f"skipped: the census file is not at {path}")
        return 0
    with tempfile.TemporaryDirectory(prefix="pcnhub-bench-workforce-") as tmp:
        runs = [one_run(path, Path(tmp)) for _ in range(options.runs)]
    figures = summary(runs)
    print(f"{path.name}: {figures['groups']} groups by network and role")
    print(
        f"  pcnhub import workforce-census: {figures['import_seconds']:.2f} s "
        f"(of which work {figures['import_work_seconds']:.2f} s), "
        f"peak {figures['import_peak_mb']:.0f} MB"
    )
    print(
        f"  bare pandas:                    {figures['pandas_seconds']:.2f} s, "
        f"peak {figures['pandas_peak_mb']:.0f} MB"
    )
    print(f"  same groups: {figures['same_groups']} (median of {len(runs)} runs)")
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "host": platform.node(),
                "python": platform.python_version(),
                "file": str(FILE),
                "summary": figures,
                "runs": runs,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    return 0 if figures["same_groups"] else 1


if __name__ == "__main__":
    sys.exit(main())

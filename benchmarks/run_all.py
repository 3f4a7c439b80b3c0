"""Every benchmark, one after the other: ``./dev bench`` runs this.

    .venv/bin/python benchmarks/run_all.py [--postgresql URL] [--data DIR]

On SQLite always; on PostgreSQL too with ``--postgresql URL`` (a database whose
name contains ``bench``: import_national drops and creates it; web_load uses the
same server with ``_web`` added to the name, built once and reused). Each script
prints its own table and writes its JSON under benchmarks/results/; without the
real files (``../shared/data``) the national ones print ``skipped: ...``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent


def with_suffix(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgresql", metavar="URL", help="also on PostgreSQL")
    parser.add_argument("--data", help="the real NHS files (default ../shared/data)")
    options = parser.parse_args(argv)
    data = ["--data", options.data] if options.data else []
    plan: list[tuple[str, list[str]]] = [
        ("startup", ["startup.py"]),
        ("entitlements_national", ["entitlements_national.py", *data]),
        ("import_national (sqlite)", ["import_national.py", *data]),
        ("workforce_census (sqlite)", ["workforce_census.py", *data]),
        ("arrs (sqlite)", ["arrs.py", *data]),
        ("web_load (sqlite)", ["web_load.py", *data]),
    ]
    if options.postgresql:
        plan += [
            (
                "import_national (postgresql)",
                ["import_national.py", "--database", options.postgresql, *data],
            ),
            (
                "web_load (postgresql)",
                [
                    "web_load.py",
                    "--database",
                    with_suffix(options.postgresql, "_web"),
                    *data,
                ],
            ),
        ]
    failed = []
    for name, args in plan:
        print(f"\n=== {name}: {' '.join(args)}", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]])
        print(f"=== {name}: exit {code} after {time.perf_counter() - start:.0f} s")
        if code:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

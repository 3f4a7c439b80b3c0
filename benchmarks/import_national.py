"""Import the real national NHS files into a fresh database, and time it.

    .venv/bin/python benchmarks/import_national.py [--database URL] [--data DIR]

Migrates a fresh database, imports the national files in date order, then
imports each of them once more: all again after the last (``--reimport
after-all``, the default), or each straight after its first import
(``--reimport immediately``, the pure no-change path). Every import runs the
``pcnhub`` command line in its own process, so its time and peak memory are its
own. Each file is also read with bare pandas in fresh processes: the "parsing
floor" the import is compared with. A second floor, parse+validate+write
(benchmarks/_write_floor.py), runs the importer's own read of the file and writes
the rows the import wrote into an empty register with executemany (SQLite) or
COPY (PostgreSQL). Targets: each import within 3x the parse+validate+write
floor's seconds, and under 1 GB peak memory. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import unquote, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _register import (  # noqa: E402
    STEPS,
    Database,
    Step,
    git_revision,
    recreate,
    sqlite_path,
)
from _register import parse_database as shared_parse_database  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
CHILD = Path(__file__).resolve().parent / "_child.py"
WRITE_FLOOR = Path(__file__).resolve().parent / "_write_floor.py"
DEFAULT_DATA = REPO.parent / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"

REIMPORT_MODES = ("after-all", "immediately")
TIME_FACTOR = 3.0
MEMORY_LIMIT_MB = 1024.0
MB = 1024 * 1024


@dataclass
class Measure:
    seconds: float  # the step itself, timed inside the child
    process_seconds: float  # the whole child process, start-up included
    peak_mb: float
    exit_code: int
    counts: dict[str, int] | None = None
    rows: dict[str, int] | None = None
    stderr_tail: str = ""
    # the parse+validate+write floor only: its two parts
    parse_seconds: float | None = None
    write_seconds: float | None = None
    setup_seconds: float | None = None


@dataclass
class FileResult:
    file: str
    kind: str
    as_at: str | None
    rows: int = 0
    rows_by_sheet: dict[str, int] = field(default_factory=dict)
    floor: Measure | None = None
    write_floor: Measure | None = None
    first: Measure | None = None
    again: Measure | None = None

    @property
    def ratio(self) -> float | None:
        if not (self.first and self.floor and self.floor.seconds > 0):
            return None
        return self.first.seconds / self.floor.seconds

    @property
    def write_ratio(self) -> float | None:
        """Import seconds (Django's set-up included) over the
        parse+validate+write floor's (set-up left out)."""
        if not (self.first and self.write_floor and self.write_floor.seconds > 0):
            return None
        return self.first.seconds / self.write_floor.seconds

    @property
    def work_ratio(self) -> float | None:
        """Like for like: the import's seconds without its own start-up (the
        command line, Django's set-up and loading the command, up to the
        command's ``execute``) over the floor's, which leave out the same
        (Django's set-up and importing the importers). The target is judged on
        this; start-up is the start-up benchmark's (benchmarks/startup.py)."""
        if not (self.first and self.write_floor and self.write_floor.seconds > 0):
            return None
        work = self.first.seconds - (self.first.setup_seconds or 0.0)
        return work / self.write_floor.seconds

    @property
    def process_ratio(self) -> float | None:
        """The same ratio over whole processes (interpreter and library start-up)."""
        if not (self.first and self.floor and self.floor.process_seconds > 0):
            return None
        return self.first.process_seconds / self.floor.process_seconds

    @property
    def peak_ratio(self) -> float | None:
        if not (self.first and self.floor):
            return None
        return self.first.peak_mb / self.floor.peak_mb

    @property
    def within_time(self) -> bool:
        return self.work_ratio is not None and self.work_ratio <= TIME_FACTOR

    @property
    def within_memory(self) -> bool:
        peaks = [m.peak_mb for m in (self.first, self.again) if m]
        return bool(peaks) and max(peaks) < MEMORY_LIMIT_MB

    @property
    def again_unchanged(self) -> bool | None:
        if not (self.again and self.again.counts):
            return None
        return not any(self.again.counts[o] for o in ("created", "updated", "closed"))


# databases ---------------------------------------------------------------------


def parse_database(url: str | None, force: bool) -> Database:
    if url is None:
        tmp = Path(tempfile.mkdtemp(prefix="pcnhub-bench-"))
        path = tmp / "bench.sqlite3"
        return Database(f"sqlite:///{path}", "sqlite", f"sqlite:///{path}", tmp)
    # The children run in a scratch directory: a relative path is made absolute.
    return shared_parse_database(url, force, "import_national")


def floor_database(db: Database) -> Database:
    """The empty register of the write floor: ``<name>_floor`` beside ``db``."""
    parts = urlsplit(db.url)
    if db.vendor == "sqlite":
        path = Path(sqlite_path(db.url))
        floor = path.with_name(f"{path.stem}_floor{path.suffix}")
        return Database(f"sqlite:///{floor}", "sqlite", f"sqlite:///{floor}")
    name = unquote(parts.path.lstrip("/")) + "_floor"
    url = urlunsplit(parts._replace(path=f"/{name}"))
    shown = urlunsplit(urlsplit(db.shown)._replace(path=f"/{name}"))
    return Database(url, db.vendor, shown)


# measuring ---------------------------------------------------------------------

TOTAL_LINE = re.compile(r"^total\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", re.M)
SKIPPED_LINE = re.compile(r"^skipped:\s+(\d+)\s*$", re.M)


def measure(args: list[str], work: Path, script: Path = CHILD) -> tuple[Measure, str]:
    result_file = work / "result.json"
    result_file.unlink(missing_ok=True)
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(script), str(result_file), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
    )
    process_seconds = time.perf_counter() - start
    stderr_tail = "\n".join(done.stderr.strip().splitlines()[-30:])
    if not result_file.exists():
        return (
            Measure(
                0.0, process_seconds, 0.0, done.returncode or 1, None, None, stderr_tail
            ),
            done.stdout,
        )
    child: dict[str, Any] = json.loads(result_file.read_text(encoding="utf-8"))
    found = TOTAL_LINE.search(done.stdout)
    counts = None
    if found:
        created, updated, closed, unchanged = (int(g) for g in found.groups())
        skipped = SKIPPED_LINE.search(done.stdout)
        counts = {
            "created": created,
            "updated": updated,
            "closed": closed,
            "unchanged": unchanged,
            "skipped": int(skipped.group(1)) if skipped else 0,
        }
    return (
        Measure(
            seconds=child["seconds"],
            process_seconds=process_seconds,
            peak_mb=child["peak_rss_bytes"] / MB,
            exit_code=int(child["exit_code"]),
            counts=counts,
            rows=child.get("rows"),
            stderr_tail=stderr_tail if child["exit_code"] else "",
            parse_seconds=child.get("parse_seconds"),
            write_seconds=child.get("write_seconds"),
            setup_seconds=child.get("setup_seconds"),
        ),
        done.stdout,
    )


def cli(db: Database, *args: str) -> list[str]:
    return ["cli", "--database", db.url, *args]


def import_args(db: Database, step: Step, data: Path) -> list[str]:
    args = ["import", step.kind, str(data / step.path), "--quiet"]
    if step.as_at:
        args += ["--as-at", step.as_at]
    return cli(db, *args)


def fail(what: str, m: Measure, stdout: str) -> NoReturn:
    print(f"\n{what} failed (exit code {m.exit_code}).", file=sys.stderr)
    if stdout.strip():
        print(stdout.strip(), file=sys.stderr)
    if m.stderr_tail:
        print(m.stderr_tail, file=sys.stderr)
    sys.exit(1)


# reporting ---------------------------------------------------------------------


def table(results: list[FileResult]) -> str:
    head = (
        "file",
        "rows",
        "import s",
        "import MB",
        "re-import s",
        "re-imp MB",
        "pandas s",
        "ratio",
        "floor s",
        "parse s",
        "write s",
        "setup s",
        "ratio",
        "imp start s",
        "work ratio",
        "targets",
    )
    lines = []
    for r in results:
        assert r.first and r.again and r.floor and r.write_floor
        w = r.write_floor
        verdict = "ok" if r.within_time and r.within_memory else "MISSED"
        if not r.within_time:
            verdict += " (time)"
        if not r.within_memory:
            verdict += " (memory)"
        lines.append(
            (
                r.file,
                f"{r.rows:,}",
                f"{r.first.seconds:.2f}",
                f"{r.first.peak_mb:.0f}",
                f"{r.again.seconds:.2f}",
                f"{r.again.peak_mb:.0f}",
                f"{r.floor.seconds:.3f}",
                f"{r.ratio:.1f}x" if r.ratio is not None else "-",
                f"{w.seconds:.3f}",
                f"{w.parse_seconds or 0:.3f}",
                f"{w.write_seconds or 0:.3f}",
                f"{w.setup_seconds or 0:.2f}",
                f"{r.write_ratio:.1f}x" if r.write_ratio is not None else "-",
                f"{r.first.setup_seconds or 0:.2f}",
                f"{r.work_ratio:.1f}x" if r.work_ratio is not None else "-",
                verdict,
            )
        )
    widths = [max(len(row[i]) for row in [head, *lines]) for i in range(len(head))]

    def fmt(row: tuple[str, ...]) -> str:
        cells = [
            cell.ljust(w) if i in (0, len(row) - 1) else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(head), rule, *(fmt(line) for line in lines)])


# main --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        help="database URL (default: a fresh temporary SQLite file); it is dropped "
        "and created again first",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"the real NHS files (default: {DEFAULT_DATA})",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="allow dropping a database whose name does not contain 'bench'",
    )
    parser.add_argument(
        "--reimport",
        choices=REIMPORT_MODES,
        default="after-all",
        help="after-all (default): import every file, then every file again in "
        "the same order; immediately: import each file again at once (the pure "
        "no-change path, nothing newer in between)",
    )
    parser.add_argument(
        "--floor-runs",
        type=int,
        default=3,
        help="read each file this many times with pandas and keep the fastest "
        "(default 3)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="measure the whole sequence this many times, on a fresh database "
        "each time, and judge the time target on each file's median work ratio "
        "(default 1; single runs on a shared machine move by 20%% or more)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary SQLite database"
    )
    options = parser.parse_args(argv)

    data: Path = options.data.resolve()
    if not data.is_dir():
        print(
            f"import_national: skipped: the real NHS files are not at {data} "
            "(give --data DIR); nothing was measured."
        )
        return 0
    missing = [s.path for s in STEPS if not (data / s.path).is_file()]
    if missing:
        print(f"import_national: missing in {data}: {', '.join(missing)}")
        return 2

    db = parse_database(options.database, options.force)
    work = Path(tempfile.mkdtemp(prefix="pcnhub-bench-run-"))
    try:
        return run(
            db,
            data,
            work,
            options.reimport,
            max(1, options.floor_runs),
            max(1, options.repeat),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if db.temporary_dir is not None:
            if options.keep:
                print(f"kept the database: {db.url}")
            else:
                shutil.rmtree(db.temporary_dir, ignore_errors=True)


def run(
    db: Database, data: Path, work: Path, reimport: str, floor_runs: int, repeat: int
) -> int:
    runs = []
    for n in range(repeat):
        if repeat > 1:
            print(f"--- run {n + 1} of {repeat}")
        runs.append(measure_sequence(db, data, work, reimport, floor_runs))
        print()
        print(table(runs[-1][1]))
        print()
    migrate, results = runs[-1]
    medians = median_work_ratios([r for _, r in runs])
    if repeat > 1:
        print(f"median work ratio over {repeat} runs:")
        for file, ratio in medians.items():
            print(f"  {file:<34} {ratio:.1f}x")
        print()
    return report(db, data, reimport, floor_runs, migrate, results, runs, medians)


def median_work_ratios(runs: list[list[FileResult]]) -> dict[str, float]:
    """Each file's median work ratio over the runs (its own when one run)."""
    by_file: dict[str, list[float]] = {}
    for results in runs:
        for r in results:
            if r.work_ratio is not None:
                by_file.setdefault(r.file, []).append(r.work_ratio)
    return {file: statistics.median(ratios) for file, ratios in by_file.items()}


def measure_sequence(
    db: Database, data: Path, work: Path, reimport: str, floor_runs: int
) -> tuple[Measure, list[FileResult]]:
    """Every import, re-import and floor once, on a fresh database."""
    print(f"database: {db.shown} ({db.vendor}), fresh")
    print(f"data:     {data}")
    print(f"re-import: {reimport}")
    recreate(db)

    migrate, out = measure(cli(db, "migrate", "-v", "0"), work)
    if migrate.exit_code:
        fail("migrate", migrate, out)
    print(f"migrate:  {migrate.seconds:.2f} s, {migrate.peak_mb:.0f} MB peak")
    # An empty register the parse+validate+write floor writes into (and empties).
    empty = floor_database(db)
    recreate(empty)
    migrated, out = measure(cli(empty, "migrate", "-v", "0"), work)
    if migrated.exit_code:
        fail("migrate (the floor's empty register)", migrated, out)

    results = [FileResult(s.name, s.kind, s.as_at) for s in STEPS]
    for step, result in zip(STEPS, results, strict=True):
        floors = []
        for _ in range(floor_runs):
            floor, out = measure(["floor", step.kind, str(data / step.path)], work)
            if floor.exit_code:
                fail(f"pandas read of {step.name}", floor, out)
            floors.append(floor)
        floor = min(floors, key=lambda f: f.seconds)  # a floor: the best run
        result.floor = floor
        result.rows_by_sheet = floor.rows or {}
        result.rows = sum(result.rows_by_sheet.values())

    passes = [("import", "first"), ("re-import", "again")]
    indexed = list(enumerate(STEPS))
    if reimport == "after-all":
        order = [(label, attr, i) for label, attr in passes for i, _ in indexed]
    else:
        order = [(label, attr, i) for i, _ in indexed for label, attr in passes]
    for label, attr, i in order:
        step, result = STEPS[i], results[i]
        print(f"{label:<9} {step.kind:<13} {step.name} ...", end=" ", flush=True)
        m, out = measure(import_args(db, step, data), work)
        if m.exit_code:
            print("failed")
            fail(f"{label} of {step.name}", m, out)
        setattr(result, attr, m)
        totals = m.counts or {}
        print(
            f"{m.seconds:.2f} s, {m.peak_mb:.0f} MB; "
            + ", ".join(f"{k} {v}" for k, v in totals.items())
        )
        if attr == "first":
            # The floor copies the rows this import wrote: measured straight after.
            args = [db.url, empty.url, step.kind, str(data / step.path)]
            w, out = measure(
                [*args, *([step.as_at] if step.as_at else [])], work, WRITE_FLOOR
            )
            if w.exit_code:
                fail(f"parse+validate+write floor of {step.name}", w, out)
            result.write_floor = w
    return migrate, results


def report(
    db: Database,
    data: Path,
    reimport: str,
    floor_runs: int,
    migrate: Measure,
    results: list[FileResult],
    runs: list[tuple[Measure, list[FileResult]]],
    medians: dict[str, float],
) -> int:
    """Check the targets (time: on the median work ratios), print, write JSON."""
    all_time = all(ratio <= TIME_FACTOR for ratio in medians.values())
    all_memory = all(r.within_memory for _, rs in runs for r in rs)
    all_memory = all(r.within_memory for r in results)
    print(
        f"target: each import within {TIME_FACTOR:g}x its parse+validate+write "
        "floor's seconds, both without start-up (work ratio): "
        + ("HOLDS" if all_time else "DOES NOT HOLD")
        + (
            ""
            if all_time
            else " ("
            + ", ".join(
                f"{file} {ratio:.1f}x"
                for file, ratio in medians.items()
                if ratio > TIME_FACTOR
            )
            + ")"
        )
    )
    process = [r.process_ratio for r in results if r.process_ratio is not None]
    if process:
        print(
            "        (over whole processes, start-up included: "
            f"{min(process):.1f}x to {max(process):.1f}x)"
        )
    print(
        f"target: every import and re-import under {MEMORY_LIMIT_MB:.0f} MB peak: "
        + ("HOLDS" if all_memory else "DOES NOT HOLD")
    )
    changed = [r for r in results if r.again_unchanged is False]
    print(
        "re-imports: "
        + (
            "no change, as expected"
            if not changed
            else "CHANGED the register: "
            + "; ".join(f"{r.file} ({_changes(r)})" for r in changed)
        )
    )

    payload = {
        "benchmark": "import_national",
        "vendor": db.vendor,
        "reimport": reimport,
        "floor_runs": floor_runs,
        "database": db.shown,
        "data_dir": str(data),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_revision": git_revision(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "definitions": {
            "seconds": "the step itself, timed inside its own process (import: the "
            "whole pcnhub command, Django set-up included; floor: the pandas read "
            "call only, fastest of floor_runs fresh processes)",
            "process_seconds": "the whole child process, interpreter start-up included",
            "peak_mb": "getrusage(RUSAGE_SELF).ru_maxrss of the child, in MiB",
            "write_floor": "parse+validate+write floor: the importer's own read "
            "of the file, plus writing the rows the import wrote (organisations, "
            "versions, links, list sizes, successions) into an empty migrated "
            "register with executemany (SQLite) or COPY (PostgreSQL) over a bare "
            "driver connection, committed (foreign keys checked), what they refer "
            "to written first untimed, emptied afterwards (benchmarks/_write_floor.py)",
            "ratio": "import seconds / pandas floor seconds",
            "write_ratio": "import seconds (Django set-up included) / "
            "parse+validate+write floor seconds (set-up left out)",
            "work_ratio": "(import seconds - the import's own start-up up to the "
            "command's execute: command line, Django set-up, loading the command; "
            "setup_seconds of first) / parse+validate+write floor seconds (which "
            "leave out Django set-up and importing the importers): like for like, "
            "the ratio the time target is judged on",
            "process_ratio": "import process_seconds / floor process_seconds",
        },
        "targets": {
            "time_factor": TIME_FACTOR,
            "memory_limit_mb": MEMORY_LIMIT_MB,
            "time_holds": all_time,
            "memory_holds": all_memory,
            "reimports_unchanged": not changed,
        },
        "migrate": asdict(migrate),
        "repeat": len(runs),
        "median_work_ratios": medians,
        "all_runs": [
            [
                {"file": r.file, "work_ratio": r.work_ratio, "import": asdict(r.first)}
                for r in rs
                if r.first
            ]
            for _, rs in runs
        ],
        "files": [
            asdict(r)
            | {
                "ratio": r.ratio,
                "write_ratio": r.write_ratio,
                "work_ratio": r.work_ratio,
                "process_ratio": r.process_ratio,
                "peak_ratio": r.peak_ratio,
                "within_time": r.within_time,
                "within_memory": r.within_memory,
                "reimport_unchanged": r.again_unchanged,
            }
            for r in results
        ],
    }
    RESULTS.mkdir(exist_ok=True)
    suffix = "" if reimport == "after-all" else f"-reimport-{reimport}"
    out_file = RESULTS / f"import_national-{db.vendor}{suffix}.json"
    out_file.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"results:  {out_file.relative_to(REPO)}")
    return 0


def _changes(r: FileResult) -> str:
    c = (r.again.counts if r.again else None) or {}
    return ", ".join(f"{o} {c.get(o, 0)}" for o in ("created", "updated", "closed"))


if __name__ == "__main__":
    sys.exit(main())

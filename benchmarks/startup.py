"""Command start-up: ``pcnhub networks`` on the demo and ``pcnhub import --help``.

    .venv/bin/python benchmarks/startup.py [--runs 5]

Loads the demo area into a temporary SQLite file, then times each command end to
end (a fresh process each run, interpreter start-up included), best and median of
``--runs``, and lists the ten slowest top-level imports of ``pcnhub networks``
(``python -X importtime``). Target (issue 16): ``pcnhub networks`` on the demo
under 0.5 s end to end. Also times a bare Django project's set-up and one query,
the floor any Django command starts from, and gives pcnhub's excess over it
(the host's speed moves both alike). Writes benchmarks/results/startup.json.
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
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
#: The console script users run (``pip install`` puts it beside this Python).
SCRIPT = Path(sys.executable).parent / "pcnhub"
PCNHUB = (
    [str(SCRIPT)]
    if SCRIPT.exists()
    else [sys.executable, "-c", "from pcnhub.cli import main; main()"]
)
AS_AT = "2022-01-01"
TARGET_SECONDS = {"pcnhub networks (demo)": 0.5}
IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")


#: A bare Django project (auth and contenttypes, SQLite): the set-up every
#: Django command pays before doing anything, and one query. pcnhub's start-up is
#: compared with it, since the host's speed moves both alike.
BARE_SETTINGS = """\
SECRET_KEY = "benchmark"
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": %r}}
USE_TZ = True
"""
BARE_DJANGO = (
    "import django; django.setup(); "
    "from django.contrib.auth.models import User; User.objects.exists()"
)


def bare_django(work: Path, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of the bare Django floor."""
    (work / "bare_settings.py").write_text(
        BARE_SETTINGS % str(work / "bare.sqlite3"), encoding="utf-8"
    )
    bare_env = env | {
        "DJANGO_SETTINGS_MODULE": "bare_settings",
        "PYTHONPATH": str(work),
    }
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.core.management import call_command; "
            "call_command('migrate', verbosity=0)",
        ],
        env=bare_env,
        cwd=work,
        check=True,
    )
    return [sys.executable, "-c", BARE_DJANGO], bare_env


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    return seconds


def import_times(argv: list[str], env: dict[str, str], cwd: Path) -> list[dict]:
    """The top-level imports of ``argv`` by cumulative time, slowest first."""
    script = ["-c", "from pcnhub.cli import main; main()", *argv[1:]]
    if argv[0] != str(SCRIPT):
        script = argv[1:]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *script],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    found = []
    for line in done.stderr.splitlines():
        match = IMPORT_LINE.match(line)
        if match and len(match.group(3)) <= 1:  # top level: no nesting indent
            found.append(
                {
                    "module": match.group(4),
                    "self_ms": int(match.group(1)) / 1000,
                    "cumulative_ms": int(match.group(2)) / 1000,
                }
            )
    return sorted(found, key=lambda x: -x["cumulative_ms"])[:10]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="pcnhub-bench-startup-"))
    try:
        return run(work, max(1, options.runs))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, runs: int) -> int:
    database = f"sqlite:///{work / 'demo.sqlite3'}"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "PCNHUB_DEBUG"}
    } | {"PCNHUB_DATABASE_URL": database}
    for args in (["migrate", "-v", "0"], ["demo"]):
        timed([*PCNHUB, *args], env, work)
    commands = {
        "pcnhub networks (demo)": [*PCNHUB, "networks", "--as-at", AS_AT],
        "pcnhub import --help": [*PCNHUB, "import", "--help"],
    }
    results = {}
    for name, command in commands.items():
        timed(command, env, work)  # once to warm the file cache
        seconds = [timed(command, env, work) for _ in range(runs)]
        results[name] = {
            "best_seconds": round(min(seconds), 3),
            "median_seconds": round(statistics.median(seconds), 3),
            "runs": [round(s, 3) for s in seconds],
            "target_seconds": TARGET_SECONDS.get(name),
        }
    bare = [timed([sys.executable, "-c", "pass"], env, work) for _ in range(runs)]
    django_argv, django_env = bare_django(work, env)
    timed(django_argv, django_env, work)  # once to warm the file cache
    django_floor = [timed(django_argv, django_env, work) for _ in range(runs)]
    imports = import_times(commands["pcnhub networks (demo)"], env, work)

    print(f"{runs} runs each, end to end (a fresh process each run)")
    print(f"{'command':<26} {'best s':>7} {'median s':>9}  target")
    for name, r in results.items():
        target = r["target_seconds"]
        verdict = (
            "-"
            if target is None
            else f"< {target} s: "
            + ("ok" if r["median_seconds"] < target else "MISSED")
        )
        print(
            f"{name:<26} {r['best_seconds']:>7.3f} {r['median_seconds']:>9.3f}  "
            f"{verdict}"
        )
    print(f"{'python -c pass':<26} {min(bare):>7.3f} {statistics.median(bare):>9.3f}")
    floor_median = statistics.median(django_floor)
    print(
        f"{'bare Django + a query':<26} {min(django_floor):>7.3f} {floor_median:>9.3f}"
    )
    networks = results["pcnhub networks (demo)"]["median_seconds"]
    print(
        f"pcnhub networks over bare Django: +{networks - floor_median:.3f} s "
        f"({networks / floor_median:.1f}x), medians"
    )
    print()
    print("slowest top-level imports of pcnhub networks (python -X importtime):")
    for x in imports:
        print(f"  {x['cumulative_ms']:>8.1f} ms  {x['module']}")
    payload = {
        "benchmark": "startup",
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "runs": runs,
        "commands": results,
        "python_bare_best_seconds": round(min(bare), 3),
        "bare_django_best_seconds": round(min(django_floor), 3),
        "bare_django_median_seconds": round(statistics.median(django_floor), 3),
        "imports_top10": imports,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "startup.json"
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"results:  {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

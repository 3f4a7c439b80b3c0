"""One measured step of a benchmark, run in a fresh Python process.

``python benchmarks/_child.py RESULT.json cli ARG...`` runs the ``pcnhub`` command
line in this process (``pcnhub.cli.main(ARGS)``);
``python benchmarks/_child.py RESULT.json floor KIND PATH`` reads the file with a
bare pandas call, the "parsing floor" an import is compared with.

Either way it writes RESULT.json: the exit code, the seconds the step took
(measured around the step itself, so interpreter start-up is not counted) and the
process's own peak resident memory (``getrusage(RUSAGE_SELF).ru_maxrss``, read at
the end, so everything the process ever held is included).
"""

from __future__ import annotations

import json
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kibibytes, macOS bytes.
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


def _timing_start_up(start: list[float]) -> list[float]:
    """Note when the command itself starts (``BaseCommand.execute``): what comes
    before (the command line, Django's set-up, loading the command and the
    modules it imports) is start-up, reported apart so that an import can be
    compared with a floor that leaves the same out (benchmarks/_write_floor.py)."""
    from django.core.management.base import BaseCommand

    began: list[float] = []
    real_execute = BaseCommand.execute

    def noted_execute(self: BaseCommand, *args: Any, **options: Any) -> Any:
        if not began:
            began.append(time.perf_counter() - start[0])
        return real_execute(self, *args, **options)

    BaseCommand.execute = noted_execute  # type: ignore[method-assign]
    return began


def run_cli(args: list[str]) -> dict[str, Any]:
    from pcnhub.cli import main

    clock = [0.0]
    began = _timing_start_up(clock)
    code = 0
    start = clock[0] = time.perf_counter()
    try:
        main(args)
    except SystemExit as exc:
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
    return {
        "exit_code": code,
        "seconds": time.perf_counter() - start,
        # None if the command never started (a bad command line)
        "setup_seconds": began[0] if began else None,
    }


def run_floor(kind: str, path: Path) -> dict[str, Any]:
    import pandas as pd  # imported before the clock starts: not part of parsing

    start = time.perf_counter()
    rows: dict[str, int]
    if path.suffix.lower() == ".xlsx":
        sheets = pd.read_excel(path, sheet_name=None, dtype=str)
        rows = {name: len(frame) for name, frame in sheets.items()}
    else:
        frame = pd.read_csv(
            path,
            dtype=str,
            header=None if kind == "epraccur" else "infer",
            encoding="utf-8-sig",
        )
        rows = {"": len(frame)}
    return {"exit_code": 0, "seconds": time.perf_counter() - start, "rows": rows}


def main() -> None:
    result_path, mode, *rest = sys.argv[1:]
    if mode == "cli":
        result = run_cli(rest)
    elif mode == "floor":
        kind, path = rest
        result = run_floor(kind, Path(path))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    result["peak_rss_bytes"] = peak_rss_bytes()
    Path(result_path).write_text(json.dumps(result), encoding="utf-8")
    sys.exit(result["exit_code"])


if __name__ == "__main__":
    main()

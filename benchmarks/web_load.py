"""Pages and the API under 20 concurrent clients, over the national register.

    .venv/bin/python benchmarks/web_load.py [--database URL] [--duration 20]

Builds (or reuses) the national register from the real files, creates a national
analyst and a network's clinical director, signs each in through /login/ (a real
session cookie), and for each page starts ``pcnhub serve`` afresh with 5 workers
(``PCNHUB_DEBUG=0``), gets the page once, then drives it with
``wrk -t2 -c20 -dNs --latency`` and a small Lua script that reports p50, p90, p95
and p99 and counts every answer that is not 2xx. A redirect (the sign-in page:
the cookie failed) or any other non-2xx answer fails the run loudly.

Writes benchmarks/results/web_load-<sqlite|postgresql>.json and prints a table
with the targets (issue 16). No thresholds are tested: this only measures.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _register import (  # noqa: E402
    DEFAULT_DATA,
    PCNHUB,
    REPO,
    RESULTS,
    Database,
    build_register,
    default_sqlite,
    django_script,
    git_revision,
    missing_files,
    parse_database,
)

PASSWORD = "pcnhub-bench-load"  # noqa: S105 - a local benchmark account
NATIONAL_USER = "bench-national"
NETWORK_USER = "bench-network"
WORKERS = 5
CONNECTIONS = 20
THREADS = 2
#: The past date of the as-at API queries: the 2020/21 register (the QOF mapping).
AS_AT = "2021-01-01"
#: wrk gives up on a request after this long (gunicorn restarts a worker at 30 s).
WRK_TIMEOUT = "30s"

#: p95 targets in milliseconds (issue 16); None: measured, no target.
TARGETS_MS: dict[str, float | None] = {
    "home": 150,
    "network page": 150,
    "networks API": 150,
    "national networks": 500,
    "national checks": 500,
    "network entitlements": None,
    "network pages, first visits": None,
}

LUA = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  redirects = 0
  non2xx = 0
end

function response(status, headers, body)
  if status >= 300 and status < 400 then
    redirects = redirects + 1
  elseif status < 200 or status >= 300 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local r, n = 0, 0
  for _, t in ipairs(threads) do
    r = r + t:get("redirects")
    n = n + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"errors_connect": %d, "errors_read": %d, "errors_write": %d, ' ..
    '"errors_timeout": %d, "redirects": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.timeout, r, n))
end
"""

#: Appended to LUA for "first visits": each request asks for the next address of
#: PATHS (a Lua table), the threads taking turns, so no page is asked for twice
#: in a run and none is answered from a user's kept copy.
CYCLE = r"""
local sent = 0

function request()
  local i = (sent * THREADS + id - 1) % #PATHS + 1
  sent = sent + 1
  return wrk.format(nil, PATHS[i])
end
"""


def cycle_lua(paths: list[str]) -> str:
    listed = ", ".join(json.dumps(p) for p in paths)
    return LUA + f"PATHS = {{{listed}}}\nTHREADS = {THREADS}\n" + CYCLE


USERS = """
import json
from django.contrib.auth import get_user_model
from pcnhub.access.models import RoleAssignment
from pcnhub.access.roles import Role
from pcnhub.access.services import end, grant
from pcnhub.audit.services import Actor
from pcnhub.register import queries
from pcnhub.access.scope import today

actor = Actor(system="benchmarks/web_load.py")
rows = queries.networks_on(today())
network = max(rows, key=lambda r: (r.practices, r.pcn_code))
users = get_user_model()
for name, role, org in (
    (NATIONAL_USER, Role.NATIONAL, None),
    (NETWORK_USER, Role.CLINICAL_DIRECTOR, network.pcn_code),
):
    user = users.objects.filter(username=name).first()
    if user is None:
        user = users.objects.create_user(name)
    user.set_password(PASSWORD)
    user.save()
    held = RoleAssignment.objects.filter(user=user, role=role, valid_to__isnull=True)
    if org is None and not held.exists():
        grant(actor, user, role, None, reason="web load benchmark")
    elif org is not None and not held.filter(organisation_id=org).exists():
        for old in held:  # another network from an earlier build: end it
            end(actor, old, reason="web load benchmark")
        grant(actor, user, role, org, reason="web load benchmark")
print(json.dumps({
    "network": network.pcn_code,
    "network_practices": network.practices,
    "networks_open": len(rows),
    "networks": sorted(r.pcn_code for r in rows),
}))
"""


@dataclass
class Result:
    page: str
    user: str
    path: str
    first_status: int
    first_seconds: float
    requests: int
    seconds: float
    requests_per_second: float
    p50_ms: float | None
    p90_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    errors_connect: int
    errors_read: int
    errors_write: int
    errors_timeout: int
    redirects: int
    non_2xx: int
    target_p95_ms: float | None

    @property
    def verdict(self) -> str:
        if self.target_p95_ms is None:
            return "(no target)"
        if self.p95_ms is None:
            return "MISSED (no request completed)"
        return "ok" if self.p95_ms < self.target_p95_ms else "MISSED"


# the server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``pcnhub serve`` with ``WORKERS`` workers on a free port."""

    def __init__(self, db: Database, work: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "PCNHUB_DEBUG"}
        }
        self.log = (work / f"serve-{self.port}.log").open("w")
        self.process = subprocess.Popen(
            [*PCNHUB, "--database", db.url, "serve"]
            + ["--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS)],
            env=env,
            cwd=work,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"pcnhub serve stopped: see {self.log.name}")
            try:
                with urllib.request.urlopen(f"{self.base}/login/", timeout=5):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        sys.exit("pcnhub serve did not answer within 120 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def sign_in(base: str, username: str, attempts: int = 3) -> str:
    """Sign in through /login/ like a browser; the Cookie header to send.

    Tried again after a failure (SQLite can refuse the session's write for a
    moment after the previous server's workers were stopped); the server log is
    shown if every attempt fails."""
    for attempt in range(1, attempts + 1):
        cookie = _sign_in_once(base, username)
        if cookie or attempt == attempts:
            break
        time.sleep(2)
    if not cookie:
        sys.exit(f"web_load: signing in as {username} failed {attempts} times")
    return cookie


def _sign_in_once(base: str, username: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirect()
    )
    page = opener.open(f"{base}/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        sys.exit("web_load: the sign-in page has no CSRF token")
    form = urllib.parse.urlencode(
        {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1),
        }
    ).encode()
    try:
        opener.open(f"{base}/login/", data=form, timeout=30)
        status = 200
    except urllib.error.HTTPError as exc:
        status = exc.code
    cookies = {c.name: c.value for c in jar}
    if status != 302 or "sessionid" not in cookies:
        print(f"  signing in as {username}: status {status}", file=sys.stderr)
        return ""
    return "; ".join(f"{k}={v}" for k, v in sorted(cookies.items()))


def first_get(url: str, cookie: str) -> tuple[int, float]:
    opener = urllib.request.build_opener(NoRedirect())
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    start = time.perf_counter()
    try:
        with opener.open(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (TimeoutError, urllib.error.URLError):
        status = 0  # no answer within 60 s (gunicorn restarts the worker at 30 s)
    return status, time.perf_counter() - start


def wrk(url: str, cookie: str, seconds: int, lua: Path) -> dict[str, Any]:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        WRK_TIMEOUT,
        "--latency",
        "-s",
        str(lua),
        "-H",
        f"Cookie: {cookie}",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    found = re.search(r"^WRKJSON (.*)$", done.stdout, re.M)
    if done.returncode or found is None:
        sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return dict(json.loads(found.group(1))) | {"raw": done.stdout}


def _ms(us: int, requests: int) -> float | None:
    return round(us / 1000, 1) if requests else None


def tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def measure(
    db: Database,
    work: Path,
    page: str,
    user: str,
    path: str,
    seconds: int,
    lua: Path,
) -> Result:
    server = Server(db, work)
    try:
        try:
            cookie = sign_in(server.base, user)
        except SystemExit:
            print(tail(Path(server.log.name)), file=sys.stderr)
            raise
        status, first = first_get(server.base + path, cookie)
        if status in (301, 302, 303):
            sys.exit(f"web_load: {path} redirected {user} (the session cookie failed)")
        if status and not 200 <= status < 300:
            sys.exit(f"web_load: {path} answered {status} to {user}")
        out = wrk(server.base + path, cookie, seconds, lua)
    finally:
        server.stop()
    if out["redirects"]:
        sys.exit(
            f"web_load: {path}: {out['redirects']} redirects under load "
            "(the session cookie failed)"
        )
    if out["non_2xx"]:
        print(f"  WARNING: {path}: {out['non_2xx']} answers were not 2xx")
    requests = int(out["requests"])
    duration = out["duration_us"] / 1e6
    return Result(
        page=page,
        user=user,
        path=path,
        first_status=status,
        first_seconds=round(first, 3),
        requests=requests,
        seconds=round(duration, 2),
        requests_per_second=round(requests / duration, 2) if duration else 0.0,
        p50_ms=_ms(out["p50_us"], requests),
        p90_ms=_ms(out["p90_us"], requests),
        p95_ms=_ms(out["p95_us"], requests),
        p99_ms=_ms(out["p99_us"], requests),
        max_ms=_ms(out["max_us"], requests),
        errors_connect=out["errors_connect"],
        errors_read=out["errors_read"],
        errors_write=out["errors_write"],
        errors_timeout=out["errors_timeout"],
        redirects=out["redirects"],
        non_2xx=out["non_2xx"],
        target_p95_ms=TARGETS_MS[page],
    )


# reporting ------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    head = (
        "page",
        "user",
        "requests",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "p95 target",
        "verdict",
    )

    def cell(v: float | None) -> str:
        return "-" if v is None else f"{v:,.0f}"

    lines = [
        (
            r.page,
            r.user.removeprefix("bench-"),
            f"{r.requests:,}",
            f"{r.requests_per_second:.1f}",
            cell(r.p50_ms),
            cell(r.p95_ms),
            cell(r.p99_ms),
            str(
                r.errors_connect
                + r.errors_read
                + r.errors_write
                + r.errors_timeout
                + r.non_2xx
            ),
            "-" if r.target_p95_ms is None else f"< {r.target_p95_ms:g}",
            r.verdict,
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [head, *lines]) for i in range(len(head))]

    def fmt(row: tuple[str, ...]) -> str:
        return "  ".join(
            c.ljust(w) if i in (0, 1, len(row) - 1) else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    return "\n".join(
        [fmt(head), "  ".join("-" * w for w in widths), *(fmt(x) for x in lines)]
    )


# main -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        help="database URL whose name contains 'bench' (default: a SQLite file in "
        "the temporary folder, kept between runs); built from the national files "
        "unless it holds them already",
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--duration", type=int, default=20, help="seconds of wrk per page (20)"
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the register again"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="allow a database whose name does not contain 'bench'",
    )
    parser.add_argument(
        "--only", action="append", help="only these pages (repeatable), e.g. home"
    )
    options = parser.parse_args(argv)

    data: Path = options.data.resolve()
    if not data.is_dir():
        print(
            f"web_load: skipped: the real NHS files are not at {data} (give --data "
            "DIR); nothing was measured."
        )
        return 0
    if shutil.which("wrk") is None:
        print(
            "web_load: skipped: wrk is not installed (Debian: apt-get install -y "
            "wrk; macOS: brew install wrk); nothing was measured."
        )
        return 0
    missing = missing_files(data)
    if missing:
        print(f"web_load: missing in {data}: {', '.join(missing)}")
        return 2
    db = parse_database(options.database or default_sqlite(), options.force, "web_load")
    work = Path(tempfile.mkdtemp(prefix="pcnhub-bench-web-"))
    try:
        return run(db, data, work, options)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(db: Database, data: Path, work: Path, options: argparse.Namespace) -> int:
    print(f"database: {db.shown} ({db.vendor})")
    build_register(db, data, options.rebuild)
    made = django_script(
        db,
        USERS.replace("NATIONAL_USER", repr(NATIONAL_USER))
        .replace("NETWORK_USER", repr(NETWORK_USER))
        .replace("PASSWORD", repr(PASSWORD)),
    )
    network = made["network"]
    print(
        f"users: {NATIONAL_USER} (national), {NETWORK_USER} (clinical director of "
        f"{network}, {made['network_practices']} practices; "
        f"{made['networks_open']} networks open today)"
    )
    lua = work / "percentiles.lua"
    lua.write_text(LUA, encoding="utf-8")
    every = work / "first-visits.lua"
    every.write_text(
        cycle_lua([f"/org/{code}/" for code in made["networks"]]), encoding="utf-8"
    )
    plan = [
        ("home", NATIONAL_USER, "/"),
        ("network page", NATIONAL_USER, f"/org/{network}/"),
        ("network pages, first visits", NATIONAL_USER, f"/org/{network}/"),
        ("national networks", NATIONAL_USER, "/networks/"),
        ("national checks", NATIONAL_USER, "/checks/"),
        ("network entitlements", NATIONAL_USER, f"/org/{network}/entitlements/"),
        ("networks API", NATIONAL_USER, "/api/register/networks"),
        # An as-at query (issue 12): the register as it stood on a past date.
        (
            "as-at API",
            NATIONAL_USER,
            f"/api/register/organisations/{network}?as_at={AS_AT}",
        ),
        ("as-at networks API", NATIONAL_USER, f"/api/register/networks?as_at={AS_AT}"),
        ("home", NETWORK_USER, "/"),
        ("network page", NETWORK_USER, f"/org/{network}/"),
        ("network entitlements", NETWORK_USER, f"/org/{network}/entitlements/"),
        ("networks API", NETWORK_USER, "/api/register/networks"),
        (
            "as-at API",
            NETWORK_USER,
            f"/api/register/organisations/{network}?as_at={AS_AT}",
        ),
    ]
    if options.only:
        plan = [p for p in plan if p[0] in options.only]
    results = []
    for page, user, path in plan:
        print(f"{page:<22} {user:<15} {path} ...", end=" ", flush=True)
        script = every if page.endswith("first visits") else lua
        result = measure(db, work, page, user, path, options.duration, script)
        results.append(result)
        print(
            f"first {result.first_seconds:.2f} s; {result.requests} requests, "
            f"p95 {result.p95_ms} ms"
        )
    print()
    print(
        f"{CONNECTIONS} connections, {THREADS} wrk threads, {options.duration} s per "
        f"page, pcnhub serve with {WORKERS} workers, PCNHUB_DEBUG=0, {db.vendor}"
    )
    print(table(results))
    payload = {
        "benchmark": "web_load",
        "vendor": db.vendor,
        "database": db.shown,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_revision": git_revision(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "threads": THREADS,
        "duration_seconds": options.duration,
        "wrk_timeout": WRK_TIMEOUT,
        "network": network,
        "definitions": {
            "first_seconds": "one request on a fresh server before the load",
            "pXX_ms": "wrk's latency percentiles over completed requests",
            "errors_timeout": f"requests wrk gave up on after {WRK_TIMEOUT}",
            "non_2xx": "answers other than 2xx or 3xx (3xx are 'redirects')",
            "first visits": "each request a different network's page, none kept",
        },
        "results": [asdict(r) | {"verdict": r.verdict} for r in results],
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"web_load-{db.vendor}.json"
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"results:  {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

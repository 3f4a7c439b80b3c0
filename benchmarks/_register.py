"""A national register for the benchmarks that need one, built once and reused.

Shared by the benchmarks: the seven national files in date order, the database
URL rules (a name containing ``bench``), dropping and creating it, and the
commit measured. ``web_load.py`` builds its register here; ``import_national.py``
(which times the imports themselves) takes the files and helpers. Every step
runs the ``pcnhub`` command line in its own process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"
#: The ``pcnhub`` command line, run with this Python.
PCNHUB = [sys.executable, "-c", "from pcnhub.cli import main; main()"]


@dataclass(frozen=True)
class Step:
    kind: str
    path: str  # relative to the data directory
    as_at: str | None

    @property
    def name(self) -> str:
        return Path(self.path).name


#: The national files, oldest first, except the QOF mapping's 2020/21
#: snapshot, which the brief fixes at 1 January 2021.
STEPS = [
    Step("epraccur", "ods/epraccur-2019-12.csv", "2019-12-01"),
    Step("qof-mapping", "qof/MAPPING_NHS_GEOGRAPHIES_2021.csv", "2021-01-01"),
    Step("registrations", "registrations/gp-reg-pat-prac-all-2021-01.csv", None),
    Step("payments", "payments/nhspaymentsgp-2019-20-prac.csv", "2019-10-01"),
    Step("payments", "payments/nhspaymentsgp-2020-21-prac.csv", "2020-10-01"),
    Step("epraccur", "ods/epraccur-2022-04.csv", "2022-04-01"),
    Step("epcn", "ods/ePCN-2022-05.xlsx", "2022-05-01"),
]


@dataclass(frozen=True)
class Database:
    url: str
    vendor: str  # "sqlite" or "postgresql"
    shown: str  # the URL without any password
    #: a scratch directory holding a temporary SQLite file, removed afterwards
    temporary_dir: Path | None = None


def default_sqlite() -> str:
    """A SQLite file kept between runs, so the register is built once."""
    return f"sqlite:///{Path(tempfile.gettempdir()) / 'pcnhub-bench-web.sqlite3'}"


def parse_database(url: str, force: bool, who: str) -> Database:
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme in {"postgres", "postgresql", "pgsql"}:
        vendor, name = "postgresql", unquote(parts.path.lstrip("/"))
    elif scheme == "sqlite":
        path = Path(sqlite_path(url)).resolve()
        url = f"sqlite:///{path}"
        vendor, name = "sqlite", path.name
    else:
        sys.exit(f"{who}: unsupported database {scheme!r} (sqlite, postgresql)")
    if not name:
        sys.exit(f"{who}: {url!r} names no database")
    if "bench" not in name.lower() and not force:
        sys.exit(
            f"{who}: this benchmark drops and recreates {name!r}. Use a database "
            "whose name contains 'bench' (e.g. pcnhub_bench), or pass --force."
        )
    if vendor == "sqlite":
        return Database(url, vendor, url)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.replace(f":{parts.password}@", ":***@", 1)
    return Database(url, vendor, urlunsplit(parts._replace(netloc=netloc)))


def sqlite_path(url: str) -> str:
    path = url.split("://", 1)[1]
    return path[1:] if path.startswith("/") else path


def recreate(db: Database) -> None:
    """Start from nothing: drop the database (or delete the file) and create it."""
    if db.vendor == "sqlite":
        path = Path(sqlite_path(db.url))
        for extra in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(db.url)
    name = unquote(parts.path.lstrip("/"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def pcnhub(db: Database, *args: str, cwd: Path | None = None) -> None:
    """Run ``pcnhub --database URL ARGS`` and fail loudly if it fails."""
    done = subprocess.run(
        [*PCNHUB, "--database", db.url, *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
    )
    if done.returncode:
        sys.exit(
            f"pcnhub {' '.join(args)} failed ({done.returncode}):\n"
            + done.stdout[-3000:]
            + done.stderr[-3000:]
        )


def django_script(db: Database, code: str) -> Any:
    """Run ``code`` with Django set up on ``db``; it ends by printing one JSON value."""
    script = (
        "import os, django\n"
        f"os.environ['PCNHUB_DATABASE_URL'] = {db.url!r}\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'pcnhub.settings'\n"
        "django.setup()\n" + code
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO
    )
    if done.returncode:
        sys.exit(f"a set-up script failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


READY = """
import json
from django.db import connection
from pcnhub.register.models import ImportRun
try:
    names = set(
        ImportRun.objects.filter(status="succeeded").values_list("file_name", flat=True)
    )
except Exception:  # not migrated
    connection.close()
    names = set()
print(json.dumps(sorted(names)))
"""


def register_ready(db: Database) -> bool:
    """Whether every national file has been imported into ``db`` already."""
    if db.vendor == "sqlite" and not Path(sqlite_path(db.url)).exists():
        return False
    if db.vendor == "postgresql" and not _pg_exists(db):
        return False
    imported = set(django_script(db, READY))
    return {s.name for s in STEPS} <= imported


def _pg_exists(db: Database) -> bool:
    import psycopg

    parts = urlsplit(db.url)
    name = unquote(parts.path.lstrip("/"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
    return row is not None


def build_register(db: Database, data: Path, rebuild: bool, log: Any = print) -> bool:
    """Make ``db`` hold the national register; True if it was (re)built now.

    An existing database that holds every file is reused (and migrated, in case
    the code gained migrations) unless ``rebuild``.
    """
    if not rebuild and register_ready(db):
        log(f"register: reusing {db.shown}")
        pcnhub(db, "migrate", "-v", "0")
        return False
    log(f"register: building {db.shown} from {data} (a few minutes)")
    recreate(db)
    pcnhub(db, "migrate", "-v", "0")
    for step in STEPS:
        log(f"  import {step.kind} {step.name}")
        args = ["import", step.kind, str(data / step.path), "--quiet"]
        if step.as_at:
            args += ["--as-at", step.as_at]
        pcnhub(db, *args)
    return True


def missing_files(data: Path) -> list[str]:
    return [s.path for s in STEPS if not (data / s.path).is_file()]


def git_revision() -> str | None:
    """The commit measured, with "-dirty" when tracked files differ from it."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return rev + ("-dirty" if dirty else "")

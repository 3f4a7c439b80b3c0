"""Backups as docs/deployment.md gives them: ``pg_dump`` of a PostgreSQL pcnhub
database, ``pg_restore`` into an empty one, and the restored copy is the same
pcnhub (audit chain intact up to the same checkpoint, the same register, its
migrations all applied).

Needs PostgreSQL (the server of ``PCNHUB_TEST_DATABASE_URL``, else
postgres@127.0.0.1:5432) and its client tools; skips with a message without
them. Uses two databases of its own, dropped at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import pytest

PCNHUB = [sys.executable, "-c", "from pcnhub.cli import main; main()"]
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    return os.environ.get("PCNHUB_TEST_DATABASE_URL") or DEFAULT_SERVER


def url_of(name: str) -> str:
    parts = dj_database_url.parse(server_url())
    auth = parts["USER"] + (f":{parts['PASSWORD']}" if parts["PASSWORD"] else "")
    port = parts["PORT"] or 5432
    return f"postgresql://{auth}@{parts['HOST'] or '127.0.0.1'}:{port}/{name}"


def psql(sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "psql",
            "--no-psqlrc",
            "-v",
            "ON_ERROR_STOP=1",
            "-Atc",
            sql,
            url_of("postgres"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    missing = [
        tool for tool in ("psql", "pg_dump", "pg_restore") if not shutil.which(tool)
    ]
    if missing:
        pytest.skip(f"PostgreSQL client tools missing: {', '.join(missing)}")
    if psql("SELECT 1").returncode != 0:
        pytest.skip(f"no PostgreSQL server answers at {url_of('postgres')}")
    run = uuid.uuid4().hex[:8]
    names = (f"pcnhub_backup_{run}_live", f"pcnhub_backup_{run}_restored")
    for name in names:
        created = psql(f'CREATE DATABASE "{name}"')
        assert created.returncode == 0, created.stderr
    try:
        yield names
    finally:
        for name in names:
            psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pcnhub(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [*PCNHUB, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_pg_dump_then_pg_restore_gives_the_same_pcnhub(
    databases: tuple[str, str], tmp_path: Path
) -> None:
    live, restored = databases
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PCNHUB_") and k != "DJANGO_SETTINGS_MODULE"
    }
    source = ["--database", url_of(live)]
    pcnhub(env, tmp_path, *source, "migrate", "-v", "0")
    pcnhub(env, tmp_path, *source, "demo")
    verified = pcnhub(env, tmp_path, *source, "audit", "verify")
    checkpoint = re.search(r"checkpoint: (\S+)", verified)
    assert checkpoint, verified
    networks = pcnhub(env, tmp_path, *source, "networks", "--as-at", "2022-01-01")

    # The commands of docs/deployment.md ("Backups"), with these databases.
    backup = tmp_path / "pcnhub.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--file", str(backup), url_of(live)],
        check=True,
        timeout=300,
    )
    assert backup.stat().st_size > 0
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", url_of(restored)]
        + [str(backup)],
        check=True,
        timeout=300,
    )

    copy = ["--database", url_of(restored)]
    intact = pcnhub(
        env, tmp_path, *copy, "audit", "verify", "--expect", checkpoint.group(1)
    )
    assert "audit trail intact" in intact
    assert pcnhub(env, tmp_path, *copy, "networks", "--as-at", "2022-01-01") == networks
    unapplied = pcnhub(env, tmp_path, *copy, "migrate", "--plan")
    assert "No planned migration operations" in unapplied

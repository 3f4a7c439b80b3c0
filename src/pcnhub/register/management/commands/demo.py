"""``pcnhub demo``: load the synthetic demo area and a demo user.

The area's files are written in the real NHS formats and go through the same
importers as real downloads, so the demo exercises the real path. Running it
again changes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from pcnhub.audit.services import Actor, record
from pcnhub.register.demo import write_demo_files
from pcnhub.register.imports import run_import

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "pcnhub-demo"  # noqa: S105 - a documented demo credential


class Command(BaseCommand):
    help = "Load the synthetic demo area (idempotent) and the demo user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2019)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor(system="pcnhub demo")
        with tempfile.TemporaryDirectory(prefix="pcnhub-demo-") as folder:
            for demo_file in write_demo_files(Path(folder), seed=options["seed"]):
                run = run_import(
                    demo_file.kind, demo_file.path, actor=actor, as_at=demo_file.as_at
                )
                totals = run.counts["totals"]
                self.stdout.write(
                    f"{demo_file.kind:<15} {demo_file.path.name:<36} "
                    f"created {totals['created']}, updated {totals['updated']}, "
                    f"closed {totals['closed']}, unchanged {totals['unchanged']}"
                )
        self._demo_user(actor)

    def _demo_user(self, actor: Actor) -> None:
        users = get_user_model()
        if users.objects.filter(username=DEMO_USERNAME).exists():
            return
        user = users.objects.create_user(
            DEMO_USERNAME, password=DEMO_PASSWORD, first_name="Demo", last_name="User"
        )
        record(actor, "create", "user", user.get_username(), reason="demo user")
        self.stdout.write(
            f"Created demo user {DEMO_USERNAME!r} (password {DEMO_PASSWORD!r})."
        )

"""``pcnhub demo``: load the synthetic demo area and a demo user for each role.

The area's files are written in the real NHS formats and go through the same
importers as real downloads, so the demo exercises the real path. Running it
again changes nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pcnhub.audit.services import Actor
from pcnhub.register.imports import run_import


class Command(BaseCommand):
    help = "Load the synthetic demo area (idempotent) and the demo user."
    # A data command: Django's system checks (which import every URL and the API)
    # add nothing here; `pcnhub check --deploy` and runserver still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2019)

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here: the demo files include a workbook (openpyxl) and the
        # applications validate their details (pydantic); --help needs neither.
        from pcnhub.access.demo import DEMO_PASSWORD, create_demo_users
        from pcnhub.register.demo import write_demo_files
        from pcnhub.workflow.demo import create_demo_applications

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
        from pcnhub.geography.demo import create_demo_outlines
        from pcnhub.oversight.demo import create_demo_deprivation

        outlines = create_demo_outlines(actor)
        self.stdout.write(f"Imported the demo district outlines ({outlines.label}).")
        self.stdout.write(
            f"Gave {create_demo_deprivation(actor)} demo practices an IMD decile."
        )
        created = create_demo_users(actor)
        if created:
            self.stdout.write(
                f"Created demo users {', '.join(created)} "
                f"(password {DEMO_PASSWORD!r}; see README)."
            )
        from pcnhub.services.demo import create_demo_services

        self.stdout.write(
            f"Recorded {create_demo_services(actor)} demo services records."
        )
        from pcnhub.workforce.demo import create_demo_workforce

        posts = create_demo_workforce(actor)
        if posts:
            self.stdout.write(f"Recorded {posts} demo staff posts and their claims.")
        from pcnhub.workforce.plan_demo import create_demo_plan

        planned = create_demo_plan(actor)
        if planned:
            self.stdout.write(f"Planned {planned} demo posts for U99001 in 2024/25.")
        from pcnhub.schemes.demo import create_demo_schemes

        schemes = create_demo_schemes(actor)
        if schemes:
            self.stdout.write(
                f"Recorded {schemes} demo local schemes for 99Z and their staff posts."
            )
        applications = create_demo_applications()
        if applications:
            states = ", ".join(f"{a.reference} {a.state}" for a in applications)
            self.stdout.write(f"Created demo applications: {states}.")

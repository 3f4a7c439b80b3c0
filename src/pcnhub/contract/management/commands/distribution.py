"""``pcnhub distribution --pcn CODE --year Y [--schedule FILE] [--known-on DATE]
--format csv|json``

Arrears lines (a backdated change) are shared like their item, by the
schedule's remainder method where the item has fixed amounts; items not
computed have nothing to share.

``--user USERNAME`` answers as that user: the network and any what-if practices
must be theirs to see. Without it, the server operator sees everything.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcnhub.access.cli import add_user
from pcnhub.contract import cli, exports
from pcnhub.contract.services import NotFound, run_distribution
from pcnhub.register.exports import write_records
from pcnhub.rules.distribution import Schedule, ScheduleError, parse_schedule


def read_schedule(path: Path | None) -> Schedule | None:
    if path is None:
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CommandError(f"{path.name}: cannot read the schedule: {exc}") from None
    try:
        return parse_schedule(data, path.name)
    except ScheduleError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = (
        "Share a network's income between its member practices as its network "
        "agreement's financial schedule says: one row per practice, month and item."
    )
    # A data command: Django's system checks (which import every URL and the API)
    # add nothing here; `pcnhub check --deploy` and runserver still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pcn", required=True)
        parser.add_argument("--year", type=cli.contract_year, required=True)
        parser.add_argument(
            "--schedule",
            type=Path,
            help="financial schedule (YAML; default: every item by registered list)",
        )
        cli.add_known_on(parser)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--output")
        cli.add_facts(parser)
        cli.add_what_if(parser)
        add_user(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        facts = cli.load_facts(options)  # refuses what --user may not see
        schedule = read_schedule(options["schedule"])
        try:
            run = run_distribution(
                options["pcn"],
                options["year"],
                schedule,
                facts,
                options["register_as_at"],
                cli.edits(options),
                known_on=options["known_on"],
            )
        except (NotFound, ValueError) as exc:
            raise CommandError(str(exc)) from None
        rows = [s.row() for s in run.shares]
        with cli.output(options, self.stdout) as out:
            write_records(out, rows, exports.SHARE_COLUMNS, options["format"])
        total = sum(s.amount for s in run.shares)
        print(
            f"{len(rows)} shares of £{total:,} for {run.network.code} in "
            f"{options['year']} ({run.schedule.origin})",
            file=sys.stderr,
        )

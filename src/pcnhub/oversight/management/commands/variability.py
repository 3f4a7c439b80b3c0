"""``pcnhub variability --as-at DATE [--scope CODE] [--by commissioner|network]
--format csv|json``

The size of networks against the 30,000-50,000 band, practices per network,
and with ``--by`` the commissioner-level measures or each network with its
IMD decile (docs/variability.md). With ``--user USERNAME``, answers as that
user would be answered on /variability/ (a scope outside their roles is
refused); without it, as the server operator, for any scope.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcnhub.access.cli import add_user, user_of
from pcnhub.core.dates import outside_era, parse_iso
from pcnhub.oversight.scopes import UnknownScope, require_scope, resolve, sees_network
from pcnhub.oversight.variability import (
    COMMISSIONER_COLUMNS,
    NETWORK_COLUMNS,
    commissioner_rows,
    histogram_rows,
    network_rows,
    report,
    summary_rows,
)
from pcnhub.register.exports import write_records


def day(text: str) -> date:
    try:
        value = parse_iso(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    why = outside_era(value)
    if why:
        raise argparse.ArgumentTypeError(why)
    return value


class Command(BaseCommand):
    help = "Network sizes against the population band, and their variation."
    # A data command: Django's system checks add nothing here.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-at", type=day, required=True, metavar="YYYY-MM-DD")
        parser.add_argument(
            "--scope",
            default=None,
            metavar="CODE",
            help="a region, system or commissioner code (default: England)",
        )
        parser.add_argument(
            "--by",
            choices=["commissioner", "network"],
            default=None,
            help="one row per commissioner (the commissioner-level measures) or "
            "per network (its population, band and IMD decile)",
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        add_user(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_of(options)
        on = options["as_at"]
        try:
            if user is None:
                scope = resolve(options["scope"], on)
            else:
                scope = require_scope(user, options["scope"], on)
        except UnknownScope as exc:
            raise CommandError(f"--scope: {exc}") from None
        except PermissionDenied as exc:
            raise CommandError(f"--scope: {exc} (--user {options['user']})") from None
        found = report(on, scope)
        fmt, by = options["format"], options["by"]
        if by == "commissioner":
            write_records(
                self.stdout, commissioner_rows(found), list(COMMISSIONER_COLUMNS), fmt
            )
        elif by == "network":
            lines = [
                line
                for line in found.networks
                if user is None or sees_network(user, line.code, line.commissioner)
            ]
            write_records(self.stdout, network_rows(lines), list(NETWORK_COLUMNS), fmt)
        elif fmt == "json":
            document = dict(summary_rows(found))
            document["histogram"] = histogram_rows(found)  # type: ignore[assignment]
            self.stdout.write(json.dumps(document, indent=2))
        else:
            records = [{"measure": m, "value": v} for m, v in summary_rows(found)]
            write_records(self.stdout, records, ["measure", "value"], "csv")

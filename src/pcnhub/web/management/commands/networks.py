"""``pcnhub networks --as-at DATE [--commissioner CODE] --format csv|json``

With ``--user USERNAME``, only the networks that user may see (by network or
commissioner, as on /networks/), and a ``--commissioner`` outside their roles is
refused; without it, every network (the server operator has full access).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pcnhub.access.checks import visible_rows
from pcnhub.access.cli import add_user, require_sees, user_of
from pcnhub.core.dates import parse_iso
from pcnhub.register.exports import NETWORK_COLUMNS, write_rows
from pcnhub.register.queries import networks_on


class Command(BaseCommand):
    help = "List the networks open on a date with their members and populations."
    # A data command: Django's system checks (which import every URL and the API)
    # add nothing here; `pcnhub check --deploy` and runserver still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-at", type=parse_iso, required=True)
        parser.add_argument("--commissioner", default=None)
        parser.add_argument(
            "--lists-at",
            type=parse_iso,
            default=None,
            help="take list sizes as at this date (default: --as-at)",
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        add_user(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_of(options)
        if user is not None and options["commissioner"]:
            require_sees(user, options["commissioner"], "--commissioner")
        rows = networks_on(
            options["as_at"], options["commissioner"], options["lists_at"]
        )
        if user is not None:
            rows = visible_rows(user, rows, "pcn_code", "commissioner_code")
        write_rows(self.stdout, rows, NETWORK_COLUMNS, options["format"])
        short = sum(1 for r in rows if r.members_without_weighted)
        if short:
            print(
                f"note: {short} of {len(rows)} networks have members with no weighted "
                "list on that date; their weighted_population counts only the others",
                file=sys.stderr,
            )

"""``pcnhub uncovered --as-at DATE [--commissioner CODE] --format csv|json``

With ``--user USERNAME``, only the practices that user may see (by practice or
commissioner, as on /uncovered/), and a ``--commissioner`` outside their roles is
refused; without it, every practice (the server operator has full access).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pcnhub.access.checks import visible_rows
from pcnhub.access.cli import add_user, require_sees, user_of
from pcnhub.core.dates import parse_iso
from pcnhub.register.exports import UNCOVERED_COLUMNS, write_rows
from pcnhub.register.queries import uncovered_on


class Command(BaseCommand):
    help = "List open GP practices that are in no network on a date."
    # A data command: Django's system checks (which import every URL and the API)
    # add nothing here; `pcnhub check --deploy` and runserver still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-at", type=parse_iso, required=True)
        parser.add_argument("--commissioner", default=None)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        add_user(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_of(options)
        if user is not None and options["commissioner"]:
            require_sees(user, options["commissioner"], "--commissioner")
        rows = uncovered_on(options["as_at"], options["commissioner"])
        if user is not None:
            rows = visible_rows(user, rows, "practice_code", "commissioner_code")
        write_rows(self.stdout, rows, UNCOVERED_COLUMNS, options["format"])

"""``pcnhub uncovered --as-at DATE [--commissioner CODE] --format csv|json``"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pcnhub.core.dates import parse_iso
from pcnhub.register.exports import UNCOVERED_COLUMNS, write_rows
from pcnhub.register.queries import uncovered_on


class Command(BaseCommand):
    help = "List open GP practices that are in no network on a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-at", type=parse_iso, required=True)
        parser.add_argument("--commissioner", default=None)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = uncovered_on(options["as_at"], options["commissioner"])
        write_rows(self.stdout, rows, UNCOVERED_COLUMNS, options["format"])

"""``pcnhub workforce --as-at DATE [--pcn C | --commissioner C] --format csv|json``"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcnhub.core.dates import parse_iso
from pcnhub.register.exports import write_records
from pcnhub.workforce.models import FTE_PLACES
from pcnhub.workforce.queries import (
    COLUMNS,
    NoCensus,
    overseen_by,
    workforce_on,
)


class Command(BaseCommand):
    help = (
        "Staff and FTE by network and role, from the latest PCN workforce census "
        "on or before a date."
    )
    # A data command: no system checks (see pcnhub.cli).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-at", type=parse_iso, required=True)
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--pcn", default=None, help="one network, by code")
        which.add_argument(
            "--commissioner",
            default=None,
            help="the networks the register says this commissioner oversees then",
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        day = options["as_at"]
        networks = None
        if options["commissioner"]:
            networks = overseen_by(options["commissioner"].strip().upper(), day)
        pcn = options["pcn"].strip().upper() if options["pcn"] else None
        try:
            rows = workforce_on(day, pcn=pcn, networks=networks)
        except NoCensus as exc:
            raise CommandError(str(exc)) from None
        records = [
            {
                "pcn_code": r.pcn_code,
                "staff_role": r.staff_role,
                "detailed_staff_role": r.detailed_staff_role,
                "staff": r.staff,
                # Exact, to the census's 9 decimal places, in JSON too.
                "fte": f"{r.fte:.{FTE_PLACES}f}",
                "census_date": r.census_date.isoformat(),
            }
            for r in rows
        ]
        write_records(self.stdout, records, COLUMNS, options["format"])
        if networks is not None and not networks:
            self.stderr.write(
                f"note: the register names no networks overseen by "
                f"{options['commissioner']} on {day}"
            )
        elif not rows:
            self.stderr.write("note: the census names no staff for these networks")

"""``pcnhub arrs --year Y [--commissioner C | --pcn C] --format csv|json``"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcnhub.register.exports import write_records
from pcnhub.rules.periods import ContractYear
from pcnhub.workforce.utilisation import COLUMNS, arrs_utilisation


def contract_year(text: str) -> ContractYear:
    try:
        return ContractYear.parse(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = (
        "ARRS per network for a contract year: arrs_sum (the ARRS sum, with the "
        "GP ARRS sum, from the network's entitlements), claimed (pcnhub's monthly "
        "claims, adjustments included), paid (the PCN Workforce column of the "
        "year's NHS Payments to General Practice file, summed over the practices "
        "naming the network; blank when none is imported). spent = paid where "
        "there is a paid figure, else claimed; headroom = arrs_sum - spent; "
        "utilisation = spent / arrs_sum as a percentage to 1 decimal place "
        "(blank when arrs_sum is blank or 0)."
    )
    # A data command: no system checks (see pcnhub.cli).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--year", type=contract_year, required=True, help="e.g. 2020/21"
        )
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--pcn", default=None, help="one network, by code")
        which.add_argument(
            "--commissioner",
            default=None,
            help="the networks this commissioner oversees in the register that "
            "year, and those the payments file names under it",
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--quiet", action="store_true", help="no progress")

    def handle(self, *args: Any, **options: Any) -> None:
        def say(text: str) -> None:
            if not options["quiet"]:
                self.stderr.write(f"... {text}")

        result = arrs_utilisation(
            options["year"],
            commissioner=_code(options["commissioner"]),
            pcn=_code(options["pcn"]),
            say=say,
        )
        records = [row.as_record() for row in result.rows]
        write_records(self.stdout, records, COLUMNS, options["format"])
        for note in result.notes:
            self.stderr.write(f"note: {note}")
        if not records:
            self.stderr.write("note: no networks for these options")


def _code(text: str | None) -> str | None:
    return text.strip().upper() if text else None

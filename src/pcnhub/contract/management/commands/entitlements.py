"""``pcnhub entitlements [--pcn CODE] --year Y [--known-on DATE] [--local DIR]
[--explain] --format csv|json|xlsx``

``--local DIR`` applies the local variation agreements in DIR instead of those
of the ``PCNHUB_LOCAL_PARAMETERS`` setting (docs/local-variations.md).

``--known-on DATE`` works the year out on the contract parameters as they were
known on that day; a change published later and backdated shows as arrears lines
in the month it was published.

``--user USERNAME`` answers as that user: the network (``--pcn``), commissioner
and what-if practices must be theirs to see, and the whole country needs a
country-wide role. Without it, the server operator sees everything.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcnhub.access.cli import add_user, user_of
from pcnhub.contract import cli, exports
from pcnhub.contract.redaction import for_viewer
from pcnhub.contract.services import NotFound, run_entitlements
from pcnhub.register.exports import write_records
from pcnhub.rules.items import ITEMS
from pcnhub.rules.local import load_variations


class Command(BaseCommand):
    help = (
        "Work out every network's entitlements for a contract year: one row per "
        "network, month and item (and practice, for the participation payment)."
    )
    # A data command: Django's system checks (which import every URL and the API)
    # add nothing here; `pcnhub check --deploy` and runserver still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--pcn", help="one network (ODS code, e.g. U99001)")
        scope.add_argument("--commissioner", help="a commissioner's networks")
        parser.add_argument(
            "--year",
            type=cli.contract_year,
            required=True,
            help="contract year, e.g. 2020/21",
        )
        parser.add_argument(
            "--item",
            action="append",
            choices=[i.id for i in ITEMS],
            help="only these items",
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="show how each figure was worked out: readable text instead of "
            "the CSV table, or a trace with each JSON line",
        )
        cli.add_known_on(parser)
        parser.add_argument(
            "--local",
            type=Path,
            metavar="DIR",
            help="apply the local variation agreements (*.yaml) in DIR to their "
            "commissioners' networks, instead of those of the "
            "PCNHUB_LOCAL_PARAMETERS setting (docs/local-variations.md)",
        )
        parser.add_argument("--format", choices=["csv", "json", "xlsx"], default="csv")
        parser.add_argument("--output", help="write to this file instead of stdout")
        cli.add_facts(parser)
        cli.add_what_if(parser)
        add_user(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        facts = cli.load_facts(options)  # refuses what --user may not see
        try:
            run = run_entitlements(
                options["year"],
                options["pcn"],
                options["commissioner"],
                facts,
                options["register_as_at"],
                cli.edits(options),
                known_on=options["known_on"],
                # --local DIR wins over the PCNHUB_LOCAL_PARAMETERS setting
                local=load_variations(options["local"]) if options["local"] else None,
            )
        except (NotFound, ValueError) as exc:
            raise CommandError(str(exc)) from None
        run = for_viewer(user_of(options), run)
        lines = run.lines
        if options["item"]:
            lines = [x for x in lines if x.item in options["item"]]
        fmt = options["format"]
        with cli.output(options, self.stdout, binary=fmt == "xlsx") as out:
            if fmt == "xlsx":
                exports.write_xlsx(out, run.year, run.networks, lines, run.notes)
            elif options["explain"] and fmt == "csv":
                exports.explain(out, lines)
            else:
                records = (
                    exports.lines_json(lines, options["explain"])
                    if fmt == "json"
                    else [x.row() for x in lines]
                )
                write_records(out, records, exports.LINE_COLUMNS, fmt)
        cli.notes(run.notes)
        total = sum(x.amount for x in lines)
        missing = sum(1 for x in lines if not x.computed)
        provisional = sum(1 for x in lines if x.provisional)
        extra = "".join(
            f", {n} {what}"
            for n, what in ((provisional, "provisional"), (missing, "not computed"))
            if n
        )
        print(
            f"{len(lines)} lines for {len(run.networks)} networks in {run.year}: "
            f"£{total:,} in all{extra}",
            file=sys.stderr,
        )

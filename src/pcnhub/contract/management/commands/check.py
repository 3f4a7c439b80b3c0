"""``pcnhub check [--pcn CODE | --commissioner CODE] --as-at DATE --format csv|json``

This command's name shadows Django's system ``check``: ``pcnhub check --deploy``
(production settings) and ``pcnhub check --system`` run Django's own checks.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.commands.check import Command as SystemCheck

from pcnhub.access.cli import add_user, user_of
from pcnhub.contract import cli, exports
from pcnhub.contract.redaction import for_viewer
from pcnhub.contract.services import NotFound, run_checks
from pcnhub.core.dates import parse_iso
from pcnhub.register.exports import write_records
from pcnhub.rules.checks import OUTCOMES, lists_note


class Command(BaseCommand):
    help = (
        "Check networks against the Network Contract DES requirements on a date: "
        "one row per finding. With --deploy or --system, Django's system checks "
        "instead (pcnhub check --system --help)."
    )
    # A data command: Django's system checks (which import every URL and the API)
    # add nothing here; `pcnhub check --deploy` and runserver still run them.
    requires_system_checks: list[str] = []

    def run_from_argv(self, argv: list[str]) -> None:
        if "--deploy" in argv or "--system" in argv:
            SystemCheck().run_from_argv([arg for arg in argv if arg != "--system"])
            return
        super().run_from_argv(argv)

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--pcn", help="one network (ODS code, e.g. U99001)")
        scope.add_argument("--commissioner", help="a commissioner's networks and area")
        parser.add_argument("--as-at", type=parse_iso, required=True)
        parser.add_argument(
            "--year",
            type=cli.contract_year,
            help="apply another contract year's requirements (what-if)",
        )
        parser.add_argument(
            "--outcome",
            action="append",
            choices=OUTCOMES,
            help="only these outcomes (repeatable; default all)",
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--output", help="write to this file instead of stdout")
        cli.add_facts(parser)
        add_user(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = run_checks(
                options["as_at"],
                options["pcn"],
                options["commissioner"],
                cli.load_facts(options),
                year=options["year"],
            )
        except (NotFound, ValueError) as exc:
            raise CommandError(str(exc)) from None
        run = for_viewer(user_of(options), run)
        findings = run.findings
        if options["outcome"]:
            findings = [f for f in findings if f.outcome in options["outcome"]]
        fmt = options["format"]
        records = (
            exports.findings_json(findings)
            if fmt == "json"
            else [f.row() for f in findings]
        )
        with cli.output(options, self.stdout) as out:
            write_records(out, records, exports.FINDING_COLUMNS, fmt)
        cli.notes(run.notes)
        # Through self.stderr (not print) so that call_command's stderr gets it.
        for line in lists_note(run.findings):
            self.stderr.write(f"note: {line}", style_func=str)
        counts = Counter(f.outcome for f in run.findings)
        summary = ", ".join(f"{counts[o]} {o}" for o in OUTCOMES if counts[o])
        self.stderr.write(
            f"{len(run.findings)} findings on {run.day} ({run.year} requirements): "
            f"{summary or 'none'}",
            style_func=str,
        )

"""``pcnhub claims --pcn C --month YYYY-MM [--generate] [--format csv|xlsx|json]
[--output PATH]``: a network's ARRS claim for a month, generated or as held."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcnhub.audit.services import Actor
from pcnhub.rules.periods import parse_month
from pcnhub.workforce.claim_files import claim_csv, claim_record, claim_xlsx
from pcnhub.workforce.models import MonthlyClaim


class Command(BaseCommand):
    help = (
        "A network's ARRS claim for a month from its staff records: with "
        "--generate, work it out (again) and store it as the month's next "
        "claim; else the month's latest claim. Written as the claims file (CSV or "
        "Excel, one row per post then one per adjustment) or JSON. People are "
        "given by their pseudonymous key."
    )
    # A data command: no system checks (see pcnhub.cli).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pcn", required=True, help="the network, by code")
        parser.add_argument("--month", required=True, help="the month, e.g. 2024-05")
        parser.add_argument(
            "--generate", action="store_true", help="generate the month's claim"
        )
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("--output", type=Path, help="write to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["pcn"].strip().upper()
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        claim = self._claim(code, month, options["generate"])
        self.stderr.write(
            f"{code} {month:%Y-%m}: claim {claim.number}, claimed £{claim.claimed:,}, "
            f"adjustments £{claim.adjusted:,}, at stake £{claim.at_stake:,}, "
            f"{claim.findings} findings"
        )
        for note in claim.notes:
            self.stderr.write(f"note: {note}")
        self._write(claim, options["format"], options["output"])

    def _claim(self, code: str, month: Any, generate: bool) -> MonthlyClaim:
        if generate:
            from pcnhub.workforce.claiming import generate_claim

            try:
                return generate_claim(Actor(system="pcnhub claims"), code, month)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
        claim = MonthlyClaim.latest(code, month)
        if claim is None:
            raise CommandError(
                f"{code} has no ARRS claim for {month:%Y-%m}: add --generate"
            )
        return claim

    def _write(self, claim: MonthlyClaim, fmt: str, output: Path | None) -> None:
        if fmt == "xlsx":
            if output is None:
                raise CommandError("--format xlsx needs --output PATH")
            output.write_bytes(claim_xlsx(claim))
            return
        if fmt == "csv":
            text = claim_csv(claim)
        else:
            text = json.dumps(claim_record(claim), default=str, indent=1) + "\n"
        if output is not None:
            output.write_text(text, encoding="utf-8", newline="")
        else:
            self.stdout.write(text, ending="")

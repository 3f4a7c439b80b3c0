"""``pcnhub audit verify``: check the audit trail's hash chain."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcnhub.audit.services import verify


class Command(BaseCommand):
    help = "Audit trail tools. 'verify' checks that no entry was changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        if not result.ok:
            raise CommandError(
                f"audit trail broken at entry {result.first_bad_id}: {result.problem} "
                f"({result.checked} entries before it are intact)"
            )
        self.stdout.write(f"audit trail intact: {result.checked} entries checked")

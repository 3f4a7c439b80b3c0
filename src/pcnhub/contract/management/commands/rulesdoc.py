"""``pcnhub rulesdoc [--write [PATH]]``: docs/rules.md from the parameter files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pcnhub.rules.docs import generate


class Command(BaseCommand):
    help = "Print the rules document generated from the parameter files, or --write it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--write",
            nargs="?",
            const="docs/rules.md",
            type=Path,
            metavar="PATH",
            help="write the document (default path: docs/rules.md)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = generate()
        path = options["write"]
        if path is None:
            self.stdout.write(text, ending="")
            return
        path.write_text(text, encoding="utf-8")
        self.stderr.write(f"wrote {path}")

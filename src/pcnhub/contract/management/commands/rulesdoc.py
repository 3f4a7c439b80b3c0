"""``pcnhub rulesdoc [--write [PATH]] [--local DIR]``: docs/rules.md from the
parameter files, with a section on the local variation agreements in DIR (or,
without ``--local``, those of the ``PCNHUB_LOCAL_PARAMETERS`` setting)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcnhub.contract.services import local_variations
from pcnhub.rules.docs import generate
from pcnhub.rules.local import document, load_variations
from pcnhub.rules.params import ParameterError


class Command(BaseCommand):
    help = "Print the rules document generated from the parameter files, or --write it."
    # A data command: Django's system checks (which import every URL and the API)
    # add nothing here; `pcnhub check --deploy` and runserver still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--write",
            nargs="?",
            const="docs/rules.md",
            type=Path,
            metavar="PATH",
            help="write the document (default path: docs/rules.md)",
        )

        parser.add_argument(
            "--local",
            type=Path,
            metavar="DIR",
            help="add a section on the local variation agreements (*.yaml) in DIR "
            "(default: those of the PCNHUB_LOCAL_PARAMETERS setting, if any)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = generate()
        if options["local"]:
            try:
                text += document(load_variations(options["local"]))
            except ParameterError as exc:
                raise CommandError(str(exc)) from None
        elif local_variations():
            text += document(local_variations())
        path = options["write"]
        if path is None:
            self.stdout.write(text, ending="")
            return
        path.write_text(text, encoding="utf-8")
        self.stderr.write(f"wrote {path}")

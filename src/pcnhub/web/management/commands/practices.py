"""``pcnhub practices --as-at DATE [--pcn CODE | --commissioner CODE] [--format F]``

Every practice on the date (open GP practices with patients, and every network
member) with its network (empty when in none), its commissioner (successions
followed; ``commissioner_inferred`` says so), and its registered and weighted
lists: the latest on or before the date, with the date of each.

With ``--user USERNAME``, only the practices that user may see (by practice or
commissioner), and a ``--pcn`` or ``--commissioner`` outside their roles is
refused; without it, every practice (the server operator has full access).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcnhub.access.checks import visible_rows
from pcnhub.access.cli import add_user, require_sees, user_of
from pcnhub.contract.cli import output
from pcnhub.core.dates import parse_iso
from pcnhub.register import queries
from pcnhub.register.exports import PRACTICE_COLUMNS, write_rows
from pcnhub.register.models import OrganisationKind


class Command(BaseCommand):
    help = "List practices on a date with their network, commissioner and lists."
    # A data command: Django's system checks (which import every URL and the API)
    # add nothing here; `pcnhub check --deploy` and runserver still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-at", type=parse_iso, required=True)
        area = parser.add_mutually_exclusive_group()
        area.add_argument("--pcn", default=None, help="one network's members")
        area.add_argument("--commissioner", default=None)
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("--output", help="write to this file instead of stdout")
        add_user(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_of(options)
        pcn = _code(options["pcn"], "--pcn", OrganisationKind.NETWORK, user)
        commissioner = _code(
            options["commissioner"],
            "--commissioner",
            OrganisationKind.COMMISSIONER,
            user,
        )
        rows = queries.practices_on(options["as_at"], pcn, commissioner)
        if user is not None:
            rows = visible_rows(user, rows, "practice_code", "commissioner_code")
        with output(options, self.stdout) as out:
            write_rows(out, rows, PRACTICE_COLUMNS, options["format"])
        unlisted = sum(1 for r in rows if r.list_date is None)
        if unlisted:
            # stderr, so that CSV/JSON on stdout stays clean for pipes.
            self.stderr.write(
                f"note: {unlisted} of {len(rows)} practices have no registered list "
                "on or before that date"
            )


def _code(code: str | None, option: str, kind: str, user: Any) -> str | None:
    """The register's code for ``code`` (any case): one ``user`` may see (when
    given), of ``kind``."""
    if not code:
        return None
    org = queries.find_organisation(code)
    if org is None:
        raise CommandError(f"{option} {code}: the register holds no such code")
    if user is not None:
        require_sees(user, org.code, option)
    if org.kind != kind:
        raise CommandError(f"{option} {code}: {org.code} is a {org.kind}, not a {kind}")
    return org.code

"""``pcnhub audit verify``, ``pcnhub audit checkpoint`` and ``pcnhub audit export``.

- ``verify [--expect CHECKPOINT]`` walks the hash chain and exits non-zero naming
  the first entry that does not fit (changed, or following a deleted or replaced
  entry), when an emptied trail sits beside a non-empty register, or when the
  trail does not extend the checkpoint; it prints the current checkpoint
  (``HEAD:COUNT``) to keep elsewhere, and notices of users renamed since;
- ``checkpoint`` verifies, then prints the checkpoint signed with the
  ``SECRET_KEY`` (``HEAD:COUNT:SIGNATURE``), which ``verify --expect`` accepts;
- ``export [--organisation CODE] [--user USERNAME] [--output FILE]`` writes the
  trail as CSV (the page's columns); with ``--user``, only what that user may
  see on the page, and an error if they may not see the trail at all.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pcnhub.access import trail as access_trail
from pcnhub.access.cli import account
from pcnhub.audit import checkpoints, trail
from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import VerifyResult, verify
from pcnhub.core.dates import parse_iso


class Command(BaseCommand):
    help = (
        "Audit trail tools. 'verify' checks that no entry was changed or removed; "
        "'checkpoint' prints a signed checkpoint; 'export' writes the trail as CSV."
    )
    # A data command: Django's system checks (which import every URL and the API)
    # add nothing here; `pcnhub check --deploy` and runserver still run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        check = actions.add_parser(
            "verify",
            help="check the hash chain; exit 1 naming the first bad entry",
        )
        check.add_argument(
            "--expect",
            default="",
            metavar="HEAD:COUNT",
            help="a checkpoint printed earlier: fail unless the trail still holds "
            "that head at that position (entries removed from the end, emptied)",
        )
        actions.add_parser(
            "checkpoint",
            help="verify, then print the checkpoint signed with the SECRET_KEY",
        )
        export = actions.add_parser(
            "export", help="write the trail (or part of it) as CSV"
        )
        export.add_argument(
            "--organisation", default="", help="only entries concerning this ODS code"
        )
        export.add_argument(
            "--user",
            default="",
            help="only what this user may see on the audit page (refused if nothing)",
        )
        export.add_argument("--entity-type", default="", help="only this entity type")
        export.add_argument("--action", dest="entry_action", default="")
        export.add_argument("--who", default="", help="only entries by this username")
        export.add_argument("--from", dest="date_from", type=parse_iso, default=None)
        export.add_argument("--to", dest="date_to", type=parse_iso, default=None)
        export.add_argument("--output", help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.export(options)
            return
        if options["action"] == "checkpoint":
            self.stdout.write(checked(verify()).checkpoint.signed())
            return
        self.verify(options["expect"])

    def verify(self, expect: str) -> None:
        try:
            expected = checkpoints.parse(expect) if expect else None
        except checkpoints.BadCheckpoint as exc:
            raise CommandError(f"--expect: {exc}") from None
        result = checked(verify(expected))
        last = AuditEntry.objects.order_by("-id").only("id", "entry_hash").first()
        tail = f"; last entry {last.id}, hash {last.entry_hash}" if last else ""
        self.stdout.write(f"audit trail intact: {result.checked} entries checked{tail}")
        if expected is not None:
            self.stdout.write(f"it extends checkpoint {expected}")
        for notice in result.notices:
            self.stdout.write(f"notice: {notice}")
        self.stdout.write(
            f"checkpoint: {result.checkpoint} (keep it outside the database; "
            "'pcnhub audit verify --expect' it later)"
        )

    def export(self, options: dict[str, Any]) -> None:
        date_from: date | None = options["date_from"]
        date_to: date | None = options["date_to"]
        if date_from and date_to and date_from > date_to:
            raise CommandError("--to must be on or after --from")
        filters = trail.Filters(
            organisation=options["organisation"].strip().upper(),
            entity_type=options["entity_type"].strip(),
            action=options["entry_action"].strip(),
            who=options["who"].strip(),
            date_from=date_from,
            date_to=date_to,
        )
        if options["user"]:
            user = account(options["user"])
            try:
                entries = access_trail.entries(user, filters)
            except PermissionDenied as exc:
                where = f" of {filters.organisation}" if filters.organisation else ""
                raise CommandError(
                    f"user {options['user']!r} may not see the audit trail{where} "
                    f"({exc})"
                ) from None
        else:
            entries = trail.everything(filters)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                count = trail.write_csv(out, entries)
            print(
                f"wrote {count} audit entries to {options['output']}", file=sys.stderr
            )
        else:
            count = 0
            for count, line in enumerate(trail.csv_lines(entries)):  # noqa: B007
                self.stdout.write(line, ending="")
            print(f"{count} audit entries", file=sys.stderr)


def checked(result: VerifyResult) -> VerifyResult:
    """``result`` if the trail is intact; otherwise exit 1 saying what is wrong."""
    if not result.ok:
        raise CommandError(describe_break(result))
    return result


def describe_break(result: VerifyResult) -> str:
    """Which entry is the first that does not fit, and what is wrong with it."""
    bad = result.first_bad_id
    problem = result.problem
    if bad is None:
        return f"audit trail fails verification: {problem}"
    if problem.startswith("does not follow"):
        before = (
            AuditEntry.objects.filter(id__lt=bad).order_by("-id").only("id").first()
        )
        expected = before.id + 1 if before else 1
        if bad > expected:
            absent = (
                f"id {expected} is"
                if bad - expected == 1
                else f"ids {expected} to {bad - 1} are"
            )
            problem += f": the entry it follows is missing ({absent} absent: deleted?)"
        elif before is not None:
            problem += (
                f": entry {before.id} was rewritten, or this entry's link to it changed"
            )
        else:
            problem += ": it should start the chain"
    return (
        f"audit trail broken at entry {bad}: {problem} "
        f"({result.checked} entries before it are intact)"
    )

"""Options shared by the contract commands (check, entitlements, distribution).

``--user USERNAME`` (:mod:`pcnhub.access.cli`) is shared by the register commands
(``networks``, ``uncovered``) too: with it, a command answers as that user would
be answered on the pages and the API (:mod:`pcnhub.access`); without it, it runs
as the server operator, who has full access.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandError, CommandParser

from pcnhub.access.cli import require_sees, roles_of, user_of
from pcnhub.access.permissions import Permission
from pcnhub.contract.facts import FactsError, read_facts
from pcnhub.contract.services import Edits
from pcnhub.core.dates import parse_iso
from pcnhub.core.numbers import parse_decimal
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.snapshot import NetworkFacts


def contract_year(text: str) -> ContractYear:
    return ContractYear.parse(text)


def add_facts(parser: CommandParser) -> None:
    parser.add_argument(
        "--facts",
        type=Path,
        help="network facts CSV (clinical directors, payee, agreements, beds, IIF "
        "points ...; see docs/data-formats.md)",
    )


def add_known_on(parser: CommandParser) -> None:
    parser.add_argument(
        "--known-on",
        type=parse_iso,
        help="the contract parameters as known on this date (YYYY-MM-DD): a later, "
        "backdated change shows as arrears lines in the month it was published "
        "(default: everything pcnhub holds)",
    )


def add_what_if(parser: CommandParser) -> None:
    group = parser.add_argument_group("what-if")
    group.add_argument(
        "--register-as-at",
        type=parse_iso,
        help="freeze the register's members and lists on this date for the whole "
        "year (default: memberships as they change in the year, lists at 1 January "
        "before it)",
    )
    group.add_argument(
        "--add-practice",
        action="append",
        default=[],
        metavar="CODE",
        help="add a practice to --pcn (repeatable)",
    )
    group.add_argument(
        "--remove-practice",
        action="append",
        default=[],
        metavar="CODE",
        help="remove a practice from --pcn (repeatable)",
    )
    group.add_argument(
        "--set-list",
        action="append",
        default=[],
        metavar="CODE:MEASURE=N",
        help="give a member a list size, e.g. Z91001:registered=9000 (repeatable)",
    )


def load_facts(options: dict[str, Any]) -> dict[str, NetworkFacts]:
    """The ``--facts`` file's network facts.

    Every contract command reads its inputs here before it runs, so this is also
    where a ``--user``'s scope is enforced (:func:`limit_to_user`): a command that
    takes ``--user`` (:mod:`pcnhub.access.cli`) is refused before anything is
    worked out.
    """
    limit_to_user(options)
    path = options.get("facts")
    if not path:
        return {}
    try:
        return read_facts(path)
    except FactsError as exc:
        raise CommandError(str(exc)) from None


def edits(options: dict[str, Any]) -> Edits:
    lists = []
    for text in options.get("set_list") or []:
        try:
            code, rest = text.split(":", 1)
            measure, value = rest.split("=", 1)
        except ValueError:
            raise CommandError(
                f"--set-list {text!r}: write CODE:MEASURE=N, "
                "e.g. Z91001:registered=9000"
            ) from None
        try:
            size = parse_decimal(value)
        except ValueError as exc:
            raise CommandError(
                f"--set-list {text[:80]!r}: the list size {exc} "
                "(write CODE:MEASURE=N, e.g. Z91001:registered=9000)"
            ) from None
        lists.append((code.strip().upper(), measure.strip(), size))
    return Edits(
        [c.upper() for c in options.get("add_practice") or []],
        [c.upper() for c in options.get("remove_practice") or []],
        lists,
    )


@contextmanager
def output(options: dict[str, Any], default: IO, binary: bool = False) -> Iterator[IO]:
    """The ``--output`` file (closed afterwards), or ``default``."""
    path = options.get("output")
    if path:
        mode = "wb" if binary else "w"
        encoding = None if binary else "utf-8"
        with open(path, mode, encoding=encoding, newline=None if binary else "") as f:
            yield f
        return
    if binary:
        if sys.stdout.isatty():
            raise CommandError("an Excel workbook needs --output FILE.xlsx")
        yield sys.stdout.buffer
        return
    yield default


def notes(lines: list[str]) -> None:
    for line in lines:
        print(f"note: {line}", file=sys.stderr)


# --- --user: answer as a user of pcnhub would be answered ---------------------------


def limit_to_user(options: dict[str, Any]) -> Any | None:
    """Refuse a contract run the ``--user`` may not see; return the user.

    The networks (``--pcn``), the commissioner (``--commissioner``) and any
    practice a what-if adds, removes or sets a list for must be in the user's
    scope; a run over the whole country needs a country-wide role
    (``register.view_all``). Without ``--user``: None, and nothing is refused.
    """
    user = user_of(options)
    if user is None:
        return None
    for option in ("pcn", "commissioner"):
        if options.get(option):
            require_sees(user, options[option], f"--{option}")
    whole_country = not options.get("pcn") and not options.get("commissioner")
    if whole_country and not user.has_perm(Permission.VIEW_ALL_ORGANISATIONS):
        raise CommandError(
            f"{user.get_username()} may not see every network: give --pcn or "
            f"--commissioner with one of their organisations ({roles_of(user)})"
        )
    what_if = edits(options)
    for option, codes in (
        ("--add-practice", what_if.add),
        ("--remove-practice", what_if.remove),
        ("--set-list", [code for code, _, _ in what_if.lists]),
    ):
        for code in codes:
            require_sees(user, code, option)
    return user

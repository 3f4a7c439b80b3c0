"""The ``pcnhub`` console command.

Subcommands are Django management commands (``pcnhub migrate``,
``pcnhub import``, ``pcnhub networks`` ...). A ``--database URL`` option anywhere
on the line chooses the database for that run, over ``PCNHUB_DATABASE_URL``.
"""

from __future__ import annotations

import os
import sys


def _take_database_option(argv: list[str]) -> tuple[list[str], str | None]:
    rest: list[str] = []
    url: str | None = None
    args = iter(argv)
    for arg in args:
        if arg == "--database":
            url = next(args, None)
            if not url:
                sys.exit(
                    "pcnhub: --database needs a URL, e.g. sqlite:///pcnhub.sqlite3"
                )
        elif arg.startswith("--database="):
            url = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return rest, url


def main(argv: list[str] | None = None) -> None:
    args, url = _take_database_option(list(sys.argv[1:] if argv is None else argv))
    if url:
        os.environ["PCNHUB_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcnhub.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pcnhub", *args])


if __name__ == "__main__":
    main()

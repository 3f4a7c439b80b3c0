"""The ``pcnhub`` console command.

Subcommands are Django management commands (``pcnhub migrate``,
``pcnhub import``, ``pcnhub networks`` ...). A ``--database URL`` option anywhere
on the line chooses the database for that run, over ``PCNHUB_DATABASE_URL``.

Start-up is kept short for the data commands (:data:`DATA_COMMANDS`): they run
no system checks (``requires_system_checks = []``), import heavy modules
(openpyxl, pandas, the API) only when they use them, and leave the ``ninja`` app
out of the settings (``PCNHUB_DATA_COMMAND=1``), which only the API docs page
needs. ``pcnhub check --deploy``, ``migrate`` and ``runserver`` are unchanged.
"""

from __future__ import annotations

import os
import sys

#: pcnhub's own commands that read or write data and serve no pages.
DATA_COMMANDS = frozenset(
    {
        "arrs",
        "audit",
        "claims",
        "demo",
        "distribution",
        "entitlements",
        "import",
        "networks",
        "practices",
        "rulesdoc",
        # serve only starts gunicorn, whose workers load the whole project.
        "serve",
        "uncovered",
        "variability",
        # the worker runs jobs (files, imports) and renders no pages.
        "worker",
        "workforce",
    }
)


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


def _setup_for_data() -> None:
    """Set Django up without the ``ninja`` app, and unset the variable that says
    so at once, so that no process this one starts inherits it."""
    import django

    os.environ["PCNHUB_DATA_COMMAND"] = "1"
    try:
        django.setup()
    finally:
        del os.environ["PCNHUB_DATA_COMMAND"]


def main(argv: list[str] | None = None) -> None:
    args, url = _take_database_option(list(sys.argv[1:] if argv is None else argv))
    if url:
        os.environ["PCNHUB_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcnhub.settings")
    command = args[0] if args else ""
    if command in DATA_COMMANDS or (
        command == "check" and not {"--deploy", "--system"} & set(args)
    ):
        _setup_for_data()
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["pcnhub", *args])
    except BrokenPipeError:
        _reader_left()


def _reader_left() -> None:
    """The reader of our output went away (``pcnhub networks | head``): stop
    quietly, as Unix tools do, with the status a pipe's writer gets (128 + 13)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit would fail
    sys.exit(141)


if __name__ == "__main__":
    main()

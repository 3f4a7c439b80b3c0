"""``pcnhub serve [--bind HOST:PORT] [--workers N] [--timeout S] [--debug]``

Serves the web UI and the API with gunicorn (``pcnhub.wsgi``), the way pcnhub is
meant to run for more than one person at a time (``runserver`` is Django's
single-process development server). The command replaces itself with gunicorn, so
gunicorn's master gets the signals: Ctrl-C or SIGTERM stops it and its workers.

``--database URL`` (before or after ``serve``) chooses the database, as for every
``pcnhub`` command. Debug is off unless ``--debug`` is given: a served pcnhub never
shows a traceback. Static files are served by whitenoise from the same workers.

The workers share the pages they keep (:mod:`pcnhub.web.page_cache`) through files
in a private folder (``PCNHUB_PAGE_CACHE``, default ``pcnhub-pages-<uid>`` in the
temporary directory), so a page worked out by one worker is kept for them all.
``--page-cache memory`` keeps them in each worker; ``--page-cache off`` keeps none.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

DEFAULT_BIND = "127.0.0.1:8000"
#: gunicorn's own default: a request that takes longer is answered by restarting
#: its worker.
DEFAULT_TIMEOUT = 30


def default_workers() -> int:
    """gunicorn's recommendation: two per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def gunicorn_argv(bind: str, workers: int, timeout: int, access_log: bool) -> list[str]:
    """The gunicorn command line ``serve`` runs (with this Python)."""
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "pcnhub.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        "10",
        "--error-logfile",
        "-",
    ]
    if access_log:
        argv += ["--access-logfile", "-"]
    return argv


def page_cache_folder() -> Path:
    """This user's private folder for kept pages; refused if someone else owns it."""
    folder = Path(tempfile.gettempdir()) / f"pcnhub-pages-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    held = folder.lstat()
    if folder.is_symlink() or held.st_uid != os.getuid() or held.st_mode & 0o077:
        raise CommandError(
            f"{folder} is not a folder only you can read: remove it, or give "
            "--page-cache a folder of your own"
        )
    return folder


def page_cache_setting(choice: str) -> str:
    """``PCNHUB_PAGE_CACHE`` for the workers (see pcnhub.settings.pages_cache)."""
    if choice == "files":
        return str(page_cache_folder())
    if choice == "memory":
        return ""
    return choice  # "off", or a folder


class Command(BaseCommand):
    help = "Serve the web UI and the API with gunicorn (pcnhub.wsgi)."
    # This process only starts gunicorn, whose workers load the whole project;
    # Django's system checks run in `pcnhub check --deploy`.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default=DEFAULT_BIND,
            metavar="HOST:PORT",
            help=f"address to listen on (default {DEFAULT_BIND}; 0.0.0.0:8000 for "
            "every interface, behind a proxy that terminates TLS)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="worker processes, each serving one request at a time (default "
            f"2 x cores + 1, here {default_workers()})",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=DEFAULT_TIMEOUT,
            help="seconds a request may take before its worker is restarted "
            f"(default {DEFAULT_TIMEOUT})",
        )
        parser.add_argument(
            "--access-log",
            action="store_true",
            help="log every request to stdout",
        )
        parser.add_argument(
            "--page-cache",
            default=os.environ.get("PCNHUB_PAGE_CACHE") or "files",
            metavar="files|memory|off|FOLDER",
            help="where workers keep each user's pages per register version "
            "(default: files in a private temporary folder, shared by the workers)",
        )
        parser.add_argument(
            "--debug",
            action="store_true",
            help="Django's debug mode (tracebacks on errors): never for real use",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers: at least 1")
        if options["timeout"] < 1:
            raise CommandError("--timeout: at least 1 second")
        os.environ["PCNHUB_DEBUG"] = "1" if options["debug"] else "0"
        os.environ["PCNHUB_PAGE_CACHE"] = page_cache_setting(options["page_cache"])
        argv = gunicorn_argv(
            options["bind"],
            options["workers"],
            options["timeout"],
            options["access_log"],
        )
        self.stderr.write(
            f"pcnhub serve: {options['workers']} workers on http://{options['bind']}/"
        )
        self.stderr.flush()
        sys.stdout.flush()
        os.execv(argv[0], argv)

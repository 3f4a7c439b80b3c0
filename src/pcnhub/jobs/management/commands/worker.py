"""``pcnhub worker``: run the queued jobs (national exports, national entitlement
files, uploaded imports) until stopped.

It wraps django-tasks' database worker (``db_worker``, whose loop claims and
runs the tasks) with what that worker does not do: it registers itself and
writes a heartbeat, queues again the jobs of workers that stopped under them
(when it starts, then every minute), and deletes results past their time
(:mod:`pcnhub.jobs.recovery`). Stop it with SIGTERM or Ctrl+C: it finishes the
job it is running first (a second signal stops it at once; the job is then
queued again by the next worker to start).
"""

from __future__ import annotations

import argparse
import logging
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from pcnhub.jobs import recovery, tasks
from pcnhub.jobs.models import JobWorker

#: The signals db_worker's loop answers by stopping after the current task.
STOPPING = [
    getattr(signal, name)
    for name in ("SIGINT", "SIGTERM", "SIGQUIT")
    if hasattr(signal, name)
]


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 <= value < 10**6:
        raise argparse.ArgumentTypeError("give a number of seconds")
    return value


class Command(BaseCommand):
    help = (
        "Run pcnhub's background jobs (until stopped, or with --batch until none wait)."
    )
    # A data command: the system checks add nothing to a worker's start.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=_seconds,
            default=1.0,
            help="seconds between looks at the queue when it is empty (default 1)",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="run the jobs waiting now, then stop",
        )
        parser.add_argument(
            "--stale-after",
            type=_seconds,
            default=None,
            help="a worker on another machine silent this long (seconds) is "
            "taken as gone and its job queued again (default "
            "PCNHUB_JOB_STALE_SECONDS, 600)",
        )
        parser.add_argument(
            "--heartbeat",
            type=_seconds,
            default=2.0,
            help="seconds between heartbeats and progress updates (default 2)",
        )
        parser.add_argument(
            "--maintain-every",
            type=_seconds,
            default=60.0,
            help="seconds between looks for lost jobs and expired files (default 60)",
        )
        parser.add_argument("--worker-id", default="", help=argparse.SUPPRESS)
        # Tests only: pause after each step of a job, so that a test can stop
        # the worker half-way through one.
        parser.add_argument(
            "--step-delay", type=_seconds, default=0.0, help=argparse.SUPPRESS
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._logging(options["verbosity"])
        worker_id = options["worker_id"] or get_random_string(32)
        stale_after = options["stale_after"]
        recovery.register(worker_id)
        # An in-memory database (the test process) has no second connection
        # to share it, so there each job writes its own progress.
        threaded = not (connection.vendor == "sqlite" and connection.is_in_memory_db())
        runtime = tasks.WorkerRuntime(
            worker_id, threaded=threaded, step_delay=options["step_delay"]
        )
        tasks.RUNTIME = runtime
        recovery.maintain(worker_id, stale_after)
        heartbeat = recovery.Heartbeat(
            runtime,
            every=options["heartbeat"],
            maintain_every=options["maintain_every"],
            stale_after=recovery.stale_seconds()
            if stale_after is None
            else stale_after,
        )
        if threaded:
            heartbeat.start()
        worker = Worker(
            queue_names=["default"],
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        handlers = {sig: signal.getsignal(sig) for sig in STOPPING}
        worker.configure_signals()
        try:
            worker.run()
        finally:
            # As they were (not the defaults): a worker run inside another program.
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            heartbeat.stopping.set()
            if heartbeat.is_alive():
                heartbeat.join(timeout=10)
            tasks.RUNTIME = None
            JobWorker.objects.filter(worker_id=worker_id).update(
                stopped_at=timezone.now()
            )

    def _logging(self, verbosity: int) -> None:
        level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbosity, 2)]
        for name in ("pcnhub.jobs", "django_tasks_db", "django_tasks"):
            log = logging.getLogger(name)
            log.setLevel(level)
            if not log.handlers:
                log.addHandler(logging.StreamHandler(self.stderr))

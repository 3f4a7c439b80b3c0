"""Workers that stopped under their jobs, and the jobs' expiry.

django-tasks' database backend marks a task RUNNING when a worker claims it
and never looks at it again: a worker killed mid-job (SIGKILL, a power cut, the
out-of-memory killer) leaves its task RUNNING for ever and the job with it.
So each ``pcnhub worker`` registers itself (:class:`JobWorker`: its id, its
machine, its process id) and writes a heartbeat every few seconds; and every
worker, when it starts and then every minute, looks for running tasks whose
worker is gone and queues their jobs again (:func:`recover`).

A worker is gone when it said it stopped, when it ran on this machine (the same
host name and process namespace) and its process no longer exists, or when its
heartbeat is older than ``stale_after`` (a worker on another machine; the
default is long, since on SQLite a long import's write holds the database and
no heartbeat can be written until it ends). A job whose worker is gone is
queued again (a new task; the old one marked failed, as the library would have
had the worker lived to say so), up to three starts in all.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from functools import cache

from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from pcnhub.jobs import services, states
from pcnhub.jobs.config import configured
from pcnhub.jobs.models import Job, JobState, JobWorker
from pcnhub.jobs.tasks import WorkerRuntime

logger = logging.getLogger("pcnhub.jobs")

#: A heartbeat older than this (seconds, ``PCNHUB_JOB_STALE_SECONDS``) means its
#: worker is gone.
STALE_SECONDS = 600


class WorkerLost(Exception):
    """Recorded on a task whose worker stopped while running it."""


def stale_seconds() -> float:
    return float(configured("PCNHUB_JOB_STALE_SECONDS", str(STALE_SECONDS)))


@cache
def this_host() -> str:
    """This machine, and this process namespace: two containers may share a
    host name, but not a namespace, and a process id means something only
    within its own."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()} {namespace}".strip()[:255]


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    return True


def register(worker_id: str) -> JobWorker:
    now = timezone.now()
    return JobWorker.objects.create(
        worker_id=worker_id,
        host=this_host(),
        pid=os.getpid(),
        started_at=now,
        heartbeat_at=now,
    )


def gone(worker: JobWorker, now: datetime, stale_after: float) -> str:
    """Why ``worker`` is gone ("" while it may still be running)."""
    if worker.stopped_at is not None:
        return f"worker {worker.worker_id} stopped"
    if worker.host == this_host() and not process_exists(worker.pid):
        return f"worker {worker.worker_id} (process {worker.pid}) is no longer running"
    if worker.heartbeat_at < now - timedelta(seconds=stale_after):
        return (
            f"worker {worker.worker_id} on {worker.host.split(' ')[0]} has not "
            f"been heard from since {timezone.localtime(worker.heartbeat_at):%H:%M:%S}"
        )
    return ""


def _why_lost(
    job: Job, task: DBTaskResult, me: str, now: datetime, stale: float
) -> str:
    last = task.worker_ids[-1] if task.worker_ids else ""
    if last == me:
        return ""
    worker = JobWorker.objects.filter(worker_id=last).first()
    if worker is not None:
        return gone(worker, now, stale)
    # A worker pcnhub does not know (django-tasks' own db_worker): its job's
    # heartbeat, or when the task started, is all there is to go on.
    seen = job.heartbeat_at or task.started_at or task.enqueued_at
    if seen < now - timedelta(seconds=stale):
        return f"worker {last or '(unknown)'} has not been heard from"
    return ""


def recover(me: str, stale_after: float | None = None) -> list[int]:
    """Queue again every job whose task's worker is gone; their ids."""
    stale = stale_seconds() if stale_after is None else stale_after
    now = timezone.now()
    recovered = []
    for job in Job.objects.filter(state__in=(JobState.QUEUED, JobState.RUNNING)):
        task = DBTaskResult.objects.filter(id=job.current_task_id or None).first()
        if task is None or task.status != TaskResultStatus.RUNNING:
            continue
        why = _why_lost(job, task, me, now, stale)
        if why and _requeue(job.pk, task.pk, why):
            recovered.append(job.pk)
    return recovered


def _requeue(job_id: int, task_id: object, why: str) -> bool:
    with exclusive_transaction(Job.objects.db):
        # Again, inside the lock: another worker may have just done it.
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        task = DBTaskResult.objects.select_for_update().filter(pk=task_id).first()
        if job is None or job.finished or task is None:
            return False
        if (
            job.current_task_id != str(task.pk)
            or task.status != TaskResultStatus.RUNNING
        ):
            return False
        task.set_failed(WorkerLost(why))
        services.requeue(job, why)
    logger.warning("job %s queued again: %s", job_id, why)
    return True


def maintain(me: str, stale_after: float | None = None) -> None:
    """Recovery, then expiry: results past their time, old task rows and workers."""
    recover(me, stale_after)
    now = timezone.now()
    deleted = services.delete_expired(now)
    if deleted:
        logger.info("deleted the files of %d expired jobs", deleted)
    kept = now - timedelta(days=states.keep_days())
    DBTaskResult.objects.finished().filter(finished_at__lte=kept).delete()
    JobWorker.objects.filter(heartbeat_at__lte=kept).exclude(worker_id=me).delete()


class Heartbeat(threading.Thread):
    """Every ``every`` seconds: the worker's heartbeat and its job's progress;
    every ``maintain_every``: :func:`maintain`. Its own database connection."""

    def __init__(
        self,
        runtime: WorkerRuntime,
        every: float,
        maintain_every: float,
        stale_after: float,
    ) -> None:
        super().__init__(name="pcnhub-worker-heartbeat", daemon=True)
        self.runtime = runtime
        self.every = every
        self.maintain_every = maintain_every
        self.stale_after = stale_after
        self.stopping = threading.Event()

    def run(self) -> None:
        since_maintained = 0.0
        try:
            while not self.stopping.wait(self.every):
                self._safely(self.beat)
                since_maintained += self.every
                if since_maintained >= self.maintain_every:
                    since_maintained = 0.0
                    self._safely(
                        lambda: maintain(self.runtime.worker_id, self.stale_after)
                    )
        finally:
            connection.close()

    def beat(self) -> None:
        now = timezone.now()
        JobWorker.objects.filter(worker_id=self.runtime.worker_id).update(
            heartbeat_at=now
        )
        reporter = self.runtime.reporter
        if reporter is not None:
            reporter.flush()
            Job.objects.filter(pk=reporter.job_id, state=JobState.RUNNING).update(
                heartbeat_at=now
            )

    def _safely(self, work: object) -> None:
        try:
            work()  # type: ignore[operator]
        except DatabaseError:
            # SQLite held by the job's long write, or the database away for a
            # moment: the next beat tries again.
            logger.debug("heartbeat skipped", exc_info=True)

"""The one task on django-tasks' queue: run a job.

A job is *idempotent*: started again after its worker stopped, it begins from
the start (what a killed attempt left half-written is deleted first) and
writes its result under the same name, renamed into place only when complete.
A task that finds its job finished, or queued again under a newer task, does
nothing: a job runs once per queuing, whatever the queue delivers twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django_tasks import TaskContext, task

from pcnhub.jobs import files, states
from pcnhub.jobs.kinds import KINDS, JobFailed
from pcnhub.jobs.models import Job, JobState
from pcnhub.jobs.progress import Reporter

logger = logging.getLogger("pcnhub.jobs")


@dataclass
class WorkerRuntime:
    """What ``pcnhub worker`` tells the jobs it runs (absent: run by anything else)."""

    worker_id: str
    #: the heartbeat thread flushes progress (False: each job flushes its own)
    threaded: bool
    step_delay: float = 0.0
    #: the job running now, for the heartbeat thread
    reporter: Reporter | None = None


#: Set by ``pcnhub worker`` for its process.
RUNTIME: WorkerRuntime | None = None


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> str:
    """Run job ``job_id``; the job's new state (or why it was left alone)."""
    task_id = str(context.task_result.id)
    worker_ids = context.task_result.worker_ids
    worker_id = RUNTIME.worker_id if RUNTIME else (worker_ids[-1] if worker_ids else "")
    return execute(job_id, task_id, worker_id)


def execute(job_id: int, task_id: str, worker_id: str) -> str:
    job = Job.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.finished or job.current_task_id != task_id:
        return "skipped"
    files.remove_partials(job.pk)
    states.mark_running(job, worker_id)
    runtime = RUNTIME
    reporter = Reporter(
        job.pk,
        inline=not (runtime and runtime.threaded),
        step_delay=runtime.step_delay if runtime else 0.0,
    )
    if runtime:
        runtime.reporter = reporter
    try:
        output = KINDS[job.kind].run(job, reporter)
    except JobFailed as failed:
        states.mark_failed(job, str(failed))
        return JobState.FAILED
    except Exception as exc:
        logger.exception("job %s failed unexpectedly", job.pk)
        states.mark_failed(
            job,
            f"The job stopped on an unexpected error ({type(exc).__name__}); "
            "the worker's log has the details.",
        )
        raise
    finally:
        if runtime:
            runtime.reporter = None
    reporter.flush()
    states.mark_succeeded(job, output)
    return JobState.SUCCEEDED

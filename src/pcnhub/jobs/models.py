"""Long jobs: what was asked, by whom, how far it has got and where its file is.

A :class:`Job` is pcnhub's own record of one piece of long work (a national
export, a national entitlements file, an uploaded import). The queue itself is
django-tasks' database backend (``django_tasks_db``): each attempt at a job is
one task result there, whose id the job keeps (``task_ids``). A
:class:`JobWorker` is one ``pcnhub worker`` process, with the heartbeat that
tells the others whether it is still alive (:mod:`pcnhub.jobs.recovery`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class JobKind(models.TextChoices):
    ENTITLEMENTS = "entitlements", "National entitlements file"
    NETWORKS = "networks", "National register export (networks)"
    IMPORT = "import", "Import of an uploaded file"


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Done"
    FAILED = "failed", "Failed"


FINISHED = (JobState.SUCCEEDED, JobState.FAILED)


class Job(models.Model):
    """One long job and its outcome."""

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    #: the kind's parameters, as validated when the job was started
    parameters = models.JSONField(default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs"
    )
    #: whose data the job covers: an organisation code, or "England"
    scope = models.CharField(max_length=40)
    state = models.CharField(
        max_length=10, choices=JobState.choices, default=JobState.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: the last sign of life from the worker running the job
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    #: the worker (JobWorker.worker_id) running or last running the job
    worker_id = models.CharField(max_length=64, blank=True)
    #: how many times a worker has started the job
    attempts = models.PositiveIntegerField(default=0)
    #: django-tasks result ids, one per time the job was queued, oldest first
    task_ids = models.JSONField(default=list)
    #: the result, relative to the job files directory (empty: none, or deleted)
    result_path = models.CharField(max_length=300, blank=True)
    #: the name the file downloads as
    result_name = models.CharField(max_length=200, blank=True)
    result_size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    #: when the result is deleted (the worker's cleanup)
    expires_at = models.DateTimeField(null=True, blank=True)
    #: when the cleanup deleted the result
    expired_at = models.DateTimeField(null=True, blank=True)
    #: what went wrong (for an import: every problem with file, row and column)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.kind}, {self.state})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def current_task_id(self) -> str:
        return self.task_ids[-1] if self.task_ids else ""

    @property
    def percent(self) -> int:
        if self.state == JobState.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)


class JobWorker(models.Model):
    """One ``pcnhub worker`` process: where it runs and when it last said so."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField()
    #: set when it stopped cleanly (a killed worker never sets it)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} (pid {self.pid} on {self.host})"

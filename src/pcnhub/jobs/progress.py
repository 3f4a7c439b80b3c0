"""How far a running job has got, and who writes it down.

A job's steps tell its :class:`Reporter` as they go. The reporter keeps the
figures in memory; they reach the job's row when it is *flushed*. In
``pcnhub worker`` the heartbeat thread flushes every second over its own
database connection: an import writes the register in one long transaction,
and progress written inside it would be seen by nobody until it ended (and
lost with it if it failed). Without that thread (a job run in the test process,
or by django-tasks' plain ``db_worker``) the reporter flushes itself, at most
once a second and when the percentage moves.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import OperationalError
from django.utils import timezone

from pcnhub.jobs.models import Job, JobState

#: Flush no more often than this (seconds) when flushing inline.
FLUSH_EVERY = 1.0


@dataclass
class Figures:
    done: int = 0
    total: int = 0
    message: str = ""


class Reporter:
    """One running job's progress. ``inline``: flush from the job's own thread.
    ``step_delay`` (tests only, ``pcnhub worker --step-delay``): pause after
    each step, so that a test can stop the worker half-way."""

    def __init__(self, job_id: int, *, inline: bool, step_delay: float = 0.0):
        self.job_id = job_id
        self.inline = inline
        self.step_delay = step_delay
        self._figures = Figures()
        self._lock = threading.Lock()
        self._written: Figures | None = None
        self._written_at = 0.0

    def stage(self, done: int, total: int, message: str) -> None:
        """Say where the job is: ``done`` of ``total`` steps, doing ``message``."""
        with self._lock:
            self._figures = Figures(done, total, message[:300])
        self._after_step()

    def advance(self, steps: int = 1) -> None:
        with self._lock:
            self._figures.done = min(
                self._figures.done + steps, self._figures.total or steps
            )
        self._after_step()

    def iterate(self, items: Iterable[Any], label: str, total: int) -> Iterator[Any]:
        """The importers' progress hook (``progress(items, label, total)``)."""
        self.stage(0, total, label)
        for item in items:
            yield item
            self.advance()

    def _after_step(self) -> None:
        if self.inline:
            self.flush(throttled=True)
        if self.step_delay:
            time.sleep(self.step_delay)

    def flush(self, throttled: bool = False) -> None:
        """Write the figures to the job (a running job only), if they changed."""
        with self._lock:
            figures = Figures(**vars(self._figures))
        if figures == self._written:
            return
        if throttled and not self._worth_writing(figures):
            return
        try:
            Job.objects.filter(pk=self.job_id, state=JobState.RUNNING).update(
                progress_done=figures.done,
                progress_total=figures.total,
                message=figures.message,
                heartbeat_at=timezone.now(),
            )
        except OperationalError:
            # SQLite busy with the job's own long write: the next flush tries again.
            return
        self._written = figures
        self._written_at = time.monotonic()

    def _worth_writing(self, figures: Figures) -> bool:
        if self._written is None or figures.message != self._written.message:
            return True
        if time.monotonic() - self._written_at >= FLUSH_EVERY:
            return True
        return _percent(figures) != _percent(self._written)


def _percent(figures: Figures) -> int:
    return figures.done * 100 // figures.total if figures.total else 0

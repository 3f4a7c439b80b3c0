"""Jobs: started with a permission check, run by the queue, their state, file,
audit entries, expiry and recovery from a worker that stopped."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pcnhub.audit.models import AuditEntry
from pcnhub.jobs import files, recovery
from pcnhub.jobs.models import Job, JobState, JobWorker
from pcnhub.jobs.services import MAX_ATTEMPTS, delete_expired, start_job
from pcnhub.register.exports import NETWORK_COLUMNS, write_rows
from pcnhub.register.queries import networks_on
from tests.jobs.conftest import run_queued

pytestmark = pytest.mark.django_db
DAY = date(2022, 6, 1)


def _networks_csv(day: date) -> str:
    out = io.StringIO()
    write_rows(out, networks_on(day), NETWORK_COLUMNS, "csv")
    return out.getvalue()


def _actions(job: Job) -> list[str]:
    return list(
        AuditEntry.objects.filter(entity_type="job", entity_key=str(job.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_a_national_export_is_queued_then_run_and_its_file_kept(
    people: dict[str, Any], job_files: Path
) -> None:
    job = start_job(people["national"], "networks", {"as_at": DAY.isoformat()})
    assert job.state == JobState.QUEUED
    assert job.scope == "England"
    task = DBTaskResult.objects.get(id=job.current_task_id)
    assert task.status == "READY"
    assert run_queued() == 1
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.attempts == 1
    assert job.worker_id == "test-worker"
    assert job.percent == 100
    path = files.absolute(job.result_path)
    assert path.parent == job_files / str(job.pk)
    assert path.read_text(encoding="utf-8") == _networks_csv(DAY)
    assert job.result_name == "networks-2022-06-01.csv"
    assert job.expires_at - job.finished_at == timedelta(days=7)
    assert _actions(job) == ["job queued", "job started", "job succeeded"]
    assert DBTaskResult.objects.get(id=job.current_task_id).status == "SUCCESSFUL"


def test_the_national_entitlements_file(people: dict[str, Any]) -> None:
    job = start_job(
        people["national"],
        "entitlements",
        {"scope": "nation", "year": "2022/23", "format": "csv"},
    )
    run_queued()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    text = files.absolute(job.result_path).read_text(encoding="utf-8")
    from pcnhub.contract.entitlement_files import entitlement_run, write_csv
    from pcnhub.contract.redaction import for_viewer
    from pcnhub.rules.periods import ContractYear

    expected = io.StringIO()
    run = for_viewer(
        people["national"], entitlement_run(ContractYear(2022), "nation", "")
    )
    write_csv(expected, run.lines)
    assert text == expected.getvalue()
    assert text.count("\n") > 100
    assert job.result_name == "entitlements-england-2022-23.csv"


def test_a_regional_workbook(people: dict[str, Any]) -> None:
    job = start_job(
        people["regional"],
        "entitlements",
        {"scope": "region", "region": "y98", "year": "2022/23", "format": "xlsx"},
    )
    assert job.scope == "Y98"
    run_queued()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error
    assert files.absolute(job.result_path).read_bytes()[:2] == b"PK"
    assert job.result_name == "entitlements-Y98-2022-23.xlsx"
    # The region's audit entries name it, so its people see them in the trail.
    entry = AuditEntry.objects.filter(entity_type="job").first()
    assert list(entry.subjects.values_list("code", flat=True)) == ["Y98"]


@pytest.mark.parametrize(
    ("who", "data"),
    [
        ("regional", {"scope": "nation"}),
        ("commissioner", {"scope": "region", "region": "Y98"}),
        ("manager", {"scope": "nation"}),
        ("regional", {"scope": "region", "region": "Y97"}),
    ],
)
def test_entitlement_jobs_are_refused_as_the_downloads_are(
    people: dict[str, Any], who: str, data: dict[str, str]
) -> None:
    with pytest.raises(PermissionDenied):
        start_job(people[who], "entitlements", data)
    assert not Job.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize("who", ["regional", "commissioner", "manager"])
def test_the_national_export_is_for_national_users(
    people: dict[str, Any], who: str
) -> None:
    with pytest.raises(PermissionDenied):
        start_job(people[who], "networks", {})


def test_bad_parameters_name_their_field(people: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        start_job(
            people["national"],
            "entitlements",
            {"scope": "nation", "year": "1999/00", "format": "pdf"},
        )
    assert set(caught.value.message_dict) == {"year", "format"}
    with pytest.raises(ValidationError) as caught:
        start_job(people["national"], "networks", {"as_at": "2022-13-01"})
    assert "as_at" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        start_job(
            people["regional"], "entitlements", {"scope": "region", "region": "ZZZ"}
        )
    assert caught.value.message_dict == {
        "region": ["ZZZ is not a region in the register."]
    }
    assert not Job.objects.exists()


def test_an_evaluators_file_withholds_personal_data(people: dict[str, Any]) -> None:
    job = start_job(people["evaluator"], "entitlements", {"scope": "nation"})
    run_queued()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED, job.error


def test_a_task_delivered_twice_runs_the_job_once(people: dict[str, Any]) -> None:
    job = start_job(people["national"], "networks", {"as_at": DAY.isoformat()})
    run_queued()
    from pcnhub.jobs.tasks import execute

    assert execute(job.pk, job.current_task_id, "another") == "skipped"
    job.refresh_from_db()
    assert job.attempts == 1


def _stranded(people: dict[str, Any], worker: JobWorker) -> Job:
    """A job whose task ``worker`` claimed and then stopped running."""
    job = start_job(people["national"], "networks", {"as_at": DAY.isoformat()})
    task = DBTaskResult.objects.get(id=job.current_task_id)
    task.claim(worker.worker_id)
    job.state = JobState.RUNNING
    job.attempts = 1
    job.worker_id = worker.worker_id
    job.started_at = job.heartbeat_at = timezone.now()
    job.save()
    partial = files.job_folder(job.pk) / ("networks-2022-06-01.csv" + files.PARTIAL)
    partial.parent.mkdir(parents=True)
    partial.write_text("pcn_code,half a line")
    return job


def _worker(pid: int, *, heartbeat_age: float = 0, host: str = "") -> JobWorker:
    now = timezone.now()
    return JobWorker.objects.create(
        worker_id=f"w{pid}-{heartbeat_age}",
        host=host or recovery.this_host(),
        pid=pid,
        started_at=now - timedelta(hours=1),
        heartbeat_at=now - timedelta(seconds=heartbeat_age),
    )


def test_a_job_whose_worker_process_is_gone_is_queued_again_and_completes(
    people: dict[str, Any],
) -> None:
    dead = _worker(2**22 + 12345)  # above Linux's pid_max default: no such process
    job = _stranded(people, dead)
    old_task = job.current_task_id
    assert recovery.recover("me") == [job.pk]
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    assert len(job.task_ids) == 2
    lost = DBTaskResult.objects.get(id=old_task)
    assert lost.status == "FAILED"
    assert lost.exception_class_path == "pcnhub.jobs.recovery.WorkerLost"
    assert "no longer running" in job.message
    run_queued()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.attempts == 2
    assert files.absolute(job.result_path).read_text() == _networks_csv(DAY)
    assert not list(files.job_folder(job.pk).glob("*" + files.PARTIAL))
    assert _actions(job) == [
        "job queued",
        "job requeued",
        "job started",
        "job succeeded",
    ]


def test_a_live_worker_keeps_its_job(people: dict[str, Any]) -> None:
    import os

    job = _stranded(people, _worker(os.getpid()))
    assert recovery.recover("me") == []
    # Nor is the job of a worker elsewhere taken while it is heard from.
    other = _stranded(people, _worker(1, host="elsewhere", heartbeat_age=30))
    assert recovery.recover("me", stale_after=60) == []
    assert recovery.recover("me", stale_after=10) == [other.pk]
    job.refresh_from_db()
    assert job.state == JobState.RUNNING


def test_a_job_is_given_up_after_its_workers_stop_three_times(
    people: dict[str, Any],
) -> None:
    job = _stranded(people, _worker(2**22 + 1))
    Job.objects.filter(pk=job.pk).update(attempts=MAX_ATTEMPTS)
    recovery.recover("me")
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "given up" in job.error
    assert _actions(job)[-1] == "job failed"


def test_expired_files_are_deleted_and_the_job_kept(
    people: dict[str, Any], job_files: Path
) -> None:
    job = start_job(people["national"], "networks", {"as_at": DAY.isoformat()})
    run_queued()
    job.refresh_from_db()
    assert delete_expired(timezone.now()) == 0
    assert delete_expired(job.expires_at + timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED
    assert job.result_path == "" and job.expired_at is not None
    assert not (job_files / str(job.pk)).exists()
    assert _actions(job)[-1] == "job file deleted"
    assert delete_expired(job.expires_at + timedelta(days=1)) == 0

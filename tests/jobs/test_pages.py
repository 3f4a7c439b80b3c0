"""The jobs pages and API: who sees which jobs, starting jobs from the downloads
page, progress while running, the file when done, the import upload."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pcnhub.jobs.models import Job, JobState
from pcnhub.jobs.services import start_job
from pcnhub.register.models import ImportRun
from tests.jobs.conftest import run_queued

pytestmark = pytest.mark.django_db


def _networks_job(user: Any) -> Job:
    return start_job(user, "networks", {"as_at": "2022-06-01"})


def test_the_downloads_page_offers_to_prepare_national_and_regional_files(
    client_for: Any,
) -> None:
    page = client_for("national").get("/downloads/entitlements/")
    html = page.content.decode()
    assert 'action="/jobs/new/entitlements/"' in html
    assert "Prepare the file" in html
    regional = client_for("regional").get("/downloads/entitlements/").content.decode()
    assert 'action="/jobs/new/entitlements/"' in regional
    prepare = regional.split('id="prepare"')[1]
    assert 'id="job-region"' in prepare
    assert 'value="Y98"' in prepare
    assert 'value="nation"' not in prepare  # England is for national users
    # A commissioner's files are small: downloaded at once, not prepared.
    mine = client_for("commissioner").get("/downloads/entitlements/").content.decode()
    assert "/jobs/new/entitlements/" not in mine


def test_prepare_the_file_starts_a_job_and_its_page_follows_it(
    client_for: Any, people: dict[str, Any]
) -> None:
    client = client_for("national")
    answer = client.post(
        "/jobs/new/entitlements/",
        {"year": "2022/23", "scope": "nation", "format": "csv"},
    )
    job = Job.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/jobs/{job.pk}/"
    queued = client.get(f"/jobs/{job.pk}/").content.decode()
    # It reloads itself only when asked (WCAG 2.2.1), and says how to stop.
    assert "http-equiv" not in queued and "?reload=on" in queued
    reloading = client.get(f"/jobs/{job.pk}/?reload=on").content.decode()
    assert '<meta http-equiv="refresh" content="5">' in reloading
    assert "Stop reloading" in reloading
    assert "Queued" in queued
    # Running, half-way: the percentage in words and in a <progress> bar.
    Job.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, progress_done=1, progress_total=4, message="Writing"
    )
    running = client.get("/jobs/").content.decode()
    assert "25% done (1 of 4): Writing" in running
    assert f'<progress id="progress-{job.pk}" max="100" value="25">' in running
    Job.objects.filter(pk=job.pk).update(state=JobState.QUEUED)
    run_queued()
    done = client.get(f"/jobs/{job.pk}/?reload=on").content.decode()
    assert "http-equiv" not in done
    assert f'href="/jobs/{job.pk}/file/"' in done
    download = client.get(f"/jobs/{job.pk}/file/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="entitlements-england-2022-23.csv"'
    )
    body = b"".join(download.streaming_content).decode()
    assert body.startswith("pcn_code,practice_code,month,item,amount,")


def test_bad_input_names_the_problem(client_for: Any) -> None:
    answer = client_for("national").post(
        "/jobs/new/entitlements/", {"scope": "nation", "year": "1066/67"}
    )
    assert answer.status_code == 400
    assert "pcnhub has no contract rules for 1066/67" in answer.content.decode()
    assert not Job.objects.exists()


def test_refusals(client_for: Any) -> None:
    assert client_for("commissioner").post("/jobs/new/networks/").status_code == 403
    assert (
        client_for("regional")
        .post("/jobs/new/entitlements/", {"scope": "nation"})
        .status_code
        == 403
    )
    assert client_for("national").get("/jobs/import/").status_code == 403
    assert not Job.objects.exists()


def test_a_user_sees_only_their_own_jobs_and_an_administrator_all(
    client_for: Any, people: dict[str, Any]
) -> None:
    ours = _networks_job(people["national"])
    theirs = _networks_job(people["evaluator"])
    run_queued()
    national = client_for("national")
    listing = national.get("/jobs/").content.decode()
    assert f'href="/jobs/{ours.pk}/"' in listing
    assert f'href="/jobs/{theirs.pk}/"' not in listing
    assert national.get(f"/jobs/{theirs.pk}/").status_code == 404
    assert national.get(f"/jobs/{theirs.pk}/file/").status_code == 404
    assert national.get(f"/api/jobs/{theirs.pk}").status_code == 404
    assert national.get(f"/api/jobs/{theirs.pk}/file").status_code == 404
    assert [j["id"] for j in national.get("/api/jobs/").json()] == [ours.pk]
    admin = client_for("admin")
    everyone = admin.get("/jobs/").content.decode()
    assert f'href="/jobs/{theirs.pk}/"' in everyone and "for evaluator" in everyone
    assert admin.get(f"/jobs/{theirs.pk}/file/").status_code == 200
    # Someone with no role gets nothing.
    assert client_for("manager").get("/jobs/").status_code == 200
    assert (
        f"/jobs/{ours.pk}/" not in client_for("manager").get("/jobs/").content.decode()
    )


def test_the_api_starts_a_job_and_reports_it(client_for: Any) -> None:
    client = client_for("national")
    answer = client.post(
        "/api/jobs/",
        json.dumps({"kind": "networks", "as_at": "2022-06-01", "format": "json"}),
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    made = answer.json()
    assert made["state"] == "queued" and made["file_url"] is None
    assert made["parameters"] == {
        "as_at": "2022-06-01",
        "lists_at": "",
        "format": "json",
    }
    run_queued()
    status = client.get(f"/api/jobs/{made['id']}").json()
    assert status["state"] == "succeeded" and status["percent"] == 100
    assert status["file_url"] == f"/api/jobs/{made['id']}/file"
    file = client.get(status["file_url"])
    assert file["Content-Type"] == "application/json"
    rows = json.loads(b"".join(file.streaming_content))
    assert {r["pcn_code"] for r in rows} >= {"U99001"}
    refused = client_for("commissioner").post(
        "/api/jobs/",
        json.dumps({"kind": "networks"}),
        content_type="application/json",
    )
    assert refused.status_code == 403
    invalid = client.post(
        "/api/jobs/",
        json.dumps({"kind": "entitlements", "scope": "nation", "year": "x"}),
        content_type="application/json",
    )
    assert invalid.status_code == 422
    assert "year" in invalid.json()["detail"]


EPRACCUR_BAD = b"Z99999,Not a practice,,,,,,,,,,,,,,,,,,,,,,,,,,\n"


def test_an_administrator_imports_a_file_through_the_page(
    client_for: Any, tmp_path: Any
) -> None:
    from pcnhub.register.demo import write_demo_files

    files = write_demo_files(tmp_path / "files")
    mapping = next(f for f in files if f.kind == "qof-mapping")
    client = client_for("admin")
    form = client.get("/jobs/import/").content.decode()
    assert 'enctype="multipart/form-data"' in form and "epraccur" in form
    answer = client.post(
        "/jobs/import/",
        {
            "import_kind": "qof-mapping",
            "as_at": mapping.as_at.isoformat() if mapping.as_at else "",
            "file": SimpleUploadedFile(mapping.path.name, mapping.path.read_bytes()),
        },
    )
    assert answer.status_code == 302
    runs = ImportRun.objects.count()
    run_queued()
    job = Job.objects.get()
    assert job.state == JobState.SUCCEEDED, job.error
    assert ImportRun.objects.count() == runs + 1
    assert ImportRun.objects.first().actor.username == "admin"
    report = client.get(f"/jobs/{job.pk}/file/")
    assert b"Imported MAPPING_NHS_GEOGRAPHIES_2021.csv as qof-mapping" in b"".join(
        report.streaming_content
    )


def test_a_bad_file_fails_its_job_naming_file_row_and_column(
    client_for: Any,
) -> None:
    client = client_for("admin")
    client.post(
        "/jobs/import/",
        {
            "import_kind": "epraccur",
            "as_at": "2021-04-01",
            "file": SimpleUploadedFile("epraccur-2021-04.csv", EPRACCUR_BAD),
        },
    )
    runs = ImportRun.objects.filter(status="succeeded").count()
    run_queued()
    job = Job.objects.get()
    assert job.state == JobState.FAILED
    assert job.error.startswith(
        "epraccur-2021-04.csv was not imported; nothing was written.\n"
        "epraccur-2021-04.csv, row 1"
    )
    assert ImportRun.objects.filter(status="succeeded").count() == runs
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "What went wrong" in page and "row 1" in page


def test_the_import_form_names_what_is_missing(client_for: Any) -> None:
    answer = client_for("admin").post("/jobs/import/", {"as_at": "soon"})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Choose the kind of file." in html
    assert "Choose the file to import." in html
    assert "expected a date as YYYY-MM-DD" in html
    assert not Job.objects.exists()

"""Tampering the chain alone cannot show: its end cut, emptied, a user renamed.

Each tamper is made as someone with database access would: straight SQL, past
the model's append-only guard.
"""

from __future__ import annotations

import io
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from pcnhub.audit.models import AuditEntry, AuditSubject
from pcnhub.audit.services import Actor
from tests.audit.helpers import csv_of, entry, main_text

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    """``pcnhub audit ARGS``: the exit status the command line gives, and output."""
    out = io.StringIO()
    try:
        call_command("audit", *args, stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()


def checkpoint_printed() -> str:
    status, output = run("verify")
    assert status == 0, output
    found = re.search(r"checkpoint: (\S+)", output)
    assert found, output
    return found.group(1)


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def delete_newest(count: int) -> None:
    newest = list(
        AuditEntry.objects.order_by("-id").values_list("id", flat=True)[:count]
    )
    marks = ", ".join(["%s"] * len(newest))
    sql(
        f"DELETE FROM {AuditSubject._meta.db_table} WHERE entry_id IN ({marks})", newest
    )
    sql(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id IN ({marks})", newest)


def empty_the_trail() -> None:
    sql(f"DELETE FROM {AuditSubject._meta.db_table}")
    sql(f"DELETE FROM {AuditEntry._meta.db_table}")


# The checkpoint ------------------------------------------------------------------


def test_verify_prints_the_checkpoint_head_and_count() -> None:
    made = [entry(f"k{i}") for i in range(4)]
    assert checkpoint_printed() == f"{made[-1].entry_hash}:4"


def test_deleting_the_newest_entries_fails_against_the_checkpoint() -> None:
    for i in range(5):
        entry(f"k{i}", ["U99001"])
    checkpoint = checkpoint_printed()
    delete_newest(2)
    assert run("verify")[0] == 0  # the chain alone cannot show a cut end
    status, output = run("verify", "--expect", checkpoint)
    assert status == 1
    assert "3 entries, fewer than the 5 of checkpoint" in output
    assert "removed from its end" in output


def test_emptying_the_trail_fails_against_the_checkpoint() -> None:
    for i in range(3):
        entry(f"k{i}")
    checkpoint = checkpoint_printed()
    empty_the_trail()
    status, output = run("verify", "--expect", checkpoint)
    assert status == 1
    assert "the trail is empty, but checkpoint" in output


def test_a_cut_and_regrown_trail_fails_against_the_checkpoint() -> None:
    for i in range(4):
        entry(f"k{i}")
    checkpoint = checkpoint_printed()
    delete_newest(2)
    for i in range(3):
        entry(f"new{i}")  # appended properly after the cut: the chain is whole
    assert run("verify")[0] == 0
    status, output = run("verify", "--expect", checkpoint)
    assert status == 1
    assert "entry number 4 (id " in output and "of the trail has hash" in output
    assert checkpoint.split(":")[0] in output


def test_a_trail_grown_since_the_checkpoint_passes() -> None:
    for i in range(3):
        entry(f"k{i}")
    checkpoint = checkpoint_printed()
    for i in range(2):
        entry(f"later{i}")
    status, output = run("verify", "--expect", checkpoint)
    assert status == 0, output
    assert "5 entries checked" in output
    assert f"extends checkpoint {checkpoint}" in output


def test_a_malformed_checkpoint_is_refused_clearly() -> None:
    entry("a")
    status, output = run("verify", "--expect", "abc:12")
    assert status == 1
    assert "must look like HEAD:COUNT" in output and "'abc:12'" in output


def test_a_signed_checkpoint_is_accepted_and_a_forged_one_refused() -> None:
    for i in range(3):
        entry(f"k{i}")
    status, signed = run("checkpoint")
    assert status == 0
    signed = signed.strip()
    head, count, signature = signed.split(":")
    assert (head, count) == (AuditEntry.objects.latest("id").entry_hash, "3")
    assert signature
    assert run("verify", "--expect", signed)[0] == 0
    forged = f"{head}:2:{signature}"
    status, output = run("verify", "--expect", forged)
    assert status == 1
    assert "the signature of checkpoint" in output and "does not match" in output
    delete_newest(1)
    status, output = run("verify", "--expect", signed)
    assert status == 1
    assert "fewer than the 3 of checkpoint" in output


def test_checkpoint_refuses_a_broken_trail() -> None:
    made = [entry(f"k{i}") for i in range(3)]
    AuditEntry.objects.filter(pk=made[1].pk).update(reason="rewritten")
    status, output = run("checkpoint")
    assert status == 1
    assert f"broken at entry {made[1].id}" in output


def test_every_append_logs_the_checkpoint(
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    entry("before")
    caplog.set_level(logging.INFO, logger="pcnhub.audit.checkpoint")
    with django_capture_on_commit_callbacks(execute=True):
        first = entry("a")
    with django_capture_on_commit_callbacks(execute=True):
        second = entry("b")
    logged = [
        r.getMessage() for r in caplog.records if r.name == "pcnhub.audit.checkpoint"
    ]
    assert logged == [
        f"audit checkpoint {first.entry_hash}:2",
        f"audit checkpoint {second.entry_hash}:3",
    ]
    assert run("verify", "--expect", logged[0].split()[-1])[0] == 0


def test_the_logging_settings_keep_checkpoints() -> None:
    """The INFO line must reach the log handlers, not stop at the root's WARNING."""
    assert logging.getLogger("pcnhub.audit.checkpoint").isEnabledFor(logging.INFO)


# An empty trail ------------------------------------------------------------------


@pytest.mark.usefixtures("demo_data")
def test_an_empty_trail_on_a_non_empty_register_fails() -> None:
    assert run("verify")[0] == 0
    empty_the_trail()
    status, output = run("verify")
    assert status == 1
    assert "the audit trail is empty, but the register holds" in output
    assert "organisations" in output and "import runs" in output


def test_an_empty_trail_on_an_empty_register_is_intact() -> None:
    status, output = run("verify")
    assert status == 0
    assert "0 entries checked" in output


# The actor's identity ---------------------------------------------------------------


def rename(user_id: int, new_name: str) -> None:
    table = get_user_model()._meta.db_table
    sql(f"UPDATE {table} SET username = %s WHERE id = %s", [new_name, user_id])


@pytest.mark.usefixtures("demo_data")
def test_a_renamed_user_is_still_shown_by_the_name_they_acted_under(
    make_user,
) -> None:  # type: ignore[no-untyped-def]
    carol = make_user("commissioner", "99Z", username="carol")
    national = Client()
    national.force_login(make_user("national", username="nadia"))
    made = [entry(f"k{i}", ["U99001"], actor=Actor(user=carol)) for i in range(3)]
    rename(carol.id, "mallory")

    page = main_text(national.get("/audit/", {"entity_type": "thing"}))
    assert "carol" in page and "now named mallory" in page
    api = national.get("/api/audit/", {"entity_type": "thing"}).json()["entries"]
    assert {(e["who"], e["user_id"], e["renamed_to"]) for e in api} == {
        ("carol", carol.id, "mallory")
    }
    rows = csv_of(national.get("/audit/", {"entity_type": "thing", "format": "csv"}))
    assert {r["who"] for r in rows} == {"carol"}
    by_old_name = national.get("/api/audit/", {"who": "carol", "entity_type": "thing"})
    assert [e["id"] for e in by_old_name.json()["entries"]] == [
        e.id for e in reversed(made)
    ]

    status, output = run("verify")
    assert status == 0, output
    assert f"user {carol.id} is now named 'mallory'" in output
    assert "3 entries name them 'carol'" in output


def test_changing_the_recorded_actor_breaks_the_chain() -> None:
    ada = get_user_model().objects.create_user("ada")
    made = [entry(f"k{i}", actor=Actor(user=ada)) for i in range(3)]
    sql(
        f"UPDATE {AuditEntry._meta.db_table} SET actor_username = %s WHERE id = %s",
        ["someone else", made[1].id],
    )
    status, output = run("verify")
    assert status == 1
    assert f"broken at entry {made[1].id}: content does not match its hash" in output


def test_renumbering_an_entry_breaks_the_chain() -> None:
    made = [entry(f"k{i}") for i in range(3)]
    sql(
        f"UPDATE {AuditEntry._meta.db_table} SET position = %s WHERE id = %s",
        [7, made[2].id],
    )
    status, output = run("verify")
    assert status == 1
    assert f"broken at entry {made[2].id}: it is numbered 7" in output


# The API ---------------------------------------------------------------------------


@pytest.mark.usefixtures("demo_data")
def test_the_api_verifies_against_a_checkpoint(make_user) -> None:  # type: ignore[no-untyped-def]
    national = Client()
    national.force_login(make_user("national"))
    body = national.get("/api/audit/verify").json()
    assert body["ok"] is True
    checkpoint = body["checkpoint"]
    head = AuditEntry.objects.latest("id")
    assert checkpoint == f"{head.entry_hash}:{AuditEntry.objects.count()}"
    assert national.get("/api/audit/verify", {"expect": checkpoint}).json()["ok"]
    delete_newest(1)
    cut = national.get("/api/audit/verify", {"expect": checkpoint}).json()
    assert cut["ok"] is False
    assert "removed from its end" in cut["problem"]
    assert national.get("/api/audit/verify", {"expect": "nonsense"}).status_code == 422
    empty_the_trail()
    emptied = national.get("/api/audit/verify").json()
    assert emptied["ok"] is False
    assert "the audit trail is empty" in emptied["problem"]

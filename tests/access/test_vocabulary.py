"""The shared vocabulary: every permission a member, registered and documented;
every outcome a member that reads as today's text."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps

import rules
from pcnhub.access.permissions import Permission
from pcnhub.contract import services
from pcnhub.contract.exports import findings_json
from pcnhub.rules import checks
from pcnhub.rules.checks import OUTCOMES, Finding, Outcome
from pcnhub.web.api import FindingOut
from tests.web.conftest import load_demo

ACCESS_MD = Path(__file__).resolve().parents[2] / "docs" / "access.md"


def _registered() -> set[str]:
    return set(rules.permissions.permissions)


def _django_model_permission(name: str) -> bool:
    """``app.action_model`` is one of Django's own permissions on a model."""
    app_label, _, codename = name.partition(".")
    action, _, model_name = codename.partition("_")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return action in model._meta.default_permissions


@pytest.mark.parametrize("permission", list(Permission), ids=str)
def test_every_member_has_a_predicate(permission: Permission) -> None:
    assert rules.perm_exists(permission)
    assert rules.perm_exists(permission.value)


def test_every_permission_pcnhub_registers_is_a_member() -> None:
    """Anything else registered is one of Django's model permissions (the admin)."""
    members = {p.value for p in Permission}
    others = _registered() - members
    assert members <= _registered()
    assert others, "the admin's model permissions are registered too"
    assert [name for name in others if not _django_model_permission(name)] == []


def test_the_admin_model_permissions_left_as_codenames() -> None:
    others = _registered() - {p.value for p in Permission}
    assert {"auth.view_user", "access.change_roleassignment"} <= others
    assert {"audit.view_auditentry", "access.add_roleproposal"} <= others


@pytest.mark.parametrize("permission", list(Permission), ids=str)
def test_every_member_is_in_the_access_table(permission: Permission) -> None:
    table = re.findall(r"^\| `([a-z_.]+)`", ACCESS_MD.read_text(), re.MULTILINE)
    assert permission.value in table


def test_members_are_todays_strings() -> None:
    assert Permission.CHANGE_APPLICATION == "workflow.change_application"
    assert f"{Permission.USE_REGISTER}" == "register.use"
    assert str(Permission.VIEW_PERSONAL) == "governance.view_personal"


# --- outcomes ------------------------------------------------------------------


@pytest.fixture
def demo_findings(db: None, tmp_path: Path) -> list[Finding]:
    load_demo(tmp_path / "demo")
    return services.run_checks(date(2021, 1, 1)).findings


def test_the_demo_produces_every_outcome_and_only_members(demo_findings) -> None:
    assert {f.outcome for f in demo_findings} == set(Outcome)
    assert all(isinstance(f.outcome, Outcome) for f in demo_findings)


def test_outcomes_keep_todays_text() -> None:
    assert [o.value for o in Outcome] == [
        "breach",
        "needs commissioner approval",
        "warning",
        "not known",
        "met",
    ]
    assert list(OUTCOMES) == [o.value for o in Outcome]
    assert all(type(o) is str for o in OUTCOMES)
    assert checks.BREACH is Outcome.BREACH and checks.MET is Outcome.MET


def _as_text(findings: list[Finding]) -> list[Finding]:
    """The same findings with each outcome a plain ``str``, as before Outcome."""
    return [replace(f, outcome=str.__str__(f.outcome)) for f in findings]


def test_findings_serialise_as_plain_strings(demo_findings) -> None:
    """JSON, CSV, the API schema and f-strings read the same with members."""
    plain = _as_text(demo_findings)
    assert all(type(f.outcome) is str for f in plain)
    assert json.dumps(findings_json(demo_findings)) == json.dumps(findings_json(plain))

    def csv_of(findings: list[Finding]) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(findings[0].row()))
        writer.writerows(f.row() for f in findings)
        return out.getvalue()

    assert csv_of(demo_findings) == csv_of(plain)
    api = [FindingOut(**row).model_dump_json() for row in findings_json(demo_findings)]
    assert api == [FindingOut(**row).model_dump_json() for row in findings_json(plain)]
    assert [f"{f.outcome}" for f in demo_findings] == [f.outcome for f in plain]
    assert [f"{f.outcome!s}" for f in demo_findings] == [f.outcome for f in plain]

"""The shared vocabulary: every permission is a member, registered and documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps

import rules
from pcnhub.access.permissions import Permission

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

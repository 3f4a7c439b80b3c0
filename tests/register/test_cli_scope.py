"""``--user USERNAME`` on the commands: the output is what that user may see, and a
request outside their roles fails with a clear error. Without ``--user`` a
command runs as the server operator, with full access.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from pcnhub.contract.management.commands.check import Command as CheckCommand
from pcnhub.register import demo
from tests.web.conftest import (
    OTHER_COMMISSIONER,
    OTHER_NETWORK,
    OTHER_PRACTICE,
    OTHER_UNCOVERED,
    load_demo,
    make_other_area,
)

pytestmark = pytest.mark.django_db

DAY = "2022-01-01"
NETWORK = "U99001"
YEAR = "2021/22"


@pytest.fixture
def areas(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")
    make_other_area()


@pytest.fixture
def users(make_user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Usernames by role: one user per role."""
    made = {
        "national": make_user("national"),
        "commissioner": make_user("commissioner", "99Z"),
        "director": make_user("clinical_director", NETWORK),
        "practice": make_user("practice_manager", "Z91001"),
    }
    return {key: user.get_username() for key, user in made.items()}


def run(*args: str) -> Any:
    out = io.StringIO()
    call_command(*args, "--format", "json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def codes(rows: list[dict[str, Any]], column: str = "pcn_code") -> set[str]:
    return {row[column] for row in rows}


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())
    return str(raised.value)


# networks and uncovered ---------------------------------------------------------------


def test_networks_without_user_is_the_operator(areas: None) -> None:
    assert OTHER_NETWORK in codes(run("networks", "--as-at", DAY))


def test_networks_as_each_user(areas: None, users: dict[str, str]) -> None:
    everything = codes(run("networks", "--as-at", DAY))
    assert codes(run("networks", "--as-at", DAY, "--user", users["national"])) == (
        everything
    )
    mine = codes(run("networks", "--as-at", DAY, "--user", users["commissioner"]))
    assert mine == everything - {OTHER_NETWORK}
    assert codes(run("networks", "--as-at", DAY, "--user", users["director"])) == {
        NETWORK
    }
    # A practice manager reads its own network, read-only (issue 9).
    assert codes(run("networks", "--as-at", DAY, "--user", users["practice"])) == {
        NETWORK
    }
    assert "may not see 99Z" in refused(
        "networks", "--as-at", DAY, "--commissioner", "99Z", "--user", users["director"]
    )
    message = refused(
        "networks",
        "--as-at",
        DAY,
        "--commissioner",
        OTHER_COMMISSIONER,
        "--user",
        users["commissioner"],
    )
    assert f"--commissioner {OTHER_COMMISSIONER}" in message
    assert f"{users['commissioner']} may not see {OTHER_COMMISSIONER}" in message
    assert "commissioner for 99Z" in message


def test_uncovered_as_each_user(areas: None, users: dict[str, str]) -> None:
    everything = codes(run("uncovered", "--as-at", DAY), "practice_code")
    assert {demo.UNCOVERED_PRACTICE_CODE, OTHER_UNCOVERED} <= everything
    mine = run("uncovered", "--as-at", DAY, "--user", users["commissioner"])
    assert codes(mine, "practice_code") == everything - {OTHER_UNCOVERED}
    assert run("uncovered", "--as-at", DAY, "--user", users["director"]) == []
    message = refused(
        "uncovered",
        "--as-at",
        DAY,
        "--commissioner",
        OTHER_COMMISSIONER,
        "--user",
        users["director"],
    )
    assert "may not see 88X" in message


def test_unknown_inactive_and_roleless_users_are_refused(areas: None) -> None:
    assert "no such user" in refused("networks", "--as-at", DAY, "--user", "nobody")
    model = get_user_model()
    model.objects.create_user("roleless", password="x")
    assert "holds no role in pcnhub" in refused(
        "networks", "--as-at", DAY, "--user", "roleless"
    )
    model.objects.create_user("gone", password="x", is_active=False)
    assert "not active" in refused("uncovered", "--as-at", DAY, "--user", "gone")
    assert "no such user" in refused(
        "entitlements", "--year", YEAR, "--pcn", NETWORK, "--user", "nobody"
    )


# entitlements and distribution ------------------------------------------------------


def test_entitlements_as_each_user(areas: None, users: dict[str, str]) -> None:
    operator = run("entitlements", "--year", YEAR, "--pcn", NETWORK)
    mine = run(
        "entitlements", "--year", YEAR, "--pcn", NETWORK, "--user", users["director"]
    )
    assert mine == operator
    area = run(
        "entitlements",
        "--year",
        YEAR,
        "--commissioner",
        "99Z",
        "--user",
        users["commissioner"],
    )
    assert codes(area) == codes(
        run("entitlements", "--year", YEAR, "--commissioner", "99Z")
    )
    every = run("entitlements", "--year", YEAR, "--user", users["national"])
    assert OTHER_NETWORK in codes(every)

    message = refused(
        "entitlements", "--year", YEAR, "--pcn", "U99002", "--user", users["director"]
    )
    assert "--pcn U99002" in message and "may not see U99002" in message
    assert "clinical_director for U99001" in message
    message = refused("entitlements", "--year", YEAR, "--user", users["director"])
    assert "may not see every network: give --pcn or --commissioner" in message
    assert "may not see every network" in refused(
        "entitlements", "--year", YEAR, "--user", users["commissioner"]
    )
    assert "may not see 88X" in refused(
        "entitlements",
        "--year",
        YEAR,
        "--commissioner",
        OTHER_COMMISSIONER,
        "--user",
        users["commissioner"],
    )
    # a what-if may not bring in another area's practice
    message = refused(
        "entitlements",
        "--year",
        YEAR,
        "--pcn",
        NETWORK,
        "--add-practice",
        OTHER_PRACTICE,
        "--user",
        users["commissioner"],
    )
    assert f"--add-practice {OTHER_PRACTICE}" in message
    # an unknown network is still "not found", not "not yours"
    assert "no network" in refused(
        "entitlements", "--year", YEAR, "--pcn", "U99999", "--user", users["director"]
    )


def test_distribution_as_a_network_user(areas: None, users: dict[str, str]) -> None:
    operator = run("distribution", "--pcn", NETWORK, "--year", YEAR)
    assert operator
    mine = run(
        "distribution", "--pcn", NETWORK, "--year", YEAR, "--user", users["director"]
    )
    assert mine == operator
    message = refused(
        "distribution", "--pcn", "U99002", "--year", YEAR, "--user", users["director"]
    )
    assert "may not see U99002" in message
    # A practice manager reads its own network's payments, read-only (issue 9).
    practice = ("--year", YEAR, "--user", users["practice"])
    assert run("distribution", "--pcn", NETWORK, *practice) == operator
    assert "may not see U99002" in refused("distribution", "--pcn", "U99002", *practice)


# check: takes --user like the others -------------------------------------------------


def test_check_enforces_user(areas: None, users: dict[str, str]) -> None:
    def check(*args: str) -> Any:
        out = io.StringIO()
        call_command(
            CheckCommand(),
            "--as-at",
            DAY,
            *args,
            "--format",
            "json",
            stdout=out,
            stderr=io.StringIO(),
        )
        return json.loads(out.getvalue())

    operator = check("--pcn", NETWORK)
    assert check("--pcn", NETWORK, "--user", users["director"]) == operator
    area = check("--commissioner", "99Z", "--user", users["commissioner"])
    assert area == check("--commissioner", "99Z")
    everywhere = check("--user", users["national"])
    assert OTHER_COMMISSIONER in codes(everywhere, "commissioner_code")

    def check_refused(*args: str) -> str:
        with pytest.raises(CommandError) as raised:
            call_command(
                CheckCommand(),
                "--as-at",
                DAY,
                *args,
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )
        return str(raised.value)

    assert "may not see 99Z" in check_refused(
        "--commissioner", "99Z", "--user", users["director"]
    )
    assert "may not see U88001" in check_refused(
        "--pcn", OTHER_NETWORK, "--user", users["commissioner"]
    )
    assert "may not see every network" in check_refused("--user", users["director"])

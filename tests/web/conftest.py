"""Fixtures for the web UI tests: the demo area loaded, and a signed-in user."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from pcnhub.access.roles import Role
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor
from pcnhub.register.demo import write_demo_files
from pcnhub.register.imports import run_import

PASSWORD = "correct-horse-battery-staple"


def load_demo(directory: Path) -> None:
    """Write the demo area's files and import them in order, as the CLI would."""
    actor = Actor(system="web-tests")
    for demo_file in write_demo_files(directory):
        run_import(demo_file.kind, demo_file.path, actor=actor, as_at=demo_file.as_at)


@pytest.fixture
def demo_data(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")


def give_national_role(user: AbstractBaseUser) -> AbstractBaseUser:
    """The pages' tests see the whole register, as a national analyst does."""
    grant(Actor(system="tests"), user, Role.NATIONAL, None, valid_from=date(2019, 4, 1))
    return user


@pytest.fixture
def user(db: None) -> AbstractBaseUser:
    """A national analyst: every page shows everything (see test_scope.py for
    the other roles)."""
    return give_national_role(
        get_user_model().objects.create_user(username="alice", password=PASSWORD)
    )


@pytest.fixture
def signed_in(client: Client, user: AbstractBaseUser) -> Client:
    client.force_login(user)
    return client


#: A second, small area beside the demo: region Y97, system QYY, commissioner
#: 88X with network U88001 (practice Z88001) and practice Z88002 in no network.
OTHER_REGION = "Y97"
OTHER_SYSTEM = "QYY"
OTHER_COMMISSIONER = "88X"
OTHER_NETWORK = "U88001"
OTHER_PRACTICE = "Z88001"
OTHER_UNCOVERED = "Z88002"
OTHER_NAMES = {
    OTHER_REGION: "Farshire",
    OTHER_SYSTEM: "Farshire Integrated Care Board",
    OTHER_COMMISSIONER: "NHS Farshire CCG",
    OTHER_NETWORK: "Farshire Coast PCN",
    OTHER_PRACTICE: "ZEPHYR LANE SURGERY",
    OTHER_UNCOVERED: "CLIFFTOP SURGERY",
}


def make_other_area() -> None:
    """Write the second area straight into the register (every fact dated)."""
    from decimal import Decimal

    from pcnhub.register.models import (
        ListMeasure,
        ListSize,
        Organisation,
        OrganisationKind,
        OrganisationVersion,
        Relationship,
        RelationshipKind,
    )

    start = date(2019, 7, 1)
    kinds = {
        OTHER_REGION: OrganisationKind.REGION,
        OTHER_SYSTEM: OrganisationKind.SYSTEM,
        OTHER_COMMISSIONER: OrganisationKind.COMMISSIONER,
        OTHER_NETWORK: OrganisationKind.NETWORK,
        OTHER_PRACTICE: OrganisationKind.PRACTICE,
        OTHER_UNCOVERED: OrganisationKind.PRACTICE,
    }
    for code, kind in kinds.items():
        Organisation.objects.create(code=code, kind=kind)
        OrganisationVersion.objects.create(
            organisation_id=code,
            name=OTHER_NAMES[code],
            status="A",
            valid_from=start,
            prescribing_setting=4 if kind == OrganisationKind.PRACTICE else None,
        )
    links = [
        (RelationshipKind.SYSTEM_REGION, OTHER_SYSTEM, OTHER_REGION),
        (RelationshipKind.COMMISSIONER_SYSTEM, OTHER_COMMISSIONER, OTHER_SYSTEM),
        (RelationshipKind.NETWORK_COMMISSIONER, OTHER_NETWORK, OTHER_COMMISSIONER),
        (RelationshipKind.PRACTICE_NETWORK, OTHER_PRACTICE, OTHER_NETWORK),
        (RelationshipKind.PRACTICE_COMMISSIONER, OTHER_PRACTICE, OTHER_COMMISSIONER),
        (RelationshipKind.PRACTICE_COMMISSIONER, OTHER_UNCOVERED, OTHER_COMMISSIONER),
    ]
    for kind, child, parent in links:
        Relationship.objects.create(
            kind=kind, child_id=child, parent_id=parent, valid_from=start
        )
    for day in (date(2021, 1, 1), date(2022, 1, 1)):
        for code, size in ((OTHER_PRACTICE, 31000), (OTHER_UNCOVERED, 4000)):
            ListSize.objects.create(
                practice_id=code,
                measure=ListMeasure.REGISTERED,
                date=day,
                value=Decimal(size),
            )


@pytest.fixture
def other_area(demo_data: None) -> None:
    make_other_area()

"""Demo users: one per role, so a person can try every path in the demo.

All share the password :data:`DEMO_PASSWORD`; README lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from pcnhub.access.models import RoleAssignment
from pcnhub.access.roles import Role
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor, record
from pcnhub.register.demo import UNCOVERED_PRACTICE_CODE, WENDMOOR

DEMO_PASSWORD = "pcnhub-demo"  # noqa: S105 - a documented demo credential
DEMO_ROLE_FROM = "2019-04-01"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    organisation: str | None
    what: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "demo",
        "Demo",
        "User",
        Role.NATIONAL,
        None,
        "national analyst: sees everything, decides anywhere",
    ),
    DemoUser(
        "admin",
        "Ada",
        "Admin",
        Role.ADMIN,
        None,
        "administrator: manages users and role assignments (/admin/)",
    ),
    DemoUser(
        "region",
        "Rhiannon",
        "Regis",
        Role.REGIONAL,
        "Y98",
        "regional team for Y98 (the whole demo area)",
    ),
    DemoUser(
        "commissioner",
        "Colin",
        "Mission",
        Role.COMMISSIONER,
        WENDMOOR,
        "primary care team of 99Z (and, by the 2021 merger, 98Z and 97Z)",
    ),
    DemoUser(
        "director",
        "Dina",
        "Rector",
        Role.CLINICAL_DIRECTOR,
        "U99001",
        "clinical director of U99001 Wendmoor Central PCN",
    ),
    DemoUser(
        "manager",
        "Manon",
        "Ager",
        Role.NETWORK_MANAGER,
        "U99001",
        "PCN manager of U99001; may apply to form a new network",
    ),
    DemoUser(
        "practice",
        "Priya",
        "Manning",
        Role.PRACTICE_MANAGER,
        UNCOVERED_PRACTICE_CODE,
        f"practice manager of {UNCOVERED_PRACTICE_CODE} (in no network)",
    ),
    DemoUser(
        "practice.z91001",
        "Paul",
        "Castle",
        Role.PRACTICE_MANAGER,
        "Z91001",
        "practice manager of Z91001, a member of U99001",
    ),
    DemoUser(
        "evaluator",
        "Evan",
        "Aluator",
        Role.EVALUATOR,
        None,
        "evaluator: reads everything, sees no personal data",
    ),
)


def create_demo_users(actor: Actor) -> list[str]:
    """Create the demo users that do not exist yet; return their usernames."""
    users = get_user_model()
    created = []
    for demo in DEMO_USERS:
        with transaction.atomic():
            user = users.objects.filter(username=demo.username).first()
            if user is None:
                user = users.objects.create_user(
                    demo.username,
                    password=DEMO_PASSWORD,
                    first_name=demo.first_name,
                    last_name=demo.last_name,
                    is_staff=demo.role is Role.ADMIN,
                )
                record(actor, "create", "user", demo.username, reason="demo user")
                created.append(demo.username)
            if not RoleAssignment.objects.filter(user=user, role=demo.role).exists():
                grant(
                    actor,
                    user,
                    demo.role,
                    demo.organisation,
                    valid_from=_day(DEMO_ROLE_FROM),
                    reason="demo user",
                )
    return created


def _day(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(text)

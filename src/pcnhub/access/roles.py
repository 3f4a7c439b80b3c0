"""The roles a person can hold in pcnhub, and what kind of organisation each is for."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    NATIONAL = "national"
    REGIONAL = "regional"
    COMMISSIONER = "commissioner"
    CLINICAL_DIRECTOR = "clinical_director"
    NETWORK_MANAGER = "network_manager"
    PRACTICE_MANAGER = "practice_manager"
    EVALUATOR = "evaluator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Role.NATIONAL: "National analyst (NHS England)",
    Role.REGIONAL: "Regional team",
    Role.COMMISSIONER: "Commissioner (primary care team)",
    Role.CLINICAL_DIRECTOR: "PCN clinical director",
    Role.NETWORK_MANAGER: "PCN manager",
    Role.PRACTICE_MANAGER: "Practice manager",
    Role.EVALUATOR: "Evaluator (read-only, no personal data)",
    Role.ADMIN: "Administrator (users and assignments)",
}

#: The kind of organisation a role is held for; None = the whole country.
ORGANISATION_KIND: dict[Role, str | None] = {
    Role.NATIONAL: None,
    Role.REGIONAL: "region",
    Role.COMMISSIONER: "commissioner",
    Role.CLINICAL_DIRECTOR: "network",
    Role.NETWORK_MANAGER: "network",
    Role.PRACTICE_MANAGER: "practice",
    Role.EVALUATOR: None,
    Role.ADMIN: None,
}

#: Roles that see every organisation's register and contract data.
COUNTRY_WIDE = frozenset({Role.NATIONAL, Role.EVALUATOR, Role.ADMIN})
#: Roles that act for a network.
NETWORK_ROLES = frozenset({Role.CLINICAL_DIRECTOR, Role.NETWORK_MANAGER})
#: Roles that oversee an area (decide applications, see its audit trail).
OVERSIGHT_ROLES = frozenset({Role.NATIONAL, Role.REGIONAL, Role.COMMISSIONER})
#: Roles a second administrator must approve before they are held: the roles that
#: decide applications and appeals (and confirm for practices, assign practices),
#: and the administrator role itself, which grants the others.
SECOND_PERSON_ROLES = OVERSIGHT_ROLES | {Role.ADMIN}

ROLE_CHOICES = [(role.value, role.label) for role in Role]

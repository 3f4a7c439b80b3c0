"""``--user USERNAME`` on the command line: answer as that pcnhub user would be.

Shared by the register, contract and audit commands, so that the command line
refuses exactly what the pages refuse. Without ``--user`` a command runs as the
server operator, who sees everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from pcnhub.access.permissions import Permission
from pcnhub.access.scope import scope_of
from pcnhub.register import queries


def add_user(parser: CommandParser, help: str = "") -> None:
    parser.add_argument(
        "--user",
        metavar="USERNAME",
        help=help
        or "answer as this pcnhub user: only what their roles let them see, and a "
        "request for an organisation outside them fails (default: the server "
        "operator, who sees everything)",
    )


def account(username: str) -> Any:
    """The active account called ``username`` (CommandError otherwise)."""
    model = get_user_model()
    user = model.objects.filter(**{model.USERNAME_FIELD: username}).first()
    if user is None:
        raise CommandError(f"--user: no user {username!r}; there is no such user")
    if not user.is_active:
        raise CommandError(f"--user {username}: the account is not active")
    return user


def user_of(options: dict[str, Any]) -> Any | None:
    """The ``--user``'s account (None without ``--user``), which must hold a role."""
    username = options.get("user")
    if not username:
        return None
    user = account(username)
    if not user.has_perm(Permission.USE_REGISTER):
        raise CommandError(
            f"--user {username} holds no role in pcnhub, so may see nothing"
        )
    return user


def roles_of(user: Any) -> str:
    held = sorted(scope_of(user).held, key=lambda pair: (pair[0], pair[1] or ""))
    return ", ".join(f"{role} for {org}" if org else str(role) for role, org in held)


def require_sees(user: Any, code: str, option: str) -> None:
    """Refuse (CommandError) an organisation outside ``user``'s scope.

    A code the register does not hold is left to the command, which says so (as
    the pages answer 404 for an unknown code and 403 for one out of scope).
    """
    org = queries.find_organisation(code)
    if org is not None and not user.has_perm(Permission.VIEW_ORGANISATION, org.code):
        raise CommandError(
            f"{option} {code}: {user.get_username()} may not see {org.code}, which "
            f"is outside their roles ({roles_of(user)})"
        )

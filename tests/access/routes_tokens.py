"""Route rows of pcnhub.tokens for the route x role walk (test_every_route.py).

A user's own tokens: every role (a user with none is refused, as on every
page). The walk's token 1 does not exist, so revoking it is a 404 (allowed:
not a refusal) for whoever may manage tokens.
"""

from types import ModuleType
from typing import Any


def routes(t: ModuleType) -> dict[str, Any]:
    return {
        "account_tokens": (("GET", "POST"), [""], t.any_role),
        "account_token_revoke": (("GET", "POST"), [""], t.any_role),
        "api:list_api_tokens": (("GET",), [""], t.any_role),
        "api:create_api_token": (("POST",), [""], t.any_role),
        "api:revoke_api_token": (("POST",), [""], t.any_role),
    }

"""Checking the input of a governance change, before anything is written.

Each check raises Django's ``ValidationError`` naming the field, so the pages
show the message on that field and the API answers 422 with it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from pcnhub.core.codes import normalise
from pcnhub.governance.models import WTE_MAX
from pcnhub.register.models import Organisation, OrganisationKind

#: An ODS code of any kind (a practice, trust or other provider).
ODS = re.compile(r"^[A-Z0-9]{3,6}$")


def invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def network_named(code: str) -> Organisation:
    """The network ``code`` names; refuse anything else."""
    wanted = normalise(code)
    org = Organisation.objects.filter(code=wanted).first()
    if org is None:
        raise invalid("network", f"{wanted or code!r} is not in the register")
    if org.kind != OrganisationKind.NETWORK:
        raise invalid("network", f"{org.code} is a {org.kind}, not a network")
    return org


def locked_network(code: str) -> Organisation:
    """The network, its row locked so that two changes to it run one at a time."""
    org = network_named(code)
    return Organisation.objects.select_for_update().get(pk=org.pk)


def choice(field: str, value: str, choices: type) -> str:
    allowed = [c.value for c in choices]
    if value not in allowed:
        raise invalid(field, f"{value!r} is not one of: {', '.join(allowed)}")
    return value


def day(field: str, value: Any) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise invalid(field, "enter a date")
    return value


def text(field: str, value: str, what: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise invalid(field, f"enter {what}")
    if len(text) > limit:
        raise invalid(field, f"{what} must be {limit} characters or fewer")
    return text


def wte(value: Any) -> Decimal:
    try:
        wte = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise invalid("wte", "enter the whole-time equivalent as a number") from None
    if not wte.is_finite() or not Decimal(0) < wte <= WTE_MAX:
        raise invalid(
            "wte", f"the whole-time equivalent must be above 0 and at most {WTE_MAX}"
        )
    if wte != wte.quantize(Decimal("0.01")):
        raise invalid(
            "wte", "give the whole-time equivalent to 2 decimal places at most"
        )
    return wte.quantize(Decimal("0.01"))


def ref(value: str) -> str:
    ref = (value or "").strip()
    if len(ref) > 100:
        raise invalid("application_ref", "must be 100 characters or fewer")
    return ref

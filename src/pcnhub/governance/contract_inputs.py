"""Contract inputs: what a network's entitlements need that no national file holds.

Care Home Premium needs the beds in the network's aligned care homes, the
Investment and Impact Fund its achievement (points, and the prevalence factor),
the Capacity and Access Improvement Payment the commissioner's assessment (the
share achieved, 0 to 1). The commissioner records them here, as a governance
record: one holds at a time, a new one closes the last (kept in the history),
every write is audited. A field left empty is "not known": the item stays
"not computed" and says what it needs.

:func:`record_contract_inputs` is the only writer; :func:`inputs_on` and
:func:`inputs_history` read. ``reading.facts_on`` hands the values to the rules
(:meth:`ContractInputs.facts`); a network facts file still overrides them field
by field.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from pcnhub.audit.services import Actor
from pcnhub.core.numbers import parse_decimal
from pcnhub.governance.models import (
    BEDS_MAX,
    IIF_POINTS_MAX,
    PREVALENCE_MAX,
    ContractInputs,
    contract_year_of,
)
from pcnhub.governance.records import holding_on, replace
from pcnhub.governance.validation import day, invalid, network_named, ref
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.registry import default_parameters

#: The inputs, in the order forms, pages and the API show them.
FIELDS = ContractInputs.INPUTS
#: How many decimal places each number is kept to.
PLACES = {"iif_points": 2, "iif_prevalence_factor": 4, "caip_share": 4}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(field: str, value: Any, what: str, example: str) -> Decimal:
    try:
        number = parse_decimal(value)
    except ValueError:
        raise invalid(
            field, f"enter {what} as a number of 0 or more, for example {example}"
        ) from None
    places = PLACES[field]
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise invalid(field, f"give {what} to {places} decimal places at most")
    return number.quantize(Decimal(1).scaleb(-places))


def check_beds(value: Any) -> int | None:
    """Care home beds: empty (not known) or a whole number from 0."""
    if _empty(value):
        return None
    if isinstance(value, bool):
        raise invalid("care_home_beds", "enter the beds as a whole number")
    try:
        beds = parse_decimal(value, whole=True)
    except ValueError:
        raise invalid(
            "care_home_beds",
            "enter the beds as a whole number of 0 or more, for example 120",
        ) from None
    if beds > BEDS_MAX:
        raise invalid("care_home_beds", f"the beds must be {BEDS_MAX:,} or fewer")
    return int(beds)


def check_points(value: Any) -> Decimal | None:
    """IIF points: empty or a number from 0."""
    if _empty(value):
        return None
    points = _number("iif_points", value, "the IIF points", "150.5")
    if points > IIF_POINTS_MAX:
        raise invalid("iif_points", f"the IIF points must be {IIF_POINTS_MAX} or less")
    return points


def check_prevalence(value: Any) -> Decimal | None:
    """The IIF prevalence factor: empty (taken as 1) or a number above 0."""
    if _empty(value):
        return None
    factor = _number("iif_prevalence_factor", value, "the prevalence factor", "1.05")
    if factor <= 0:
        raise invalid("iif_prevalence_factor", "the prevalence factor must be above 0")
    if factor > PREVALENCE_MAX:
        raise invalid(
            "iif_prevalence_factor",
            f"the prevalence factor must be {PREVALENCE_MAX} or less",
        )
    return factor


def check_share(value: Any) -> Decimal | None:
    """The CAIP share achieved: empty or a number from 0 to 1."""
    if _empty(value):
        return None
    share = _number("caip_share", value, "the CAIP share", "0.75")
    if share > 1:
        raise invalid(
            "caip_share", "the CAIP share is between 0 and 1 (for example 0.75)"
        )
    return share


def _within_maximum(points: Decimal | None, start: date) -> None:
    """Refuse more IIF points than the contract year of ``start`` makes available."""
    if points is None:
        return
    year = ContractYear(contract_year_of(start))
    parameters = default_parameters()
    found = [
        value
        for month in year.months
        if (value := parameters.at("iif.maximum_points", month)) is not None
        and not value.not_published
    ]
    if found and points > max(Decimal(v.value) for v in found):
        most = max(Decimal(v.value) for v in found)
        raise invalid(
            "iif_points",
            f"{points} IIF points is more than the {most} available in {year}",
        )


def _checked(
    start: date, beds: Any, points: Any, prevalence: Any, share: Any
) -> dict[str, Any]:
    """Every input checked; all the problems at once, each naming its field."""
    problems: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for field, check, raw in (
        ("care_home_beds", check_beds, beds),
        ("iif_points", check_points, points),
        ("iif_prevalence_factor", check_prevalence, prevalence),
        ("caip_share", check_share, share),
    ):
        try:
            values[field] = check(raw)
        except ValidationError as exc:
            problems |= exc.message_dict
    if "iif_points" not in problems:
        try:
            _within_maximum(values["iif_points"], start)
        except ValidationError as exc:
            problems |= exc.message_dict
    if problems:
        raise ValidationError(problems)
    return values


def record_contract_inputs(
    actor: Actor,
    network: str,
    *,
    start: date,
    reason: str,
    care_home_beds: Any = None,
    iif_points: Any = None,
    iif_prevalence_factor: Any = None,
    caip_share: Any = None,
    application_ref: str = "",
) -> ContractInputs:
    """Record the network's contract inputs from ``start`` (closing the current).

    Every input is checked first, and each problem names its field; nothing is
    written unless all pass. At least one input must be given. The record replaces
    the current one whole: an input left empty is not known from ``start``.
    Only the overseeing commissioner may record them
    (``governance.record_contract_inputs``, checked by the page and the API).
    """
    start = day("start", start)
    why = (reason or "").strip()
    if not why:
        raise invalid("reason", "enter the reason for this change")
    if len(why) > 2000:
        raise invalid("reason", "the reason must be 2000 characters or fewer")
    values = _checked(
        start, care_home_beds, iif_points, iif_prevalence_factor, caip_share
    )
    if all(values[f] is None for f in FIELDS):
        raise invalid(
            "care_home_beds",
            "enter at least one input: the care home beds, the IIF achievement "
            "or the CAIP share",
        )
    return replace(
        actor,
        ContractInputs,
        network,
        start,
        why,
        ref(application_ref),
        "record contract inputs",
        "the contract inputs",
        **values,
    )


def inputs_on(network: str, day: date) -> ContractInputs | None:
    """The record holding for the network on ``day``, or None."""
    found = holding_on(ContractInputs, network_named(network).code, day)
    return found[-1] if found else None


def current(network: str) -> ContractInputs | None:
    """The record that holds from now on (not closed), for a form's first values."""
    return (
        ContractInputs.objects.filter(network_id=network, valid_to__isnull=True)
        .order_by("-valid_from", "-id")
        .first()
    )


def inputs_history(network: str) -> list[ContractInputs]:
    """Every contract inputs record of the network, newest first."""
    return list(
        ContractInputs.objects.filter(network_id=network_named(network).code)
        .select_related("recorded_by", "closed_by")
        .order_by("-recorded_at", "-id")
    )

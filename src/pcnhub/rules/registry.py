"""What the rules read, checked against the parameter files when they load.

A rule that reads a parameter in the wrong unit, a parameter the rules need in
every year that has a gap, or an item with two alternative parameters in force at
once, stops pcnhub from starting rather than paying the wrong amount.
"""

from __future__ import annotations

from functools import cache

from pcnhub.rules.items import ITEMS, payable_periods
from pcnhub.rules.params import (
    ParameterError,
    Parameters,
    load_parameters,
    require,
)

#: basis a component multiplies → the unit its parameter must be in
BASIS_UNITS = {
    "registered": "GBP-per-registered-patient",
    "weighted": "GBP-per-weighted-patient",
    "adjusted": "GBP-per-adjusted-patient",
    "beds": "GBP-per-bed",
    "role sets": "GBP-per-role-set",
    "points": "GBP-per-point",
}

#: parameters the rules need in every month of every year covered, and their unit
ALWAYS: dict[str, str] = {
    "core.registered_rate": "GBP-per-registered-patient",
    "network_participation.rate": "GBP-per-weighted-patient",
    "population.minimum": "patients",
    "population.typical_maximum": "patients",
    "geography.contiguity_distance": "km",
    "requirements.clinical_director": "flag",
    "requirements.nominated_payee": "flag",
    "requirements.own_bank_account": "flag",
    "requirements.network_agreement": "flag",
    "requirements.data_sharing": "flag",
    "requirements.one_network_per_practice": "flag",
    "requirements.core_contract": "flag",
    "requirements.coverage": "flag",
}

#: parameters read in some years only
SOMETIMES: dict[str, str] = {
    "arrs.large_network_threshold": "patients",
    "iif.maximum_points": "points",
    "iif.average_list": "patients",
    "national_population.weighted": "patients",
    "participation.leave_notice": "months",
    "arrs.gp_recent_cct_only": "flag",
    "arrs.gp_maximum": "GBP",
}


def check_parameters(parameters: Parameters) -> None:
    for name, unit in ALWAYS.items():
        require(parameters, name, unit, parameters.years)
    for name, unit in SOMETIMES.items():
        require(parameters, name, unit, ())
    for item in ITEMS:
        for component in item.components:
            unit = "GBP" if component.pot else BASIS_UNITS[component.basis]
            require(parameters, component.parameter, unit, ())
        for year in parameters.years:
            for period in payable_periods(item, year, parameters):
                alternatives = [v for v in period.values if v is not None]
                if not item.parts_add_up and len(alternatives) > 1:
                    names = " and ".join(v.parameter for v in alternatives)
                    raise ParameterError(
                        f"{item.id}: {names} are both in force from "
                        f"{period.start}; they are alternatives, so end one"
                    )
    _needed_alongside(parameters, "iif.point_value", "iif.average_list")
    _needed_alongside(parameters, "arrs.role_set_sum", "arrs.large_network_threshold")


def _needed_alongside(parameters: Parameters, rate: str, companion: str) -> None:
    """``companion`` must be in force in every month ``rate`` is."""
    for year in parameters.years:
        for month in year.months:
            value = parameters.at(rate, month)
            usable = value is not None and not value.not_published
            if usable and parameters.at(companion, month) is None:
                raise ParameterError(
                    f"{parameters[companion].file.name}: values: no value in force "
                    f"for {month:%Y-%m}, when {rate} is; the rules need {companion} "
                    f"({companion.split('.')[-1]}) to use it"
                )


@cache
def default_parameters() -> Parameters:
    """The parameters shipped with pcnhub (loaded and checked once per process)."""
    parameters = load_parameters()
    check_parameters(parameters)
    return parameters

"""The checks name the lists they used and say when those are stale or missing.

Pure snapshots, no database: a practice's ``registered_on`` is the date of the
list the snapshot took; the network's ``lists_on`` is the contract's basis date.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pcnhub.rules.checks import MET, UNKNOWN, WARNING, check_coverage, check_network
from pcnhub.rules.snapshot import Network, Practice, whole_period

DAY = date(2026, 6, 1)
BASIS = date(2026, 1, 1)
OLD = date(2022, 1, 1)
RULE = "data.lists_current"


def practice(code: str, listed: date | None, size: int = 20000) -> Practice:
    return Practice(
        code,
        f"Practice {code}",
        registered=None if listed is None else Decimal(size),
        registered_on=listed,
        core_contract=True,
    )


def network(*practices: Practice) -> Network:
    return Network(
        "U10001", "A network", "99Z", whole_period(practices), lists_on=BASIS
    )


def findings(net: Network, rule: str) -> list:
    return [f for f in check_network(net, DAY) if f.rule == rule]


def test_old_lists_are_a_warning_with_both_dates() -> None:
    net = network(practice("Z10001", OLD), practice("Z10002", OLD))
    (stale,) = findings(net, RULE)
    assert stale.outcome == WARNING
    assert "2022-01-01" in stale.message and "2026-01-01" in stale.message
    assert "4 years" in stale.message
    assert stale.evidence == {
        "basis_date": "2026-01-01",
        "newest_list": "2022-01-01",
        "list_of": "2022-01-01",
    }
    (population,) = findings(net, "population.band")
    assert population.evidence["list_of"] == "2022-01-01"
    assert population.outcome == MET


def test_current_lists_give_no_list_finding() -> None:
    net = network(practice("Z10001", BASIS), practice("Z10002", BASIS))
    assert findings(net, RULE) == []
    (population,) = findings(net, "population.band")
    assert population.evidence["list_of"] == "2026-01-01"


def test_one_member_behind_the_others_is_named() -> None:
    net = network(practice("Z10001", BASIS), practice("Z10002", OLD))
    (stale,) = findings(net, RULE)
    assert stale.outcome == WARNING
    assert stale.practice_code == "Z10002"
    assert "Z10002" in stale.message and "2022-01-01" in stale.message
    (population,) = findings(net, "population.band")
    assert population.evidence["list_of"] == "2026-01-01 (Z10001); 2022-01-01 (Z10002)"


def test_a_list_after_the_basis_date_is_said() -> None:
    later = date(2026, 4, 1)
    net = network(practice("Z10001", later), practice("Z10002", BASIS))
    (stale,) = findings(net, RULE)
    assert stale.outcome == WARNING
    assert stale.practice_code == "Z10001"
    assert "2026-04-01" in stale.message and "after" in stale.message


def test_a_member_without_any_list_is_not_known_and_says_why() -> None:
    net = network(practice("Z10001", BASIS), practice("Z10002", None))
    (missing,) = findings(net, RULE)
    assert missing.outcome == UNKNOWN
    assert missing.practice_code == "Z10002"
    assert "no registered list" in missing.message
    (population,) = findings(net, "population.band")
    assert population.evidence["members_without_list"] == "Z10002"


def test_an_understated_small_population_is_not_known() -> None:
    # 20,000 counted, one member's list unknown: below 30,000 proves nothing.
    net = network(practice("Z10001", BASIS), practice("Z10002", None))
    (population,) = findings(net, "population.band")
    assert population.outcome == UNKNOWN
    assert "Z10002" in population.message
    # workflow.proposals rewords population findings that say "below".
    assert "below" not in population.message


def test_snapshots_without_list_dates_take_the_basis_date() -> None:
    # Case files and what-ifs give lists but no dates: those are the basis lists.
    net = network(Practice("Z10001", registered=Decimal(40000), core_contract=True))
    assert findings(net, RULE) == []
    (population,) = findings(net, "population.band")
    assert population.evidence["list_of"] == "2026-01-01"


def test_coverage_names_the_lists_used() -> None:
    area = [practice("Z10001", OLD), practice("Z10003", OLD)]
    net = network(area[0])
    result = check_coverage("99Z", area, [net], DAY)
    assert {f.evidence["list_of"] for f in result} == {"2022-01-01"}

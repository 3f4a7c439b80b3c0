"""Local variations: a commissioner's agreement overrides national values for its
networks from its date, marks the lines, and is refused when wrong."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from pcnhub.contract import snapshots
from pcnhub.rules.entitlements import entitlements
from pcnhub.rules.local import load_variation, load_variations, local_entitlements
from pcnhub.rules.params import ParameterError
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.snapshot import Network, Practice, whole_period
from tests.web.conftest import load_demo

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples"
DEMO = EXAMPLES / "local" / "local-variation-demo.yaml"
YEAR = ContractYear.parse("2026/27")
NPP = "network_participation_payment"


def network(code: str, commissioner: str, practice: str) -> Network:
    member = Practice(
        practice, registered=Decimal(11000), weighted=Decimal(12000), core_contract=True
    )
    return Network(code, commissioner=commissioner, memberships=whole_period([member]))


def key(line) -> tuple:
    return (line.network, line.practice, line.month, line.item, line.status)


def test_the_demo_variation_changes_only_99z_participation_from_may() -> None:
    networks = [network("U99001", "99Z", "Z99001"), network("U98001", "98X", "Z98001")]
    variation = load_variation(DEMO)
    national = {key(x): x for x in entitlements(networks, YEAR)}
    local = {key(x): x for x in local_entitlements(networks, YEAR, [variation])}
    assert national.keys() == local.keys()
    changed = {k for k in local if local[k].amount != national[k].amount}
    # 99Z's NPP: April on the national £1.761: 12,000 × 1.761 × 1/12 = £1,761.00;
    # May–March on the local £2.00: 12,000 × 2.00 × 11/12 = £22,000.00, so
    # £2,000.00 a month instead of the national £1,761.00.
    may_on = [m for m in YEAR.months if m >= dt.date(2026, 5, 1)]
    assert changed == {("U99001", "Z99001", m, NPP, "due") for m in may_on}
    for month in may_on:
        line = local[("U99001", "Z99001", month, NPP, "due")]
        assert line.amount == Decimal("2000.00")
        assert national[key(line)].amount == Decimal("1761.00")
        assert "local variation: 99Z Demo ICB (99Z)" in line.note
        assert line.note in line.trace.notes
        assert not line.provisional  # the local value is not provisional
    april = local[("U99001", "Z99001", dt.date(2026, 4, 1), NPP, "due")]
    assert april.amount == Decimal("1761.00") and april.note == ""
    other = [x for k, x in local.items() if k[0] == "U98001"]
    assert other and not any("local variation" in x.note for x in other)
    year_99z = sum(
        x.amount for k, x in local.items() if k[0] == "U99001" and k[3] == NPP
    )
    assert year_99z == Decimal("1761.00") + Decimal("22000.00")


BAD = """\
commissioner: 99Z
from: 2026-05-01
agreement: {document: "An agreement", section: "s1"}
parameters:
  NAME:
    values:
      DAY: {value: VALUE, source: {document: "An agreement", section: "s2"}}
"""


@pytest.mark.parametrize(
    ("name", "day", "value", "message"),
    [
        (
            "nope.rate",
            "2026-05-01",
            "2.00, per: year",
            "parameters.nope.rate: no national",
        ),
        ("arrs.national_pot", "2026-05-01", "2.00, per: year", "a national sum cannot"),
        (
            "network_participation.rate",
            "2026-04-01",
            "2.00, per: year",
            "before the agreement",
        ),
        (
            "network_participation.rate",
            "2026-05-01",
            "-1, per: year",
            "cannot be negative",
        ),
        (
            "network_participation.rate",
            "2026-05-01",
            "2.00, per: year, published: 2026-13-04",
            "2026-13-04 is not a real date",
        ),
        (
            "core.registered_rate",
            "2026-05-01",
            "2.00, per: period",
            "give a local rate per: year",
        ),
    ],
)
def test_a_bad_variation_names_file_and_key(
    tmp_path: Path, name: str, day: str, value: str, message: str
) -> None:
    path = tmp_path / "bad-local.yaml"
    path.write_text(
        BAD.replace("NAME", name).replace("DAY", day).replace("VALUE", value)
    )
    with pytest.raises(ParameterError, match=message) as caught:
        load_variation(path)
    assert str(caught.value).startswith("bad-local.yaml: ")


def test_two_agreements_varying_one_parameter_are_refused(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(DEMO.read_text())
    with pytest.raises(ParameterError, match="b.yaml: .*a.yaml already varies it"):
        load_variations(tmp_path)


@pytest.mark.django_db
def test_cli_entitlements_and_rulesdoc_with_the_demo_agreement(tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")
    local = tmp_path / "local"
    local.mkdir()
    (local / DEMO.name).write_text(DEMO.read_text())
    plain = _rows(call("entitlements", "--year", "2026/27"))
    varied = _rows(call("entitlements", "--year", "2026/27", "--local", str(local)))
    assert [r.keys() for r in varied] == [r.keys() for r in plain]  # same columns
    commissioners = {n.code: n.commissioner for n in services_networks()}
    marked = [r for r in varied if "local variation" in r["note"]]
    assert marked
    assert {commissioners[r["pcn_code"]] for r in marked} == {"99Z"}
    assert {r["item"] for r in marked} == {NPP}
    assert min(r["month"] for r in marked) == "2026-05"
    before = {_id(r): r["amount"] for r in plain}
    for row in marked:
        # 2.00 / 1.761 of the national instalment, to the penny of the yearly sum
        assert Decimal(row["amount"]) > Decimal(before[_id(row)])
    unmarked = [r for r in varied if "local variation" not in r["note"]]
    # Only April's NPP may move, by at most a penny: it is now a one-month period
    # of its own (rounded on its own) rather than instalment 1 of 12.
    moved = [r for r in unmarked if before[_id(r)] != r["amount"]]
    assert {(r["item"], r["month"]) for r in moved} <= {(NPP, "2026-04")}
    for row in moved:
        assert abs(Decimal(row["amount"]) - Decimal(before[_id(row)])) <= Decimal(
            "0.01"
        )
    doc = call("rulesdoc", "--local", str(local))
    assert "## Local variations" in doc and "### 99Z from 2026-05-01" in doc
    assert "`network_participation.rate` from 2026-05-01: £2.00" in doc


def call(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(StringIO(text)))


def _id(row: dict[str, str]) -> tuple[str, ...]:
    return (row["pcn_code"], row["practice_code"], row["month"], row["item"])


def services_networks() -> list[Network]:
    return snapshots.networks_for_year(YEAR).networks


def test_known_on_keeps_the_local_value_and_adds_no_arrears() -> None:
    networks = [network("U99001", "99Z", "Z99001"), network("U98001", "98X", "Z98001")]
    variation = load_variation(DEMO)
    now = local_entitlements(networks, YEAR, [variation])
    then = local_entitlements(networks, YEAR, [variation], known_on=dt.date(2026, 6, 1))
    assert [(key(x), x.amount, x.note) for x in then] == [
        (key(x), x.amount, x.note) for x in now
    ]
    assert not any(x.status == "arrears" for x in now)

"""Items a local variation agreement adds: computed like a national item on the
commissioner's networks only, marked, refused when wrong (file and key named),
and documented by ``pcnhub rulesdoc --local``; docs/rules.md cites documents,
not the reference's codes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from pcnhub.rules.items import ITEMS
from pcnhub.rules.local import (
    document,
    items_of,
    load_variation,
    load_variations,
    local_entitlements,
)
from pcnhub.rules.params import ParameterError
from pcnhub.rules.periods import ContractYear
from pcnhub.rules.snapshot import Membership, Network, Practice, whole_period
from pcnhub.rules.sources import markdown_text

YEAR = ContractYear.parse("2026/27")
ADDED = """\
commissioner: 99Z
from: 2026-05-01
agreement: {document: "Test ICB agreement", section: "schedule 1"}
items:
  ID:
    label: LABEL
    basis: BASIS
    values:
      2026-05-01:
        value: VALUE
        per: year
        source: {document: "Test ICB agreement", section: "para 3"}
"""


def write(tmp_path: Path, **parts: str) -> Path:
    text = ADDED
    for key, value in {
        "ID": "local_access",
        "LABEL": "Local access payment",
        "BASIS": "adjusted",
        "VALUE": "1.20",
        **parts,
    }.items():
        text = text.replace(key, value)
    path = tmp_path / "added.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def network(code: str, commissioner: str, *members: Membership) -> Network:
    return Network(code, commissioner=commissioner, memberships=members)


def practice(code: str) -> Practice:
    return Practice(
        code,
        registered=Decimal(10000),
        weighted=Decimal(10500),
        adjusted=Decimal(10300),
        core_contract=True,
    )


def test_an_added_item_is_paid_monthly_on_the_commissioners_networks(
    tmp_path: Path,
) -> None:
    variation = load_variation(write(tmp_path))
    # Z2 joins U99002 on 1 October: it counts from October (members on the 1st).
    networks = [
        network(
            "U99002",
            "99Z",
            Membership(practice("Z1")),
            Membership(practice("Z2"), dt.date(2026, 10, 1)),
        ),
        Network(
            "U98002", commissioner="98X", memberships=whole_period([practice("Z3")])
        ),
    ]
    lines = local_entitlements(networks, YEAR, [variation])
    added = [x for x in lines if x.item == "local_access"]
    assert {x.network for x in added} == {"U99002"}
    by_month = {x.month.isoformat()[:7]: x.amount for x in added}
    # May–March, 11 months. One member: 10,300 × 1.20 × 11/12 = 11,330.00, an
    # instalment of 1,030.00. Two members from October: 20,600 × 1.20 × 11/12 =
    # 22,660.00, an instalment of 2,060.00 (instalment k of 11 of each amount).
    assert "2026-04" not in by_month
    assert by_month["2026-05"] == by_month["2026-09"] == Decimal("1030.00")
    assert by_month["2026-10"] == by_month["2027-03"] == Decimal("2060.00")
    assert sum(by_month.values()) == 5 * Decimal("1030.00") + 6 * Decimal("2060.00")
    assert all(
        "local variation: 99Z Test ICB agreement, schedule 1" in x.note for x in added
    )
    assert all(x.paid_to == "nominated payee" for x in added)
    labels = [i.label for i in items_of(lines)]
    assert labels[: len(ITEMS)] == [i.label for i in ITEMS]
    assert labels[len(ITEMS) :] == ["Local access payment"]


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"ID": "Local-Access"}, "items.Local-Access: an item id is lower case"),
        (
            {"ID": "enhanced_access"},
            "items.enhanced_access: a national item has that id",
        ),
        ({"BASIS": "beds"}, "items.local_access.basis: one of registered, weighted"),
        ({"LABEL": '""'}, "items.local_access.label: missing"),
        ({"VALUE": "lots"}, "items.local_access: .*must be a number"),
    ],
)
def test_a_wrong_added_item_names_file_and_key(
    tmp_path: Path, parts: dict[str, str], message: str
) -> None:
    with pytest.raises(ParameterError, match=message) as caught:
        load_variation(write(tmp_path, **parts))
    assert str(caught.value).startswith("added.yaml: ")


def test_two_agreements_adding_one_item_id_are_refused(tmp_path: Path) -> None:
    text = write(tmp_path).read_text()
    folder = tmp_path / "local"
    folder.mkdir()
    (folder / "a.yaml").write_text(text)
    (folder / "b.yaml").write_text(text.replace("99Z", "98X"))
    with pytest.raises(ParameterError, match="b.yaml: items.local_access: a.yaml"):
        load_variations(folder)


def test_rulesdoc_documents_added_items(tmp_path: Path) -> None:
    text = document([load_variation(write(tmp_path))])
    assert "#### Added item `local_access` — Local access payment" in text
    assert "`local.local_access` from 2026-05-01: £1.20 per adjusted-population" in text
    assert "Test ICB agreement, para 3" in text


def test_rules_md_cites_documents_not_codes() -> None:
    path = Path(__file__).parents[2] / "docs" / "rules.md"
    text = path.read_text(encoding="utf-8")
    codes = re.findall(r"\[[A-Z]{1,3}[0-9]+[a-z]?(?:; [^\]]*)?\]", text)
    assert codes == []
    assert "[Written answer to question 257552 (UK Parliament, 5 Jun 2019)]" in text
    assert "(https://parallelparliament.co.uk/question/257552)" in text


def test_notes_lose_their_codes_and_internal_references() -> None:
    said = markdown_text("Unchanged [N7; reference §4.1; an inference].")
    assert said == (
        "Unchanged ([Written answer to question 257552]"
        "(https://parallelparliament.co.uk/question/257552); an inference)."
    )
    assert markdown_text("a [link](x) stays") == "a [link](x) stays"


def test_the_example_folder_loads() -> None:
    folder = Path(__file__).parents[2] / "docs" / "examples" / "local"
    variations = load_variations(folder)
    assert {v.file.name for v in variations} == {
        "local-access-demo.yaml",
        "local-variation-demo.yaml",
    }
    (access,) = (v for v in variations if v.items)
    assert access.items[0].parameter.history[0][0].published == dt.date(2026, 7, 15)

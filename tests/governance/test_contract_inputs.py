"""Contract inputs (care home beds, IIF achievement, the CAIP assessment): recorded
by the overseeing commissioner on a page or through the API, kept with their
history, audited, and used by the entitlements on pages, API and CLI; a facts
file still overrides them field by field."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from decimal import Decimal
from html import unescape
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.contract import marks
from pcnhub.contract.facts import read_facts
from pcnhub.contract.services import run_entitlements
from pcnhub.governance import contract_inputs, reading
from pcnhub.governance.models import ContractInputs, FrozenRecord
from pcnhub.rules.periods import ContractYear
from tests.web.conftest import other_area  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

NETWORK = "U99001"
ACTOR = Actor(system="governance-tests")
YEAR = ContractYear.parse("2024/25")
PAGE = reverse("governance_contract_inputs", args=[NETWORK])
RECORD = reverse("governance_contract_inputs_record", args=[NETWORK])
API = f"/api/governance/{NETWORK}/contract-inputs"


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def record(**values) -> ContractInputs:  # type: ignore[no-untyped-def]
    values.setdefault("start", YEAR.start)
    values.setdefault("reason", "declared by the network, checked by us")
    return contract_inputs.record_contract_inputs(ACTOR, NETWORK, **values)


def premium(lines) -> list:  # type: ignore[no-untyped-def]
    return [x for x in lines if x.item == "care_home_premium"]


# --- the service -----------------------------------------------------------------


def test_recording_keeps_each_input_and_audits_it(demo_data) -> None:
    before = AuditEntry.objects.count()
    made = record(
        care_home_beds="120",
        iif_points="40.5",
        iif_prevalence_factor="1.05",
        caip_share="0.75",
    )
    assert made.care_home_beds == 120
    assert made.iif_points == Decimal("40.50")
    assert made.iif_prevalence_factor == Decimal("1.0500")
    assert made.caip_share == Decimal("0.7500")
    assert made.valid_from == YEAR.start and made.valid_to is None
    assert made.recorded_by_system == "governance-tests"
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "record contract inputs"
    assert entry.entity_key == f"ContractInputs:{made.pk}"
    assert entry.before is None
    assert entry.after["care_home_beds"] == 120
    assert entry.after["caip_share"] == "0.7500"
    assert entry.reason == "declared by the network, checked by us"


def test_a_second_record_closes_the_first_which_stays(demo_data) -> None:
    first = record(care_home_beds=100)
    second = record(care_home_beds=140, start=date(2024, 10, 1), reason="new home")
    first.refresh_from_db()
    assert first.valid_to == date(2024, 10, 1)
    assert first.care_home_beds == 100  # never edited, only closed
    assert contract_inputs.inputs_on(NETWORK, date(2024, 9, 30)) == first
    assert contract_inputs.inputs_on(NETWORK, date(2024, 10, 1)) == second
    assert contract_inputs.inputs_history(NETWORK) == [second, first]
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.before["care_home_beds"] == 100
    assert entry.after["care_home_beds"] == 140
    with pytest.raises(ValidationError) as caught:
        record(care_home_beds=1, start=date(2024, 9, 1))
    assert "history is not rewritten" in str(caught.value.message_dict["start"])
    with pytest.raises(FrozenRecord):
        first.save()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("care_home_beds", "-1", "whole number of 0 or more"),
        ("care_home_beds", "12.5", "whole number of 0 or more"),
        ("care_home_beds", "lots", "whole number of 0 or more"),
        ("care_home_beds", "100001", "100,000 or fewer"),
        ("iif_points", "-3", "number of 0 or more"),
        ("iif_points", "NaN", "number of 0 or more"),
        ("iif_points", "1.234", "2 decimal places at most"),
        ("iif_points", "59", "more than the 58 available in 2024/25"),
        ("iif_prevalence_factor", "0", "must be above 0"),
        ("iif_prevalence_factor", "1e3", "number of 0 or more"),
        ("caip_share", "1.01", "between 0 and 1"),
        ("caip_share", "-0.1", "number of 0 or more"),
        ("caip_share", "0.12345", "4 decimal places at most"),
    ],
)
def test_bad_inputs_name_their_field_and_write_nothing(
    demo_data, field: str, value: str, message: str
) -> None:
    before = AuditEntry.objects.count()
    values = {"care_home_beds": "10", field: value}
    with pytest.raises(ValidationError) as caught:
        record(**values)
    assert message in " ".join(caught.value.message_dict[field])
    assert not ContractInputs.objects.exists()
    assert AuditEntry.objects.count() == before


def test_every_problem_is_named_at_once(demo_data) -> None:
    with pytest.raises(ValidationError) as caught:
        record(care_home_beds="-1", iif_points="x", caip_share="2")
    assert set(caip := caught.value.message_dict) == {
        "care_home_beds",
        "iif_points",
        "caip_share",
    }, caip


def test_nothing_to_record_and_no_reason_are_refused(demo_data) -> None:
    with pytest.raises(ValidationError) as caught:
        record()
    assert "enter at least one input" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        record(care_home_beds=5, reason="  ")
    assert "reason" in caught.value.message_dict
    assert not ContractInputs.objects.exists()


def test_iif_and_caip_count_only_in_the_year_they_start_in(demo_data) -> None:
    record(care_home_beds=80, iif_points="50", caip_share="0.5")
    this_year = reading.facts_on([NETWORK], date(2025, 3, 1))[NETWORK]
    assert this_year.care_home_beds == 80
    assert this_year.iif_points == Decimal("50.00")
    assert this_year.caip_share == Decimal("0.5000")
    next_year = reading.facts_on([NETWORK], date(2025, 4, 1))[NETWORK]
    assert next_year.care_home_beds == 80  # beds hold until replaced
    assert next_year.iif_points is None and next_year.caip_share is None


# --- the entitlements ------------------------------------------------------------


def test_recorded_beds_make_care_home_premium_computed(demo_data) -> None:
    (missing,) = {x.status for x in premium(run_entitlements(YEAR, NETWORK).lines)}
    assert missing == "not computed"
    record(care_home_beds=120)
    lines = premium(run_entitlements(YEAR, NETWORK).lines)
    assert lines and all(x.computed for x in lines)
    total = sum(x.amount for x in lines)
    assert total > 0
    # Twice the beds, twice the premium (the rate is per bed).
    record(care_home_beds=240, start=YEAR.start, reason="corrected count")
    doubled = sum(x.amount for x in premium(run_entitlements(YEAR, NETWORK).lines))
    assert doubled == 2 * total


def test_recorded_caip_and_iif_are_used(demo_data) -> None:
    lines = run_entitlements(YEAR, NETWORK).lines
    iif = [x for x in lines if x.item == "investment_and_impact_fund"]
    assert iif and not any(x.computed for x in iif)
    record(iif_points="30", caip_share="1")
    lines = run_entitlements(YEAR, NETWORK).lines
    iif = [x for x in lines if x.item == "investment_and_impact_fund"]
    assert iif and all(x.computed for x in iif) and sum(x.amount for x in iif) > 0
    assert "30.00 points" in iif[0].trace.lines(iif[0].instalment)[0]


def test_a_facts_file_overrides_field_by_field(demo_data, tmp_path: Path) -> None:
    record(care_home_beds=120, caip_share="0.5")
    path = tmp_path / "facts.csv"
    path.write_text("pcn_code,care_home_beds,caip_share\nU99001,60,\n")
    facts = read_facts(path)
    run = run_entitlements(YEAR, NETWORK, facts=facts)
    (network,) = run.networks
    assert network.facts.care_home_beds == 60  # the file's
    assert network.facts.caip_share == Decimal("0.5000")  # recorded: file empty


def test_the_cli_reads_the_recorded_inputs(demo_data) -> None:
    def premium_rows() -> list[dict[str, str]]:
        out = StringIO()
        call_command(
            "entitlements",
            "--year",
            str(YEAR),
            "--pcn",
            NETWORK,
            stdout=out,
            stderr=StringIO(),
        )
        rows = csv.DictReader(StringIO(out.getvalue()))
        return [r for r in rows if r["item"] == "care_home_premium"]

    assert {r["status"] for r in premium_rows()} == {"not computed"}
    record(care_home_beds=120)
    rows = premium_rows()
    # 2024/25's backdated uplift adds arrears lines beside the monthly ones.
    assert "due" in {r["status"] for r in rows} <= {"due", "arrears"}
    assert sum(Decimal(r["amount"]) for r in rows) > 0


# --- who may record --------------------------------------------------------------


def test_the_commissioner_records_on_the_page(demo_data, client_for) -> None:
    client = client_for("commissioner", "99Z")
    page = client.get(PAGE)
    assert page.status_code == 200
    assert 'name="care_home_beds"' in page.content.decode()
    assert f'action="{RECORD}"' in page.content.decode()
    response = client.post(
        RECORD,
        {"care_home_beds": "120", "start": "2024-04-01", "reason": "from the list"},
    )
    assert response.status_code == 302
    made = ContractInputs.objects.get()
    assert made.care_home_beds == 120 and made.recorded_by is not None
    text = text_of(client.get(response["Location"] + "?as_at=2024-06-01"))
    assert "Contract inputs recorded" in text
    assert "Care home beds 120" in text
    assert "from the list" in text  # the history


def test_the_form_shows_every_field_error_and_writes_nothing(
    demo_data, client_for
) -> None:
    client = client_for("commissioner", "99Z")
    before = AuditEntry.objects.count()
    response = client.post(
        RECORD,
        {"care_home_beds": "-4", "caip_share": "3", "start": "", "reason": "x"},
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "There is a problem" in text
    assert "Enter the date these inputs hold from" in text
    response = client.post(
        RECORD,
        {"care_home_beds": "-4", "caip_share": "3", "start": "2024-04-01"}
        | {"reason": "x"},
    )
    text = text_of(response)
    assert response.status_code == 400
    assert "Enter the beds as a whole number of 0 or more" in text
    assert "The CAIP share is between 0 and 1" in text
    assert not ContractInputs.objects.exists()
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("role", "organisation"),
    [
        ("commissioner", "88X"),  # the network is outside their area
        ("evaluator", None),
        ("practice_manager", "Z91001"),
        ("network_manager", "U99001"),  # the network does not set its own pay
        ("admin", None),  # administrators never record commissioners' decisions
    ],
)
def test_others_may_not_record(
    other_area,  # noqa: F811
    client_for,
    role,
    organisation,
) -> None:
    client = client_for(role, organisation)
    before = AuditEntry.objects.count()
    body = {"care_home_beds": "5", "start": "2024-04-01", "reason": "x"}
    assert client.post(RECORD, body).status_code == 403
    api = client.post(
        API, json.dumps(body), content_type="application/json"
    ).status_code
    assert api == 403
    assert not ContractInputs.objects.exists()
    assert AuditEntry.objects.count() == before


def test_the_network_reads_its_inputs_but_gets_no_form(demo_data, client_for) -> None:
    record(care_home_beds=75)
    client = client_for("network_manager", "U99001")
    response = client.get(PAGE + "?as_at=2024-06-01")
    assert response.status_code == 200
    text = text_of(response)
    assert "Care home beds 75" in text
    assert "The network’s overseeing commissioner records these inputs" in text
    assert 'name="care_home_beds"' not in response.content.decode()
    # The page itself takes no changes, from anyone.
    assert client.post(PAGE, {"care_home_beds": "5"}).status_code == 405
    assert not ContractInputs.objects.filter(care_home_beds=5).exists()


def test_the_governance_page_links_to_the_inputs(demo_data, client_for) -> None:
    url = reverse("governance", args=[NETWORK])
    commissioner = client_for("commissioner", "99Z").get(url).content.decode()
    assert "Record contract inputs (care home beds, IIF, CAIP)" in commissioner
    assert PAGE in commissioner
    manager = client_for("network_manager", "U99001").get(url).content.decode()
    assert "Record contract inputs" not in manager
    assert "Contract inputs and their history" in manager


def test_the_governance_page_and_history_show_the_inputs(demo_data, client_for) -> None:
    record(care_home_beds=75, caip_share="0.6", reason="assessed in March")
    client = client_for("commissioner", "99Z")
    url = reverse("governance", args=[NETWORK])
    text = text_of(client.get(url + "?as_at=2024-06-01"))
    assert "Care home beds 75" in text and "CAIP share achieved 0.6" in text
    assert (  # the history's summary of the record
        "care home beds 75; IIF points achieved not known; IIF prevalence factor "
        "not known; CAIP share achieved 0.6" in text
    )
    history = client.get(f"/api/governance/{NETWORK}/history").json()["records"]
    (found,) = [r for r in history if r["record_kind"] == "contract_inputs"]
    assert found["care_home_beds"] == 75 and found["reason"] == "assessed in March"


# --- the API ---------------------------------------------------------------------


def test_api_records_and_reads(demo_data, client_for) -> None:
    client = client_for("commissioner", "99Z")
    response = client.post(
        API,
        {"start": "2024-04-01", "reason": "assessed", "caip_share": "0.8"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["caip_share"] == "0.8000" and made["care_home_beds"] is None
    body = client.get(API + "?as_at=2024-05-01").json()
    assert body["may_record"] is True
    assert body["current"]["id"] == made["id"]
    assert [r["id"] for r in body["history"]] == [made["id"]]
    assert body["history"][0]["recorded_by"] is not None
    bad = client.post(
        API,
        {"start": "2024-04-01", "reason": "x", "care_home_beds": -2},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "care_home_beds" in bad.content.decode()
    assert ContractInputs.objects.count() == 1


def test_api_read_by_an_evaluator_withholds_names(demo_data, client_for) -> None:
    record(care_home_beds=9)
    body = client_for("evaluator").get(API + "?as_at=2024-05-01").json()
    assert body["may_record"] is False
    assert body["current"]["care_home_beds"] == 9
    assert body["current"]["recorded_by"] is None
    assert client_for("practice_manager", "Z91001").get(API).status_code == 403


def test_api_entitlements_are_computed_once_recorded(demo_data, client_for) -> None:
    client = client_for("commissioner", "99Z")
    url = f"/api/register/networks/{NETWORK}/entitlements?year={YEAR}"
    before = [x for x in client.get(url).json() if x["item"] == "care_home_premium"]
    assert {x["status"] for x in before} == {"not computed"}
    record(care_home_beds=120)
    after = [x for x in client.get(url).json() if x["item"] == "care_home_premium"]
    assert "due" in {x["status"] for x in after} <= {"due", "arrears"}
    assert sum(Decimal(x["amount"]) for x in after) > 0


# --- the payments page's "not computed" list -------------------------------------


def entitlements_page(client: Client) -> str:
    response = client.get(reverse("entitlements", args=[NETWORK]), {"year": str(YEAR)})
    assert response.status_code == 200
    return response.content.decode()


def test_the_not_computed_line_links_for_the_commissioner(
    demo_data, client_for
) -> None:
    html = entitlements_page(client_for("commissioner", "99Z"))
    assert f'href="{RECORD}?start=2024-04-01&amp;next=' in html
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    for words in (
        "Record the care home beds",
        "Record the IIF achievement",
        "Record the CAIP assessment",
    ):
        assert words in text


@pytest.mark.parametrize(
    ("role", "organisation"),
    [
        ("network_manager", "U99001"),
        ("evaluator", None),
        ("practice_manager", "Z91001"),
        ("admin", None),
    ],
)
def test_others_are_told_who_records_it(
    demo_data, client_for, role, organisation
) -> None:
    html = entitlements_page(client_for(role, organisation))
    assert PAGE not in html
    assert "Record the care home beds" not in html
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    assert (
        "The input is recorded by the commissioner on the network's governance "
        "page (Contract inputs), or given in a network facts file" in text
    )


def test_following_the_link_records_and_returns_to_the_payments(
    demo_data, client_for
) -> None:
    client = client_for("commissioner", "99Z")
    html = entitlements_page(client)
    link = unescape(re.search(rf'href="({re.escape(RECORD)}[^"]*)"', html).group(1))
    form = client.get(link).content.decode()
    assert 'value="2024-04-01"' in form  # the year's first day, offered
    response = client.post(
        link, {"care_home_beds": "120", "start": "2024-04-01", "reason": "counted"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("entitlements", args=[NETWORK]))
    text = re.sub(
        r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", entitlements_page(client)))
    )
    assert "Care Home Premium (2024-04 to 2025-03): not computed" not in text
    assert "Record the care home beds" not in text
    assert "Record the IIF achievement" in text  # still missing


def test_marks_say_where_each_input_is_recorded(demo_data) -> None:
    missing = {
        m.item: m for m in marks.not_computed(run_entitlements(YEAR, NETWORK).lines)
    }
    assert missing["care_home_premium"].record == "Record the care home beds"
    assert "governance page" in missing["care_home_premium"].how
    assert "network facts file" in missing["care_home_premium"].how

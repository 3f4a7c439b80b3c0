"""Findings a user can act on: each links to the form that acts on it.

* U99004 (Keston, Fernham & Dale PCN, under 30,000) needs its commissioner's
  approval; the commissioner records it from the finding and the population
  check turns to met, citing it.
* "Not known" governance findings link to the form recording the fact.
* Practices in no network link their commissioner to assigning them.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor
from pcnhub.contract.services import run_checks
from pcnhub.governance import history as records_history
from pcnhub.governance import services
from pcnhub.governance.models import SmallPopulationApproval
from pcnhub.register.demo import UNCOVERED_PRACTICE_CODE
from pcnhub.rules.checks import APPROVAL, MET

pytestmark = pytest.mark.django_db

SMALL = "U99004"
DAY = "2022-01-01"
REASON = "A natural community over the Keston moors, far from any other network"
APPROVE_FORM = f"/org/{SMALL}/governance/small-population/new/"


def client_as(make_user: Any, role: str, org: str | None = None) -> Client:
    client = Client()
    client.force_login(make_user(role, org))
    return client


def main_text(response: Any) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def links(response: Any) -> list[str]:
    return [
        unescape(h) for h in re.findall(r'href="([^"]+)"', response.content.decode())
    ]


def population(day: date) -> Any:
    (finding,) = [
        f for f in run_checks(day, pcn=SMALL).findings if f.rule == "population.band"
    ]
    return finding


def test_a_commissioner_approves_a_small_network_from_its_finding(
    demo_data: None, make_user: Any
) -> None:
    assert population(date(2022, 1, 1)).outcome == APPROVAL
    client = client_as(make_user, "commissioner", "99Z")
    page = client.get(f"/org/{SMALL}/", {"as_at": DAY})
    (approve,) = [h for h in links(page) if h.startswith(APPROVE_FORM)]
    assert "next=" in approve
    assert client.get(approve).status_code == 200
    before = AuditEntry.objects.count()
    done = client.post(approve, {"approval_reason": REASON, "start": "2021-04-01"})
    assert done.status_code == 302
    assert done["Location"].startswith(f"/org/{SMALL}/")
    after = client.get(done["Location"])
    text = main_text(after)
    assert REASON in text
    assert not [h for h in links(after) if h.startswith(APPROVE_FORM)]
    finding = population(date(2022, 1, 1))
    assert finding.outcome == MET
    assert REASON in finding.message and "small population approval" in finding.message
    # Before the approval's date the network still needs it.
    assert population(date(2021, 1, 1)).outcome == APPROVAL
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry is not None and entry.action == "approve small population"


def test_a_new_approval_keeps_the_last_in_the_history(demo_data: None) -> None:
    actor = Actor(system="tests")
    first = services.record_small_population_approval(
        actor, SMALL, approval_reason="rural", start=date(2021, 4, 1)
    )
    services.record_small_population_approval(
        actor, SMALL, approval_reason="rural and remote", start=date(2022, 4, 1)
    )
    first.refresh_from_db()
    assert first.valid_to == date(2022, 4, 1)
    assert SmallPopulationApproval.objects.filter(network_id=SMALL).count() == 2
    assert "rural and remote" in population(date(2022, 6, 1)).message
    assert "rural —" in population(date(2022, 1, 1)).message
    kinds = [e.kind for e in records_history.history(SMALL)]
    assert kinds.count("small_population") == 2


def test_an_approval_needs_a_reason(demo_data: None, make_user: Any) -> None:
    client = client_as(make_user, "commissioner", "99Z")
    answer = client.post(APPROVE_FORM, {"approval_reason": " ", "start": "2021-04-01"})
    assert answer.status_code == 400
    assert "Enter why the network is approved below the minimum" in main_text(answer)
    assert not SmallPopulationApproval.objects.exists()


@pytest.mark.parametrize(
    ("role", "org"),
    [
        ("clinical_director", SMALL),  # acts for it, but the approval is a decision
        ("evaluator", None),
        ("admin", None),
        ("commissioner", "88X"),
    ],
)
def test_only_its_commissioner_may_approve(
    demo_data: None, other_area: None, make_user: Any, role: str, org: str | None
) -> None:
    client = client_as(make_user, role, org)
    page = client.get(f"/org/{SMALL}/", {"as_at": DAY})
    assert not [h for h in links(page) if h.startswith(APPROVE_FORM)]
    answer = client.post(APPROVE_FORM, {"approval_reason": REASON, "start": DAY})
    assert answer.status_code == 403
    assert not SmallPopulationApproval.objects.exists()


def test_not_known_findings_link_to_the_governance_forms(
    demo_data: None, make_user: Any
) -> None:
    director = client_as(make_user, "clinical_director", "U99001")
    page = director.get("/org/U99001/", {"as_at": DAY})
    forms = {h.split("?")[0] for h in links(page) if "/governance/" in h}
    for kind in (
        "clinical-director",
        "nominated-payee",
        "network-agreement",
        "data-sharing",
    ):
        assert f"/org/U99001/governance/{kind}/new/" in forms, kind
    checks = client_as(make_user, "commissioner", "99Z").get("/checks/", {"as_at": DAY})
    assert "/org/U99002/governance/clinical-director/new/?" in checks.content.decode()
    evaluator = client_as(make_user, "evaluator").get("/org/U99001/", {"as_at": DAY})
    assert not [h for h in links(evaluator) if "/governance/" in h and "/new/" in h]


def test_a_recorded_fact_takes_the_user_back_to_the_finding(
    demo_data: None, make_user: Any
) -> None:
    director = client_as(make_user, "clinical_director", "U99001")
    page = director.get("/org/U99001/", {"as_at": DAY})
    (form,) = [h for h in links(page) if "/governance/data-sharing/new/" in h]
    done = director.post(
        form,
        {
            "status": "signed",
            "signed_on": "2021-03-01",
            "start": "2021-04-01",
            "reason": "signed by all",
        },
    )
    assert done.status_code == 302 and done["Location"].startswith("/org/U99001/")
    assert "A data-sharing agreement is in place" in main_text(
        director.get(done["Location"])
    )


def test_next_never_leaves_the_site(demo_data: None, make_user: Any) -> None:
    director = client_as(make_user, "clinical_director", "U99001")
    url = "/org/U99001/governance/data-sharing/new/?next=https://evil.example/"
    done = director.post(
        url, {"status": "signed", "start": "2021-04-01", "reason": "signed"}
    )
    assert done.status_code == 302
    assert done["Location"].startswith(reverse("governance", args=["U99001"]))


def test_practices_in_no_network_link_to_assigning_them(
    demo_data: None, make_user: Any
) -> None:
    assign = reverse("assign_practice", args=[UNCOVERED_PRACTICE_CODE])
    commissioner = client_as(make_user, "commissioner", "99Z")
    for page in ("/uncovered/", "/org/99Z/"):
        answer = commissioner.get(page, {"as_at": DAY})
        assert any(h.startswith(assign) for h in links(answer)), page
        assert "Assign to a network" in main_text(answer)
    assert commissioner.get(assign).status_code == 200
    for role in ("evaluator", "admin"):
        answer = client_as(make_user, role).get("/uncovered/", {"as_at": DAY})
        assert not any(h.startswith(assign) for h in links(answer)), role

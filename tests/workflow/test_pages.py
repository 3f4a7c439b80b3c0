"""The application pages: every kind's form, the error-summary pattern, and the
whole journey from a draft to the register, through the test client."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pcnhub.access.roles import Role
from pcnhub.access.scope import forget_scope
from pcnhub.access.services import grant
from pcnhub.audit.services import Actor
from pcnhub.register import queries
from pcnhub.workflow.models import Application, Change, State
from tests.web.conftest import load_demo

pytestmark = pytest.mark.django_db

APRIL_2022 = date(2022, 4, 1)
REASON = "a remote moorland valley, 25 km from the nearest network"


@pytest.fixture
def area(db: None, tmp_path: Path) -> None:
    load_demo(tmp_path / "demo")


@pytest.fixture
def people(area: None, make_user: Any) -> SimpleNamespace:
    return SimpleNamespace(
        practice=make_user("practice_manager", "Z93030", "pm-z93030"),
        member=make_user("practice_manager", "Z91001", "pm-z91001"),
        manager=make_user("network_manager", "U99001", "manager-u99001"),
        other=make_user("network_manager", "U99002", "manager-u99002"),
        commissioner=make_user("commissioner", "99Z", "commissioner-99z"),
        regional=make_user("regional", "Y98", "regional-y98"),
        evaluator=make_user("evaluator", None, "evaluator"),
    )


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def main_of(response: Any) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


def title_of(response: Any) -> str:
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert found
    return " ".join(unescape(found.group(1)).split())


def summary_links(response: Any) -> list[tuple[str, str]]:
    """The error summary's (href, text) pairs."""
    html = response.content.decode()
    if "nhsuk-error-summary" not in html:
        return []
    box = html[html.index("nhsuk-error-summary") :]
    box = box[: box.index("</ul>")]
    return [
        (href, " ".join(unescape(text).split()))
        for href, text in re.findall(r'<a href="([^"]+)"\s*>(.*?)</a>', box, re.S)
    ]


def date_fields(name: str, day: date) -> dict[str, str]:
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


def registration_form(reason: str = "", **changes: str) -> dict[str, str]:
    data = {
        "network_name": "Fernham Vale PCN",
        "commissioner": "99Z",
        **date_fields("effective_from", APRIL_2022),
        "practices": "Z93030",
        "cd1_name": "Dr Ada Lovelace",
        "cd1_profession": "gp",
        "cd1_wte": "0.5",
        "payee_kind": "member_practice",
        "payee_code": "Z93030",
        "agreement_status": "signed",
        **date_fields("agreement_signed_on", date(2022, 3, 15)),
        "agreement_schedules_complete": "yes",
        "data_sharing_status": "signed",
        **date_fields("data_sharing_signed_on", date(2022, 3, 15)),
        "operating_model": "flat_practice_network",
        "contract_holder": "each member practice",
        "small_population_reason": reason,
    }
    return data | changes


def create(client: Client, kind: str, data: dict[str, str]) -> Application:
    response = client.post(f"/applications/new/{kind}/", data)
    assert response.status_code == 302, main_of(response)
    reference = response["Location"].strip("/").split("/")[-1]
    return Application.objects.get(reference=reference)


def url(application: Application, action: str = "") -> str:
    return f"/applications/{application.reference}/" + (f"{action}/" if action else "")


def submitted_registration(people: SimpleNamespace, reason: str = REASON) -> Any:
    """Z93030's manager forms a network, confirms and submits it."""
    client = client_for(people.practice)
    application = create(client, "registration", registration_form(reason))
    assert (
        client.post(url(application, "confirm"), {"practice": "Z93030"}).status_code
        == 302
    )
    response = client.post(url(application, "submit"), {"version": "1"})
    assert response.status_code == 302, main_of(response)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    return application


# --- access ---------------------------------------------------------------------------


def test_pages_need_sign_in(client: Client) -> None:
    for path in ("/applications/", "/applications/new/", "/applications/APP-00001/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_refused_without_permission(people: SimpleNamespace) -> None:
    nobody = get_user_model().objects.create_user("no-role", password="pw-no-role")
    for user in (nobody, people.evaluator):
        assert client_for(user).get("/applications/").status_code == 403
    # Commissioners decide; they do not start applications.
    commissioner = client_for(people.commissioner)
    assert commissioner.get("/applications/new/").status_code == 403
    assert commissioner.get("/applications/new/registration/").status_code == 403
    page = main_of(commissioner.get("/applications/"))
    assert "Start an application" not in page
    assert "Start an application" in main_of(
        client_for(people.practice).get("/applications/")
    )


def test_an_application_is_shown_only_to_those_concerned(
    people: SimpleNamespace,
) -> None:
    application = submitted_registration(people)
    assert client_for(people.other).get(url(application)).status_code == 403
    assert client_for(people.evaluator).get(url(application)).status_code == 403
    assert client_for(people.member).get(url(application)).status_code == 403
    assert client_for(people.commissioner).get(url(application)).status_code == 200
    assert client_for(people.regional).get(url(application)).status_code == 200
    assert (
        client_for(people.practice).get("/applications/APP-99999/").status_code == 404
    )
    # The applicant cannot decide their own application; others cannot change it.
    assert (
        client_for(people.practice).get(url(application, "decide")).status_code == 403
    )
    assert (
        client_for(people.commissioner)
        .post(url(application, "withdraw"), {"reason": "no"})
        .status_code
        == 403
    )
    assert (
        client_for(people.other)
        .post(url(application, "confirm"), {"practice": "Z93030"})
        .status_code
        == 403
    )


def test_actions_are_post_only(people: SimpleNamespace) -> None:
    application = submitted_registration(people)
    client = client_for(people.practice)
    for action in ("submit", "withdraw", "confirm"):
        assert client.get(url(application, action)).status_code == 405


# --- choosing the kind ----------------------------------------------------------------


def test_choose_the_kind(people: SimpleNamespace) -> None:
    client = client_for(people.manager)
    page = client.get("/applications/new/")
    assert page.status_code == 200
    assert "What is the application for?" in main_of(page)
    missing = client.get("/applications/new/?kind=")
    assert missing.status_code == 400
    assert title_of(missing).startswith("Error: ")
    assert summary_links(missing) == [("#kind", "Select the kind of application")]
    chosen = client.get("/applications/new/?kind=practice_join&network=U99001")
    assert chosen.status_code == 302
    assert chosen["Location"] == "/applications/new/practice_join/?network=U99001"
    assert client.get("/applications/new/nonsense/").status_code == 404


# --- registration ---------------------------------------------------------------------


def test_registration_form_shows_every_error_in_a_summary(
    people: SimpleNamespace,
) -> None:
    client = client_for(people.practice)
    form = client.get("/applications/new/registration/")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert "NHS Wendmoor CCG (99Z)" in html  # the practice's commissioner to choose
    assert not title_of(form).startswith("Error")

    response = client.post("/applications/new/registration/", {})
    assert response.status_code == 400
    assert title_of(response).startswith("Error: ")
    assert "There is a problem" in main_of(response)
    assert summary_links(response) == [
        ("#network_name", "Enter the network name"),
        ("#commissioner", "Choose the commissioner"),
        ("#effective_from-day", "Enter the date the change takes effect"),
        ("#practices", "Enter at least one practice's ODS code"),
    ]
    assert "Error: Enter the network name" in main_of(response)
    assert Application.objects.count() == 0

    bad = registration_form(
        **{"effective_from-day": "31", "effective_from-month": "2"},
        practices="Z93030\nnot-a-code",
        cd1_wte="3",
        operating_model="lead_provider",
        contract_holder="",
    )
    response = client.post("/applications/new/registration/", bad)
    assert response.status_code == 400
    links = dict(summary_links(response))
    assert links["#effective_from-day"] == (
        "The date the change takes effect must be a real date"
    )
    assert links["#practices"].startswith("NOT-A-CODE is not a practice's ODS code")
    assert "at most 2" in links["#cd1_wte"]
    assert links["#contract_holder"].startswith("Enter who holds")
    # What was typed is kept.
    assert 'value="Fernham Vale PCN"' in response.content.decode()


def test_a_service_error_goes_on_its_field(people: SimpleNamespace) -> None:
    client = client_for(people.practice)
    response = client.post(
        "/applications/new/registration/",
        registration_form(practices="Z99999"),
    )
    assert response.status_code == 400
    assert summary_links(response) == [
        ("#practices", "Z99999 is not a practice in the register")
    ]


def test_registration_from_draft_to_the_register(people: SimpleNamespace) -> None:
    applicant = client_for(people.practice)
    application = create(applicant, "registration", registration_form())
    assert application.state == State.DRAFT
    assert application.details["network_name"] == "Fernham Vale PCN"
    assert application.details["clinical_directors"] == [
        {"name": "Dr Ada Lovelace", "profession": "gp", "wte": "0.5"}
    ]
    assert application.details["agreement"] == {
        "status": "signed",
        "signed_on": "2022-03-15",
        "schedules_complete": True,
    }
    assert [(p.practice_id, p.change) for p in application.practices.all()] == [
        ("Z93030", Change.JOINS)
    ]

    page = applicant.get(url(application))
    text = main_of(page)
    assert "Draft" in text and "Checks on this draft" in text
    assert "Waiting for Z93030 to confirm" in text
    assert "Breach" in text and "gives no reason" in text
    assert "Confirm for Z93030" in text
    assert 'name="version" value="1"' in page.content.decode()

    # Change: the form comes prefilled and carries the version.
    form = applicant.get(url(application, "change"))
    html = form.content.decode()
    assert 'name="version" value="1"' in html
    assert 'value="Fernham Vale PCN"' in html
    assert ">Z93030</textarea>" in html
    response = applicant.post(
        url(application, "change"), registration_form(REASON, version="1")
    )
    assert response.status_code == 302, main_of(response)
    application.refresh_from_db()
    assert application.version == 2
    text = main_of(applicant.get(url(application)))
    assert "Needs commissioner approval" in text and "gives no reason" not in text

    # The practice confirms; the applicant submits.
    response = applicant.post(url(application, "confirm"), {"practice": "Z93030"})
    assert response.status_code == 302
    response = applicant.post(url(application, "submit"), {"version": "2"})
    assert response.status_code == 302
    text = main_of(applicant.get(url(application)))
    assert "Submitted to the commissioner" in text
    assert "Checks on submission" in text and "Submit to the commissioner" not in text

    # The commissioner's queue, then the decision page.
    reviewer = client_for(people.commissioner)
    queue = main_of(reviewer.get("/applications/"))
    assert "Waiting (1)" in queue and application.reference in queue
    assert "New: Fernham Vale PCN" in queue and "Needs commissioner approval" in queue
    assert "Decide on this application" in main_of(reviewer.get(url(application)))
    page = reviewer.get(url(application, "decide"))
    assert page.status_code == 200
    assert "ODS code issued for the new network" in main_of(page)
    assert 'name="version" value="3"' not in page.content.decode()

    version = str(Application.objects.get(pk=application.pk).version)
    missing = reviewer.post(
        url(application, "decide"),
        {"outcome": "approved_with_conditions", "version": version},
    )
    assert missing.status_code == 400
    assert summary_links(missing) == [("#conditions", "Say what the conditions are")]
    no_code = reviewer.post(
        url(application, "decide"),
        {
            "outcome": "approved_with_conditions",
            "conditions": "review the population in a year",
            "version": version,
        },
    )
    assert no_code.status_code == 400
    assert summary_links(no_code)[0][0] == "#network_code"

    response = reviewer.post(
        url(application, "decide"),
        {
            "outcome": "approved_with_conditions",
            "reasons": "a natural community",
            "conditions": "review the population in a year",
            "network_code": "u99013",
            "version": version,
        },
        follow=True,
    )
    assert response.status_code == 200
    text = main_of(response)
    assert (
        "Approved with conditions. U99013 is in the register from 1 April 2022." in text
    )
    assert "review the population in a year" in text
    application.refresh_from_db()
    assert application.state == State.APPROVED_WITH_CONDITIONS
    assert queries.network_of("Z93030", APRIL_2022) == "U99013"
    assert queries.network_of("Z93030", date(2022, 3, 31)) is None
    assert "Recently decided (1)" in main_of(reviewer.get("/applications/"))


def test_decision_waits_for_every_practice(people: SimpleNamespace) -> None:
    applicant = client_for(people.manager)
    application = create(applicant, "registration", registration_form(REASON))
    assert (
        applicant.post(url(application, "submit"), {"version": "1"}).status_code == 302
    )
    reviewer = client_for(people.commissioner)
    page = reviewer.get(url(application, "decide"))
    assert "Not every practice has confirmed" in main_of(page)
    response = reviewer.post(
        url(application, "decide"),
        {"outcome": "approved", "network_code": "U99013", "version": "1"},
    )
    assert response.status_code == 400
    assert summary_links(response) == [
        (
            "#outcome",
            "Every named practice must confirm before approval; waiting for Z93030",
        )
    ]

    # The network manager cannot confirm for the practice.
    response = applicant.post(url(application, "confirm"), {"practice": "Z93030"})
    assert response.status_code == 403

    # The commissioner records a confirmation received another way, with a note.
    detail = main_of(reviewer.get(url(application)))
    assert "Record a confirmation received another way" in detail
    response = reviewer.post(url(application, "confirm"), {"practice": "Z93030"})
    assert response.status_code == 400
    assert summary_links(response)[0][0] == "#confirm_note"
    assert "Say how the practice confirmed" in summary_links(response)[0][1]
    response = reviewer.post(
        url(application, "confirm"),
        {"practice": "Z93030", "note": "signed letter of 3 March 2022"},
    )
    assert response.status_code == 302
    row = application.practices.get()
    assert row.confirmed_at and row.confirmation_note == "signed letter of 3 March 2022"
    response = reviewer.post(
        url(application, "decide"),
        {"outcome": "approved", "network_code": "U99013", "version": "1"},
    )
    assert response.status_code == 302
    assert queries.network_of("Z93030", APRIL_2022) == "U99013"


def test_reject_then_appeal_upheld(people: SimpleNamespace) -> None:
    application = submitted_registration(people)
    reviewer = client_for(people.commissioner)
    response = reviewer.post(
        url(application, "decide"), {"outcome": "rejected", "version": "1"}
    )
    assert response.status_code == 400
    assert summary_links(response) == [
        ("#reasons", "Give the reasons for rejecting the application")
    ]
    response = reviewer.post(
        url(application, "decide"),
        {"outcome": "rejected", "reasons": "too small to be viable", "version": "1"},
        follow=True,
    )
    assert "Rejected. The applicants can change" in main_of(response)
    application.refresh_from_db()
    assert application.state == State.REJECTED

    applicant = client_for(people.practice)
    page = main_of(applicant.get(url(application)))
    assert "Lodge an appeal" in page and "too small to be viable" in page
    assert applicant.get(url(application, "appeal")).status_code == 200
    response = applicant.post(url(application, "appeal"), {"grounds": ""})
    assert response.status_code == 400
    assert summary_links(response) == [("#grounds", "Give the grounds of the appeal")]
    response = applicant.post(
        url(application, "appeal"), {"grounds": "the valley has no other network"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.APPEALED

    queue = main_of(reviewer.get("/applications/"))
    assert "Appeals (1)" in queue
    regional = client_for(people.regional)
    page = regional.get(url(application, "appeal/decide"))
    assert "the valley has no other network" in main_of(page)
    response = regional.post(url(application, "appeal/decide"), {"outcome": "upheld"})
    assert response.status_code == 400
    assert summary_links(response) == [
        ("#reasons", "Give the reasons for the appeal's outcome")
    ]
    response = regional.post(
        url(application, "appeal/decide"),
        {
            "outcome": "upheld",
            "reasons": "isolated community",
            "network_code": "U99014",
        },
        follow=True,
    )
    assert "Appeal upheld. Approved. U99014 is in the register" in main_of(response)
    assert queries.network_of("Z93030", APRIL_2022) == "U99014"


def test_appeal_dismissed(people: SimpleNamespace) -> None:
    application = submitted_registration(people)
    reviewer = client_for(people.commissioner)
    reviewer.post(
        url(application, "decide"),
        {"outcome": "rejected", "reasons": "not viable", "version": "1"},
    )
    client_for(people.practice).post(url(application, "appeal"), {"grounds": "it is"})
    response = reviewer.post(
        url(application, "appeal/decide"),
        {"outcome": "dismissed", "reasons": "still not viable"},
        follow=True,
    )
    assert "Appeal dismissed. The rejection stands." in main_of(response)
    application.refresh_from_db()
    assert application.state == State.REJECTED
    assert queries.network_of("Z93030", APRIL_2022) is None


def test_withdraw(people: SimpleNamespace) -> None:
    applicant = client_for(people.practice)
    application = create(applicant, "registration", registration_form(REASON))
    response = applicant.post(url(application, "withdraw"), {"reason": ""})
    assert response.status_code == 400
    assert summary_links(response) == [
        ("#withdraw_reason", "Say why you are withdrawing the application")
    ]
    response = applicant.post(
        url(application, "withdraw"), {"reason": "joining U99012 instead"}, follow=True
    )
    text = main_of(response)
    assert "is withdrawn" in text and "joining U99012 instead" in text
    assert "Withdraw this application" not in text and "Submit" not in text
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    # A withdrawn application cannot be changed.
    response = applicant.get(url(application, "change"), follow=True)
    assert "cannot be changed" in main_of(response)


def test_stale_version_is_a_conflict(people: SimpleNamespace) -> None:
    applicant = client_for(people.practice)
    application = create(applicant, "registration", registration_form())
    form = registration_form(REASON, version="1")
    assert applicant.post(url(application, "change"), form).status_code == 302
    # A second tab still at version 1.
    response = applicant.post(url(application, "change"), form)
    assert response.status_code == 409
    assert title_of(response).startswith("Error: ")
    assert "changed by someone else" in summary_links(response)[0][1]
    response = applicant.post(url(application, "submit"), {"version": "1"})
    assert response.status_code == 409
    assert summary_links(response)[0][0] == "#submit"
    assert (
        applicant.post(url(application, "submit"), {"version": "2"}).status_code == 302
    )


def test_two_reviewers_deciding_the_same_round(people: SimpleNamespace) -> None:
    application = submitted_registration(people)
    first, second = client_for(people.commissioner), client_for(people.regional)
    assert second.get(url(application, "decide")).status_code == 200
    response = first.post(
        url(application, "decide"),
        {"outcome": "approved", "network_code": "U99013", "version": "1"},
    )
    assert response.status_code == 302
    response = second.post(
        url(application, "decide"),
        {"outcome": "rejected", "reasons": "no", "version": "1"},
    )
    assert response.status_code == 409
    assert "already decided by commissioner-99z" in summary_links(response)[0][1]


# --- the other kinds ------------------------------------------------------------------


def test_practice_join(people: SimpleNamespace) -> None:
    applicant = client_for(people.manager)
    form = applicant.get("/applications/new/practice_join/?network=U99001")
    html = form.content.decode()
    assert 'value="U99001"' in html
    assert "NHS Wendmoor CCG (99Z)" in html
    response = applicant.post("/applications/new/practice_join/", {})
    assert response.status_code == 400
    assert [href for href, _ in summary_links(response)] == [
        "#network",
        "#effective_from-day",
        "#practices",
    ]
    application = create(
        applicant,
        "practice_join",
        {
            "network": "u99001",
            "commissioner": "",
            "practices": "z93030",
            **date_fields("effective_from", APRIL_2022),
            "reason": "Z93030 asked to join",
        },
    )
    assert application.commissioner_id == "99Z"  # from the register
    assert application.network_id == "U99001"
    assert [(p.practice_id, p.change) for p in application.practices.all()] == [
        ("Z93030", Change.JOINS)
    ]
    client_for(people.practice).post(
        url(application, "confirm"), {"practice": "Z93030"}
    )
    assert (
        applicant.post(url(application, "submit"), {"version": "1"}).status_code == 302
    )
    response = client_for(people.commissioner).post(
        url(application, "decide"), {"outcome": "approved", "version": "1"}
    )
    assert response.status_code == 302
    assert queries.network_of("Z93030", APRIL_2022) == "U99001"
    assert queries.network_of("Z93030", date(2022, 3, 31)) is None


def test_practice_leave_needs_notice(people: SimpleNamespace) -> None:
    applicant = client_for(people.member)
    form = applicant.get("/applications/new/practice_leave/")
    html = form.content.decode()
    assert ">Z91001</textarea>" in html and 'value="U99001"' in html
    data = {
        "network": "U99001",
        "practices": "Z91001",
        **date_fields("effective_from", APRIL_2022),
        "reason": "moving to a federation",
    }
    response = applicant.post("/applications/new/practice_leave/", data)
    assert response.status_code == 400
    assert summary_links(response) == [
        ("#notice_given_on-day", "Enter the date the practice gave notice")
    ]
    late = data | date_fields("notice_given_on", date(2022, 5, 1))
    response = applicant.post("/applications/new/practice_leave/", late)
    assert response.status_code == 400
    assert summary_links(response) == [
        ("#notice_given_on-day", "Notice must be given before the practice leaves")
    ]
    application = create(
        applicant,
        "practice_leave",
        data | date_fields("notice_given_on", date(2022, 1, 1)),
    )
    assert application.notice_given_on == date(2022, 1, 1)
    assert [(p.practice_id, p.change) for p in application.practices.all()] == [
        ("Z91001", Change.LEAVES)
    ]


@pytest.mark.parametrize(
    ("kind", "user", "practice", "change"),
    [
        ("opt_out", "member", "Z91001", Change.LEAVES),
        ("opt_in", "practice", "Z93030", Change.JOINS),
    ],
)
def test_opt_out_and_opt_in(
    people: SimpleNamespace, kind: str, user: str, practice: str, change: str
) -> None:
    applicant = client_for(getattr(people, user))
    data = {
        "network": "U99001",
        "practices": practice,
        **date_fields("effective_from", APRIL_2022),
        **date_fields("notice_given_on", date(2022, 1, 1)),
        "reason": "the practice's decision",
    }
    application = create(applicant, kind, data)
    assert application.kind == kind
    assert [(p.practice_id, p.change) for p in application.practices.all()] == [
        (practice, change)
    ]
    assert applicant.get(url(application)).status_code == 200


def test_merger(people: SimpleNamespace, make_user: Any) -> None:
    # A merger comes from someone acting for both networks (or their commissioner).
    applicant = client_for(people.manager)
    refused = applicant.post(
        "/applications/new/merger/",
        {
            "network": "U99001",
            "absorbed_network": "U99002",
            **date_fields("effective_from", APRIL_2022),
        },
    )
    assert refused.status_code == 403
    assert summary_links(refused) == [
        (
            "#absorbed_network",
            "You do not act for U99002: ask its clinical director or PCN manager, "
            "or its commissioner",
        )
    ]
    grant(
        Actor(system="tests"),
        people.manager,
        Role.NETWORK_MANAGER,
        "U99002",
        valid_from=date(2019, 4, 1),
    )
    forget_scope(people.manager)
    data = {"network": "U99001", **date_fields("effective_from", APRIL_2022)}
    response = applicant.post("/applications/new/merger/", data)
    assert summary_links(response) == [
        ("#absorbed_network", "Enter the ODS code of the network absorbed")
    ]
    response = applicant.post(
        "/applications/new/merger/", data | {"absorbed_network": "U99001"}
    )
    assert summary_links(response) == [
        ("#absorbed_network", "A network cannot merge with itself")
    ]
    application = create(applicant, "merger", data | {"absorbed_network": "u99002"})
    assert application.details == {"absorbed_network": "U99002"}
    text = main_of(applicant.get(url(application)))
    assert "Absorbed network" in text and "U99002" in text


def test_split(people: SimpleNamespace) -> None:
    applicant = client_for(people.manager)
    data = {
        "network": "U99001",
        "practices": "Z91001",
        **date_fields("effective_from", APRIL_2022),
    }
    response = applicant.post("/applications/new/split/", data)
    assert summary_links(response) == [
        ("#new_network_name", "Enter the new network's name")
    ]
    application = create(applicant, "split", data | {"new_network_name": "North PCN"})
    assert application.details == {"new_network_name": "North PCN"}
    assert [(p.practice_id, p.change) for p in application.practices.all()] == [
        ("Z91001", Change.MOVES)
    ]
    text = main_of(applicant.get(url(application)))
    assert "Checks on this draft" in text and "The new network" in text


def test_clinical_director(people: SimpleNamespace) -> None:
    applicant = client_for(people.manager)
    data = {"network": "U99001", **date_fields("effective_from", APRIL_2022)}
    response = applicant.post("/applications/new/clinical_director/", data)
    assert summary_links(response) == [
        ("#cd1_name", "Enter the clinical director's name")
    ]
    response = applicant.post(
        "/applications/new/clinical_director/", data | {"cd1_name": "Dr B"}
    )
    assert [href for href, _ in summary_links(response)] == [
        "#cd1_profession",
        "#cd1_wte",
    ]
    application = create(
        applicant,
        "clinical_director",
        data
        | {
            "cd1_name": "Dr B",
            "cd1_profession": "gp",
            "cd1_wte": "0.5",
            "cd2_name": "C Nurse",
            "cd2_profession": "other",
            "cd2_wte": "0.25",
        },
    )
    assert application.details["clinical_directors"] == [
        {"name": "Dr B", "profession": "gp", "wte": "0.5"},
        {"name": "C Nurse", "profession": "other", "wte": "0.25"},
    ]
    text = main_of(applicant.get(url(application)))
    assert "Dr B (GP, 0.5 WTE)" in text and "C Nurse (Other profession" in text


def test_nominated_payee(people: SimpleNamespace) -> None:
    applicant = client_for(people.manager)
    data = {"network": "U99001", **date_fields("effective_from", APRIL_2022)}
    response = applicant.post("/applications/new/nominated_payee/", data)
    assert summary_links(response) == [
        ("#payee_kind", "Select the kind of nominated payee")
    ]
    response = applicant.post(
        "/applications/new/nominated_payee/", data | {"payee_kind": "member_practice"}
    )
    assert summary_links(response)[0][0] == "#payee_code"
    application = create(
        applicant,
        "nominated_payee",
        data | {"payee_kind": "member_practice", "payee_code": "z91001"},
    )
    assert application.details["payee"] == {
        "code": "Z91001",
        "name": "",
        "kind": "member_practice",
    }
    assert "Z91001" in main_of(applicant.get(url(application)))


def test_a_network_speaks_only_for_itself(people: SimpleNamespace) -> None:
    response = client_for(people.other).post(
        "/applications/new/clinical_director/",
        {
            "network": "U99001",
            **date_fields("effective_from", APRIL_2022),
            "cd1_name": "Dr B",
            "cd1_profession": "gp",
            "cd1_wte": "1",
        },
    )
    assert response.status_code == 403  # the form again, with why
    assert summary_links(response)[0][0] == "#network"
    assert "You do not act for U99001" in summary_links(response)[0][1]


# --- assignment -----------------------------------------------------------------------


def test_commissioner_assigns_a_practice_in_no_network(people: SimpleNamespace) -> None:
    assert client_for(people.practice).get("/org/Z93030/assign/").status_code == 403
    assert client_for(people.manager).get("/org/Z93030/assign/").status_code == 403
    reviewer = client_for(people.commissioner)
    assert reviewer.get("/org/NOSUCH/assign/").status_code == 404
    page = reviewer.get("/org/Z93030/assign/")
    assert page.status_code == 200
    assert 'value="U99012"' in page.content.decode()

    response = reviewer.post("/org/Z93030/assign/", {})
    assert response.status_code == 400
    assert [href for href, _ in summary_links(response)] == [
        "#network",
        "#effective_from-day",
        "#reason",
    ]
    data = {
        "network": "U99012",
        **date_fields("effective_from", APRIL_2022),
        "reason": "no network would take the practice",
    }
    response = reviewer.post("/org/Z93030/assign/", data, follow=True)
    assert response.status_code == 200
    assert "Z93030 is assigned to U99012 from 1 April 2022" in main_of(response)
    assert queries.network_of("Z93030", APRIL_2022) == "U99012"
    application = Application.objects.get(kind="assignment")
    assert application.state == State.APPROVED

    # A practice in a network cannot be assigned.
    response = reviewer.post("/org/Z91001/assign/", data)
    assert response.status_code == 400
    assert "Z91001 is in U99001" in summary_links(response)[0][1]


# --- the lists ------------------------------------------------------------------------


def test_applicants_list_filter_and_csv(people: SimpleNamespace) -> None:
    application = submitted_registration(people)
    draft = create(
        client_for(people.manager),
        "clinical_director",
        {
            "network": "U99001",
            **date_fields("effective_from", APRIL_2022),
            "cd1_name": "Dr B",
            "cd1_profession": "gp",
            "cd1_wte": "1",
        },
    )
    mine = main_of(client_for(people.practice).get("/applications/"))
    assert "Your applications" in mine and application.reference in mine
    assert "Waiting for the commissioner's decision" in mine
    assert draft.reference not in mine

    # A practice named in someone else's application sees it, and what it waits for.
    join = create(
        client_for(people.manager),
        "practice_join",
        {
            "network": "U99001",
            "practices": "Z93030",
            **date_fields("effective_from", APRIL_2022),
        },
    )
    mine = main_of(client_for(people.practice).get("/applications/"))
    assert join.reference in mine and "Waiting for Z93030 to confirm" in mine

    reviewer = client_for(people.commissioner)
    drafts = reviewer.get("/applications/?state=draft")
    assert drafts.status_code == 200
    text = main_of(drafts)
    assert draft.reference in text and application.reference not in text
    bad = reviewer.get("/applications/?state=nonsense")
    assert bad.status_code == 400
    assert summary_links(bad) == [("#state", "Choose a state from the list")]

    export = reviewer.get("/applications/?format=csv")
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    by_ref = {row["reference"]: row for row in rows}
    assert set(by_ref) == {application.reference, draft.reference, join.reference}
    row = by_ref[application.reference]
    assert row["kind"] == "registration" and row["state"] == "submitted"
    assert row["practices"] == "Z93030" and row["days_waiting"] == "0"
    assert row["worst_check"] == "needs commissioner approval"
    only = reviewer.get("/applications/?state=submitted&format=csv")
    assert [
        r["reference"] for r in csv.DictReader(io.StringIO(only.content.decode()))
    ] == [application.reference]


def test_pages_fit_a_phone(people: SimpleNamespace) -> None:
    """Tables stack (responsive), forms use the NHS.UK grid and width classes."""
    application = submitted_registration(people)
    reviewer = client_for(people.commissioner)
    for path in ("/applications/", url(application), url(application, "decide")):
        html = reviewer.get(path).content.decode()
        assert 'name="viewport"' in html
        assert "nhsuk-table-responsive" in html or "nhsuk-table--responsive" in html
    form = client_for(people.practice).get("/applications/new/registration/")
    assert "nhsuk-grid-column-two-thirds" in form.content.decode()

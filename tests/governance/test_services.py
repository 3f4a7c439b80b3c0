"""The governance services: history kept, audit written, bad input refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pcnhub.audit.models import AuditEntry
from pcnhub.audit.services import Actor, verify
from pcnhub.governance import history as records_history
from pcnhub.governance import reading, services
from pcnhub.governance.models import (
    ClinicalDirectorAppointment,
    FrozenRecord,
    NetworkAgreement,
    NominatedPayee,
    OperatingModel,
)

pytestmark = pytest.mark.django_db

NETWORK = "U99001"
MEMBER = "Z91001"  # a member practice of U99001
ACTOR = Actor(system="governance-tests")
APRIL_2021 = date(2021, 4, 1)
OCTOBER_2021 = date(2021, 10, 1)


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def payee(start: date, code: str = MEMBER, reason: str = "set up") -> NominatedPayee:
    return services.set_nominated_payee(
        ACTOR,
        NETWORK,
        payee_code=code,
        payee_name="",
        kind="member_practice",
        start=start,
        reason=reason,
    )


# History --------------------------------------------------------------------------


def test_a_change_closes_the_current_record_and_opens_the_next(demo_data) -> None:
    first = payee(APRIL_2021, reason="the members chose Z91001")
    second = payee(OCTOBER_2021, code="Z91002", reason="Z91001 stepped down")
    first.refresh_from_db()
    assert first.valid_to == OCTOBER_2021  # closed, not overwritten
    assert first.payee_code == MEMBER and first.reason == "the members chose Z91001"
    assert second.valid_from == OCTOBER_2021 and second.valid_to is None
    assert NominatedPayee.objects.filter(network_id=NETWORK).count() == 2
    # The name is filled in from the register when not given.
    assert first.payee_name and first.recorded_by_system == "governance-tests"

    assert reading.governance_on(NETWORK, date(2021, 9, 30)).payee == first
    assert reading.governance_on(NETWORK, OCTOBER_2021).payee == second
    assert reading.governance_on(NETWORK, date(2021, 3, 31)).payee is None


def test_a_change_on_the_same_day_keeps_the_replaced_record(demo_data) -> None:
    first = payee(APRIL_2021)
    second = payee(APRIL_2021, code="Z91002", reason="typo: it was Z91002")
    first.refresh_from_db()
    assert first.valid_to == first.valid_from  # never held, still in the history
    entries = records_history.history(NETWORK)
    assert [e.item for e in entries] == [second, first]
    assert entries[1].never_held and not entries[0].never_held
    assert reading.governance_on(NETWORK, APRIL_2021).payee == second


def test_history_cannot_be_rewritten(demo_data) -> None:
    current = payee(OCTOBER_2021)
    with pytest.raises(ValidationError) as exc:
        payee(APRIL_2021)
    assert "start" in errors_of(exc)
    assert "history is not rewritten" in errors_of(exc)["start"][0]
    current.refresh_from_db()
    assert current.valid_to is None  # the refused change wrote nothing
    assert NominatedPayee.objects.count() == 1


def test_records_refuse_edits_and_deletes(demo_data) -> None:
    record = payee(APRIL_2021)
    record.payee_code = "Z91099"
    with pytest.raises(FrozenRecord):
        record.save()
    with pytest.raises(FrozenRecord):
        record.delete()
    with pytest.raises(FrozenRecord):
        record.save(update_fields=["payee_code"])
    record.refresh_from_db()
    assert record.payee_code == MEMBER


def test_history_holds_every_kind_newest_first_with_who_and_why(demo_data) -> None:
    services.record_network_agreement(
        ACTOR,
        NETWORK,
        status="signed",
        signed_on=date(2021, 3, 20),
        schedules_complete=True,
        start=APRIL_2021,
        reason="signed by all members",
        application_ref="APP-7",
    )
    services.record_data_sharing(
        ACTOR, NETWORK, status="signed", signed_on=None, start=APRIL_2021, reason="r2"
    )
    cd = services.appoint_clinical_director(
        ACTOR,
        NETWORK,
        name="Dr Ada Lovelace",
        profession="gp",
        wte=Decimal("0.5"),
        start=APRIL_2021,
        reason="elected",
    )
    services.end_clinical_director(
        ACTOR, cd, on=OCTOBER_2021, reason="retired", application_ref="APP-9"
    )
    services.set_operating_model(
        ACTOR,
        NETWORK,
        model="lead_provider",
        contract_holder="Z91001 Wendmoor Surgery",
        start=APRIL_2021,
        reason="r5",
    )
    payee(APRIL_2021, reason="r6")
    entries = records_history.history(NETWORK)
    assert [e.kind for e in entries] == [
        "nominated_payee",
        "operating_model",
        "clinical_director",
        "data_sharing",
        "network_agreement",
    ]
    assert all(e.recorded_by == "governance-tests" for e in entries)
    agreement = entries[-1]
    assert agreement.reason == "signed by all members"
    assert agreement.application_ref == "APP-7"
    director = entries[2]
    assert director.valid_to == OCTOBER_2021
    assert director.close_reason == "retired" and director.closed_at is not None
    assert director.item.close_application_ref == "APP-9"


# Audit ----------------------------------------------------------------------------


def test_every_change_writes_one_audit_entry_naming_the_network(demo_data) -> None:
    before = AuditEntry.objects.count()
    first = payee(APRIL_2021, reason="first payee")
    payee(OCTOBER_2021, code="Z91002", reason="second payee")
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert len(entries) == 2
    last = entries[-1]
    assert last.action == "set nominated payee"
    assert last.system_actor == "governance-tests"
    assert last.reason == "second payee"
    assert [s.code for s in last.subjects.all()] == [NETWORK]
    assert last.before["id"] == first.pk and last.before["valid_to"] is None
    assert last.after["payee_code"] == "Z91002"
    assert verify().ok


def test_a_user_is_recorded_as_who_acted(demo_data, make_user) -> None:
    user = make_user("commissioner", "99Z")
    made = services.appoint_clinical_director(
        Actor(user=user),
        NETWORK,
        name="Dr B",
        profession="other",
        wte=Decimal("1"),
        start=APRIL_2021,
    )
    assert made.recorded_by == user and made.recorded_by_system == ""
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.actor == user and entry.action == "appoint clinical director"


# Clinical directors -----------------------------------------------------------------


def test_joint_clinical_directors_overlap(demo_data) -> None:
    for name in ("Dr A", "Dr B"):
        services.appoint_clinical_director(
            ACTOR,
            NETWORK,
            name=name,
            profession="gp",
            wte=Decimal("0.5"),
            start=APRIL_2021,
        )
    on = reading.governance_on(NETWORK, date(2021, 6, 1))
    assert [a.name for a in on.clinical_directors] == ["Dr A", "Dr B"]
    assert [a.wte for a in on.clinical_directors] == [Decimal("0.50")] * 2


def test_replacing_clinical_directors_ends_the_current_ones(demo_data) -> None:
    old = services.appoint_clinical_director(
        ACTOR, NETWORK, name="Dr Old", profession="gp", wte=Decimal(1), start=APRIL_2021
    )
    new = services.replace_clinical_directors(
        ACTOR,
        NETWORK,
        directors=[("Dr New", "gp", Decimal("0.6")), ("Ms Nurse", "other", "0.4")],
        start=OCTOBER_2021,
        reason="election",
        application_ref="APP-1",
    )
    old.refresh_from_db()
    assert old.valid_to == OCTOBER_2021 and old.close_reason == "election"
    assert [(a.name, a.wte, a.application_ref) for a in new] == [
        ("Dr New", Decimal("0.60"), "APP-1"),
        ("Ms Nurse", Decimal("0.40"), "APP-1"),
    ]
    assert ClinicalDirectorAppointment.objects.count() == 3
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "replace clinical directors"
    assert [d["name"] for d in entry.before] == ["Dr Old"]
    assert [d["name"] for d in entry.after] == ["Dr New", "Ms Nurse"]


def test_replacing_before_a_current_director_started_is_refused(demo_data) -> None:
    services.appoint_clinical_director(
        ACTOR,
        NETWORK,
        name="Dr Old",
        profession="gp",
        wte=Decimal(1),
        start=OCTOBER_2021,
    )
    with pytest.raises(ValidationError) as exc:
        services.replace_clinical_directors(
            ACTOR, NETWORK, directors=[("Dr X", "gp", Decimal(1))], start=APRIL_2021
        )
    assert "start" in errors_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.replace_clinical_directors(
            ACTOR, NETWORK, directors=[], start=OCTOBER_2021
        )
    assert "directors" in errors_of(exc)
    assert ClinicalDirectorAppointment.objects.count() == 1


def test_ending_an_appointment_is_checked(demo_data) -> None:
    cd = services.appoint_clinical_director(
        ACTOR, NETWORK, name="Dr A", profession="gp", wte=Decimal(1), start=OCTOBER_2021
    )
    with pytest.raises(ValidationError) as exc:
        services.end_clinical_director(ACTOR, cd, on=APRIL_2021)
    assert "on" in errors_of(exc)
    services.end_clinical_director(ACTOR, cd, on=date(2022, 4, 1), reason="left")
    with pytest.raises(ValidationError) as exc:
        services.end_clinical_director(ACTOR, cd, on=date(2022, 5, 1))
    assert "already ended" in errors_of(exc)["on"][0]


@pytest.mark.parametrize(
    "wte", [Decimal(0), Decimal("-1"), Decimal("2.01"), Decimal("0.125"), "lots"]
)
def test_wte_out_of_range_is_refused(demo_data, wte) -> None:
    with pytest.raises(ValidationError) as exc:
        services.appoint_clinical_director(
            ACTOR, NETWORK, name="Dr A", profession="gp", wte=wte, start=APRIL_2021
        )
    assert list(errors_of(exc)) == ["wte"]
    assert not ClinicalDirectorAppointment.objects.exists()


def test_wte_at_the_limits_is_accepted(demo_data) -> None:
    for wte in (Decimal("0.01"), Decimal("2.00")):
        made = services.appoint_clinical_director(
            ACTOR, NETWORK, name="Dr A", profession="gp", wte=wte, start=APRIL_2021
        )
        made.refresh_from_db()
        assert made.wte == wte


# Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [("U00000", "not in the register"), (MEMBER, "not a network"), ("", "register")],
)
def test_only_networks_have_governance(demo_data, code: str, message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.set_operating_model(
            ACTOR,
            code,
            model="gp_federation",
            contract_holder="Wendmoor GP Federation",
            start=APRIL_2021,
        )
    assert message in errors_of(exc)["network"][0]
    assert not OperatingModel.objects.exists()


def test_unknown_choices_are_refused(demo_data) -> None:
    cases = [
        (
            "profession",
            lambda: services.appoint_clinical_director(
                ACTOR, NETWORK, name="A", profession="nurse", wte=1, start=APRIL_2021
            ),
        ),
        (
            "kind",
            lambda: services.set_nominated_payee(
                ACTOR,
                NETWORK,
                payee_code=MEMBER,
                payee_name="",
                kind="bank",
                start=APRIL_2021,
            ),
        ),
        (
            "status",
            lambda: services.record_network_agreement(
                ACTOR,
                NETWORK,
                status="agreed",
                signed_on=None,
                schedules_complete=False,
                start=APRIL_2021,
            ),
        ),
        (
            "status",
            lambda: services.record_data_sharing(
                ACTOR, NETWORK, status="yes", signed_on=None, start=APRIL_2021
            ),
        ),
        (
            "model",
            lambda: services.set_operating_model(
                ACTOR, NETWORK, model="pcn", contract_holder="x", start=APRIL_2021
            ),
        ),
    ]
    for field, call in cases:
        with pytest.raises(ValidationError) as exc:
            call()
        assert field in errors_of(exc), field
    assert not NetworkAgreement.objects.exists()
    assert not AuditEntry.objects.filter(entity_type="governance").exists()


def test_payee_codes_are_checked(demo_data) -> None:
    for code, name, kind in [
        ("", "", "member_practice"),  # neither code nor name
        ("", "  ", "other_provider"),
        ("RX1", "A trust", "member_practice"),  # not a practice code
    ]:
        with pytest.raises(ValidationError) as exc:
            services.set_nominated_payee(
                ACTOR,
                NETWORK,
                payee_code=code,
                payee_name=name,
                kind=kind,
                start=APRIL_2021,
            )
        assert "payee_code" in errors_of(exc), (code, name, kind)
    with pytest.raises(ValidationError) as exc:
        services.set_nominated_payee(
            ACTOR,
            NETWORK,
            payee_code="not a code!",
            payee_name="x",
            kind="other_provider",
            start=APRIL_2021,
        )
    assert "payee_code" in errors_of(exc)
    account = services.set_nominated_payee(
        ACTOR,
        NETWORK,
        payee_code="",
        payee_name="The PCN's account",
        kind="network_account",
        start=APRIL_2021,
    )
    assert account.payee_code == ""


def test_a_start_must_be_a_date(demo_data) -> None:
    with pytest.raises(ValidationError) as exc:
        services.set_operating_model(
            ACTOR,
            NETWORK,
            model="gp_federation",
            contract_holder="x",
            start="2021-04-01",  # type: ignore[arg-type]
        )
    assert "start" in errors_of(exc)

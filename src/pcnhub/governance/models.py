"""A network's governance record over time: agreement, data sharing, clinical
directors, nominated payee, operating model, and the documents behind them.

As in the register, nothing is overwritten. Every record has a validity period
``[valid_from, valid_to)`` (``valid_to`` is the first day it no longer holds; empty
while it still holds). A change closes the current record and opens the next; a
record closed on its own first day never held, and stays in the history. Every
record says who recorded it (a user, or a named system run), when, why, and
which workflow application caused it, if any; a record ended by a separate
action (a clinical director stepping down) also says who ended it and why.

Written only through the services (:mod:`pcnhub.governance.services`,
:mod:`~pcnhub.governance.contract_inputs`, :mod:`~pcnhub.governance.documents`),
which audit every change (:mod:`pcnhub.governance.records`); each kind is
declared once in :mod:`pcnhub.governance.kinds`.
The models refuse any other edit (:meth:`GovernanceRecord.save`) and any delete.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class FrozenRecord(PermissionError):
    """Raised when something tries to edit or delete a governance record."""


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"
    TERMINATED = "terminated", "Terminated"


class Profession(models.TextChoices):
    GP = "gp", "GP"
    OTHER = "other", "Other profession"


class PayeeKind(models.TextChoices):
    MEMBER_PRACTICE = "member_practice", "A member practice"
    OTHER_PROVIDER = "other_provider", "Another provider"
    NETWORK_ACCOUNT = "network_account", "The network's own bank account"


class OperatingModelKind(models.TextChoices):
    FLAT_PRACTICE_NETWORK = "flat_practice_network", "Flat practice network"
    LEAD_PROVIDER = "lead_provider", "Lead provider"
    GP_FEDERATION = "gp_federation", "GP federation"
    SUPER_PRACTICE = "super_practice", "Super-practice"
    COMMUNITY_TRUST_EMPLOYER = "community_trust_employer", "Community trust employer"


class DocumentKind(models.TextChoices):
    NETWORK_AGREEMENT = "network_agreement", "Network agreement"
    SCHEDULE = "schedule", "Schedule to the network agreement"
    DATA_SHARING_AGREEMENT = "data_sharing_agreement", "Data-sharing agreement"
    OTHER = "other", "Other document"


#: A clinical director's whole-time equivalent: more than 0, at most 2.00. Joint
#: directors share the role, and one person may hold it for two networks' worth.
WTE_MIN_EXCLUSIVE = Decimal("0")
WTE_MAX = Decimal("2.00")

#: The only fields that change after a record is written: those that close it.
CLOSING_FIELDS = frozenset(
    {
        "valid_to",
        "closed_by",
        "closed_by_system",
        "closed_at",
        "close_reason",
        "close_application_ref",
    }
)


def _user_fk() -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class GovernanceRecord(models.Model):
    """What every governance record shares: network, period and provenance."""

    network = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "network"},
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    recorded_by = _user_fk()
    recorded_by_system = models.CharField(
        max_length=200, blank=True, help_text="Named system run when no user acted."
    )
    recorded_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    application_ref = models.CharField(
        max_length=100, blank=True, help_text="The workflow application behind it."
    )
    # Filled when the record is ended by its own action (e.g. a clinical director
    # stepping down); a record replaced by the next is closed by that change.
    closed_by = _user_fk()
    closed_by_system = models.CharField(max_length=200, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True)
    close_application_ref = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # History is never rewritten: once written, a record may only be closed.
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= CLOSING_FIELDS:
                raise FrozenRecord(
                    f"{type(self).__name__} records are never edited, only closed"
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise FrozenRecord(f"{type(self).__name__} records are never deleted")

    @property
    def recorded_by_label(self) -> str:
        return (
            self.recorded_by.get_username()
            if self.recorded_by_id
            else (self.recorded_by_system)
        )

    @property
    def closed_by_label(self) -> str:
        return (
            self.closed_by.get_username()
            if self.closed_by_id
            else (self.closed_by_system)
        )

    def holds_on(self, day: Any) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


def _indexes(name: str) -> list[models.Index]:
    return [models.Index(fields=["network", "valid_from"], name=f"gov_{name}_net")]


class NetworkAgreement(GovernanceRecord):
    """The network agreement between the member practices, and its schedules."""

    status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    signed_on = models.DateField(null=True, blank=True)
    schedules_complete = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["network", "valid_from", "id"]
        indexes = _indexes("agreement")

    def __str__(self) -> str:
        return f"{self.network_id} agreement {self.status} from {self.valid_from}"


class DataSharingAgreement(GovernanceRecord):
    """The data-sharing agreement between the member practices."""

    status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    signed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["network", "valid_from", "id"]
        indexes = _indexes("dsa")

    def __str__(self) -> str:
        return f"{self.network_id} data sharing {self.status} from {self.valid_from}"


class ClinicalDirectorAppointment(GovernanceRecord):
    """One clinical director's appointment; joint directors' appointments overlap."""

    name = models.CharField(max_length=200)
    profession = models.CharField(max_length=10, choices=Profession.choices)
    wte = models.DecimalField(
        "whole-time equivalent",
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(WTE_MAX)],
    )

    class Meta:
        ordering = ["network", "valid_from", "id"]
        indexes = _indexes("cd")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wte__gt=0, wte__lte=WTE_MAX),
                name="gov_cd_wte_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.network_id} clinical director from {self.valid_from}"


class NominatedPayee(GovernanceRecord):
    """Who receives the network's funding on its behalf (one at a time)."""

    payee_code = models.CharField(max_length=12, blank=True, help_text="ODS code")
    payee_name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=PayeeKind.choices)

    class Meta:
        ordering = ["network", "valid_from", "id"]
        indexes = _indexes("payee")

    def __str__(self) -> str:
        return f"{self.network_id} payee {self.payee_code} from {self.valid_from}"


class OperatingModel(GovernanceRecord):
    """How the network is organised, and who holds the network contract."""

    model = models.CharField(max_length=30, choices=OperatingModelKind.choices)
    contract_holder = models.CharField(max_length=300)

    class Meta:
        ordering = ["network", "valid_from", "id"]
        indexes = _indexes("model")

    def __str__(self) -> str:
        return f"{self.network_id} {self.model} from {self.valid_from}"


class GovernanceDocument(models.Model):
    """An uploaded document, stored under a random name in the network's folder.

    Never deleted through the application; a later document can supersede it
    (it then stays listed, as superseded).
    """

    network = models.ForeignKey(
        "register.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "network"},
    )
    kind = models.CharField(max_length=30, choices=DocumentKind.choices)
    title = models.CharField(max_length=200)
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = _user_fk()
    uploaded_by_system = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    agreement = models.ForeignKey(
        NetworkAgreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    data_sharing = models.ForeignKey(
        DataSharingAgreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["network", "-uploaded_at", "-id"]
        indexes = [models.Index(fields=["network", "uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.network_id} {self.kind} {self.title!r}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= {"superseded_by", "superseded_at"}:
                raise FrozenRecord("documents are never edited, only superseded")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise FrozenRecord("documents are never deleted")

    @property
    def superseded(self) -> bool:
        return self.superseded_by_id is not None

    @property
    def uploaded_by_label(self) -> str:
        return (
            self.uploaded_by.get_username()
            if self.uploaded_by_id
            else (self.uploaded_by_system)
        )


class SmallPopulationApproval(GovernanceRecord):
    """The commissioner's approval of a network below the population minimum.

    The contract lets the commissioner approve a network under 30,000 patients
    with a reason (a natural community over a large rural area, for example);
    the population check then reports it as met, citing this record. One holds
    at a time: a new approval closes the last, which stays in the history.
    """

    approval_reason = models.TextField()

    class Meta:
        ordering = ["network", "valid_from", "id"]
        indexes = _indexes("smallpop")

    def __str__(self) -> str:
        return f"{self.network_id} small population approval from {self.valid_from}"


#: Contract inputs: the most a field holds (far beyond any real network).
BEDS_MAX = 100_000
IIF_POINTS_MAX = Decimal("99999.99")
PREVALENCE_MAX = Decimal("9999.9999")


class ContractInputs(GovernanceRecord):
    """What the entitlements need that no national file holds.

    Care home beds (Care Home Premium), IIF achievement (points and prevalence
    factor) and the commissioner's CAIP assessment (the share achieved, 0 to 1).
    Each is optional: empty means not known, and the item stays "not computed".
    One record holds at a time: a new one closes the last, which stays in the
    history. Beds hold until replaced; IIF achievement and the CAIP assessment
    are for one contract year, so they count only in the contract year the
    record starts in (:meth:`facts`).
    """

    care_home_beds = models.PositiveIntegerField(null=True, blank=True)
    iif_points = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True
    )
    iif_prevalence_factor = models.DecimalField(
        max_digits=8, decimal_places=4, null=True, blank=True
    )
    caip_share = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True
    )

    #: The inputs, in the order pages and the API show them.
    INPUTS = ("care_home_beds", "iif_points", "iif_prevalence_factor", "caip_share")

    class Meta:
        ordering = ["network", "valid_from", "id"]
        indexes = _indexes("inputs")
        verbose_name_plural = "contract inputs"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(care_home_beds__isnull=True)
                | models.Q(care_home_beds__gte=0, care_home_beds__lte=BEDS_MAX),
                name="gov_inputs_beds_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(iif_points__isnull=True)
                | models.Q(iif_points__gte=0),
                name="gov_inputs_points_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(iif_prevalence_factor__isnull=True)
                | models.Q(iif_prevalence_factor__gt=0),
                name="gov_inputs_prevalence_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(caip_share__isnull=True)
                | models.Q(caip_share__gte=0, caip_share__lte=1),
                name="gov_inputs_caip_share_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network_id} contract inputs from {self.valid_from}"

    def facts(self, day: Any) -> dict[str, Any]:
        """The rules' facts this record gives on ``day`` (one it holds on).

        Beds always; the IIF achievement and the CAIP assessment only when
        ``day`` is in the contract year (1 April to 31 March) the record
        starts in, so that one year's achievement is never paid again the next.
        """
        found: dict[str, Any] = {}
        if self.care_home_beds is not None:
            found["care_home_beds"] = self.care_home_beds
        if contract_year_of(day) == contract_year_of(self.valid_from):
            for name in self.INPUTS[1:]:
                if getattr(self, name) is not None:
                    found[name] = getattr(self, name)
        return found


def contract_year_of(day: Any) -> int:
    """The first calendar year of the contract year ``day`` falls in."""
    return day.year if day.month >= 4 else day.year - 1

"""One imported census file, and its staff by network and role.

Network codes are stored as codes, not links to the register: a census may name
networks the register does not hold.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models

#: FTE is given to at most 9 decimal places (0.266666667); sums keep them all.
FTE_PLACES = 9


class Census(models.Model):
    """One census file, imported: the month it describes, and who imported it."""

    census_year = models.PositiveSmallIntegerField()
    census_month = models.PositiveSmallIntegerField()
    #: The last day of the census month: the day the census describes.
    census_date = models.DateField(db_index=True)
    file_name = models.CharField(max_length=255)
    #: Re-importing the same file is refused as unchanged: one census per file.
    file_sha256 = models.CharField(max_length=64, unique=True)
    imported_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    system_actor = models.CharField(max_length=200, blank=True)
    records = models.PositiveIntegerField(help_text="staff records the file holds")
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-census_date", "-imported_at", "-id"]

    def __str__(self) -> str:
        return f"PCN workforce census {self.census_date} ({self.file_name})"


class StaffSnapshot(models.Model):
    """The staff of one network in one role, in one census."""

    census = models.ForeignKey(Census, on_delete=models.CASCADE, related_name="rows")
    pcn_code = models.CharField(max_length=16)
    pcn_name = models.CharField(max_length=200)
    sub_icb_code = models.CharField(max_length=16)
    staff_group = models.CharField(max_length=100)
    staff_role = models.CharField(max_length=100)
    detailed_staff_role = models.CharField(max_length=100)
    #: Distinct staff (UNIQUE_IDENTIFIER) with a record in this network and role.
    staff = models.PositiveIntegerField()
    #: The sum of their records' FTE.
    fte = models.DecimalField(max_digits=15, decimal_places=FTE_PLACES)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "census",
                    "pcn_code",
                    "pcn_name",
                    "sub_icb_code",
                    "staff_group",
                    "staff_role",
                    "detailed_staff_role",
                ],
                name="workforce_one_row_per_network_role",
            )
        ]
        indexes = [models.Index(fields=["census", "pcn_code"])]

    def __str__(self) -> str:
        return f"{self.pcn_code} {self.detailed_staff_role}: {self.staff} staff"


# --- staff records (issue 11 item 1) ------------------------------------------


class Funding(models.TextChoices):
    """How a post is paid for: only ARRS posts are claimed (and a baseline post
    with a baseline exception)."""

    ARRS = "arrs", "ARRS (reimbursed by the network's ARRS sum)"
    LOCAL_SCHEME = "local_scheme", "A local scheme (funded by the commissioner)"
    PRACTICE_FUNDED = "practice_funded", "Practice-funded"
    BASELINE = "baseline", "In post at the baseline (31 March 2019)"


class Employer(models.TextChoices):
    MEMBER_PRACTICE = "member_practice", "A member practice"
    LEAD_PROVIDER = "lead_provider", "The lead provider"
    COMMUNITY_TRUST = "community_trust", "A community trust"
    FEDERATION = "federation", "A GP federation"
    OTHER = "other", "Another employer"


class London(models.TextChoices):
    NONE = "none", "Not in London"
    OUTER = "outer", "Outer London"
    INNER = "inner", "Inner London"


class StaffPost(models.Model):
    """One person in one post for one network: what stays the same across the
    post's versions. The person is known by a pseudonymous key, so the same person
    in two posts (two networks) is one key; their name lives on the versions and
    is shown only to those allowed to see it."""

    reference = models.CharField(max_length=20, unique=True)
    network_code = models.CharField(max_length=16, db_index=True)
    person_key = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["network_code", "reference"]

    def __str__(self) -> str:
        return f"post {self.reference} ({self.network_code}, {self.person_key})"


class StaffPostVersion(models.Model):
    """One version of a post's record. A change adds a version; none is edited."""

    post = models.ForeignKey(
        StaffPost, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=60)
    wte = models.DecimalField(max_digits=5, decimal_places=4)
    salary = models.DecimalField(max_digits=12, decimal_places=2)
    pay_band = models.CharField(max_length=40, blank=True)
    employer = models.CharField(max_length=20, choices=Employer.choices)
    employer_name = models.CharField(max_length=200, blank=True)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    funding = models.CharField(max_length=20, choices=Funding.choices)
    london = models.CharField(max_length=8, choices=London.choices, default="none")
    on_costs = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    baseline_exception = models.CharField(max_length=8, blank=True)
    commissioner_agreed = models.BooleanField(default=False)
    written_agreement = models.BooleanField(default=False)
    within_two_years_of_cct = models.BooleanField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    system_actor = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["post", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "number"], name="workforce_one_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.post.reference} v{self.number}"


class MonthlyClaim(models.Model):
    """A network's ARRS claim for one month, as generated. Generating the month
    again adds a claim with the next number; the latest is the month's claim."""

    network_code = models.CharField(max_length=16)
    month = models.DateField(help_text="the first day of the month claimed")
    number = models.PositiveIntegerField()
    contract_year = models.CharField(max_length=7, db_index=True)
    generated_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    system_actor = models.CharField(max_length=200, blank=True)
    arrs_sum = models.DecimalField(max_digits=14, decimal_places=2)
    #: the month's lines' claims, and the adjustments to earlier months
    claimed = models.DecimalField(max_digits=14, decimal_places=2)
    adjusted = models.DecimalField(max_digits=14, decimal_places=2)
    at_stake = models.DecimalField(max_digits=14, decimal_places=2)
    findings = models.PositiveIntegerField()
    lines = models.JSONField(default=list)
    adjustments = models.JSONField(default=list)
    notes = models.JSONField(default=list)

    class Meta:
        ordering = ["network_code", "-month", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["network_code", "month", "number"],
                name="workforce_one_claim_number",
            )
        ]
        indexes = [models.Index(fields=["network_code", "contract_year"])]

    def __str__(self) -> str:
        return f"ARRS claim {self.network_code} {self.month:%Y-%m} #{self.number}"

    @property
    def total(self) -> Decimal:
        return self.claimed + self.adjusted

    @classmethod
    def latest(cls, network_code: str, month: date) -> MonthlyClaim | None:
        """The month's claim that counts: the one generated last."""
        return (
            cls.objects.filter(network_code=network_code, month=month.replace(day=1))
            .order_by("-number")
            .first()
        )


# --- ARRS actually paid (issue 11 item 5) --------------------------------------


class PaymentsFile(models.Model):
    """One "NHS Payments to General Practice" practice file, imported for its
    ``PCN Workforce`` column. A later file for the same contract year supersedes
    the earlier one (both are kept; the latest imported counts)."""

    contract_year = models.CharField(max_length=7, db_index=True)
    file_name = models.CharField(max_length=255)
    #: The same file again is reported unchanged: one import per file.
    file_sha256 = models.CharField(max_length=64, unique=True)
    imported_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    system_actor = models.CharField(max_length=200, blank=True)
    records = models.PositiveIntegerField(help_text="practice rows the file holds")
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["contract_year", "-imported_at", "-id"]

    def __str__(self) -> str:
        return (
            f"NHS Payments to General Practice {self.contract_year} ({self.file_name})"
        )


class ArrsPayment(models.Model):
    """What one payments file says was paid as ``PCN Workforce`` (ARRS) for one
    ``PCN Code``: the sum over the practice rows naming that code. The code is
    kept as the file gives it, network code or not (``is_network``)."""

    payments_file = models.ForeignKey(
        PaymentsFile, on_delete=models.CASCADE, related_name="networks"
    )
    pcn_code = models.CharField(max_length=100)
    pcn_name = models.CharField(max_length=200, blank=True)
    #: Whether ``pcn_code`` is a network code (U + 5 digits); the files also
    #: say "Unknown or no PCN", or nothing, for practices in no network.
    is_network = models.BooleanField()
    paid = models.DecimalField(max_digits=14, decimal_places=2)
    #: Practice rows naming the code.
    practices = models.PositiveIntegerField()
    #: The practices the money was booked to: [{"practice", "paid"}] for each
    #: row with a non-zero amount (usually the network's one nominated payee).
    payees = models.JSONField(default=list)
    #: The commissioner (CCG) codes of those rows, for a --commissioner filter.
    commissioners = models.JSONField(default=list)

    class Meta:
        ordering = ["payments_file", "pcn_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["payments_file", "pcn_code"],
                name="workforce_one_arrs_payment_per_code",
            )
        ]

    def __str__(self) -> str:
        return (
            f"ARRS paid {self.pcn_code} {self.payments_file.contract_year}: {self.paid}"
        )


class WorkforcePlanVersion(models.Model):
    """One version of a network's workforce plan for a contract year: every
    planned row as it then stood. A change adds the next version (the latest
    counts); none is edited, so the plan's history is kept."""

    network_code = models.CharField(max_length=16)
    contract_year = models.CharField(max_length=7)
    number = models.PositiveIntegerField()
    #: the planned rows (``pcnhub.rules.plan.PlannedRow.as_dict``), in order
    rows = models.JSONField(default=list)
    recorded_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    system_actor = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["network_code", "contract_year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["network_code", "contract_year", "number"],
                name="workforce_one_plan_version_number",
            )
        ]

    def __str__(self) -> str:
        return (
            f"workforce plan {self.network_code} {self.contract_year} "
            f"v{self.number} ({len(self.rows)} rows)"
        )

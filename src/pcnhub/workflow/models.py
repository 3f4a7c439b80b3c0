"""Applications to form and change networks, and the commissioner's decisions.

An application's current state is kept on the row for queries, but its story is
the append-only :class:`ApplicationEvent` rows (and the audit trail): nothing is
overwritten. Each submission is a *round*; the checks run at submission are kept
per round, and a round gets at most one decision (a database constraint, so two
reviewers deciding at once cannot both succeed).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Kind(models.TextChoices):
    REGISTRATION = "registration", "Register a new network"
    PRACTICE_JOIN = "practice_join", "A practice joins a network"
    PRACTICE_LEAVE = "practice_leave", "A practice leaves a network"
    MERGER = "merger", "Two networks merge"
    SPLIT = "split", "A network splits"
    CLINICAL_DIRECTOR = "clinical_director", "Change of clinical director"
    NOMINATED_PAYEE = "nominated_payee", "Change of nominated payee"
    OPT_OUT = "opt_out", "A practice opts out of the Network Contract DES"
    OPT_IN = "opt_in", "A practice opts in to the Network Contract DES"
    ASSIGNMENT = "assignment", "Commissioner assigns a practice in no network"


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted: waiting for a decision"
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    REJECTED = "rejected", "Rejected"
    APPEALED = "appealed", "Rejected: appeal lodged"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_STATES = (State.DRAFT, State.SUBMITTED)
APPROVED_STATES = (State.APPROVED, State.APPROVED_WITH_CONDITIONS)


class Change(models.TextChoices):
    """What an application does to a named practice."""

    MEMBER = "member", "Member"
    JOINS = "joins", "Joins"
    LEAVES = "leaves", "Leaves"
    MOVES = "moves", "Moves to the new network"


class Application(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    state = models.CharField(max_length=30, choices=State.choices, default=State.DRAFT)
    commissioner = models.ForeignKey(
        "register.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    network = models.ForeignKey(
        "register.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        help_text="The network changed (for a registration: set on approval).",
    )
    effective_from = models.DateField()
    notice_given_on = models.DateField(null=True, blank=True)
    details = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    #: Goes up with every submission; a decision is for one round.
    round = models.PositiveIntegerField(default=0)
    #: Goes up with every edit; a decision names the version its reviewer saw.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["commissioner", "state"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    def practice_codes(self) -> list[str]:
        cached = getattr(self, "_practice_codes", None)
        if cached is None:
            cached = [p.practice_id for p in self.practices.all()]
            self._practice_codes = cached
        return cached

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ApplicationPractice(models.Model):
    """A practice the application names, and its confirmation."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="practices"
    )
    practice = models.ForeignKey(
        "register.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    change = models.CharField(max_length=10, choices=Change.choices)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmation_note = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "practice"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "practice"], name="one_row_per_practice"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.practice_id} {self.change}"


class ApplicationVersion(models.Model):
    """What the application said at each version (changes never lose the old text)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField()
    content = models.JSONField()
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["application", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "version"], name="one_row_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} version {self.version}"


class ApplicationEvent(models.Model):
    """One step in an application's story (append-only)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="events"
    )
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40)
    state = models.CharField(max_length=30, choices=State.choices)
    round = models.PositiveIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["application", "at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action} at {self.at:%Y-%m-%d %H:%M}"


class CheckRun(models.Model):
    """The contract checks run on the application as submitted (one per round)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="check_runs"
    )
    round = models.PositiveIntegerField()
    version = models.PositiveIntegerField()
    ran_at = models.DateTimeField()
    as_at = models.DateField()
    findings = models.JSONField(default=list)

    class Meta:
        ordering = ["application", "-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application_id} checks round {self.round}"


class Decision(models.Model):
    """The commissioner's decision on one round of an application."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approve"
        APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approve with conditions"
        REJECTED = "rejected", "Reject"

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="decisions"
    )
    round = models.PositiveIntegerField()
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    reasons = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    network_code = models.CharField(
        max_length=12, blank=True, help_text="ODS code issued for a new network."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    register_run = models.ForeignKey(
        "register.ImportRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The register change this approval wrote.",
    )

    class Meta:
        ordering = ["application", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "round"], name="one_decision_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} round {self.round}: {self.outcome}"


class Appeal(models.Model):
    """An appeal against a rejection, and its outcome once decided."""

    class Outcome(models.TextChoices):
        UPHELD = "upheld", "Upheld: the application is approved"
        DISMISSED = "dismissed", "Dismissed: the rejection stands"

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="appeals"
    )
    round = models.PositiveIntegerField()
    grounds = models.TextField()
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lodged_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["application", "lodged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "round"], name="one_appeal_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id} appeal round {self.round}"

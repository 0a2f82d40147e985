"""Stipends (issue 14): the program's stipend policy, the payments a passed evaluation makes,
their approvals and adjustments, the payer's files, and the ledger.

Money is an integer number of minor units (`BigIntegerField`) with an ISO 4217 code; there is
no float anywhere (`cohort.stipends.money`). Cohort stores no bank details: the payer's file
carries the mentee's legal name, e-mail and country, and the payer does the rest.

Rules about one row or uniqueness live in the database (DESIGN §3, §7):

- one policy per program and effective date; one installment per policy and round key;
- **one payment per placement and installment** (a unique constraint: a retried, re-run or
  reopened evaluation never pays twice), and one per reference, its idempotency key;
- a payment's status is one of `PaymentStatus.values`; its amount after adjustments is never
  negative; a failed payment has a reason;
- one approval per payment and approver;
- a ledger entry is never changed or deleted (`LedgerEntry.save` and the queryset refuse it;
  on PostgreSQL a trigger refuses it too).
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cohort.core.models import TimeStampedModel
from cohort.mentorship.models import Evaluation, EvaluationRound, Placement
from cohort.projects.models import Project
from cohort.stipends.money import ALL_SHARES, Kind
from cohort.terms.models import Program, Term

REASON_MAX: Final = 2_000
COLUMN_MAX: Final = 30


class StipendPolicy(TimeStampedModel):
    """A program's stipend rule from `effective_from` on: the policy of a placement is the
    one in effect on the day its term starts (in the term's zone)."""

    Kind = Kind

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="stipend_policies")
    effective_from = models.DateField()
    kind = models.CharField(max_length=10, choices=[(k.value, k.value) for k in Kind])
    name = models.CharField(max_length=200, blank=True)
    source = models.TextField(blank=True)
    currency = models.CharField(max_length=3)
    base = models.BigIntegerField(default=0)
    minimum = models.BigIntegerField(default=0)
    maximum = models.BigIntegerField(default=0)
    rounding = models.BigIntegerField(default=1)
    flat = models.BigIntegerField(default=0)
    fallback = models.BigIntegerField(default=0)
    second_approval_above = models.BigIntegerField(null=True, blank=True)
    # A table policy's columns (project sizes), in order.
    columns = models.JSONField(default=list, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["program", "effective_from"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["program", "effective_from"], name="stipend_policy_one_per_date"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in Kind]), name="stipend_policy_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(base__gte=0, minimum__gte=0, flat__gte=0, fallback__gte=0)
                & Q(maximum__gte=F("minimum"))
                & Q(rounding__gte=1),
                name="stipend_policy_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.kind} from {self.effective_from}"


class StipendInstallment(models.Model):
    """One part of the stipend, paid when the placement's round `round_key` passes."""

    policy = models.ForeignKey(StipendPolicy, on_delete=models.CASCADE, related_name="installments")
    position = models.PositiveSmallIntegerField()
    round_key = models.CharField(max_length=40)
    share = models.PositiveIntegerField()  # basis points

    class Meta:
        ordering: ClassVar[list[str]] = ["policy", "position"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["policy", "round_key"], name="stipend_installment_one_per_round"
            ),
            models.UniqueConstraint(
                fields=["policy", "position"], name="stipend_installment_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0, share__lte=ALL_SHARES), name="stipend_installment_share"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_key}: {self.share / 100}%"


class StipendRate(models.Model):
    """A country's PPP factor (ppp policies) or its amount in one column (table policies)."""

    policy = models.ForeignKey(StipendPolicy, on_delete=models.CASCADE, related_name="rates")
    country = models.CharField(max_length=2)
    column = models.CharField(max_length=COLUMN_MAX, blank=True)
    factor_e4 = models.PositiveIntegerField(null=True, blank=True)
    amount = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["policy", "country", "column"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["policy", "country", "column"], name="stipend_rate_one_per_cell"
            ),
            models.CheckConstraint(
                condition=(Q(factor_e4__isnull=False, factor_e4__gt=0, amount__isnull=True))
                | Q(factor_e4__isnull=True, amount__isnull=False, amount__gte=0),
                name="stipend_rate_factor_or_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.column}".strip()


class ProjectSize(models.Model):
    """Which column of a table policy a project is paid from (GSoC's small, medium, large)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="stipend_size")
    column = models.CharField(max_length=COLUMN_MAX)

    def __str__(self) -> str:
        return f"{self.project_id}: {self.column}"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending approval"
    APPROVED = "approved", "Approved"
    SENT = "sent", "Sent to the payer"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Payment(TimeStampedModel):
    """One installment of one placement's stipend, made when its evaluation round passed.

    `amount` is frozen when it is made, from the mentee's country of residence at that
    moment; a later change is an adjustment (`PaymentAdjustment`), summed in `adjusted`.
    `reference` is the idempotency key the payer sees: a retry after a failure keeps it."""

    Status = PaymentStatus

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PENDING: frozenset({Status.APPROVED, Status.CANCELLED}),
        Status.APPROVED: frozenset({Status.SENT, Status.CANCELLED}),
        Status.SENT: frozenset({Status.PAID, Status.FAILED}),
        Status.FAILED: frozenset({Status.APPROVED, Status.CANCELLED}),
        Status.PAID: frozenset(),
        Status.CANCELLED: frozenset(),
    }
    # What a payment counts toward on the term's totals, besides "committed".
    OPEN: ClassVar[frozenset[str]] = frozenset({Status.APPROVED, Status.SENT})

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="payments")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="payments")
    policy = models.ForeignKey(StipendPolicy, on_delete=models.PROTECT, related_name="payments")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="payments")
    round = models.ForeignKey(EvaluationRound, on_delete=models.PROTECT, related_name="payments")
    installment = models.PositiveSmallIntegerField()
    installments = models.PositiveSmallIntegerField()  # how many the policy has
    share = models.PositiveIntegerField()  # basis points
    reference = models.CharField(max_length=40, unique=True)
    currency = models.CharField(max_length=3)
    amount = models.BigIntegerField()
    adjusted = models.BigIntegerField(default=0)
    country = models.CharField(max_length=2)
    basis = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # When it was made: when its evaluation's result settled.
    made_at = models.DateTimeField()
    approvals_needed = models.PositiveSmallIntegerField(default=1)
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    expected_on = models.DateField(null=True, blank=True)
    failure_reason = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True)
    export = models.ForeignKey(
        "PayerExport", on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["term", "placement", "installment"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["placement", "installment"], name="payment_one_per_installment"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(adjusted__gte=-F("amount")),
                name="payment_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status=PaymentStatus.FAILED) | ~Q(failure_reason=""),
                name="payment_failure_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(approvals_needed__gte=1, approvals_needed__lte=2),
                name="payment_approvals_needed_range",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["term", "status"], name="payment_term_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Payment {self.reference}"

    @property
    def total(self) -> int:
        """The amount after adjustments: what is owed."""
        return self.amount + self.adjusted

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]


class PaymentApproval(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["payment", "at"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["payment", "approver"], name="payment_approval_one_per_approver"
            ),
        ]

    def __str__(self) -> str:
        return f"Approval of payment {self.payment_id} by {self.approver_id}"


class PaymentAdjustment(models.Model):
    """A change to a payment's amount after it was made: never an edit of the amount."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="adjustments")
    delta = models.BigIntegerField()
    reason = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering: ClassVar[list[str]] = ["payment", "at"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=~Q(delta=0), name="payment_adjustment_not_zero"),
            models.CheckConstraint(condition=~Q(reason=""), name="payment_adjustment_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Adjustment {self.delta:+} of payment {self.payment_id}"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    JSON = "json", "JSON"


class PayerExport(models.Model):
    """One file handed to the payer: the approved payments it marked sent, and its content
    (so the same file can be downloaded again)."""

    Format = ExportFormat

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="payer_exports")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    format = models.CharField(max_length=4, choices=Format)
    count = models.PositiveIntegerField()
    content = models.TextField()

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values), name="payer_export_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Payer file {self.pk} ({self.count} payments)"


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Ledger entries are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Ledger entries are never deleted.")


class LedgerEntry(models.Model):
    """One change to one payment's money, appended and never changed.

    `amount` moves from the status `source` to `target` (either blank: in from nowhere, out to
    nowhere); `committed` is what the change adds to (or takes from) the money the term has
    committed. A status's total on the term is the sum of what moved into it less what moved
    out; the committed total is the sum of `committed`."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="ledger")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="ledger")
    currency = models.CharField(max_length=3)
    event = models.CharField(max_length=20)
    source = models.CharField(max_length=20, blank=True)
    target = models.CharField(max_length=20, blank=True)
    amount = models.BigIntegerField()
    committed = models.BigIntegerField(default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["term", "id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(source__in=["", *PaymentStatus.values])
                & Q(target__in=["", *PaymentStatus.values]),
                name="ledger_statuses_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.amount} {self.currency} on payment {self.payment_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Ledger entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Ledger entries are never deleted.")

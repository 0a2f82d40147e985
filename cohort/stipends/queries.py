"""What the stipend pages and the API read, in a fixed number of queries each: the same read
models serialize to both.

- `term_payments`: the admin's queue (every payment of a term, with its mentee and approvals);
- `totals` and `ledger_totals`: the term's money by status, from the payments and from the
  ledger; they are equal (`reconciles`), which a test checks after random operations;
- `ageing`: approved or sent more than N days ago, and not paid;
- `my_payments`: the mentee's own timeline.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone

from cohort.core.models import User
from cohort.stipends.models import LedgerEntry, PayerExport, Payment, PaymentApproval, PaymentStatus
from cohort.stipends.money import display
from cohort.terms.models import Term

Status = PaymentStatus
BUCKETS = ("committed", Status.PENDING, Status.APPROVED, Status.SENT, Status.PAID, Status.FAILED)
DEFAULT_AGE_DAYS = 30


@dataclass(frozen=True)
class PaymentView:
    id: int
    reference: str
    term_id: int
    placement_id: int
    mentee: str
    mentee_email: str
    project: str
    round: str
    installment: str
    country: str
    currency: str
    amount: int
    adjusted: int
    total: int
    total_text: str
    status: str
    status_label: str
    approvals: list[str]
    approvals_needed: int
    created_at: datetime
    approved_at: datetime | None
    sent_at: datetime | None
    paid_at: datetime | None
    expected_on: date | None
    expected_text: str
    failure_reason: str
    cancel_reason: str


def _mentee_name(user: User) -> str:
    profile = getattr(user, "mentee_profile", None)
    return profile.name if profile is not None else user.get_username()


def expected_text(payment: Payment) -> str:
    """When the mentee can expect the money, in words."""
    if payment.status == Status.PAID:
        return "Paid"
    if payment.status == Status.CANCELLED:
        return "Not to be paid"
    if payment.status == Status.SENT and payment.expected_on is not None:
        return f"By {payment.expected_on:%b} {payment.expected_on.day}, {payment.expected_on.year}"
    if payment.status == Status.FAILED:
        return "The payer could not pay it; the program is retrying"
    if payment.status == Status.APPROVED:
        return "In the next payer file"
    return "After a program admin approves it"


def view(payment: Payment) -> PaymentView:
    mentee = payment.placement.mentee
    return PaymentView(
        id=payment.pk,
        reference=payment.reference,
        term_id=payment.term_id,
        placement_id=payment.placement_id,
        mentee=_mentee_name(mentee),
        mentee_email=mentee.email,
        project=payment.placement.project.title,
        round=payment.round.label,
        installment=f"{payment.installment} of {payment.installments}",
        country=payment.country,
        currency=payment.currency,
        amount=payment.amount,
        adjusted=payment.adjusted,
        total=payment.total,
        total_text=display(payment.total, payment.currency),
        status=payment.status,
        status_label=Status(payment.status).label,
        approvals=[_mentee_name(a.approver) for a in payment.approvals.all()],
        approvals_needed=payment.approvals_needed,
        created_at=payment.created_at,
        approved_at=payment.approved_at,
        sent_at=payment.sent_at,
        paid_at=payment.paid_at,
        expected_on=payment.expected_on,
        expected_text=expected_text(payment),
        failure_reason=payment.failure_reason,
        cancel_reason=payment.cancel_reason,
    )


def _payments() -> QuerySet[Payment]:
    return Payment.objects.select_related(
        "placement__mentee__mentee_profile", "placement__project", "round"
    ).prefetch_related(
        Prefetch(
            "approvals",
            queryset=PaymentApproval.objects.select_related("approver__mentee_profile"),
        )
    )


def term_payments(term: Term, status: str = "") -> list[PaymentView]:
    payments = _payments().filter(term=term).order_by("status", "created_at", "pk")
    if status:
        payments = payments.filter(status=status)
    return [view(p) for p in payments]


def my_payments(user: User) -> list[PaymentView]:
    payments = _payments().filter(placement__mentee=user).order_by("created_at", "pk")
    return [view(p) for p in payments]


def ageing(
    term: Term, days: int = DEFAULT_AGE_DAYS, now: datetime | None = None
) -> list[PaymentView]:
    """Approved or sent more than `days` days ago and not paid: the late-stipend follow-up."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    approved = _payments().filter(term=term, status=Status.APPROVED, approved_at__lte=cutoff)
    sent = _payments().filter(term=term, status=Status.SENT, sent_at__lte=cutoff)
    return [view(p) for p in (approved | sent).order_by("created_at", "pk")]


@dataclass
class Totals:
    """A term's money in one currency, in minor units, by status and committed."""

    currency: str
    amounts: dict[str, int] = field(default_factory=dict)

    def text(self, bucket: str) -> str:
        return display(self.amounts.get(bucket, 0), self.currency)


def totals(term: Term) -> dict[str, Totals]:
    """From the payments: committed is everything not cancelled; each status its own."""
    result: dict[str, Totals] = {}
    rows = (
        Payment.objects.filter(term=term)
        .values("currency", "status")
        .annotate(amount=Sum("amount"), adjusted=Sum("adjusted"), n=Count("pk"))
    )
    for row in rows:
        money = result.setdefault(
            row["currency"], Totals(row["currency"], dict.fromkeys(BUCKETS, 0))
        )
        amount = row["amount"] + row["adjusted"]
        if row["status"] in money.amounts:
            money.amounts[row["status"]] += amount
        if row["status"] != Status.CANCELLED:
            money.amounts["committed"] += amount
    return result


def ledger_totals(term: Term) -> dict[str, Totals]:
    """From the ledger alone: each status is what moved in less what moved out; committed is
    the sum of the entries' `committed`."""
    sums: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(BUCKETS, 0))
    for row in (
        LedgerEntry.objects.filter(term=term)
        .values("currency", "target")
        .annotate(amount=Sum("amount"), committed=Sum("committed"))
    ):
        bucket = sums[row["currency"]]
        bucket["committed"] += row["committed"]
        if row["target"] in bucket:
            bucket[row["target"]] += row["amount"]
    for out in (
        LedgerEntry.objects.filter(term=term)
        .values("currency", "source")
        .annotate(amount=Sum("amount"))
    ):
        bucket = sums[out["currency"]]
        if out["source"] in bucket:
            bucket[out["source"]] -= out["amount"]
    return {currency: Totals(currency, amounts) for currency, amounts in sums.items()}


def reconciles(term: Term) -> bool:
    mine = {c: t.amounts for c, t in totals(term).items()}
    ledger = {c: t.amounts for c, t in ledger_totals(term).items()}
    return mine == ledger


def exports(term: Term) -> list[PayerExport]:
    return list(PayerExport.objects.filter(term=term).select_related("actor").defer("content"))

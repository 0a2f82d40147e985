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

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from cohort.core.models import User
from cohort.mentorship.queries import mentee_name
from cohort.projects.models import Project
from cohort.proposals.access import mentored_by
from cohort.stipends import payerfile
from cohort.stipends.models import (
    LedgerEntry,
    PayerExport,
    Payment,
    PaymentAdjustment,
    PaymentApproval,
    PaymentStatus,
    StipendPolicy,
)
from cohort.stipends.money import display, share_text
from cohort.terms.models import Program, ProgramMembership, Term

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
    made_at: datetime  # when its evaluation's result settled
    approved_at: datetime | None
    sent_at: datetime | None
    paid_at: datetime | None
    expected_on: date | None
    expected_text: str
    failure_reason: str
    cancel_reason: str


def _person_name(user: User) -> str:
    """An approver's or actor's name: their mentee profile's, else their login."""
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
        mentee=mentee_name(payment.placement),
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
        approvals=[_person_name(a.approver) for a in payment.approvals.all()],
        approvals_needed=payment.approvals_needed,
        made_at=payment.made_at,
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
    payments = _payments().filter(term=term).order_by("status", "made_at", "pk")
    if status:
        payments = payments.filter(status=status)
    return [view(p) for p in payments]


def my_payments(user: User) -> list[PaymentView]:
    payments = _payments().filter(placement__mentee=user).order_by("made_at", "pk")
    return [view(p) for p in payments]


def ageing(
    term: Term, days: int = DEFAULT_AGE_DAYS, now: datetime | None = None
) -> list[PaymentView]:
    """Approved or sent more than `days` days ago and not paid: the late-stipend follow-up."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    approved = _payments().filter(term=term, status=Status.APPROVED, approved_at__lte=cutoff)
    sent = _payments().filter(term=term, status=Status.SENT, sent_at__lte=cutoff)
    return [view(p) for p in (approved | sent).order_by("made_at", "pk")]


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


def awaiting_approval_of(user: User) -> QuerySet[Payment]:
    """The pending payments `user` may still approve, whatever the program: not on a project
    they mentor (by their person or their GitHub handle, as `approve_payment` checks), not
    approved by them already. The caller narrows it to the programs `user` administers."""
    return Payment.objects.filter(status=Status.PENDING).exclude(
        Q(placement__project__in=Project.objects.filter(mentored_by(user)).values("pk"))
        | Q(approvals__approver=user)
    )


def to_approve_by_term(user: User) -> list[tuple[Term, int]]:
    """Per term whose program `user` administers, how many pending payments wait for their
    approval: not on a project they mentor, not approved by them already (a second approver
    is someone else). Oldest term first; one query."""
    payments = awaiting_approval_of(user)
    terms = Term.objects.all()
    if not user.is_superuser:
        terms = terms.filter(
            program__in=ProgramMembership.objects.filter(
                user=user, role=ProgramMembership.Role.ADMIN
            ).values("program_id")
        )
    waiting = (
        terms.annotate(waiting=Count("payments", filter=Q(payments__in=payments)))
        .filter(waiting__gt=0)
        .select_related("program")
        .order_by("year", "number", "id")
    )
    # The annotation is not on the model, so its stubs do not know it.
    return [(term, int(getattr(term, "waiting"))) for term in waiting]  # noqa: B009


def exports(term: Term) -> list[PayerExport]:
    return list(PayerExport.objects.filter(term=term).select_related("actor").defer("content"))


def waiting_count(term: Term) -> int:
    """How many approved payments the next payer file would hold."""
    return Payment.objects.filter(term=term, status=Status.APPROVED).count()


def payment_view(pk: int) -> PaymentView:
    """One payment's read model (the caller has checked access)."""
    return view(_payments().get(pk=pk))


@dataclass(frozen=True)
class LedgerLine:
    id: int
    event: str
    source: str
    target: str
    amount: int
    amount_text: str
    committed: int
    actor: str
    at: datetime
    note: str


@dataclass(frozen=True)
class AdjustmentLine:
    id: int
    delta: int
    delta_text: str
    reason: str
    actor: str
    at: datetime


def _signed(minor: int, currency: str) -> str:
    return ("−" if minor < 0 else "+") + display(abs(minor), currency)


def _actor_name(user: User | None) -> str:
    return _person_name(user) if user is not None else "the system"


def payment_ledger(payment: Payment) -> list[LedgerLine]:
    entries = LedgerEntry.objects.filter(payment=payment).select_related("actor__mentee_profile")
    return [
        LedgerLine(
            id=e.pk,
            event=e.event,
            source=e.source,
            target=e.target,
            amount=e.amount,
            amount_text=display(e.amount, e.currency),
            committed=e.committed,
            actor=_actor_name(e.actor),
            at=e.at,
            note=e.note,
        )
        for e in entries.order_by("id")
    ]


def payment_adjustments(payment: Payment) -> list[AdjustmentLine]:
    rows = PaymentAdjustment.objects.filter(payment=payment).select_related("actor__mentee_profile")
    return [
        AdjustmentLine(
            id=a.pk,
            delta=a.delta,
            delta_text=_signed(a.delta, payment.currency),
            reason=a.reason,
            actor=_actor_name(a.actor),
            at=a.at,
        )
        for a in rows.order_by("at", "pk")
    ]


def payments_csv(rows: list[PaymentView]) -> str:
    """The payments as the payer file's columns plus `status`: a read-only listing, which marks
    nothing sent (the sending export is `services.export_payments`)."""
    return payerfile.write_csv(
        [
            payerfile.Row(
                reference=v.reference,
                name=v.mentee,
                email=v.mentee_email,
                country=v.country,
                currency=v.currency,
                amount=v.total,
                installment=v.installment,
                round=v.round,
            )
            for v in rows
        ],
        statuses=[v.status for v in rows],
    )


@dataclass(frozen=True)
class PolicyView:
    id: int
    program: str
    effective_from: date
    kind: str
    name: str
    source: str
    currency: str
    base_text: str
    minimum_text: str
    maximum_text: str
    flat_text: str
    fallback_text: str
    second_approval_above: int | None
    second_approval_text: str
    columns: list[str]
    installments: list[str]
    rates: int
    payments: int


def policies(program: Program) -> list[PolicyView]:
    """The program's stipend policies by effective date, newest first, in two queries."""
    rows = (
        StipendPolicy.objects.filter(program=program)
        .annotate(
            n_rates=Count("rates", distinct=True), n_payments=Count("payments", distinct=True)
        )
        .prefetch_related("installments")
        .order_by("-effective_from")
    )
    out = []
    for p in rows:
        c = p.currency
        above = p.second_approval_above
        out.append(
            PolicyView(
                id=p.pk,
                program=program.slug,
                effective_from=p.effective_from,
                kind=p.kind,
                name=p.name,
                source=p.source,
                currency=c,
                base_text=display(p.base, c),
                minimum_text=display(p.minimum, c),
                maximum_text=display(p.maximum, c),
                flat_text=display(p.flat, c),
                fallback_text=display(p.fallback, c),
                second_approval_above=above,
                second_approval_text=display(above, c) if above is not None else "",
                columns=[str(col) for col in p.columns],
                installments=[
                    f"{i.round_key}: {share_text(i.share)}%" for i in p.installments.all()
                ],
                rates=p.n_rates,
                payments=p.n_payments,
            )
        )
    return out

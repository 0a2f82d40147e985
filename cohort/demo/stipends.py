"""The demo's stipends (issue 14): the payments the mentorship demo's passed evaluations made,
moved along through the services, so the admin's queue and the mentees' timelines show
payments in several states.

The programs have no policy of their own, so the first payment gave each the default (the
LF's PPP rule, `cohort.stipends.presets`): a mentee's amount is 6,000 USD × their country's
price level ratio, clamped, and split 50/50 over the midterm and the final evaluation.

- **Cohort demo: mentorship.** Three mentees passed the midterm:
  - `mentee5` (Diego Alvarez, Mexico): their first installment is **pending**, for `admin`
    (a program admin who mentors none of the term's projects) to approve, export and mark
    paid in the browser;
  - `mentee10` (Chinedu Okafor, Nigeria): approved and **sent** in a payer file, waiting for
    the payer's result (the term starts after 2026-07-01, so the LF's minimum is 1,000 USD);
  - `mentee9` (Priya Raman, India): **approved** after that file went out, so it waits for
    the next one.
- **Cohort demo: completed.** `mentee8` (Lena Fischer, Germany) passed both evaluations:
  - the midterm installment was approved a few days after the midterm, sent in a payer file
    (CSV) and **paid** (the payer's result file said so);
  - the final installment was approved and sent the same way, and **failed**: the payer's
    result file gave the reason. The admin can retry it (same reference) or cancel it.

Payments are made by the `evaluation_settled` hook when the mentorship demo locks a passed
evaluation; `make_payment` is called again here for each settled pass, which does nothing if
the hook made it already (one payment per placement and installment).

Idempotent: a payment's story is told only from `pending`, once; a second load finds it
paid or failed and leaves it (and what an admin did to it in the browser) as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from django.db import transaction

from cohort.core.errors import DomainError
from cohort.core.models import User
from cohort.demo.mentorship import (
    GRADUATED,
    PASSED,
    PASSED_APPROVED,
    PASSED_SENT,
    MentorshipDemo,
)
from cohort.mentorship.models import Evaluation, Placement
from cohort.stipends import services as stipends
from cohort.stipends.models import Payment, PaymentStatus

FAILURE_REASON: Final = (
    "The receiving bank returned the wire: the account holder's name does not match the "
    "mentee's legal name."
)
# How long after a round's close each step of a payment's story happened.
APPROVED_AFTER: Final = timedelta(days=3)
SENT_AFTER: Final = timedelta(days=5)
PAID_AFTER: Final = timedelta(days=19)


@dataclass
class StipendDemo:
    """The demo payments by (scenario, round key), and what each login can do with them:
    (username, what, path), in the order printed."""

    payments: dict[tuple[str, str], Payment] = field(default_factory=dict)
    created: int = 0  # payments moved by this run
    skipped: list[str] = field(default_factory=list)
    todo: list[tuple[str, str, str]] = field(default_factory=list)


@transaction.atomic
def load_stipend_demo(mentorship: MentorshipDemo, now: datetime) -> StipendDemo:
    """The payments of the mentorship demo's passed evaluations, at `now`."""
    result = StipendDemo()
    admin = User.objects.filter(username="admin").first()
    if admin is None or not mentorship.terms:
        return result  # without DEBUG's demo users there is no mentorship demo
    for scenario in (PASSED, PASSED_SENT, PASSED_APPROVED, GRADUATED):
        placement = mentorship.placement(scenario)
        if placement is not None:
            for evaluation in _settled_passes(placement):
                payment = stipends.make_payment(evaluation, None)
                if payment is not None:
                    result.payments[(scenario, evaluation.round.key)] = payment
    # In this order: a payer file sends every approved payment of its term.
    story = {
        (PASSED_SENT, "midterm"): PaymentStatus.SENT,
        (PASSED_APPROVED, "midterm"): PaymentStatus.APPROVED,
        (GRADUATED, "midterm"): PaymentStatus.PAID,
        (GRADUATED, "final"): PaymentStatus.FAILED,
    }
    for key, outcome in story.items():
        payment = result.payments.get(key)
        if payment is None or payment.status != PaymentStatus.PENDING:
            continue  # told already (or changed by hand since): leave it
        try:
            with transaction.atomic():
                _pay(payment, admin, outcome, now)
        except DomainError as error:
            result.skipped.append(f"payment {payment.reference}: {error}")
            continue
        result.created += 1
    for key, payment in result.payments.items():
        payment.refresh_from_db()
        result.payments[key] = payment
    pending = result.payments.get((PASSED, "midterm"))
    if pending is not None:
        result.todo += [
            (
                "admin",
                "approve Diego Alvarez's first stipend installment, then export it",
                f"/stipends/terms/{pending.term_id}/payments/",
            ),
            ("mentee5", "My stipend: the payment's status and expected date", "/stipends/me/"),
        ]
    finished = result.payments.get((GRADUATED, "final"))
    if finished is not None:
        result.todo += [
            (
                "admin",
                "a paid installment and a failed one to retry",
                f"/stipends/terms/{finished.term_id}/payments/",
            ),
            ("mentee8", "My stipend: one installment paid, one failed", "/stipends/me/"),
            (
                "admin",
                "close the finished term once its failed payment is settled",
                f"/console/terms/{finished.term_id}/",
            ),
        ]
    return result


def _settled_passes(placement: Placement) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(placement=placement, passed=True, settled_at__isnull=False)
        .select_related("placement__term__program", "round")
        .order_by("round__position")
    )


def _pay(payment: Payment, admin: User, outcome: str, now: datetime) -> None:
    """Approve `payment`, then (unless `outcome` is approved) export it and (unless it is
    sent) import the payer's result, each at its instant after the evaluation round closed
    (never after `now`)."""
    closed = payment.round.closes_at
    approved_at = min(closed + APPROVED_AFTER, now)
    sent_at = min(closed + SENT_AFTER, now)
    stipends.approve_payment(payment, actor=admin, now=approved_at)
    if outcome == PaymentStatus.APPROVED:
        return
    stipends.export_payments(payment.term, actor=admin, now=sent_at)
    if outcome == PaymentStatus.SENT:
        return
    if outcome == PaymentStatus.PAID:
        paid_on = min(sent_at + PAID_AFTER, now).date()
        text = f"reference,status,paid_on\r\n{payment.reference},paid,{paid_on.isoformat()}\r\n"
    else:
        text = f'reference,status,reason\r\n{payment.reference},failed,"{FAILURE_REASON}"\r\n'
    stipends.import_results(payment.term, text, actor=admin, now=min(sent_at + PAID_AFTER, now))

"""Stipend e-mail, through core's outbox (one row per kind, object and recipient, so a second
run, a retry or a run after a crash sends nothing twice).

The mentee is told when a payment of theirs is sent to the payer (with the date they can
expect it by), when it is paid, and when the payer could not pay it (the program retries with
the same reference). Keyed on the payment and the ledger entry of that change, so a retried payment
that fails again tells the mentee again. A send that failed is planned again by
`cohort run-periodic` (`replan_unsent`), from the payment as it is then.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from cohort.core.emails import site_url
from cohort.mentorship.queries import mentee_name
from cohort.notifications.kinds import register_kind
from cohort.notifications.services import deliver, outbox_row
from cohort.stipends.models import Payment, PaymentStatus
from cohort.stipends.money import display
from cohort.stipends.queries import expected_text

PAYMENT = "stipend_payment"
PAYMENT_OBJECT = "stipends.payment"

register_kind(PAYMENT, "A stipend payment to you", essential=True, why="a payment to you")
TOLD = frozenset({PaymentStatus.SENT, PaymentStatus.PAID, PaymentStatus.FAILED})


def notify_payment(payment_id: int) -> int:
    """Tell the mentee where their payment stands, if it was just sent, paid or failed; 1 if
    an e-mail went out now."""
    payment = (
        Payment.objects.select_related(
            "placement__mentee__mentee_profile", "placement__project", "term__program", "round"
        )
        .filter(pk=payment_id)
        .first()
    )
    if payment is None or payment.status not in TOLD:
        return 0
    mentee = payment.placement.mentee
    if not mentee.email:
        return 0
    context = {
        "name": mentee_name(payment.placement),
        "status": payment.status,
        "amount": display(payment.total, payment.currency),
        "installment": f"{payment.installment} of {payment.installments}",
        "round": payment.round.label,
        "project": payment.placement.project.title,
        "term": payment.term.label,
        "program": payment.term.program.name,
        "reference": payment.reference,
        "expected": expected_text(payment),
        "reason": payment.failure_reason,
        "link": f"{site_url()}{reverse('stipends:mine')}",
    }
    # The ledger entry of the change being told: each change has its own, even at one instant.
    entry = payment.ledger.filter(target=payment.status).order_by("-pk").values("pk").first()
    if entry is None:
        return 0
    key = f"{payment.pk}:{payment.status}:{entry['pk']}"
    row, _ = outbox_row(PAYMENT, PAYMENT_OBJECT, key, mentee, context)
    return int(row.sent_at is None and deliver(row, mentee, context))


def replan_unsent(rows: Sequence[tuple[str, str]]) -> int:
    """Send again the unsent payment e-mails: planned from the payment as it is now, so a
    payment that moved on since is told as it stands."""
    sent = 0
    for kind, object_id in sorted(set(rows)):
        pk = object_id.split(":", 1)[0]
        if kind == PAYMENT and pk.isdigit():
            sent += notify_payment(int(pk))
    return sent

"""The whole path of one installment through the services: a midterm pass makes the first
payment at the mentee's country's amount, an admin approves it, the export marks it sent and
the payer's result file marks it paid; the ledger reconciles at every step."""

from __future__ import annotations

from datetime import timedelta

from cohort.mentorship.tests.conftest import Placed
from cohort.stipends import queries, services
from cohort.stipends.models import LedgerEntry, Payment
from cohort.stipends.tests.conftest import payment_of

S = Payment.Status


def test_a_midterm_pass_is_paid_half_the_mentees_stipend(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = payment_of(w.placement)
    # mentee1 lives in Germany (DE, factor 0.7607): 6,000 × 0.7607 = 4,564.20 → 4,564 USD,
    # between 3,000 and 6,600 (a 2024 term); half of it is 2,282.00 USD.
    assert (payment.country, payment.currency, payment.amount) == ("DE", "USD", 228_200)
    assert payment.status == S.PENDING
    assert payment.reference == f"COH-{w.placement.term_id}-{w.placement.pk}-1"
    admin = w.world.user("admin")
    services.approve_payment(payment, actor=admin)
    export = services.export_payments(w.world.term, actor=admin)
    assert export.count == 1
    assert payment.reference in export.content
    payment.refresh_from_db()
    assert payment.status == S.SENT
    result = f"reference,status\n{payment.reference},paid\n"
    assert services.import_results(w.world.term, result, actor=admin).paid == 1
    payment.refresh_from_db()
    assert payment.status == S.PAID
    mine = queries.my_payments(w.placement.mentee)
    assert [(v.status_label, v.expected_text, v.total_text) for v in mine] == [
        ("Paid", "Paid", "$2,282.00")
    ]
    assert queries.reconciles(w.world.term)
    money = queries.totals(w.world.term)["USD"].amounts
    assert money["committed"] == money["paid"] == 228_200
    assert LedgerEntry.objects.filter(payment=payment).count() == 4


def test_a_payment_is_made_when_its_evaluation_settled_and_the_ledger_says_when(
    midterm_paid: Placed,
) -> None:
    """The ledger and the payment carry the instants the services were given: the payment is
    made when the evaluation's result settled; approval, sending and the payer's result at the
    `now` each was told."""
    w = midterm_paid
    payment = payment_of(w.placement)
    assert payment.made_at == payment.evaluation.settled_at
    admin = w.world.user("admin")
    approved_at = payment.made_at + timedelta(days=2)
    sent_at = approved_at + timedelta(days=1)
    paid_at = sent_at + timedelta(days=9)
    services.approve_payment(payment, actor=admin, now=approved_at)
    services.export_payments(w.world.term, actor=admin, now=sent_at)
    services.import_results(
        w.world.term, f"reference,status\n{payment.reference},paid\n", actor=admin, now=paid_at
    )
    ledger = list(LedgerEntry.objects.filter(payment=payment).order_by("pk"))
    assert [(e.target, e.at) for e in ledger] == [
        (S.PENDING, payment.made_at),
        (S.APPROVED, approved_at),
        (S.SENT, sent_at),
        (S.PAID, paid_at),
    ]
    payment.refresh_from_db()
    assert (payment.approved_at, payment.sent_at, payment.paid_at) == (
        approved_at,
        sent_at,
        paid_at,
    )

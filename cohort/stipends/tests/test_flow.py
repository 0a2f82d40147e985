"""The whole path of one installment through the services: a midterm pass makes the first
payment at the mentee's country's amount, an admin approves it, the export marks it sent and
the payer's result file marks it paid; the ledger reconciles at every step."""

from __future__ import annotations

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

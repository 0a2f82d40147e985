"""The payer's result file is checked whole before anything changes: a payment said to be paid
after today, or a reason holding a control character, is refused with its line, and nothing
is marked."""

from __future__ import annotations

import pytest
import time_machine

from cohort.core.errors import DomainError
from cohort.mentorship.tests.conftest import Placed
from cohort.stipends import services
from cohort.stipends.models import LedgerEntry, Payment
from cohort.stipends.tests.conftest import payment_of

S = Payment.Status


@pytest.fixture
def sent_payment(midterm_paid: Placed) -> Payment:
    admin = midterm_paid.world.user("admin")
    payment = payment_of(midterm_paid.placement)
    services.approve_payment(payment, actor=admin)
    services.export_payments(midterm_paid.world.term, actor=admin)
    payment.refresh_from_db()
    assert payment.status == S.SENT
    return payment


@time_machine.travel("2024-10-25 12:00:00Z", tick=False)
def test_a_payment_paid_after_today_is_refused_with_its_line(
    midterm_paid: Placed, sent_payment: Payment
) -> None:
    entries = LedgerEntry.objects.count()
    text = f"reference,status,paid_on\n{sent_payment.reference},paid,2024-10-26\n"
    with pytest.raises(DomainError) as refused:
        services.import_results(
            midterm_paid.world.term, text, actor=midterm_paid.world.user("admin")
        )
    assert str(refused.value) == (
        f"Nothing was imported: line 2: payment {sent_payment.reference} is said to be paid on "
        "2024-10-26, which is after today (2024-10-25)."
    )
    sent_payment.refresh_from_db()
    assert sent_payment.status == S.SENT
    assert LedgerEntry.objects.count() == entries
    # The day itself (in the term's zone, PDT) is accepted.
    ok = f"reference,status,paid_on\n{sent_payment.reference},paid,2024-10-25\n"
    assert (
        services.import_results(
            midterm_paid.world.term, ok, actor=midterm_paid.world.user("admin")
        ).paid
        == 1
    )


def test_a_reason_with_a_control_character_is_refused_with_its_line(
    midterm_paid: Placed, sent_payment: Payment
) -> None:
    text = f"reference,status,reason\n{sent_payment.reference},failed,bank\x07 said no\n"
    with pytest.raises(DomainError, match=r"^Nothing was imported: line 2: “reason”"):
        services.import_results(
            midterm_paid.world.term, text, actor=midterm_paid.world.user("admin")
        )
    sent_payment.refresh_from_db()
    assert sent_payment.status == S.SENT

"""The demo's stipends: the mentorship demo's passes made payments at the amounts of the
mentees' countries, moved through the services to pending, approved, sent, paid and failed;
the ledgers reconcile; the pending one can be approved by the demo admin; a second load
changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from cohort.core.models import User
from cohort.demo.mentorship import (
    COMPLETED_PROGRAM,
    GRADUATED,
    MENTORSHIP_PROGRAM,
    PASSED,
    PROFILES,
    load_mentorship_demo,
)
from cohort.demo.stipends import FAILURE_REASON, load_stipend_demo
from cohort.stipends import queries
from cohort.stipends import services as stipends
from cohort.stipends.models import LedgerEntry, PayerExport, Payment, PaymentStatus
from cohort.stipends.money import display, installment_amounts, quote
from cohort.terms.models import Term

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 1, 57, 30, tzinfo=UTC)  # as in test_mentorship_demo


@pytest.fixture
def users(settings) -> None:
    settings.COHORT_DEMO_USERS = True
    from cohort.demo.applications import load_demo_applications
    from cohort.projects.demo import load_demo

    load_demo_applications(load_demo().imported.term)


def expected(payment: Payment, username: str) -> int:
    """The installment's amount from the policy and the mentee's country, computed afresh."""
    rule = stipends.rule_of(payment.policy)
    whole = quote(rule, PROFILES[username].country).total
    return installment_amounts(rule, whole)[payment.round.key]


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "payments": list(
            Payment.objects.order_by("pk").values_list("pk", "status", "amount", "updated_at")
        ),
        "ledger": list(LedgerEntry.objects.order_by("pk").values_list("pk")),
        "exports": list(PayerExport.objects.order_by("pk").values_list("pk")),
    }


def test_the_demo_payments_are_in_several_states_at_their_countries_amounts(users):
    result = load_stipend_demo(load_mentorship_demo(NOW), NOW)
    assert result.skipped == []
    by_key = {
        (p.placement.mentee.username, p.round.key): p
        for p in Payment.objects.select_related("placement__mentee", "round", "policy", "term")
    }
    assert {k: p.status for k, p in by_key.items()} == {
        ("mentee5", "midterm"): PaymentStatus.PENDING,
        ("mentee9", "midterm"): PaymentStatus.APPROVED,
        ("mentee10", "midterm"): PaymentStatus.SENT,
        ("mentee8", "midterm"): PaymentStatus.PAID,
        ("mentee8", "final"): PaymentStatus.FAILED,
    }
    for (username, _), payment in by_key.items():
        assert payment.country == PROFILES[username].country
        assert payment.amount == expected(payment, username), (username, payment.round.key)
    # Mexico's price level ratio 0.5440 × 6,000 USD = 3,264 USD, half at the midterm; Germany's
    # 0.7607 × 6,000 = 4,564.20, rounded to 4,564, half each.
    assert display(by_key[("mentee5", "midterm")].total, "USD") == "$1,632.00"
    assert display(by_key[("mentee8", "midterm")].total, "USD") == "$2,282.00"
    assert display(by_key[("mentee8", "final")].total, "USD") == "$2,282.00"
    # The mentorship term starts after 2026-07-01: the LF's minimum is 1,000 USD. India's
    # 0.2442 × 6,000 = 1,465.20 → 1,465 (above it), half 732.50; Nigeria's 0.2566 × 6,000 =
    # 1,539.60 → 1,540, half 770.
    assert display(by_key[("mentee9", "midterm")].total, "USD") == "$732.50"
    assert display(by_key[("mentee10", "midterm")].total, "USD") == "$770.00"
    sent = by_key[("mentee10", "midterm")]
    assert sent.expected_on is not None
    assert sent.export is not None
    assert sent.export.count == 1  # sent alone: mentee9's was approved after the file went out

    paid = by_key[("mentee8", "midterm")]
    failed = by_key[("mentee8", "final")]
    assert paid.term.program.name == failed.term.program.name == COMPLETED_PROGRAM
    assert by_key[("mentee5", "midterm")].term.program.name == MENTORSHIP_PROGRAM
    assert failed.failure_reason == FAILURE_REASON
    assert paid.paid_at is not None
    assert paid.paid_at < NOW
    assert paid.sent_at is not None
    assert paid.expected_on is not None
    # Each went through approved and sent on the way: its ledger says so.
    for payment in (paid, failed):
        moves = list(
            LedgerEntry.objects.filter(payment=payment)
            .order_by("pk")
            .values_list("source", "target")
        )
        assert moves[:3] == [
            ("", PaymentStatus.PENDING),
            (PaymentStatus.PENDING, PaymentStatus.APPROVED),
            (PaymentStatus.APPROVED, PaymentStatus.SENT),
        ]
        assert moves[3][1] == payment.status
    assert PayerExport.objects.filter(term=paid.term).count() == 2

    for term in Term.objects.filter(program__name__in=[MENTORSHIP_PROGRAM, COMPLETED_PROGRAM]):
        assert queries.reconciles(term), term
    finished = queries.totals(paid.term)["USD"].amounts
    assert finished["paid"] == paid.total
    assert finished["failed"] == failed.total
    assert finished["committed"] == paid.total + failed.total
    assert result.payments[(PASSED, "midterm")].status == PaymentStatus.PENDING
    assert result.payments[(GRADUATED, "final")].status == PaymentStatus.FAILED


def test_the_demo_admin_can_approve_the_pending_payment(users):
    """What the browser suite does, through the services: the admin mentors none of it."""
    result = load_stipend_demo(load_mentorship_demo(NOW), NOW)
    pending = result.payments[(PASSED, "midterm")]
    approved = stipends.approve_payment(pending, actor=User.objects.get(username="admin"))
    assert approved.status == PaymentStatus.APPROVED
    assert queries.reconciles(pending.term)
    mine = queries.my_payments(User.objects.get(username="mentee5"))
    assert [(v.reference, v.status, v.total_text) for v in mine] == [
        (pending.reference, PaymentStatus.APPROVED, "$1,632.00")
    ]


def test_loading_the_stipend_demo_again_changes_nothing(users):
    first = load_stipend_demo(load_mentorship_demo(NOW), NOW)
    assert first.created == 4
    before = snapshot()
    later = NOW + timedelta(days=2)
    again = load_stipend_demo(load_mentorship_demo(later), later)
    assert (again.created, again.skipped) == (0, [])
    assert snapshot() == before


def test_the_demo_command_loads_the_payments_and_says_where_they_are(settings):
    settings.COHORT_DEMO_USERS = True
    out = StringIO()
    call_command("demo", "--site", "http://0.0.0.0:9000/", stdout=out)
    call_command("demo", stdout=StringIO())  # twice: nothing fails, nothing is duplicated
    text = out.getvalue()
    assert Payment.objects.count() == 5
    pending = Payment.objects.get(status=PaymentStatus.PENDING)
    assert f"http://0.0.0.0:9000/stipends/terms/{pending.term_id}/payments/" in text
    assert "http://0.0.0.0:9000/stipends/me/" in text

"""Stipends under parallel requests (PostgreSQL: SQLite serialises all writers). Issue 14's
bars: 20 concurrent approvals of one payment make one approval and one ledger entry; 20
concurrent passes of the same evaluation make one payment; an export racing a cancellation
either exports the payment or cancels it, never both.

Run with DATABASE_URL=postgres://… pytest -p no:xdist cohort/stipends/tests/test_concurrency.py
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.db import connection, transaction

from cohort.core.errors import ConflictError, DomainError
from cohort.core.models import User
from cohort.core.tests.threads import run_together
from cohort.mentorship.models import Evaluation, EvaluationRound, Placement
from cohort.mentorship.services import activate_due_placements, lock_evaluation
from cohort.mentorship.tests.conftest import TERM_START, Placed, accept
from cohort.stipends import services
from cohort.stipends.models import LedgerEntry, PayerExport, Payment, PaymentApproval, StipendPolicy
from cohort.stipends.tests.conftest import evaluate, payment_of
from cohort.terms.models import ProgramMembership

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

S = Payment.Status
THREADS = 20


def second_admin(w: Placed) -> User:
    user = User.objects.create_user("admin2", email="admin2@example.org", password="x")
    ProgramMembership.objects.create(program=w.world.program, user=user)
    return user


def test_twenty_approvals_of_one_payment_make_one(midterm_paid: Placed) -> None:
    w = midterm_paid
    admins = [w.world.user("admin"), second_admin(w)]
    payment = payment_of(w.placement)

    def approve(i: int) -> int:
        return services.approve_payment(Payment(pk=payment.pk), actor=admins[i % 2]).pk

    works: list[Callable[[], Any]] = [partial(approve, i) for i in range(THREADS)]
    done, failures = run_together(works)
    assert len(done) == 1, failures
    assert len(failures) == THREADS - 1
    assert all(isinstance(f, ConflictError) for f in failures), failures
    payment.refresh_from_db()
    assert payment.status == S.APPROVED
    assert PaymentApproval.objects.filter(payment=payment).count() == 1
    assert LedgerEntry.objects.filter(payment=payment, target=S.APPROVED).count() == 1
    assert LedgerEntry.objects.filter(payment=payment).count() == 2


def test_twenty_settlings_of_one_passed_evaluation_make_one_payment(active: Placed) -> None:
    evaluation = evaluate(active, "midterm")
    closes = EvaluationRound.objects.get(placement=active.placement, key="midterm").closes_at

    def lock() -> int:
        return lock_evaluation(evaluation, now=closes + timedelta(seconds=1)).pk

    done, failures = run_together([lock for _ in range(THREADS)])
    assert len(done) == 1, failures
    assert all(isinstance(f, DomainError) for f in failures), failures
    (payment,) = Payment.objects.all()
    assert (payment.installment, payment.amount) == (1, 228_200)
    assert LedgerEntry.objects.filter(payment=payment).count() == 1


def test_two_payments_made_at_once_install_the_default_once(active: Placed) -> None:
    """The settling hook itself, run for two passed evaluations at once in a program with no
    policy (the settling services take each placement's row, not the program's): both are
    paid, from one copy of the default, and neither fails on the other's policy."""
    antrea = Placement.objects.get(offer=accept(active.sel, "mentee2", "antrea"))
    assert activate_due_placements(TERM_START) == 1
    evaluations = [
        evaluate(active, "midterm"),
        evaluate(replace(active, placement=antrea), "midterm"),
    ]

    def make(evaluation: Evaluation) -> int | None:
        with transaction.atomic():
            made = services.make_payment(evaluation, None)
            return made.pk if made is not None else None

    for _ in range(3):
        done, failures = run_together([partial(make, e) for e in evaluations])
        assert not failures, failures
        assert len(set(done)) == 2  # each evaluation's own payment, made once and then found
    assert Payment.objects.count() == 2
    assert StipendPolicy.objects.filter(program=active.world.program).count() == 2


RACES = 6


def approved_copy(w: Placed, n: int) -> Payment:
    """An approved copy of the placement's first payment as its installment `n`, with its own
    reference: a fresh row to race over (the only approved one of the term)."""
    copy = payment_of(w.placement)
    copy.pk = None
    copy.installment = n
    copy.reference = f"{copy.reference}-race{n}"
    copy.status = S.APPROVED
    copy.save()
    return copy


def test_an_export_racing_a_cancellation_does_one_or_the_other(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = w.world.user("admin")
    term = w.world.term
    outcomes = []
    for n in range(2, RACES + 2):
        payment = approved_copy(w, n)

        def export() -> PayerExport:
            return services.export_payments(term, actor=admin)

        def cancel(pk: int = payment.pk) -> Payment:
            return services.cancel_payment(Payment(pk=pk), actor=admin, reason="Withdrew.")

        done, failures = run_together([export, cancel])
        assert len(done) + len(failures) == 2
        assert all(isinstance(f, DomainError) for f in failures), failures
        payment.refresh_from_db()
        file = PayerExport.objects.latest("id")
        exported = payment.reference in file.content
        if payment.status == S.SENT:
            assert exported
            assert payment.export == file
            assert len(failures) == 1  # the cancellation was refused
            assert "cannot be cancelled" in str(failures[0])
        else:
            assert payment.status == S.CANCELLED
            assert not exported
            assert not failures
            assert file.count == 0
        assert (
            not LedgerEntry.objects.filter(payment=payment)
            .exclude(target__in=[payment.status])
            .exists()
        )
        outcomes.append(payment.status)
    assert set(outcomes) <= {S.SENT, S.CANCELLED}
    assert PayerExport.objects.count() == RACES

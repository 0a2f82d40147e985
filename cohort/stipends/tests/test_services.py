"""Each stipend service: who may call it, from which status, and what it leaves behind (the
payment's row, the ledger, the audit log)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from cohort.applications.models import MenteeProfile
from cohort.core.errors import ConflictError, DomainError, NotAllowedError
from cohort.core.models import AuditEvent, User
from cohort.mentorship import services as m
from cohort.mentorship.models import Evaluation, EvaluationRound
from cohort.mentorship.tests.conftest import Placed
from cohort.stipends import queries, services
from cohort.stipends.models import (
    LedgerEntry,
    Payment,
    PaymentAdjustment,
    PaymentApproval,
    StipendPolicy,
)
from cohort.stipends.tests.conftest import FAIL, payment_of, settle
from cohort.terms.models import ProgramMembership, Term

S = Payment.Status
HALF = 228_200  # mentee1 lives in DE: 6,000 × 0.7607 → 4,564 USD, half of it


def second_admin(w: Placed, name: str = "admin2") -> User:
    user = User.objects.create_user(name, email=f"{name}@example.org", password="x")
    ProgramMembership.objects.create(program=w.world.program, user=user)
    return user


def entries(payment: Payment) -> list[tuple[str, str, str, int, int]]:
    return [
        (e.event, e.source, e.target, e.amount, e.committed)
        for e in LedgerEntry.objects.filter(payment=payment).order_by("id")
    ]


def sent(w: Placed) -> Payment:
    admin = w.world.user("admin")
    payment = payment_of(w.placement)
    services.approve_payment(payment, actor=admin)
    services.export_payments(w.world.term, actor=admin)
    payment.refresh_from_db()
    assert payment.status == S.SENT
    return payment


def failed(w: Placed) -> Payment:
    payment = sent(w)
    services.import_results(
        w.world.term,
        f"reference,status,reason\n{payment.reference},failed,IBAN closed\n",
        actor=w.world.user("admin"),
    )
    payment.refresh_from_db()
    return payment


# --- approval ----------------------------------------------------------------------------


def test_an_admin_who_mentors_the_placement_cannot_approve(midterm_paid: Placed) -> None:
    w = midterm_paid
    bob = w.world.user("bob")  # cilium's mentor, made a program admin too
    ProgramMembership.objects.create(program=w.world.program, user=bob)
    payment = payment_of(w.placement)
    with pytest.raises(NotAllowedError, match="mentor of this mentee"):
        services.approve_payment(payment, actor=bob)
    payment.refresh_from_db()
    assert payment.status == S.PENDING
    assert not PaymentApproval.objects.exists()


def test_an_admin_who_mentors_the_placement_cannot_adjust_or_retry_it(
    midterm_paid: Placed,
) -> None:
    """Changing the amount and sending a failed payment again decide what the mentee is paid,
    as approving does: never by one of their mentors."""
    w = midterm_paid
    bob = w.world.user("bob")
    ProgramMembership.objects.create(program=w.world.program, user=bob)
    payment = failed(w)
    with pytest.raises(NotAllowedError, match="cannot adjust their stipend"):
        services.adjust_payment(payment, actor=bob, delta=10_000, reason="More.")
    with pytest.raises(NotAllowedError, match="cannot retry their stipend"):
        services.retry_payment(payment, actor=bob)
    payment.refresh_from_db()
    assert (payment.status, payment.adjusted) == (S.FAILED, 0)
    services.retry_payment(payment, actor=w.world.user("admin"))  # an admin who does not mentor
    payment.refresh_from_db()
    assert payment.status == S.APPROVED


@pytest.mark.parametrize("who", ["bob", "mentee1", "outsider", "alice"])
def test_a_non_admin_cannot_approve(midterm_paid: Placed, who: str) -> None:
    payment = payment_of(midterm_paid.placement)
    with pytest.raises(NotAllowedError):
        services.approve_payment(payment, actor=midterm_paid.world.user(who))
    assert entries(payment) == [("committed", "", S.PENDING, HALF, HALF)]


def test_above_the_threshold_two_admins_approve(active: Placed) -> None:
    w = active
    admin, admin2 = w.world.user("admin"), second_admin(w)
    services.install_preset(w.world.program, "lfx", actor=admin)
    StipendPolicy.objects.filter(program=w.world.program).update(second_approval_above=HALF - 1)
    settle(w, "midterm")
    payment = payment_of(w.placement)
    assert payment.approvals_needed == 2
    services.approve_payment(payment, actor=admin)
    payment.refresh_from_db()
    assert payment.status == S.PENDING
    assert entries(payment)[-1] == ("approval", "", "", 0, 0)
    with pytest.raises(ConflictError, match="second approver"):
        services.approve_payment(payment, actor=admin)
    services.approve_payment(payment, actor=admin2)
    payment.refresh_from_db()
    assert payment.status == S.APPROVED
    assert payment.approved_at is not None
    assert PaymentApproval.objects.filter(payment=payment).count() == 2
    assert entries(payment)[-1] == ("approved", S.PENDING, S.APPROVED, HALF, 0)
    assert queries.reconciles(w.world.term)


def test_an_adjustment_withdraws_the_approvals_given_for_the_old_amount(active: Placed) -> None:
    w = active
    admin, admin2 = w.world.user("admin"), second_admin(w)
    services.install_preset(w.world.program, "lfx", actor=admin)
    StipendPolicy.objects.filter(program=w.world.program).update(second_approval_above=HALF - 1)
    settle(w, "midterm")
    payment = payment_of(w.placement)
    services.approve_payment(payment, actor=admin)
    services.adjust_payment(payment, actor=admin, delta=10_000, reason="Equipment.")
    assert not PaymentApproval.objects.filter(payment=payment).exists()
    audit = AuditEvent.objects.get(action="stipends.payment.adjusted")
    assert audit.data == {"delta": 10_000, "approvals_withdrawn": [admin.pk]}
    services.approve_payment(payment, actor=admin2)
    payment.refresh_from_db()
    assert payment.status == S.PENDING  # admin2's is the first approval of the new amount
    services.approve_payment(payment, actor=admin)
    payment.refresh_from_db()
    assert (payment.status, payment.total) == (S.APPROVED, HALF + 10_000)
    assert queries.reconciles(w.world.term)


def test_at_the_threshold_one_admin_approves(active: Placed) -> None:
    w = active
    admin = w.world.user("admin")
    services.install_preset(w.world.program, "lfx", actor=admin)
    StipendPolicy.objects.filter(program=w.world.program).update(second_approval_above=HALF)
    settle(w, "midterm")
    payment = services.approve_payment(payment_of(w.placement), actor=admin)
    assert (payment.approvals_needed, payment.status) == (1, S.APPROVED)


def test_an_approved_payment_is_not_approved_again(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = services.approve_payment(payment_of(w.placement), actor=w.world.user("admin"))
    with pytest.raises(ConflictError, match="already approved"):
        services.approve_payment(payment, actor=second_admin(w))
    assert PaymentApproval.objects.count() == 1


def test_bulk_approval_reports_what_it_refused(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = payment_of(w.placement)
    result = services.approve_payments(
        w.world.term, [payment.pk, 99_999], actor=w.world.user("admin")
    )
    assert [p.pk for p in result.approved] == [payment.pk]
    assert result.refused == [(99_999, "No such payment in this term.")]


# --- cancel, adjust, retry -----------------------------------------------------------------


@pytest.mark.parametrize("status", [S.PENDING, S.APPROVED, S.FAILED])
def test_cancel_with_a_reason(midterm_paid: Placed, status: str) -> None:
    w = midterm_paid
    admin = w.world.user("admin")
    if status == S.FAILED:
        payment = failed(w)
    else:
        payment = payment_of(w.placement)
        if status == S.APPROVED:
            services.approve_payment(payment, actor=admin)
    with pytest.raises(DomainError, match="required"):
        services.cancel_payment(payment, actor=admin, reason="  ")
    services.cancel_payment(payment, actor=admin, reason="Left the program.")
    payment.refresh_from_db()
    assert (payment.status, payment.cancel_reason) == (S.CANCELLED, "Left the program.")
    assert entries(payment)[-1] == ("cancelled", status, S.CANCELLED, HALF, -HALF)
    money = queries.totals(w.world.term)["USD"].amounts
    assert money["committed"] == 0
    assert queries.reconciles(w.world.term)


@pytest.mark.parametrize("status", [S.SENT, S.PAID])
def test_a_sent_or_paid_payment_is_not_cancelled(midterm_paid: Placed, status: str) -> None:
    w = midterm_paid
    admin = w.world.user("admin")
    payment = sent(w)
    if status == S.PAID:
        services.import_results(
            w.world.term, f"reference,status\n{payment.reference},paid\n", actor=admin
        )
    count = LedgerEntry.objects.count()
    with pytest.raises(DomainError, match="cannot be cancelled"):
        services.cancel_payment(payment, actor=admin, reason="Changed my mind.")
    payment.refresh_from_db()
    assert payment.status == status
    assert LedgerEntry.objects.count() == count


def test_cancel_needs_an_admin(midterm_paid: Placed) -> None:
    payment = payment_of(midterm_paid.placement)
    with pytest.raises(NotAllowedError):
        services.cancel_payment(payment, actor=midterm_paid.world.user("bob"), reason="x")


def test_an_adjustment_is_recorded_never_edited(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = w.world.user("admin")
    payment = payment_of(w.placement)
    services.adjust_payment(payment, actor=admin, delta=-28_200, reason="Two weeks missed.")
    payment.refresh_from_db()
    assert (payment.amount, payment.adjusted, payment.total) == (HALF, -28_200, 200_000)
    (adjustment,) = PaymentAdjustment.objects.filter(payment=payment)
    assert (adjustment.delta, adjustment.reason, adjustment.actor) == (
        -28_200,
        "Two weeks missed.",
        admin,
    )
    assert entries(payment)[-1] == ("adjusted", "", S.PENDING, -28_200, -28_200)
    assert queries.totals(w.world.term)["USD"].amounts["pending"] == 200_000
    assert queries.reconciles(w.world.term)
    audit = AuditEvent.objects.get(action="stipends.payment.adjusted")
    assert (audit.data, audit.note) == ({"delta": -28_200}, "Two weeks missed.")


def test_adjustments_are_refused_when_they_cannot_hold(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = w.world.user("admin")
    payment = payment_of(w.placement)
    with pytest.raises(DomainError, match="negative"):
        services.adjust_payment(payment, actor=admin, delta=-HALF - 1, reason="Too much.")
    with pytest.raises(DomainError, match="non-zero"):
        services.adjust_payment(payment, actor=admin, delta=0, reason="Nothing.")
    with pytest.raises(DomainError, match="required"):
        services.adjust_payment(payment, actor=admin, delta=100, reason="")
    with pytest.raises(NotAllowedError):
        services.adjust_payment(payment, actor=w.world.user("bob"), delta=100, reason="Why not.")
    services.adjust_payment(payment, actor=admin, delta=-HALF, reason="Nothing is owed.")
    payment.refresh_from_db()
    assert payment.total == 0
    services.approve_payment(payment, actor=admin)
    with pytest.raises(DomainError, match="only a pending or failed one"):
        services.adjust_payment(payment, actor=admin, delta=100, reason="More.")
    assert PaymentAdjustment.objects.count() == 1


def test_a_failed_payment_is_adjusted_and_retried_with_its_reference(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = w.world.user("admin")
    payment = failed(w)
    assert (payment.status, payment.failure_reason) == (S.FAILED, "IBAN closed")
    reference = payment.reference
    services.adjust_payment(payment, actor=admin, delta=1_800, reason="The bank's fee.")
    with pytest.raises(NotAllowedError):
        services.retry_payment(payment, actor=w.world.user("bob"))
    services.retry_payment(payment, actor=admin)
    payment.refresh_from_db()
    assert (payment.status, payment.reference, payment.failure_reason) == (
        S.APPROVED,
        reference,
        "",
    )
    assert entries(payment)[-1] == ("approved", S.FAILED, S.APPROVED, HALF + 1_800, 0)
    with pytest.raises(DomainError, match="only a failed one"):
        services.retry_payment(payment, actor=admin)
    export = services.export_payments(w.world.term, actor=admin)
    assert f"{reference},Mentee1,mentee1@example.org,DE,USD,2300.00,230000,1 of 2" in export.content
    assert queries.reconciles(w.world.term)


# --- the payer's files -------------------------------------------------------------------


def test_export_marks_the_approved_sent_and_leaves_the_pending(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = w.world.user("admin")
    first = payment_of(w.placement)
    services.approve_payment(first, actor=admin)
    settle(w, "final")
    second = payment_of(w.placement, 2)
    monday = datetime(2024, 12, 2, 20, 0, tzinfo=UTC)  # Monday in every zone of the Americas
    export = services.export_payments(w.world.term, actor=admin, now=monday)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.export, first.sent_at) == (S.SENT, export, monday)
    # 30 business days after Monday, December 2 is Monday, January 13 (six weeks).
    assert first.expected_on == date(2025, 1, 13)
    assert second.status == S.PENDING
    assert export.count == 1
    assert export.content.splitlines() == [
        "reference,name,email,country,currency,amount,amount_minor,installment,round",
        f"{first.reference},Mentee1,mentee1@example.org,DE,USD,2282.00,228200,1 of 2,"
        f"{first.round.label}",
    ]
    again = services.export_payments(w.world.term, actor=admin, fmt="json")
    assert again.count == 0
    with pytest.raises(NotAllowedError):
        services.export_payments(w.world.term, actor=w.world.user("bob"))
    with pytest.raises(DomainError, match="csv or json"):
        services.export_payments(w.world.term, actor=admin, fmt="xml")


def _other_terms_payment(w: Placed, payment: Payment) -> Payment:
    other = Term.objects.create(program=w.world.program, year=2025, number=1, title="Other")
    return Payment.objects.create(
        term=other,
        placement=payment.placement,
        policy=payment.policy,
        evaluation=payment.evaluation,
        round=payment.round,
        installment=9,
        installments=2,
        share=5_000,
        reference="COH-OTHER-1",
        currency="USD",
        amount=100,
        country="DE",
        basis="x",
        status=S.SENT,
        made_at=payment.made_at,
    )


@pytest.mark.parametrize("case", ["unknown", "other term", "not sent", "amount"])
def test_a_result_row_that_does_not_match_changes_nothing(midterm_paid: Placed, case: str) -> None:
    """The first row is good; the second does not match: the first is not marked either."""
    w = midterm_paid
    admin = w.world.user("admin")
    payment = sent(w)
    settle(w, "final")
    if case == "unknown":
        second, words = "COH-NOPE,paid,", "no payment of this term has the reference “COH-NOPE”"
    elif case == "other term":
        other = _other_terms_payment(w, payment)
        second, words = f"{other.reference},paid,", "no payment of this term"
    elif case == "not sent":
        pending = payment_of(w.placement, 2)
        second, words = f"{pending.reference},paid,", "is pending approval, not sent"
    else:
        pending = payment_of(w.placement, 2)
        Payment.objects.filter(pk=pending.pk).update(status=S.SENT)
        second, words = f"{pending.reference},paid,228201", "the file says 228201"
    text = f"reference,status,amount_minor\n{payment.reference},paid,228200\n{second}\n"
    before = LedgerEntry.objects.count()
    with pytest.raises(DomainError, match=r"^Nothing was imported: line 3: ") as caught:
        services.import_results(w.world.term, text, actor=admin)
    assert words in str(caught.value)
    payment.refresh_from_db()
    assert (payment.status, payment.paid_at) == (S.SENT, None)
    assert LedgerEntry.objects.count() == before
    assert not AuditEvent.objects.filter(action="stipends.results.imported").exists()


def test_a_bad_result_file_is_refused_by_line(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = sent(w)
    text = f"reference,status\n{payment.reference},paid\n{payment.reference},paid\n"
    with pytest.raises(DomainError, match=r"^Nothing was imported: line 3: .* listed twice"):
        services.import_results(w.world.term, text, actor=w.world.user("admin"))
    payment.refresh_from_db()
    assert payment.status == S.SENT


def test_a_failed_row_keeps_its_reason_and_a_paid_one_its_date(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = sent(w)
    services.import_results(
        w.world.term,
        f"reference,status,reason,paid_on\n{payment.reference},failed,Name does not match,\n",
        actor=w.world.user("admin"),
    )
    payment.refresh_from_db()
    assert (payment.status, payment.failure_reason) == (S.FAILED, "Name does not match")
    assert entries(payment)[-1] == ("failed", S.SENT, S.FAILED, HALF, 0)
    assert queries.totals(w.world.term)["USD"].amounts["failed"] == HALF
    assert queries.reconciles(w.world.term)


@time_machine.travel("2024-11-05 12:00:00Z", tick=False)  # after the day it was paid
def test_a_paid_row_with_a_date_is_paid_that_day_in_the_terms_zone(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = sent(w)
    result = services.import_results(
        w.world.term,
        f"reference,status,paid_on\n{payment.reference},paid,2024-11-02\n",
        actor=w.world.user("admin"),
    )
    assert (result.paid, result.failed) == (1, 0)
    payment.refresh_from_db()
    assert payment.paid_at == datetime(2024, 11, 2, tzinfo=w.world.term.zone)


def test_importing_needs_an_admin(midterm_paid: Placed) -> None:
    payment = sent(midterm_paid)
    with pytest.raises(NotAllowedError):
        services.import_results(
            midterm_paid.world.term,
            f"reference,status\n{payment.reference},paid\n",
            actor=midterm_paid.world.user("bob"),
        )


# --- made by evaluations --------------------------------------------------------------


def test_a_reopened_midterm_locking_again_makes_no_second_payment(midterm_paid: Placed) -> None:
    w = midterm_paid
    round_ = EvaluationRound.objects.get(placement=w.placement, key="midterm")
    now = round_.closes_at + timedelta(hours=1)
    until = now + timedelta(days=2)
    m.reopen_evaluation(
        w.placement,
        actor=w.world.user("admin"),
        round_key="midterm",
        until=until,
        reason="Check the hours.",
        now=now,
    )
    evaluation = Evaluation.objects.get(round=round_)
    m.lock_evaluation(evaluation, now=until + timedelta(seconds=1))
    evaluation.refresh_from_db()
    assert evaluation.settled_at is not None
    (payment,) = Payment.objects.filter(placement=w.placement)
    assert payment.status == S.PENDING
    assert len(entries(payment)) == 1
    assert services.make_payment(evaluation, None) == payment


def test_an_override_to_not_passed_cancels_the_pending_payment(midterm_paid: Placed) -> None:
    w = midterm_paid
    admin = w.world.user("admin")
    m.override_evaluation(
        w.placement,
        actor=admin,
        round_key="midterm",
        passed=False,
        reason="No work was done.",
        now=datetime(2024, 10, 20, tzinfo=UTC),
    )
    payment = payment_of(w.placement)
    assert payment.status == S.CANCELLED
    assert payment.cancel_reason == "The midterm evaluation was not passed after all."
    assert entries(payment)[-1] == ("cancelled", S.PENDING, S.CANCELLED, HALF, -HALF)
    assert LedgerEntry.objects.filter(payment=payment).latest("id").actor == admin
    assert queries.totals(w.world.term)["USD"].amounts["committed"] == 0
    assert queries.reconciles(w.world.term)


def test_a_failed_midterm_makes_no_payment(active: Placed) -> None:
    settle(active, "midterm", FAIL)
    assert not Payment.objects.exists()


def test_a_final_pass_makes_the_second_installment_and_they_add_up(midterm_paid: Placed) -> None:
    w = midterm_paid
    settle(w, "final")
    first, second = payment_of(w.placement, 1), payment_of(w.placement, 2)
    assert (second.installment, second.installments, second.share) == (2, 2, 5_000)
    assert second.reference == f"COH-{w.placement.term_id}-{w.placement.pk}-2"
    assert first.amount + second.amount == 456_400
    assert queries.totals(w.world.term)["USD"].amounts["committed"] == 456_400


def test_an_uneven_split_adds_up_exactly(active: Placed) -> None:
    """GSoC's 45/55 on an odd number of cents."""
    w = active
    admin = w.world.user("admin")
    services.install_preset(w.world.program, "gsoc", actor=admin)
    services.set_project_size(w.placement.project, "medium", actor=admin)
    policy = StipendPolicy.objects.get(program=w.world.program)
    policy.rates.filter(country="DE", column="medium").update(amount=228_211)
    settle(w, "midterm")
    settle(w, "final")
    first, second = payment_of(w.placement, 1), payment_of(w.placement, 2)
    assert (first.amount, second.amount) == (102_694, 125_517)  # 45% rounded down, the rest
    assert first.amount + second.amount == 228_211


def test_the_first_payment_installs_the_lfx_preset(midterm_paid: Placed) -> None:
    w = midterm_paid
    policies = list(StipendPolicy.objects.filter(program=w.world.program))
    assert [(p.effective_from, p.minimum) for p in policies] == [
        (date(2019, 1, 1), 300_000),
        (date(2026, 7, 1), 100_000),
    ]
    assert payment_of(w.placement).policy == policies[0]
    installed = AuditEvent.objects.filter(action="stipends.policy.installed").order_by("id")
    assert [(e.actor, e.object_id) for e in installed] == [(None, str(p.pk)) for p in policies]


def test_the_country_is_frozen_when_the_payment_is_made(midterm_paid: Placed) -> None:
    w = midterm_paid
    MenteeProfile.objects.filter(user=w.placement.mentee).update(country="IN")
    payment = payment_of(w.placement)
    assert (payment.country, payment.amount) == ("DE", HALF)
    view = queries.my_payments(w.placement.mentee)[0]
    assert (view.country, view.total) == ("DE", HALF)


def test_every_change_is_audited(midterm_paid: Placed) -> None:
    w = midterm_paid
    payment = failed(w)
    admin = w.world.user("admin")
    services.retry_payment(payment, actor=admin)
    services.cancel_payment(payment, actor=admin, reason="Paid by hand.")
    actions = list(
        AuditEvent.objects.filter(object_id=str(payment.pk), object_type="stipends.payment")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "stipends.payment.created",
        "stipends.payment.approved",
        "stipends.payment.sent",
        "stipends.payment.failed",
        "stipends.payment.approved",
        "stipends.payment.cancelled",
    ]
    assert AuditEvent.objects.filter(action="stipends.export").count() == 1
    assert AuditEvent.objects.filter(action="stipends.results.imported").count() == 1


# --- the ledger ---------------------------------------------------------------------------


def test_ledger_entries_are_never_changed(midterm_paid: Placed) -> None:
    entry = LedgerEntry.objects.get()
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(TypeError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    entry.amount = 1
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    assert LedgerEntry.objects.get().amount == HALF


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_a_ledger_entry(midterm_paid: Placed) -> None:
    from django.db import DatabaseError, transaction

    entry = LedgerEntry.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE stipends_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM stipends_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get().amount == HALF

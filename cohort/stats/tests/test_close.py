"""Closing a term: what blocks it, who may close it, the close itself and its audit row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.core.errors import NotAllowedError
from cohort.core.models import AuditEvent
from cohort.mentorship import services as m
from cohort.mentorship.models import Evaluation
from cohort.mentorship.tests.conftest import Placed
from cohort.stats import services
from cohort.stipends import services as s
from cohort.stipends.models import Payment
from cohort.stipends.tests.conftest import payment_of
from cohort.terms.models import Term
from cohort.terms.services import TermClosedError

pytestmark = pytest.mark.django_db


def test_an_active_placement_and_a_pending_payment_block_the_close(midterm_paid: Placed) -> None:
    placement = midterm_paid.placement
    payment = payment_of(placement)
    blockers = services.close_blockers(midterm_paid.world.term)
    assert [(b.kind, b.pk, b.status) for b in blockers] == [
        ("placement", placement.pk, "active"),
        ("payment", payment.pk, "pending"),
    ]
    assert blockers[0].url == f"/mentorship/placements/{placement.pk}/"
    assert blockers[1].url == f"/stipends/payments/{payment.pk}/"
    assert blockers[0].what == placement.project.title
    assert "installment 1 of" in blockers[1].what


def test_the_blockers_take_three_queries(midterm_paid: Placed) -> None:
    term = midterm_paid.world.term
    with CaptureQueriesContext(connection) as queries:
        assert len(services.close_blockers(term)) == 2
    assert len(queries) == 3


def test_an_evaluation_not_settled_blocks_even_on_an_ended_placement(midterm_paid: Placed) -> None:
    settle_everything(midterm_paid)
    term = midterm_paid.world.term
    evaluation = Evaluation.objects.get(placement=midterm_paid.placement)
    Evaluation.objects.filter(pk=evaluation.pk).update(
        status=Evaluation.Status.REOPENED, settled_at=None
    )
    blockers = services.close_blockers(term)
    assert [(b.kind, b.pk, b.status) for b in blockers] == [
        ("evaluation", evaluation.pk, "reopened")
    ]
    assert blockers[0].url == f"/mentorship/placements/{midterm_paid.placement.pk}/"
    with pytest.raises(services.TermBlockedError):
        services.close_term(term, actor=midterm_paid.world.user("admin"))


def test_a_blocked_close_names_the_blockers_and_changes_nothing(midterm_paid: Placed) -> None:
    term = midterm_paid.world.term
    with pytest.raises(services.TermBlockedError) as refused:
        services.close_term(term, actor=midterm_paid.world.user("admin"))
    assert "2 things still block it" in str(refused.value)
    assert f"Placement {midterm_paid.placement.pk}" in str(refused.value)
    assert len(refused.value.blockers) == 2
    term.refresh_from_db()
    assert term.state == Term.State.OPEN
    assert not AuditEvent.objects.filter(action="terms.term.closed").exists()


def settle_everything(w: Placed) -> None:
    admin = w.world.user("admin")
    s.cancel_payment(payment_of(w.placement), actor=admin, reason="Paid outside Cohort.")
    m.graduate_placement(w.placement, actor=admin, note="Done.")


def test_the_admin_closes_a_settled_term_once(midterm_paid: Placed) -> None:
    settle_everything(midterm_paid)
    term = midterm_paid.world.term
    admin = midterm_paid.world.user("admin")
    assert services.close_blockers(term) == []
    services.close_term(term, actor=admin)
    term.refresh_from_db()
    assert term.is_closed
    assert term.closed_by == admin
    assert term.closed_at is not None
    event = AuditEvent.objects.get(action="terms.term.closed")
    assert event.actor == admin
    assert event.object_id == str(term.pk)
    assert event.data == {
        "before": "open",
        "after": "closed",
        "placements": {"graduated": 1},
        "payments": {"cancelled": 1},
    }
    with pytest.raises(TermClosedError, match="is closed"):
        services.close_term(term, actor=admin)
    assert AuditEvent.objects.filter(action="terms.term.closed").count() == 1


@pytest.mark.parametrize("name", ["bob", "mentee1"])
def test_only_a_program_admin_closes(midterm_paid: Placed, name: str) -> None:
    settle_everything(midterm_paid)
    term = midterm_paid.world.term
    with pytest.raises(NotAllowedError):
        services.close_term(term, actor=midterm_paid.world.user(name))
    term.refresh_from_db()
    assert not term.is_closed


def test_paid_and_cancelled_payments_do_not_block(midterm_paid: Placed) -> None:
    payment = payment_of(midterm_paid.placement)
    for status, blocks in [
        (Payment.Status.APPROVED, True),
        (Payment.Status.SENT, True),
        (Payment.Status.FAILED, True),
        (Payment.Status.PAID, False),
        (Payment.Status.CANCELLED, False),
    ]:
        Payment.objects.filter(pk=payment.pk).update(status=status, failure_reason="Bounced.")
        kinds = [b.kind for b in services.close_blockers(midterm_paid.world.term)]
        assert ("payment" in kinds) is blocks, status

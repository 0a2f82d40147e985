"""A closed term's payments cannot change (issue 16): each service refuses with
TermClosedError and changes nothing. mentee1's midterm passed: one pending payment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from cohort.mentorship.tests.conftest import Placed
from cohort.stipends import services
from cohort.stipends.models import Payment
from cohort.stipends.tests.conftest import payment_of
from cohort.terms.services import TermClosedError
from cohort.terms.tests.closing import close, snapshot

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 12, 1, tzinfo=UTC)


def _payment(w: Placed) -> Payment:
    return payment_of(w.placement)


CALLS: dict[str, Callable[[Placed], object]] = {
    "set_project_size": lambda w: services.set_project_size(
        w.placement.project, "large", actor=w.world.user("admin")
    ),
    "approve_payment": lambda w: services.approve_payment(_payment(w), actor=w.world.user("admin")),
    "approve_payments": lambda w: services.approve_payments(
        w.world.term, [_payment(w).pk], actor=w.world.user("admin")
    ),
    "cancel_payment": lambda w: services.cancel_payment(
        _payment(w), actor=w.world.user("admin"), reason="No."
    ),
    "adjust_payment": lambda w: services.adjust_payment(
        _payment(w), actor=w.world.user("admin"), delta=-100, reason="Fee."
    ),
    "retry_payment": lambda w: services.retry_payment(_payment(w), actor=w.world.user("admin")),
    "mark_paid": lambda w: services.mark_paid(
        _payment(w), actor=w.world.user("admin"), paid_on=None, now=NOW
    ),
    "mark_failed": lambda w: services.mark_failed(
        _payment(w), actor=w.world.user("admin"), reason="Bounced.", now=NOW
    ),
    "export_payments": lambda w: services.export_payments(
        w.world.term, actor=w.world.user("admin"), now=NOW
    ),
    "import_results": lambda w: services.import_results(
        w.world.term,
        f"reference,status\n{_payment(w).reference},paid\n",
        actor=w.world.user("admin"),
        now=NOW,
    ),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_closed_terms_payments_cannot_change(midterm_paid: Placed, name: str) -> None:
    close(midterm_paid.world.term)
    before = snapshot()
    with pytest.raises(TermClosedError, match="is closed"):
        CALLS[name](midterm_paid)
    assert snapshot() == before

"""The demo's finished term (issue 16): only Lena Fischer's (mentee8) failed final installment
blocks its close; once the admin cancels it, the admin closes the term. What the browser suite
does (e2e/test_close_term.py), through the services."""

from __future__ import annotations

import pytest

from cohort.core.models import User
from cohort.demo.mentorship import GRADUATED, load_mentorship_demo
from cohort.demo.stipends import load_stipend_demo
from cohort.demo.tests.test_stipends_demo import NOW, users  # noqa: F401 (the fixture)
from cohort.stats.services import TermBlockedError, close_blockers, close_term
from cohort.stipends import services as stipends
from cohort.terms.models import Term

pytestmark = pytest.mark.django_db


def test_the_finished_term_closes_once_its_failed_payment_is_settled(users) -> None:  # noqa: F811
    result = load_stipend_demo(load_mentorship_demo(NOW), NOW)
    failed = result.payments[(GRADUATED, "final")]
    term = Term.objects.get(pk=failed.term_id)
    assert [(b.kind, b.pk, b.status, b.who) for b in close_blockers(term)] == [
        ("payment", failed.pk, "failed", "Lena Fischer")
    ]
    admin = User.objects.get(username="admin")
    with pytest.raises(TermBlockedError, match="1 thing still blocks it"):
        close_term(term, actor=admin)
    stipends.cancel_payment(failed, actor=admin, reason="Paid by bank transfer.")
    assert close_blockers(term) == []
    close_term(term, actor=admin)
    term.refresh_from_db()
    assert (term.state, term.closed_by) == (Term.State.CLOSED, admin)


def test_the_demo_tells_the_admin_where_to_close_the_finished_term(users) -> None:  # noqa: F811
    result = load_stipend_demo(load_mentorship_demo(NOW), NOW)
    failed = result.payments[(GRADUATED, "final")]
    assert (
        "admin",
        "close the finished term once its failed payment is settled",
        f"/console/terms/{failed.term_id}/",
    ) in result.todo

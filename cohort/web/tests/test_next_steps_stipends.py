"""The "Your next step" box asks a program admin to approve the stipend payments waiting for
them: never one on a project they mentor, never one they approved already (a second approver
is someone else), and the step goes once it is done."""

from __future__ import annotations

from cohort.applications.tests.conftest import in_window, world  # noqa: F401 (fixtures)
from cohort.mentorship.tests.conftest import Placed, active, placed  # noqa: F401
from cohort.selection.tests.conftest import ready  # noqa: F401
from cohort.stipends import services
from cohort.stipends.tests.conftest import (
    IN_FINAL,
    midterm_paid,  # noqa: F401 (a fixture)
    payment_of,
)
from cohort.terms.models import ProgramMembership
from cohort.web.next_steps import PAYMENTS, next_steps


def payment_steps(w: Placed, name: str) -> list[tuple[str, str, str]]:
    return [
        (s.text, s.url, s.detail)
        for s in next_steps(w.world.user(name), IN_FINAL)
        if s.kind == PAYMENTS
    ]


def test_the_admin_is_asked_to_approve_until_it_is_approved(midterm_paid: Placed) -> None:  # noqa: F811
    w = midterm_paid
    term = w.world.term
    assert payment_steps(w, "admin") == [
        (
            "Approve 1 stipend payment",
            f"/stipends/terms/{term.pk}/payments/?status=pending",
            f"of {term}",
        )
    ]
    services.approve_payment(payment_of(w.placement), actor=w.world.user("admin"))
    assert payment_steps(w, "admin") == []


def test_an_admin_who_mentors_it_or_approved_it_already_is_not_asked(
    midterm_paid: Placed,  # noqa: F811
) -> None:
    w = midterm_paid
    program = w.world.term.program
    # bob mentors the placement's project; carol mentors another one.
    for name in ("bob", "carol"):
        ProgramMembership.objects.create(program=program, user=w.world.user(name))
    assert payment_steps(w, "bob") == []
    payment = payment_of(w.placement)
    payment.policy.second_approval_above = 0
    payment.policy.save()
    services.adjust_payment(payment, actor=w.world.user("admin"), delta=100, reason="Typo.")
    payment.refresh_from_db()
    assert payment.approvals_needed == 2
    services.approve_payment(payment, actor=w.world.user("admin"))
    assert payment_steps(w, "admin") == []  # approved by them: the second is someone else's
    assert [text for text, _, _ in payment_steps(w, "carol")] == ["Approve 1 stipend payment"]
    assert payment_steps(w, "mentee1") == []

"""Mentorship e-mail through the outbox, each exactly once: a round opens (mentors and the
mentee), an evaluation is submitted (the mentors), the result (the mentee, never the private
comments), and the admins' daily list of overdue evaluations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from cohort.core.periodic import run_periodic_jobs
from cohort.mentorship import notifications as n
from cohort.mentorship import services as m
from cohort.mentorship.models import Evaluation
from cohort.mentorship.tests.conftest import MIDTERM_DUE, Placed, accept
from cohort.mentorship.tests.test_evaluations import (
    FAIL,
    IN_MIDTERM,
    MIDTERM_OPENS,
    PASS,
    evaluate,
)
from cohort.notifications.models import Notification
from cohort.notifications.services import retry_unsent


def sent_to(kind: str) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind, sent_at__isnull=False).values_list(
            "recipient__username", flat=True
        )
    )


def test_an_open_round_tells_the_mentors_and_the_mentee_once(active: Placed) -> None:
    accept(active.sel, "mentee2", "antrea")
    m.activate_due_placements(MIDTERM_OPENS)
    assert m.announce_open_rounds(MIDTERM_OPENS) == 2
    assert sent_to(n.ROUND_OPEN) == ["alice", "bob", "bob", "mentee1", "mentee2"]
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["mentee1@example.org"] == (
        f"Your midterm evaluation on “{active.placement.project.title}” is open: tell us how "
        "it is going"
    )
    assert "by Tue, Oct 15, 2024, 5:00 PM PDT (Wed, Oct 16, 2024, 12:00 AM UTC)" in " ".join(
        mail.outbox[0].body.split()
    )
    assert m.announce_open_rounds(MIDTERM_OPENS + timedelta(hours=2)) == 0
    assert len(mail.outbox) == 5


def test_a_submission_tells_the_projects_mentors(
    active: Placed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evaluate(active)
    assert sent_to(n.SUBMITTED) == ["bob"]
    (message,) = mail.outbox
    assert "bob submitted the midterm evaluation" in message.body
    assert n.notify_evaluation_submitted(Evaluation.objects.get().pk) == 0  # once


def test_the_result_reaches_the_mentee_once_without_the_private_comments(
    active: Placed, django_capture_on_commit_callbacks
) -> None:
    evaluate(active)
    with django_capture_on_commit_callbacks(execute=True):
        m.lock_due_evaluations(MIDTERM_DUE)
    (message,) = [e for e in mail.outbox if e.to == ["mentee1@example.org"]]
    assert (
        message.subject == f"Your midterm evaluation on “{active.placement.project.title}”: passed"
    )
    assert PASS.comments_for_mentee in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html = message.alternatives[0][0]
    assert PASS.private_comments not in message.body
    assert PASS.private_comments not in str(html)
    assert n.notify_result(Evaluation.objects.get().pk) == 0


def test_a_failed_midterm_says_the_mentorship_ends(
    active: Placed, django_capture_on_commit_callbacks
) -> None:
    evaluate(active, answers=FAIL)
    with django_capture_on_commit_callbacks(execute=True):
        m.lock_due_evaluations(MIDTERM_DUE)
    (message,) = mail.outbox
    assert message.subject == (
        f"Your midterm evaluation on “{active.placement.project.title}”: not passed"
    )
    assert "the mentorship ends here" in message.body


def test_the_admins_get_the_overdue_list_once_a_day(active: Placed) -> None:
    assert n.send_overdue_digests(IN_MIDTERM) == 0
    assert n.send_overdue_digests(MIDTERM_DUE) == 1
    assert n.send_overdue_digests(MIDTERM_DUE + timedelta(hours=3)) == 0  # same UTC day
    (message,) = mail.outbox
    assert message.to == ["admin@example.org"]
    assert message.subject.startswith("1 evaluation overdue in")
    assert "mentee1" in message.body
    assert n.send_overdue_digests(MIDTERM_DUE + timedelta(days=1)) == 1  # still overdue
    m.override_evaluation(
        active.placement,
        actor=active.world.user("admin"),
        round_key="midterm",
        passed=True,
        reason="Confirmed by the mentor by e-mail.",
        now=MIDTERM_DUE + timedelta(days=1),
    )
    assert n.send_overdue_digests(MIDTERM_DUE + timedelta(days=2)) == 0


def test_the_periodic_run_opens_locks_and_reports(active: Placed) -> None:
    lines = run_periodic_jobs(IN_MIDTERM)
    assert "Evaluation rounds opened: 1" in "\n".join(lines)
    evaluate(active)
    lines = run_periodic_jobs(MIDTERM_DUE)
    assert "Evaluations locked: 1" in "\n".join(lines)
    assert "Evaluations locked: 0" in "\n".join(run_periodic_jobs(MIDTERM_DUE))


def test_a_failed_send_is_retried_once_the_mail_server_is_back(
    active: Placed, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise OSError("connection refused")

    monkeypatch.setattr("cohort.notifications.services.send_email", down)
    assert m.announce_open_rounds(MIDTERM_OPENS) == 1
    rows = Notification.objects.filter(kind=n.ROUND_OPEN)
    assert rows.count() == 2
    assert all(r.sent_at is None and "connection refused" in r.error for r in rows)
    monkeypatch.undo()
    result = retry_unsent()  # the rows' own clock: the test world's frozen time
    assert (result.sent, result.left) == (2, 0)
    assert sorted(e.to[0] for e in mail.outbox) == ["bob@example.org", "mentee1@example.org"]
    assert retry_unsent().sent == 0

"""Proposal e-mails: who gets which, exactly once, and what happens when sending fails."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction

from cohort.core.emails import send_email
from cohort.notifications.models import Notification
from cohort.proposals import gates
from cohort.proposals import notifications as n
from cohort.proposals import services as s
from cohort.proposals.models import ProposalEvent
from cohort.proposals.tasks import notify_proposal_event_task
from cohort.proposals.tests.conftest import DEADLINE, World, make_form

pytestmark = pytest.mark.django_db

BEFORE = DEADLINE - timedelta(days=3)


@pytest.fixture
def people(world: World) -> World:
    """The proposals world, with an e-mail address for every user (name@example.org)."""
    for name, user in world.users.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    return world


TITLE = "CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3)"


def addr(*names):
    return sorted(f"{name}@example.org" for name in names)


def sent(subject_part=""):
    """Recipients of the mails so far (one address per mail), optionally by subject."""
    return sorted(m.to[0] for m in mail.outbox if subject_part in m.subject)


def html_of(message):
    content, mimetype = cast(EmailMultiAlternatives, message).alternatives[0]
    assert mimetype == "text/html"
    return str(content)


def submit(world, capture, form=None, proposer="carol"):
    project = s.create_proposal(world.term, form or make_form(), actor=world.users[proposer])
    with capture(execute=True):
        s.submit_proposal(project, actor=world.users[proposer], now=BEFORE)
    return project


def approve_all(world, project, capture):
    with capture(execute=True):
        s.approve_proposal(project, actor=world.users["maintainer"])
        s.confirm_mentorship(project, actor=world.users["alice"])
        s.confirm_mentorship(project, actor=world.users["bob"])
        s.approve_proposal_as_admin(project, actor=world.users["admin"])


def last_event(project, kind):
    return ProposalEvent.objects.filter(project=project, kind=kind).latest("id")


def test_submission_tells_the_proposer_approvers_and_mentors(
    people, django_capture_on_commit_callbacks
):
    submit(people, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4  # one each, nobody twice
    assert sent(f'Your proposal "{TITLE}" is submitted') == addr("carol")
    assert sent("needs your approval") == addr("maintainer")
    assert sent("needs your confirmation as a mentor") == addr("alice", "bob")
    assert Notification.objects.filter(sent_at__isnull=False).count() == 4


def test_submission_asks_only_delegates_when_maintainers_cannot_approve(
    people, django_capture_on_commit_callbacks
):
    submit(people, django_capture_on_commit_callbacks, form=make_form(project="Kubernetes"))
    assert sent("needs your approval") == addr("delegate")  # not the k8s maintainer


def test_a_proposer_on_the_roster_is_not_asked_to_confirm(
    people, django_capture_on_commit_callbacks
):
    form = make_form(mentors="Alice Doe | @alice | alice@example.org | alicelf")
    submit(people, django_capture_on_commit_callbacks, form=form, proposer="alice")
    assert sent() == addr("alice", "maintainer")
    assert sent("is submitted") == addr("alice")


def test_admins_hear_once_when_both_gates_hold(people, django_capture_on_commit_callbacks):
    project = submit(people, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        s.approve_proposal(project, actor=people.users["maintainer"])
        s.confirm_mentorship(project, actor=people.users["alice"])
    assert mail.outbox == []  # bob has not confirmed yet
    with django_capture_on_commit_callbacks(execute=True):
        s.confirm_mentorship(project, actor=people.users["bob"])
    assert sent() == addr("admin")
    assert mail.outbox[0].subject == f'Proposal "{TITLE}" is awaiting your final approval'
    # Another event of the same round (e.g. a late, delayed task) asks nobody again.
    for kind in (gates.MAINTAINER_APPROVED, gates.MENTOR_CONFIRMED):
        assert n.notify_proposal_event(last_event(project, kind).pk) == 0
    assert len(mail.outbox) == 1


def test_admins_hear_when_the_maintainer_approves_last(people, django_capture_on_commit_callbacks):
    project = submit(people, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        s.confirm_mentorship(project, actor=people.users["alice"])
        s.confirm_mentorship(project, actor=people.users["bob"])
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        s.approve_proposal(project, actor=people.users["maintainer"])
    assert sent("awaiting your final approval") == addr("admin")


def test_admin_approval_tells_the_proposer_and_mentors(people, django_capture_on_commit_callbacks):
    project = submit(people, django_capture_on_commit_callbacks)
    approve_all(people, project, django_capture_on_commit_callbacks)
    assert sent(f'Proposal "{TITLE}" is approved') == addr("alice", "bob", "carol")


def test_a_material_edit_after_approvals_asks_the_approvers_again(
    people, django_capture_on_commit_callbacks
):
    project = submit(people, django_capture_on_commit_callbacks)
    approve_all(people, project, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    edited = make_form(description="## Description\n\nShip a Helm chart and an operator.")
    with django_capture_on_commit_callbacks(execute=True):
        assert s.update_proposal(project, edited, actor=people.users["carol"]) is True
    assert sent("changed and needs your approval again") == addr("admin", "maintainer")
    assert sent("needs its approvals again") == addr("carol")
    assert len(mail.outbox) == 3
    # A second material edit clears nothing more, so nobody is mailed.
    mail.outbox.clear()
    again = make_form(description="## Description\n\nShip a Helm chart only.")
    with django_capture_on_commit_callbacks(execute=True):
        s.update_proposal(project, again, actor=people.users["carol"])
    assert mail.outbox == []


def test_a_material_edit_before_any_approval_mails_nobody(
    people, django_capture_on_commit_callbacks
):
    project = submit(people, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    edited = make_form(description="## Description\n\nSomething else.")
    with django_capture_on_commit_callbacks(execute=True):
        s.update_proposal(project, edited, actor=people.users["carol"])
    assert mail.outbox == []


def test_withdrawal_tells_the_proposer_and_mentors_with_the_note(
    people, django_capture_on_commit_callbacks
):
    project = submit(people, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        s.withdraw_proposal(project, actor=people.users["carol"], note="No <b>time</b> & sorry")
    assert sent(f'Proposal "{TITLE}" was withdrawn') == addr("alice", "bob", "carol")
    message = mail.outbox[0]
    assert "No <b>time</b> & sorry" in message.body  # plain text, as written
    html = html_of(message)
    assert "No &lt;b&gt;time&lt;/b&gt; &amp; sorry" in html  # escaped, never markup
    assert "<b>time" not in html


def test_rejection_tells_the_proposer_and_mentors(people, django_capture_on_commit_callbacks):
    project = submit(people, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        s.reject_proposal(project, actor=people.users["admin"], note="Out of scope.")
    assert sent(f'Proposal "{TITLE}" was not accepted') == addr("alice", "bob", "carol")
    assert all("Out of scope." in m.body for m in mail.outbox)


def test_publishing_links_to_the_project_page(people, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://cohort.example.org/"
    project = submit(people, django_capture_on_commit_callbacks)
    approve_all(people, project, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        s.publish_proposals(people.term, actor=people.users["admin"])
    assert sent(f'Proposal "{TITLE}" is published') == addr("alice", "bob", "carol")
    project.refresh_from_db()
    link = f"https://cohort.example.org{project.get_absolute_url()}"
    assert all(link in m.body for m in mail.outbox)
    assert all(f'href="{link}"' in html_of(m) for m in mail.outbox)


def test_running_an_event_twice_sends_nothing_the_second_time(
    people, django_capture_on_commit_callbacks
):
    project = submit(people, django_capture_on_commit_callbacks)
    event = last_event(project, gates.SUBMITTED)
    assert len(mail.outbox) == 4
    assert n.notify_proposal_event(event.pk) == 0
    assert notify_proposal_event_task.enqueue(event.pk).return_value == 0
    assert len(mail.outbox) == 4
    assert Notification.objects.count() == 4


def test_a_failed_send_is_recorded_and_sent_once_on_retry(
    people, django_capture_on_commit_callbacks, monkeypatch
):
    def flaky(name, to, context):
        if to == "alice@example.org":
            raise ConnectionRefusedError("SMTP server unreachable")
        send_email(name, to, context)

    monkeypatch.setattr("cohort.notifications.services.send_email", flaky)
    project = submit(people, django_capture_on_commit_callbacks)
    assert sent() == addr("bob", "carol", "maintainer")
    row = Notification.objects.get(recipient=people.users["alice"])
    assert row.sent_at is None
    assert row.error == "ConnectionRefusedError: SMTP server unreachable"
    assert row.subject == f'Proposal "{TITLE}" needs your confirmation as a mentor'

    monkeypatch.setattr("cohort.notifications.services.send_email", send_email)
    event = last_event(project, gates.SUBMITTED)
    assert n.notify_proposal_event(event.pk) == 1
    assert n.notify_proposal_event(event.pk) == 0
    assert sent() == addr("alice", "bob", "carol", "maintainer")
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.error == ""


def test_users_without_an_email_address_are_skipped(people, django_capture_on_commit_callbacks):
    alice = people.users["alice"]
    alice.email = ""
    alice.save(update_fields=["email"])
    submit(people, django_capture_on_commit_callbacks)
    assert sent() == addr("bob", "carol", "maintainer")
    assert not Notification.objects.filter(recipient=alice).exists()


def test_nothing_is_sent_when_the_transaction_rolls_back(
    people, django_capture_on_commit_callbacks
):
    project = s.create_proposal(people.term, make_form(), actor=people.users["carol"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                s.submit_proposal(project, actor=people.users["carol"], now=BEFORE)
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []


def test_an_unknown_event_sends_nothing(db):
    assert n.notify_proposal_event(999_999) == 0


def test_every_kind_has_its_three_templates(people, django_capture_on_commit_callbacks):
    from cohort.core.emails import render_email

    project = submit(people, django_capture_on_commit_callbacks)
    event = last_event(project, gates.SUBMITTED)
    context = n._context(event, people.users["carol"])
    for kind in n.KINDS:
        rendered = render_email(kind, context)
        assert TITLE in rendered.subject, kind
        assert "\n" not in rendered.subject
        assert "Hello carol," in rendered.text, kind
        assert "{%" not in rendered.text
        assert "Hello carol," in rendered.html, kind


def test_the_database_allows_one_row_per_kind_object_and_recipient(
    people, django_capture_on_commit_callbacks
):
    project = submit(people, django_capture_on_commit_callbacks)
    row = Notification.objects.get(recipient=people.users["carol"])
    assert (row.kind, row.object_type, row.object_id) == (
        n.SUBMITTED,
        "proposals.proposalevent",
        str(last_event(project, gates.SUBMITTED).pk),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            kind=row.kind,
            object_type=row.object_type,
            object_id=row.object_id,
            recipient=row.recipient,
            email="other@example.org",
            subject="again",
        )

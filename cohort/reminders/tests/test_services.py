"""Reminders as data (issue 17): the default rules, each audience's reminder at its offset,
at most once per (rule, object, recipient, offset), never for something done, the preview
and the history, in a fixed number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.applications import services as applications
from cohort.applications.models import Application
from cohort.applications.tests.conftest import DEADLINE, World, complete_application, pdf
from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, User
from cohort.core.periodic import run_periodic_jobs
from cohort.core.tests.threads import run_together
from cohort.mentorship.models import EvaluationRound
from cohort.mentorship.tests.conftest import Placed
from cohort.notifications.models import Notification
from cohort.notifications.services import set_email_preference
from cohort.reminders import queries
from cohort.reminders.defaults import DEFAULT_RULES
from cohort.reminders.models import Reminder, ReminderRule
from cohort.reminders.services import install_default_rules, send_due_reminders, update_rule
from cohort.selection.models import Offer
from cohort.selection.tests.test_concurrency import on_postgres
from cohort.stipends.models import Payment
from cohort.stipends.tests.conftest import settle
from cohort.terms.models import Program


def before(hours: float) -> datetime:
    return DEADLINE - timedelta(hours=hours)


def draft(world: World, mentee: str) -> Application:
    """An application in progress: the cover letter is there, the résumé and challenge not."""
    return applications.apply_to_project(
        world.user(mentee),
        world.antrea,
        answers={"cover_letter": {"text": "Hello."}},
        now=before(24 * 10),
    )


def rule(world: World, key: str) -> ReminderRule:
    return ReminderRule.objects.get(program=world.program, key=key)


def reminded() -> list[str]:
    """Who was sent a reminder, in order."""
    return [m.to[0] for m in mail.outbox if str(m.subject).startswith("Reminder")]


# --- rules ---------------------------------------------------------------------------------


def test_a_new_program_starts_with_the_default_rules_once(db) -> None:
    program = Program.objects.create(name="Another program", slug="another")
    assert [(r.key, r.hours, r.enabled) for r in queries.rules_of(program)] == [
        (key, hours, True) for key, _audience, hours in DEFAULT_RULES
    ]
    first = ReminderRule.objects.get(program=program, key="incomplete_application_72h")
    update_rule(first, actor=User.objects.create_user("a"), hours=96)
    assert install_default_rules(program) == 0  # the changed one is not added back
    ReminderRule.objects.filter(program=program, key="unanswered_offer_12h").delete()
    assert install_default_rules(program) == 1
    assert ReminderRule.objects.filter(program=program).count() == len(DEFAULT_RULES)


def test_an_admin_turns_a_rule_off_and_moves_it_audited(world: World) -> None:
    admin = world.user("admin")
    r72 = rule(world, "incomplete_application_72h")
    update_rule(r72, actor=admin, enabled=False, hours=48, message="  Ask us on Slack.  ")
    r72.refresh_from_db()
    assert (r72.enabled, r72.hours, r72.message) == (False, 48, "Ask us on Slack.")
    event = AuditEvent.objects.get(action="reminders.rule.changed")
    assert event.actor == admin
    assert event.data == {
        "hours": [72, 48],
        "enabled": [True, False],
        "message": ["", "Ask us on Slack."],
    }
    update_rule(r72, actor=admin, enabled=False)  # no change: no second audit row
    assert AuditEvent.objects.filter(action="reminders.rule.changed").count() == 1
    with pytest.raises(DomainError, match="already fires at 24 hours"):
        update_rule(r72, actor=admin, hours=24)
    with pytest.raises(DomainError, match=r"from 1 to 1,440 hours \(60 days\) before its deadline"):
        update_rule(r72, actor=admin, hours=0)


# --- an incomplete application ----------------------------------------------------------------


def test_an_incomplete_application_is_reminded_72_and_24_hours_ahead_once_each(
    world: World,
) -> None:
    application = draft(world, "mentee1")
    mail.outbox.clear()
    assert send_due_reminders(before(72.5)).due == 0
    result = send_due_reminders(before(71.9))
    assert (result.due, result.sent, result.left) == (1, 1, 0)
    (message,) = mail.outbox
    assert message.to == ["mentee1@example.org"]
    assert message.subject == (
        "Reminder: finish your application to Antrea project by "
        "Tue, Aug 13, 2024, 5:00 PM PDT (Wed, Aug 14, 2024, 00:00 UTC)"
    )
    text = message.body
    assert "is not complete yet" in text
    assert "Still missing:" in text
    assert "Résumé" in text
    assert f"/applications/{application.pk}/" in text
    html = message.alternatives[0].content  # type: ignore[attr-defined]  # EmailMultiAlternatives
    assert "Antrea project" in str(html)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Running again, at once or later, sends nothing more until the 24-hour rule fires.
    assert send_due_reminders(before(71.9)).due == 0
    assert send_due_reminders(before(30)).due == 0
    assert send_due_reminders(before(23)).sent == 1
    assert send_due_reminders(before(1)).due == 0
    assert send_due_reminders(DEADLINE + timedelta(hours=1)).due == 0
    assert len(mail.outbox) == 2
    assert [(r.rule.key, r.hours) for r in Reminder.objects.order_by("id")] == [
        ("incomplete_application_72h", 72),
        ("incomplete_application_24h", 24),
    ]


def test_a_late_run_sends_only_the_last_rule_that_fired(world: World) -> None:
    draft(world, "mentee1")
    mail.outbox.clear()
    assert send_due_reminders(before(10)).sent == 1
    assert send_due_reminders(before(5)).sent == 0
    assert Reminder.objects.get().rule.key == "incomplete_application_24h"


def test_a_completed_application_or_an_off_rule_is_not_reminded(world: World) -> None:
    application = draft(world, "mentee1")
    draft(world, "mentee2")
    update_rule(rule(world, "incomplete_application_72h"), actor=world.user("admin"), enabled=False)
    assert send_due_reminders(before(71)).due == 0  # the 72-hour rule is off
    mentee = application.mentee
    applications.hand_in_task(application, "resume", actor=mentee, file=pdf(), now=before(30))
    applications.hand_in_task(
        application, "coding_challenge", actor=mentee, url="https://github.com/m/c", now=before(30)
    )
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    mail.outbox.clear()
    assert send_due_reminders(before(23)).sent == 1  # mentee2 only
    assert [m.to for m in mail.outbox] == [["mentee2@example.org"]]


def test_a_person_who_turned_the_kind_off_gets_nothing_and_it_is_shown_skipped(
    world: World,
) -> None:
    draft(world, "mentee1")
    mentee = world.user("mentee1")
    set_email_preference(mentee, "reminder_incomplete_application", False, actor=mentee)
    mail.outbox.clear()
    result = send_due_reminders(before(71))
    assert (result.sent, result.left) == (0, 1)
    assert mail.outbox == []
    (row,) = queries.history(world.program)
    assert (row.status, row.recipient) == ("skipped", "mentee1")
    assert send_due_reminders(before(70)).due == 0  # decided: not tried again


def test_a_run_that_fails_halfway_is_finished_by_the_next_run_once_each(world: World) -> None:
    for name in ("mentee1", "mentee2", "mentee3"):
        draft(world, name)
    mail.outbox.clear()
    from cohort.core import emails

    real = emails.send_email
    calls = {"n": 0}

    def second_fails(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionRefusedError("SMTP server down")
        real(*args, **kwargs)  # type: ignore[arg-type]  # the same arguments

    with mock.patch("cohort.notifications.services.send_email", second_fails):
        first = send_due_reminders(before(71))
    assert (first.due, first.sent, first.left) == (3, 2, 1)
    failed = Notification.objects.get(status=Notification.Status.FAILED)
    assert "SMTP server down" in failed.error
    second = send_due_reminders(before(70))
    assert (second.due, second.sent) == (1, 1)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mentee1@example.org",
        "mentee2@example.org",
        "mentee3@example.org",
    ]
    assert Notification.objects.get(pk=failed.pk).attempts == 2
    assert send_due_reminders(before(69)).due == 0


def test_a_run_killed_halfway_is_finished_by_the_next_run_once_each(world: World) -> None:
    """The process dies (here: KeyboardInterrupt) after deciding the second reminder and
    before sending it: the first was sent, the second is queued, the third not decided. The
    next run sends the second and the third, and nobody gets two."""
    for name in ("mentee1", "mentee2", "mentee3"):
        draft(world, name)
    mail.outbox.clear()
    from cohort.notifications.services import deliver

    calls = {"n": 0}

    def dies_on_the_second(*args: object, **kwargs: object) -> bool:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return deliver(*args, **kwargs)  # type: ignore[arg-type]  # the same arguments

    with (
        mock.patch("cohort.reminders.services.deliver", dies_on_the_second),
        pytest.raises(KeyboardInterrupt),
    ):
        send_due_reminders(before(71))
    assert [m.to[0] for m in mail.outbox] == ["mentee1@example.org"]
    assert Reminder.objects.count() == 2
    assert Notification.objects.filter(status=Notification.Status.QUEUED).count() == 1
    again = send_due_reminders(before(70))
    assert (again.due, again.sent) == (2, 2)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mentee1@example.org",
        "mentee2@example.org",
        "mentee3@example.org",
    ]
    assert send_due_reminders(before(69)).due == 0


def test_a_reminder_decided_but_never_mailed_is_mailed_by_the_next_run(world: World) -> None:
    """A run that stopped between deciding and making the e-mail left a Reminder without an
    outbox row (only possible if the row was lost): the next run makes and sends it."""
    draft(world, "mentee1")
    mail.outbox.clear()
    send_due_reminders(before(71))
    reminder = Reminder.objects.get()
    Notification.objects.all().delete()
    reminder.refresh_from_db()
    assert reminder.notification is None
    assert send_due_reminders(before(70)).sent == 1
    assert len(mail.outbox) == 2


def test_run_periodic_sends_each_reminder_once(world: World) -> None:
    draft(world, "mentee1")
    mail.outbox.clear()
    first = run_periodic_jobs(before(71))
    assert "Reminders: 1 of 1 due sent now, 0 not sent" in first
    second = run_periodic_jobs(before(71))
    assert "Reminders: 0 of 0 due sent now, 0 not sent" in second
    assert reminded() == ["mentee1@example.org"]


# --- the other audiences --------------------------------------------------------------------


def test_mentors_are_reminded_of_the_applicants_they_have_not_reviewed(world: World) -> None:
    from cohort.terms.models import Milestone

    review_ends = DEADLINE + timedelta(days=7)
    Milestone.objects.create(
        term=world.term,
        key="application_review",
        label="Review",
        raw="…",
        start=DEADLINE,
        end=review_ends,
        has_time=True,
    )
    with mock.patch("django.utils.timezone.now", return_value=before(48)):
        submitted = complete_application(world, "mentee1", world.antrea)
    # alice has reviewed; bob has not
    applications.review_application(submitted, reviewer=world.user("alice"), score=4)
    mail.outbox.clear()
    send_due_reminders(review_ends - timedelta(hours=71))
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert "1 applicant to Antrea project to review" in mail.outbox[0].subject


def test_a_mentee_with_an_unanswered_offer_is_reminded_and_not_after_answering(
    placed: Placed,
) -> None:
    pending = Offer.objects.filter(status=Offer.Status.PENDING).select_related("mentee")
    assert {o.mentee.username for o in pending} == {"mentee2", "mentee3"}
    mentee3 = placed.world.user("mentee3")
    offer = pending.get(mentee=mentee3)
    assert offer.deadline is not None
    assert {o.deadline for o in pending} == {offer.deadline}  # announced together
    mail.outbox.clear()
    send_due_reminders(offer.deadline - timedelta(hours=47))
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee2@example.org", "mentee3@example.org"]
    assert all(m.subject.startswith("Reminder: answer your offer") for m in mail.outbox)
    from cohort.selection import services as selection

    selection.decline_offer(offer, actor=mentee3, now=offer.deadline - timedelta(hours=20))
    mail.outbox.clear()
    send_due_reminders(offer.deadline - timedelta(hours=11))
    assert [m.to for m in mail.outbox] == [["mentee2@example.org"]]  # not mentee3: answered


def test_mentors_are_reminded_of_an_evaluation_due_once_the_round_is_open(active: Placed) -> None:
    midterm = EvaluationRound.objects.get(placement=active.placement, key="midterm")
    mail.outbox.clear()
    send_due_reminders(midterm.due_at - timedelta(hours=71))
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]  # cilium's one mentor
    assert "midterm" in mail.outbox[0].subject.lower()
    settle(active, "midterm")
    assert send_due_reminders(midterm.due_at - timedelta(hours=23)).due == 0


def test_admins_are_reminded_of_a_payment_waiting_for_their_approval(active: Placed) -> None:
    settle(active, "midterm")
    payment = Payment.objects.get(placement=active.placement)
    mail.outbox.clear()
    assert send_due_reminders(payment.made_at + timedelta(hours=47)).due == 0
    send_due_reminders(payment.made_at + timedelta(hours=49))
    assert [m.to for m in mail.outbox] == [["admin@example.org"]]
    assert payment.reference in mail.outbox[0].subject
    assert send_due_reminders(payment.made_at + timedelta(hours=60)).due == 0
    assert send_due_reminders(payment.made_at + timedelta(days=8)).sent == 1  # the 7-day rule


# --- preview and history -------------------------------------------------------------------


def test_the_preview_lists_who_will_be_reminded_in_the_next_seven_days(world: World) -> None:
    draft(world, "mentee1")
    draft(world, "mentee2")
    now = before(24 * 8)  # the 72-hour rule fires in 5 days, the 24-hour one in 7
    rows = queries.preview(world.program, now)
    assert [(r.recipient, r.rule.key, r.at.at, r.next_run) for r in rows] == [
        ("mentee1", "incomplete_application_72h", before(72), False),
        ("mentee2", "incomplete_application_72h", before(72), False),
        ("mentee1", "incomplete_application_24h", before(24), False),
        ("mentee2", "incomplete_application_24h", before(24), False),
    ]
    assert rows[0].anchor.local == "Tue, Aug 13, 2024, 5:00 PM PDT"
    assert rows[0].about == "Application to Antrea project"
    assert queries.preview(world.program, before(24 * 10 + 1)) == []  # 72 h: over 7 days away
    # Once the 72-hour reminders are due, they are "next run" until sent, then gone.
    due = queries.preview(world.program, before(70))
    assert [(r.recipient, r.next_run) for r in due][:2] == [
        ("mentee1", True),
        ("mentee2", True),
    ]
    send_due_reminders(before(70))
    left = queries.preview(world.program, before(70))
    assert [(r.rule.key, r.next_run) for r in left] == [
        ("incomplete_application_24h", False),
        ("incomplete_application_24h", False),
    ]
    history = queries.history(world.program)
    # Newest first: mentee1's application is older, so its reminder was decided first.
    assert [(h.recipient, h.status, h.attempts, h.hours) for h in history] == [
        ("mentee2", "sent", 1, 72),
        ("mentee1", "sent", 1, 72),
    ]


def test_another_programs_rules_and_reminders_stay_apart(world: World) -> None:
    other = Program.objects.create(name="Other", slug="other")
    draft(world, "mentee1")
    send_due_reminders(before(71))
    assert queries.preview(other, before(100)) == []
    assert queries.history(other) == []
    assert len(queries.history(world.program)) == 1


# --- a fixed number of queries --------------------------------------------------------------


def test_an_idle_run_and_the_preview_take_a_fixed_number_of_queries(world: World) -> None:
    def count(work: object) -> int:
        with CaptureQueriesContext(connection) as ctx:
            work()  # type: ignore[operator]  # a callable
        return len(ctx.captured_queries)

    draft(world, "mentee1")
    send_due_reminders(before(71))
    small = (
        count(lambda: send_due_reminders(before(70))),
        count(lambda: queries.preview(world.program, before(70))),
        count(lambda: queries.history(world.program)),
    )
    for name in ("mentee2", "mentee3", "mentee4"):
        draft(world, name)
    send_due_reminders(before(71))
    large = (
        count(lambda: send_due_reminders(before(70))),
        count(lambda: queries.preview(world.program, before(70))),
        count(lambda: queries.history(world.program)),
    )
    assert Reminder.objects.count() == 4
    assert small == large


def test_a_run_with_no_term_in_any_window_reads_no_applications_or_projects(
    world: World,
) -> None:
    """Ten days before the deadline, with drafts waiting, no term's milestone falls in any
    rule's window: the readers find that from the milestones alone and never scan the
    term's applications or projects, so an idle run costs the same at any size."""
    for name in ("mentee1", "mentee2"):
        draft(world, name)
    with CaptureQueriesContext(connection) as ctx:
        sent = send_due_reminders(before(24 * 10))
    assert (sent.due, sent.sent) == (0, 0)
    tables = " ".join(query["sql"] for query in ctx.captured_queries)
    for table in ("applications_application", "projects_project"):
        assert f'FROM "{table}"' not in tables, table
    # and the same drafts in the window are read and reminded
    in_window = send_due_reminders(before(71))
    assert (in_window.due, in_window.sent) == (2, 2)


# --- twice at once (PostgreSQL) --------------------------------------------------------------


@on_postgres
def test_eight_runs_at_once_send_each_reminder_once(world: World) -> None:
    """Eight `run-periodic`s at the same instant, each in its own committed transactions:
    one Reminder row and one e-mail per (rule, application, mentee, hours)."""
    for name in ("mentee1", "mentee2", "mentee3", "mentee4"):
        draft(world, name)
    mail.outbox.clear()
    done, failures = run_together([lambda: send_due_reminders(before(71))] * 8)
    assert failures == []
    assert sum(result.sent for result in done) == 4
    assert sorted(m.to[0] for m in mail.outbox) == [f"mentee{i}@example.org" for i in range(1, 5)]
    assert Reminder.objects.count() == 4
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 4
    # And again at the 24-hour rule.
    done, failures = run_together([lambda: send_due_reminders(before(23))] * 8)
    assert failures == []
    assert len(mail.outbox) == 8
    assert Reminder.objects.filter(hours=24).count() == 4


def test_an_admin_who_mentors_the_project_by_github_handle_is_not_reminded(
    active: Placed,
) -> None:
    """The roster names the admin by handle only (no person linked): approve_payment refuses
    them, so they are not reminded; another admin of the program is."""
    from cohort.core.models import Person
    from cohort.projects.models import Mentorship
    from cohort.terms.models import ProgramMembership

    w = active.world
    admin = w.user("admin")
    Person.objects.create(name="Admin", github="admin-gh", user=admin)
    project = active.placement.project
    Mentorship.objects.create(project=project, position=9, name="Admin", github="Admin-GH")
    ProgramMembership.objects.create(program=w.program, user=w.user("carol"))
    settle(active, "midterm")
    payment = Payment.objects.get(placement=active.placement)
    mail.outbox.clear()
    send_due_reminders(payment.made_at + timedelta(hours=49))
    assert [m.to for m in mail.outbox] == [["carol@example.org"]]

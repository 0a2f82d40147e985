"""One placement's pages (issue 13): the placement page for each seat and the one 404 for
everyone else, the mentors' evaluation form (submit, edit, a co-mentor's 409), the mentee's
feedback form (never shown to the mentors), the admins' actions (extend, hold, resume,
withdraw, reopen, decide), the overdue list, the public completion page, the menu, and a
fixed number of queries for the lists."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cohort.applications.models import Application
from cohort.core.models import AuditEvent, User
from cohort.mentorship import services as m
from cohort.mentorship.models import Evaluation, EvaluationRound, Feedback, Placement
from cohort.mentorship.tests.conftest import Placed
from cohort.selection.models import Offer

pytestmark = pytest.mark.django_db

S = Placement.Status
# The cilium placement's midterm is due Oct 15, 5:00 PM PDT (Oct 16 00:00 UTC); the tests read
# each round's instants from the database and travel relative to them.
PRIVATE = "PRIVATE-NOTE-for-admins-only"
FOR_MENTEE = "Keep going, the tests are solid."
FEEDBACK_TEXT = "FEEDBACK-TEXT-the-mentor-never-reads"


@pytest.fixture
def active(placed: Placed) -> Placed:
    m.activate_placement(placed.placement, actor=placed.world.user("admin"))
    placed.placement.refresh_from_db()
    return placed


def round_of(placed: Placed, key: str) -> EvaluationRound:
    return EvaluationRound.objects.get(placement=placed.placement, key=key)


@pytest.fixture
def midterm_open(active: Placed) -> Iterator[Placed]:
    r = round_of(active, "midterm")
    with time_machine.travel(r.due_at - timedelta(days=3), tick=False):
        yield active


def login(client: Client, placed: Placed, name: str) -> Client:
    client.force_login(placed.world.user(name))
    return client


def page_of(placed: Placed) -> str:
    return f"/mentorship/placements/{placed.placement.pk}/"


ANSWERS = {
    "passed": "pass",
    "progress": "on_track",
    "communication": "good",
    "hours_per_week": "20",
    "comments_for_mentee": FOR_MENTEE,
    "private_comments": PRIVATE,
}


def evaluate_as_bob(placed: Placed, **answers: object) -> Evaluation:
    values = {
        "passed": True,
        "progress": "on_track",
        "comments_for_mentee": FOR_MENTEE,
        "private_comments": PRIVATE,
        **answers,
    }
    return m.submit_evaluation(
        placed.placement,
        actor=placed.world.user("bob"),
        round_key="midterm",
        answers=m.Answers(**values),  # type: ignore[arg-type]  # the test's own values
    )


# --- who sees the placement ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentee1", "bob", "admin"])
def test_the_placement_page_shows_to_its_mentee_mentors_and_admins(
    client: Client, midterm_open: Placed, who: str
) -> None:
    page = login(client, midterm_open, who).get(page_of(midterm_open))
    assert page.status_code == 200
    text = page.content.decode()
    r = round_of(midterm_open, "midterm")
    assert midterm_open.placement.project.title in text
    assert "Midterm evaluation" in text
    assert "Final evaluation" in text
    # The due instant in the term's zone and in UTC.
    assert "Tue, Oct 15, 2024, 5:00 PM PDT" in text
    assert "Wed, Oct 16, 2024, 00:00 UTC" in text
    assert r.due_at == datetime(2024, 10, 16, tzinfo=UTC)
    assert '<span class="badge">Open</span>' in text
    # Each seat sees its own actions only.
    assert ("Evaluate " in text) is (who == "bob")
    assert ("Give your feedback" in text) is (who == "mentee1")
    assert ("Program admin actions" in text) is (who == "admin")


@pytest.mark.parametrize("who", ["mentee2", "carol", "alice", "outsider", "maintainer"])
def test_anyone_else_gets_a_404_on_every_placement_page(
    client: Client, midterm_open: Placed, who: str
) -> None:
    login(client, midterm_open, who)
    base = page_of(midterm_open)
    for url in (
        base,
        f"{base}evaluations/midterm/",
        f"{base}feedback/midterm/",
    ):
        assert client.get(url).status_code == 404, url
    for url in ("extend/", "hold/", "withdraw/", "rounds/midterm/reopen/", "completion/"):
        assert client.post(f"{base}{url}", {}).status_code == 404, url


def test_an_anonymous_visitor_is_sent_to_log_in(client: Client, active: Placed) -> None:
    response = client.get(page_of(active))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_each_seat_reaches_only_its_own_forms(client: Client, midterm_open: Placed) -> None:
    base = page_of(midterm_open)
    login(client, midterm_open, "mentee1")
    assert client.get(f"{base}evaluations/midterm/").status_code == 404
    assert client.post(f"{base}extend/", {"extend-weeks": "1"}).status_code == 404
    login(client, midterm_open, "bob")
    assert client.get(f"{base}feedback/midterm/").status_code == 404
    assert client.post(f"{base}rounds/midterm/decide/", {}).status_code == 404
    assert client.get(f"{base}evaluations/nope/").status_code == 404
    login(client, midterm_open, "admin")
    assert client.get(f"{base}feedback/midterm/").status_code == 404


# --- the mentors' evaluation ----------------------------------------------------------------


def test_a_mentor_submits_then_edits_the_evaluation(client: Client, midterm_open: Placed) -> None:
    url = f"{page_of(midterm_open)}evaluations/midterm/"
    login(client, midterm_open, "bob")
    form = client.get(url).content.decode()
    assert "The round closes at <strong>Tue, Oct 15, 2024, 5:00 PM PDT</strong>" in form
    assert "Submit the evaluation" in form

    response = client.post(url, ANSWERS, follow=True)
    assert response.redirect_chain[-1][0] == page_of(midterm_open)
    assert "can edit it until the round closes, Tue, Oct 15, 2024, 5:00 PM PDT" in (
        response.content.decode()
    )
    evaluation = Evaluation.objects.get(placement=midterm_open.placement)
    assert (evaluation.passed, evaluation.progress, evaluation.hours_per_week) == (
        True,
        "on_track",
        20,
    )
    assert evaluation.author == midterm_open.world.user("bob")

    # The form now holds the evaluation, and sending it edits that one.
    again = client.get(url).content.decode()
    assert f'name="edits" value="{evaluation.pk}"' in again
    assert "Save the changes" in again
    changed = {**ANSWERS, "passed": "fail", "hours_per_week": "5", "edits": str(evaluation.pk)}
    assert client.post(url, changed).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.passed, evaluation.mentor_passed, evaluation.hours_per_week) == (
        False,
        False,
        5,
    )
    assert Evaluation.objects.count() == 1
    assert AuditEvent.objects.filter(action="mentorship.evaluation.edited").count() == 1


def test_a_co_mentors_earlier_evaluation_is_a_409_and_the_input_is_kept(
    client: Client, midterm_open: Placed
) -> None:
    first = evaluate_as_bob(midterm_open, passed=False, comments_for_mentee="Bob's words.")
    login(client, midterm_open, "bob")
    typed = {**ANSWERS, "comments_for_mentee": "Words typed in a second tab."}
    response = client.post(f"{page_of(midterm_open)}evaluations/midterm/", typed)
    assert response.status_code == 409
    text = response.content.decode()
    assert "already submitted by bob" in text
    assert "Words typed in a second tab." in text
    # Sending it again edits the one that got there first; nothing was overwritten yet.
    assert f'name="edits" value="{first.pk}"' in text
    first.refresh_from_db()
    assert (first.passed, first.comments_for_mentee) == (False, "Bob's words.")


def test_an_invalid_evaluation_keeps_the_input_and_saves_nothing(
    client: Client, midterm_open: Placed
) -> None:
    login(client, midterm_open, "bob")
    bad = {**ANSWERS, "passed": "", "hours_per_week": "200"}
    response = client.post(f"{page_of(midterm_open)}evaluations/midterm/", bad)
    assert response.status_code == 400
    assert FOR_MENTEE in response.content.decode()
    assert not Evaluation.objects.exists()


def test_a_closed_round_takes_no_evaluation(client: Client, active: Placed) -> None:
    r = round_of(active, "midterm")
    url = f"{page_of(active)}evaluations/midterm/"
    with time_machine.travel(r.closes_at, tick=False):
        login(client, active, "bob")
        got = client.get(url)
        assert got.status_code == 200, got
        page = got.content.decode()
        assert "ask a program admin to reopen it" in page
        assert "Submit the evaluation" not in page
        response = client.post(url, ANSWERS)
    assert response.status_code == 400
    assert "closed" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_the_mentee_never_sees_private_comments_mentors_and_admins_do(
    client: Client, midterm_open: Placed
) -> None:
    evaluate_as_bob(midterm_open)
    mentee = login(client, midterm_open, "mentee1").get(page_of(midterm_open)).content.decode()
    assert FOR_MENTEE in mentee
    assert PRIVATE not in mentee
    assert "Passed" in mentee
    for who in ("bob", "admin"):
        text = login(client, midterm_open, who).get(page_of(midterm_open)).content.decode()
        assert PRIVATE in text
        assert FOR_MENTEE in text


# --- the mentee's feedback --------------------------------------------------------------------


def test_the_mentee_gives_feedback_only_admins_read_it(
    client: Client, midterm_open: Placed
) -> None:
    url = f"{page_of(midterm_open)}feedback/midterm/"
    login(client, midterm_open, "mentee1")
    form = client.get(url).content.decode()
    assert "Only the program admins read this." in form
    assert "never shown to your mentors" in form
    assert "Your blog post" not in form  # the midterm asks for no blog
    response = client.post(
        url,
        {
            "mentor_rating": "5",
            "program_rating": "4",
            "mentor_comments": FEEDBACK_TEXT,
            "program_comments": "Good.",
        },
    )
    assert response.status_code == 302
    feedback = Feedback.objects.get(placement=midterm_open.placement)
    assert (feedback.mentor_rating, feedback.program_rating, feedback.late) == (5, 4, False)

    mentor = login(client, midterm_open, "bob").get(page_of(midterm_open)).content.decode()
    assert FEEDBACK_TEXT not in mentor
    assert "Feedback from the mentee: given" in mentor
    for who in ("admin", "mentee1"):
        text = login(client, midterm_open, who).get(page_of(midterm_open)).content.decode()
        assert FEEDBACK_TEXT in text
    # A second one is refused with the service's 409; the first stays.
    login(client, midterm_open, "mentee1")
    again = client.post(url, {"mentor_rating": "1", "program_rating": "1"})
    assert again.status_code == 409
    assert "You already gave your feedback" in again.content.decode()
    assert Feedback.objects.get().mentor_rating == 5


def test_late_feedback_is_taken_and_marked_late(client: Client, active: Placed) -> None:
    r = round_of(active, "midterm")
    url = f"{page_of(active)}feedback/midterm/"
    with time_machine.travel(r.due_at, tick=False):
        login(client, active, "mentee1")
        assert "it will be marked late" in client.get(url).content.decode()
        response = client.post(url, {"mentor_rating": "3", "program_rating": "3"}, follow=True)
    assert "marked late" in response.content.decode()
    assert Feedback.objects.get().late is True


def test_the_final_feedback_needs_the_blog_and_the_work(client: Client, active: Placed) -> None:
    r = round_of(active, "final")
    url = f"{page_of(active)}feedback/final/"
    with time_machine.travel(r.due_at - timedelta(days=1), tick=False):
        login(client, active, "mentee1")
        assert "Your blog post" in client.get(url).content.decode()
        missing = client.post(url, {"mentor_rating": "4", "program_rating": "4"})
        assert missing.status_code == 400
        assert "blog post" in missing.content.decode()
        assert not Feedback.objects.exists()
        done = client.post(
            url,
            {
                "mentor_rating": "4",
                "program_rating": "4",
                "blog_url": "https://blog.example.org/my-term",
                "work_links": "https://github.com/x/y/pull/1\n\n https://x.org/y/issues/2 \n",
            },
        )
    assert done.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.work_links == [
        "https://github.com/x/y/pull/1",
        "https://x.org/y/issues/2",
    ]


# --- the admins' actions --------------------------------------------------------------------


def test_the_admin_extends_the_placement(client: Client, midterm_open: Placed) -> None:
    url = f"{page_of(midterm_open)}extend/"
    before = midterm_open.placement.ends_at
    assert before is not None
    login(client, midterm_open, "admin")
    refused = client.post(url, {"extend-weeks": "0", "extend-reason": "Exams in week 7."})
    assert refused.status_code == 400
    assert "Exams in week 7." in refused.content.decode()
    response = client.post(url, {"extend-weeks": "2", "extend-reason": "Exams in week 7."})
    assert response.status_code == 302
    p = Placement.objects.get(pk=midterm_open.placement.pk)
    assert p.extended_weeks == 2
    assert p.ends_at is not None
    assert p.ends_at - before == timedelta(weeks=2)
    event = AuditEvent.objects.get(action="mentorship.placement.extended")
    assert event.note == "Exams in week 7."


def test_the_admin_puts_on_hold_resumes_and_withdraws(client: Client, midterm_open: Placed) -> None:
    base = page_of(midterm_open)
    login(client, midterm_open, "admin")
    no_reason = client.post(f"{base}hold/", {"hold-reason": ""})
    assert no_reason.status_code == 400
    assert client.post(f"{base}hold/", {"hold-reason": "Family matters."}).status_code == 302
    assert Placement.objects.get().status == S.ON_HOLD
    assert client.post(f"{base}resume/", {"resume-note": ""}).status_code == 302
    assert Placement.objects.get().status == S.ACTIVE
    assert client.post(f"{base}withdraw/", {"withdraw-reason": "Took a job."}).status_code == 302
    p = Placement.objects.get()
    assert (p.status, p.outcome_note) == (S.WITHDRAWN, "Took a job.")
    history = client.get(base).content.decode()
    assert "Family matters." in history  # the admin sees the reasons in the history


def test_the_admin_reopens_an_overdue_round_in_the_terms_zone(
    client: Client, active: Placed
) -> None:
    r = round_of(active, "midterm")
    prefix = f"reopen-{active.placement.pk}-midterm"
    url = f"{page_of(active)}rounds/midterm/reopen/"
    with time_machine.travel(r.due_at + timedelta(days=2), tick=False):
        login(client, active, "admin")
        page = client.get(page_of(active)).content.decode()
        assert "Overdue" in page
        assert "Reopen the midterm evaluation" in page
        response = client.post(
            url,
            {
                f"{prefix}-day": "2024-10-25",
                f"{prefix}-clock": "17:00",
                f"{prefix}-reason": "The mentor was travelling.",
            },
            follow=True,
        )
    assert "reopened for the mentors until Fri, Oct 25, 2024, 5:00 PM PDT" in (
        response.content.decode()
    )
    r.refresh_from_db()
    assert r.closes_at == datetime(2024, 10, 26, 0, 0, tzinfo=UTC)  # 5 PM PDT is UTC-7
    assert r.due_at == datetime(2024, 10, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "clock", "says"),
    [
        ("2025-03-09", "02:30", "does not exist in America/Los_Angeles"),  # 2 AM jumps to 3 AM
        ("2024-11-03", "01:30", "happens twice in America/Los_Angeles"),  # 2 AM goes back to 1
    ],
)
def test_a_time_the_clocks_skip_or_repeat_is_refused_clearly(
    client: Client, active: Placed, day: str, clock: str, says: str
) -> None:
    r = round_of(active, "midterm")
    prefix = f"reopen-{active.placement.pk}-midterm"
    with time_machine.travel(r.due_at + timedelta(days=2), tick=False):
        login(client, active, "admin")
        response = client.post(
            f"{page_of(active)}rounds/midterm/reopen/",
            {
                f"{prefix}-day": day,
                f"{prefix}-clock": clock,
                f"{prefix}-reason": "Kept in the form.",
            },
        )
    assert response.status_code == 400
    text = response.content.decode()
    assert says in text
    assert "Kept in the form." in text
    r.refresh_from_db()
    assert r.closes_at == r.due_at


def test_the_overdue_list_shows_the_round_and_the_admin_decides_it(
    client: Client, active: Placed
) -> None:
    r = round_of(active, "midterm")
    url = f"/mentorship/terms/{active.world.term.pk}/overdue/"
    prefix = f"decide-{active.placement.pk}-midterm"
    with time_machine.travel(r.due_at + timedelta(days=1), tick=False):
        for who in ("bob", "mentee1", "outsider"):
            assert login(client, active, who).get(url).status_code == 404
        login(client, active, "admin")
        text = client.get(url).content.decode()
        assert "mentee1" in text or "Mentee1" in text
        assert active.placement.project.title in text
        assert "Midterm evaluation" in text
        assert "Tue, Oct 15, 2024, 5:00 PM PDT" in text
        assert page_of(active) in text
        term_page = client.get(f"/mentorship/terms/{active.world.term.pk}/").content.decode()
        assert "Overdue evaluations: 1" in term_page

        no_reason = client.post(
            f"{page_of(active)}rounds/midterm/decide/",
            {f"{prefix}-passed": "fail", f"{prefix}-reason": "", "back": "overdue"},
        )
        assert no_reason.status_code == 400
        assert "Overdue evaluations" in no_reason.content.decode()  # the list, re-rendered
        response = client.post(
            f"{page_of(active)}rounds/midterm/decide/",
            {
                f"{prefix}-passed": "fail",
                f"{prefix}-reason": "No work since week 3.",
                "back": "overdue",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == url
        assert "Nothing overdue" in client.get(url).content.decode()
    evaluation = Evaluation.objects.get()
    assert (evaluation.status, evaluation.passed, evaluation.override_reason) == (
        Evaluation.Status.OVERRIDDEN,
        False,
        "No work since week 3.",
    )
    assert Placement.objects.get().status == S.FAILED


# --- the completion page ----------------------------------------------------------------------


def test_the_graduated_mentee_shares_and_takes_down_their_completion_page(
    client: Client, active: Placed
) -> None:
    m.graduate_placement(active.placement, actor=active.world.user("admin"))
    share = f"{page_of(active)}completion/"
    login(client, active, "bob")
    assert client.post(share, {"action": "share"}).status_code == 404
    login(client, active, "mentee1")
    assert "Share my completion page" in client.get(page_of(active)).content.decode()
    assert client.post(share, {"action": "share"}).status_code == 302
    token = Placement.objects.get().share_token
    assert token
    client.logout()
    public = client.get(f"/completed/{token}/")
    assert public.status_code == 200
    text = public.content.decode()
    assert active.placement.project.title in text
    assert active.placement.project.organization.name in text
    assert "Bob" in text  # the mentor
    assert 'name="robots" content="noindex"' in text
    assert active.placement.mentee.email not in text
    assert client.get(f"/completed/{token}x/").status_code == 404
    login(client, active, "mentee1")
    assert client.post(share, {"action": "unshare"}).status_code == 302
    client.logout()
    assert client.get(f"/completed/{token}/").status_code == 404


def test_a_placement_not_graduated_has_no_completion_page(client: Client, active: Placed) -> None:
    login(client, active, "mentee1")
    response = client.post(f"{page_of(active)}completion/", {"action": "share"})
    assert response.status_code == 400
    assert "graduated" in response.content.decode()
    assert Placement.objects.get().share_token is None


# --- links and the menu ----------------------------------------------------------------------


def test_the_lists_link_each_row_to_its_placement_page(client: Client, active: Placed) -> None:
    link = f'href="{page_of(active)}"'
    assert link in login(client, active, "mentee1").get("/mentorship/").content.decode()
    assert link in login(client, active, "bob").get("/mentorship/mentees/").content.decode()
    admin = login(client, active, "admin")
    assert link in admin.get(f"/mentorship/terms/{active.world.term.pk}/").content.decode()


def test_the_menu_links_the_mentee_and_the_mentors_pages(client: Client, active: Placed) -> None:
    mentee = login(client, active, "mentee1").get("/").content.decode()
    assert 'href="/mentorship/"' in mentee
    mentor = login(client, active, "bob").get("/").content.decode()
    assert 'href="/mentorship/mentees/"' in mentor
    other = login(client, active, "carol").get("/").content.decode()
    assert 'href="/mentorship/mentees/"' not in other
    assert 'href="/mentorship/"' not in login(client, active, "mentee2").get("/").content.decode()


# --- a fixed number of queries ----------------------------------------------------------------


def add_placements(placed: Placed, count: int) -> None:
    """`count` more active placements on cilium, each with the first one's rounds, written in
    a handful of bulk inserts (no offers run, no e-mails)."""
    first = placed.placement
    application = Application.objects.get(pk=first.application_id)
    offer = Offer.objects.get(pk=first.offer_id)
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(username=f"many{start + i}", email=f"many{start + i}@example.org")
        for i in range(count)
    )
    apps = Application.objects.bulk_create(
        Application(
            mentee=u,
            term=application.term,
            project=application.project,
            status=application.status,
            submitted_at=application.submitted_at,
            status_changed_at=application.status_changed_at,
            active_slot=application.active_slot,
            mentee_rank=application.mentee_rank,
        )
        for u in users
    )
    offers = Offer.objects.bulk_create(
        Offer(
            round=offer.round,
            application=a,
            term=offer.term,
            mentee=a.mentee,
            project=offer.project,
            seat=100 + start + i,
            status=offer.status,
            reason=offer.reason,
        )
        for i, a in enumerate(apps)
    )
    placements = Placement.objects.bulk_create(
        Placement(
            term=first.term,
            project=first.project,
            mentee=o.mentee,
            application=o.application,
            offer=o,
            status=first.status,
            starts_at=first.starts_at,
            ends_at=first.ends_at,
            policy=first.policy,
        )
        for o in offers
    )
    rounds = list(first.rounds.all())
    EvaluationRound.objects.bulk_create(
        EvaluationRound(
            placement=p,
            key=r.key,
            label=r.label,
            position=r.position,
            opens_at=r.opens_at,
            due_at=r.due_at,
            closes_at=r.closes_at,
            final=r.final,
            ends_on_fail=r.ends_on_fail,
        )
        for p in placements
        for r in rounds
    )


def count_queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_overdue_and_placements_lists_run_the_same_queries_for_3_or_30(
    client: Client, active: Placed
) -> None:
    r = round_of(active, "midterm")
    term = active.world.term.pk
    add_placements(active, 2)
    with time_machine.travel(r.due_at + timedelta(days=1), tick=False):
        login(client, active, "admin")
        overdue_3, page = count_queries(client, f"/mentorship/terms/{term}/overdue/")
        assert page.count("Reopen the midterm evaluation") == 3
        assert "3 overdue rounds" in page
        list_3, page = count_queries(client, f"/mentorship/terms/{term}/")
        assert "3 placements" in page
        assert "Overdue evaluations: 3" in page
        add_placements(active, 27)
        overdue_30, page = count_queries(client, f"/mentorship/terms/{term}/overdue/")
        assert page.count("Reopen the midterm evaluation") == 30
        assert "30 overdue rounds" in page
        list_30, page = count_queries(client, f"/mentorship/terms/{term}/")
        assert "30 placements" in page
    assert overdue_30 == overdue_3
    assert list_30 == list_3


def test_the_mentee_withdraws_their_own_placement_and_a_mentor_cannot(
    client: Client, midterm_open: Placed
) -> None:
    base = page_of(midterm_open)
    login(client, midterm_open, "bob")
    assert client.post(f"{base}withdraw/", {"withdraw-reason": "x"}).status_code == 404
    login(client, midterm_open, "mentee1")
    page = client.get(base).content.decode()
    assert "Leaving the mentorship" in page
    assert "Program admin actions" not in page
    refused = client.post(f"{base}withdraw/", {"withdraw-reason": ""})
    assert refused.status_code == 400
    response = client.post(f"{base}withdraw/", {"withdraw-reason": "A full-time job came up."})
    assert response.status_code == 302
    midterm_open.placement.refresh_from_db()
    assert midterm_open.placement.status == Placement.Status.WITHDRAWN
    assert midterm_open.placement.outcome_note == "A full-time job came up."
    assert "Leaving the mentorship" not in client.get(base).content.decode()

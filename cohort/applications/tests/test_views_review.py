"""The mentors' and admins' review pages: queue, applicant, ranking, CSV, overview, home."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.applications import services
from cohort.applications.models import Application, ApplicationEvent, MenteeProfile, Review
from cohort.applications.queries import CSV_HEADER
from cohort.applications.tests.conftest import World, complete_application, make_profile
from cohort.core.models import User

Status = Application.Status


def _queue_url(world: World, state: str = "") -> str:
    url = reverse("applications:queue", args=[world.antrea.pk])
    return f"{url}?state={state}" if state else url


def _applicant_url(application: Application) -> str:
    return reverse("applications:applicant", args=[application.pk])


def _html(response: Any) -> str:
    return str(response.content.decode())


def _listed(html: str, applications: list[Application]) -> set[int]:
    """Which of `applications` the queue page links to."""
    return {a.pk for a in applications if f'href="{_applicant_url(a)}"' in html}


def _draft(world: World, mentee: str) -> Application:
    """An application with tasks still missing (no résumé on the profile, no answers)."""
    return services.apply_to_project(world.user(mentee), world.antrea)


def _extra_mentee(world: World, name: str) -> str:
    user = User.objects.create_user(name, email=f"{name}@example.org", password="x")
    world.users[name] = user
    make_profile(user)
    return name


# --- the whole walk ------------------------------------------------------------------------


def test_mentor_can_score_shortlist_rank_and_decline(client, world, in_window):
    a1, a2, a3, a4 = (complete_application(world, f"mentee{n}", world.antrea) for n in range(1, 5))
    client.force_login(world.user("alice"))

    page = client.get(_queue_url(world))
    assert page.status_code == 200
    assert _listed(_html(page), [a1, a2, a3, a4]) == {a1.pk, a2.pk, a3.pk, a4.pk}

    response = client.post(
        reverse("applications:review", args=[a1.pk]), {"score": "4", "notes": "Strong Go."}
    )
    assert response.status_code == 302
    review = Review.objects.get(application=a1, reviewer=world.user("alice"))
    assert (review.score, review.notes) == (4, "Strong Go.")
    page = _html(client.get(_applicant_url(a1)))
    assert "Strong Go." in page
    assert 'value="4" id="id_score_4" checked' in page

    for application in (a1, a2):
        response = client.post(
            reverse("applications:shortlist", args=[application.pk]), {"action": "add"}
        )
        assert response.status_code == 302
    assert set(Application.objects.filter(status=Status.SHORTLISTED)) == {a1, a2}

    ranking_url = reverse("applications:ranking", args=[world.antrea.pk])
    response = client.post(
        ranking_url, {"ids": f"{a1.pk} {a2.pk}", f"rank-{a1.pk}": "2", f"rank-{a2.pk}": "1"}
    )
    assert response.status_code == 302
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert (a2.mentor_rank, a1.mentor_rank) == (1, 2)
    page = _html(client.get(ranking_url))
    assert page.index(_applicant_url(a2)) < page.index(_applicant_url(a1))
    assert f'name="rank-{a2.pk}" value="1"' in page
    assert f'name="rank-{a1.pk}" value="2"' in page

    message = "Thank you for applying; we chose other candidates this term."
    response = client.post(
        reverse("applications:bulk_decline", args=[world.antrea.pk]),
        {"applications": [a3.pk, a4.pk], "message": message, "state": "complete"},
    )
    assert response.status_code == 302
    assert response["Location"] == _queue_url(world, "complete")
    assert set(Application.objects.filter(status=Status.REJECTED)) == {a3, a4}
    event = ApplicationEvent.objects.filter(application=a3, status=Status.REJECTED).get()
    assert event.reason == message
    assert message in _html(client.get(_applicant_url(a3)))
    # The shortlisted two keep their ranks.
    assert list(
        Application.objects.filter(status=Status.SHORTLISTED)
        .order_by("mentor_rank")
        .values_list("pk", flat=True)
    ) == [a2.pk, a1.pk]


def test_mentor_can_unshortlist(client, world, in_window):
    application = complete_application(world, "mentee1", world.antrea)
    services.shortlist_application(application, actor=world.user("bob"))
    client.force_login(world.user("alice"))
    response = client.post(
        reverse("applications:shortlist", args=[application.pk]), {"action": "remove"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_ranking_with_a_repeated_number_is_refused_and_kept(client, world, in_window):
    a1 = complete_application(world, "mentee1", world.antrea)
    a2 = complete_application(world, "mentee2", world.antrea)
    for application in (a1, a2):
        services.shortlist_application(application, actor=world.user("alice"))
    client.force_login(world.user("alice"))
    response = client.post(
        reverse("applications:ranking", args=[world.antrea.pk]),
        {"ids": f"{a1.pk} {a2.pk}", f"rank-{a1.pk}": "1", f"rank-{a2.pk}": "1"},
    )
    assert response.status_code == 400
    assert "different rank" in _html(response)
    assert list(Application.objects.filter(mentor_rank__isnull=False)) == []


def test_bulk_decline_without_a_message_is_refused_and_keeps_the_ticks(client, world, in_window):
    a1 = complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("alice"))
    response = client.post(
        reverse("applications:bulk_decline", args=[world.antrea.pk]),
        {"applications": [a1.pk], "message": "  "},
    )
    assert response.status_code == 400
    assert f'value="{a1.pk}" id="pick-{a1.pk}" checked' in _html(response)
    a1.refresh_from_db()
    assert a1.status == Status.SUBMITTED


def test_bulk_decline_refused_by_the_service_declines_none(client, world, in_window):
    a1 = complete_application(world, "mentee1", world.antrea)
    a2 = complete_application(world, "mentee2", world.antrea)
    services.decline_applications([a2], actor=world.user("bob"), message="No.")
    client.force_login(world.user("alice"))
    response = client.post(
        reverse("applications:bulk_decline", args=[world.antrea.pk]),
        {"applications": [a1.pk, a2.pk], "message": "Kept message"},
    )
    assert response.status_code == 400
    assert "Nothing was declined" in _html(response)
    assert "Kept message" in _html(response)
    a1.refresh_from_db()
    assert a1.status == Status.SUBMITTED


def test_mentor_cannot_bulk_decline_another_projects_application(client, world, in_window):
    other = complete_application(world, "mentee1", world.falco)
    client.force_login(world.user("alice"))
    response = client.post(
        reverse("applications:bulk_decline", args=[world.antrea.pk]),
        {"applications": [other.pk], "message": "No."},
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.status == Status.SUBMITTED


# --- filters -------------------------------------------------------------------------------


def test_queue_filters_return_the_right_rows(client, world, in_window):
    complete = complete_application(world, "mentee1", world.antrea)
    draft = _draft(world, "mentee2")
    shortlisted = complete_application(world, "mentee3", world.antrea)
    reviewed = complete_application(world, "mentee4", world.antrea)
    declined = complete_application(world, _extra_mentee(world, "mentee5"), world.antrea)
    alice = world.user("alice")
    services.shortlist_application(shortlisted, actor=alice)
    services.review_application(reviewed, reviewer=alice, score=3)
    services.review_application(complete, reviewer=world.user("bob"), score=5)  # not alice's
    services.decline_applications([declined], actor=alice, message="No.")
    everyone = [complete, draft, shortlisted, reviewed, declined]
    client.force_login(alice)

    expected = {
        "": {complete, draft, shortlisted, reviewed, declined},
        "all": {complete, draft, shortlisted, reviewed, declined},
        "complete": {complete, shortlisted, reviewed},
        "incomplete": {draft},
        "shortlisted": {shortlisted},
        "unreviewed": {complete, shortlisted},
        "declined": {declined},
        "nonsense": {complete, draft, shortlisted, reviewed, declined},
    }
    for state, rows in expected.items():
        response = client.get(_queue_url(world, state))
        assert response.status_code == 200, state
        assert _listed(_html(response), everyone) == {a.pk for a in rows}, state


def test_queue_shows_tasks_scores_and_times(client, world, in_window):
    application = complete_application(world, "mentee1", world.antrea)
    services.review_application(application, reviewer=world.user("bob"), score=5, notes="bob's")
    services.review_application(application, reviewer=world.user("alice"), score=3, notes="mine")
    client.force_login(world.user("alice"))
    html = _html(client.get(_queue_url(world)))
    assert "3/3" in html
    assert reverse("applications:task_file", args=[application.pk, "resume"]) in html
    assert "https://github.com/mentee1/challenge" in html
    assert '<time class="utc-instant" datetime="2024-08-01T12:00:00Z">' in html
    assert "4.0" in html  # the mean of 5 and 3
    assert "bob: 5" in html
    assert "mine" in html
    assert "bob&#x27;s" not in html
    assert "bob's" not in html


def test_empty_queue_explains(client, world, in_window):
    client.force_login(world.user("carol"))
    html = _html(client.get(reverse("applications:queue", args=[world.falco.pk])))
    assert "No applications yet" in html


# --- CSV -----------------------------------------------------------------------------------


def test_csv_has_headers_own_notes_only_and_escapes_formulas(client, world, in_window):
    application = complete_application(world, "mentee1", world.antrea)
    MenteeProfile.objects.filter(user=world.user("mentee1")).update(name="=HYPERLINK(1)")
    services.review_application(application, reviewer=world.user("bob"), score=2, notes="bob-x")
    services.review_application(application, reviewer=world.user("alice"), score=4, notes="al-y")
    client.force_login(world.user("alice"))

    response = client.get(reverse("applications:queue_csv", args=[world.antrea.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="2024-term-3-antrea-project-applications.csv"'
    )
    body = response.content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) == 2
    row = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert row["name"] == "'=HYPERLINK(1)"
    assert row["email"] == "mentee1@example.org"
    assert (row["my_score"], row["my_notes"]) == ("4", "al-y")
    assert row["scores"] == "2 4"
    assert "bob-x" not in body


# --- conflict of interest ------------------------------------------------------------------


def test_recused_mentor_sees_the_applicant_but_cannot_decide(client, world, in_window):
    a1 = complete_application(world, "mentee1", world.antrea)
    a2 = complete_application(world, "mentee2", world.antrea)
    alice, bob = world.user("alice"), world.user("bob")
    client.force_login(alice)
    response = client.post(reverse("applications:conflict", args=[a1.pk]), {"reason": "My cousin."})
    assert response.status_code == 302
    assert Review.objects.get(application=a1, reviewer=alice).conflict

    page = client.get(_applicant_url(a1))
    assert page.status_code == 200
    html = _html(page)
    assert "so you are recused" in html
    assert reverse("applications:review", args=[a1.pk]) not in html
    assert reverse("applications:shortlist", args=[a1.pk]) not in html
    assert reverse("applications:decline", args=[a1.pk]) not in html
    assert "Recused" in _html(client.get(_queue_url(world)))

    # Posting directly is refused, and nothing changes.
    response = client.post(reverse("applications:review", args=[a1.pk]), {"score": "5"})
    assert response.status_code == 400
    assert Review.objects.get(application=a1, reviewer=alice).score is None
    response = client.post(reverse("applications:shortlist", args=[a1.pk]), {"action": "add"})
    assert response.status_code == 400
    response = client.post(reverse("applications:decline", args=[a1.pk]), {"message": "No."})
    assert response.status_code == 400
    response = client.post(
        reverse("applications:bulk_decline", args=[world.antrea.pk]),
        {"applications": [a1.pk, a2.pk], "message": "No."},
    )
    assert response.status_code == 400
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert (a1.status, a2.status) == (Status.SUBMITTED, Status.SUBMITTED)

    services.shortlist_application(a1, actor=bob)
    services.shortlist_application(a2, actor=bob)
    services.rank_shortlist(world.antrea, [a1.pk, a2.pk], actor=bob)
    response = client.post(
        reverse("applications:ranking", args=[world.antrea.pk]),
        {"ids": f"{a1.pk} {a2.pk}", f"rank-{a1.pk}": "2", f"rank-{a2.pk}": "1"},
    )
    assert response.status_code == 400
    assert "recused" in _html(response)
    a1.refresh_from_db()
    a2.refresh_from_db()
    assert (a1.mentor_rank, a2.mentor_rank) == (1, 2)
    assert (a1.status, a2.status) == (Status.SHORTLISTED, Status.SHORTLISTED)


def test_conflict_without_a_reason_is_refused(client, world, in_window):
    application = complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("alice"))
    response = client.post(reverse("applications:conflict", args=[application.pk]), {"reason": ""})
    assert response.status_code == 400
    assert not Review.objects.filter(application=application, conflict=True).exists()


# --- what each reader sees -----------------------------------------------------------------


def test_mentor_sees_other_scores_but_not_their_notes_and_admin_sees_both(client, world, in_window):
    application = complete_application(world, "mentee1", world.antrea)
    services.review_application(application, reviewer=world.user("bob"), score=2, notes="zq-bob")
    services.declare_conflict(application, reviewer=world.user("carol"), reason="zq-reason")
    client.force_login(world.user("alice"))
    html = _html(client.get(_applicant_url(application)))
    assert "score 2" in html
    assert "zq-bob" not in html
    assert "zq-reason" not in html
    assert "mentee1@example.org" in html  # mentors see the profile

    client.force_login(world.user("admin"))
    html = _html(client.get(_applicant_url(application)))
    assert "zq-bob" in html
    assert "zq-reason" in html


def test_admin_term_overview_counts(client, world, in_window):
    complete_application(world, "mentee1", world.antrea)
    _draft(world, "mentee2")
    shortlisted = complete_application(world, "mentee3", world.antrea)
    services.shortlist_application(shortlisted, actor=world.user("alice"))
    complete_application(world, "mentee1", world.cilium)
    withdrawn = complete_application(world, "mentee4", world.falco)
    services.withdraw_application(withdrawn, actor=world.user("mentee4"))
    client.force_login(world.user("admin"))

    response = client.get(reverse("applications:term_overview", args=[world.term.pk]))
    assert response.status_code == 200
    counts = {
        c.project.slug: (
            c.total,
            c.complete,
            c.incomplete,
            c.shortlisted,
            c.declined,
            c.withdrawn,
        )
        for c in response.context["rows"]
    }
    assert counts == {
        "antrea-project": (3, 2, 1, 1, 0, 0),
        "cilium-project": (1, 1, 0, 0, 0, 0),
        "falco-project": (0, 0, 0, 0, 0, 1),
    }
    totals = response.context["totals"]
    assert (totals.total, totals.complete, totals.incomplete, totals.withdrawn) == (4, 3, 1, 1)
    html = _html(response)
    assert reverse("applications:queue", args=[world.falco.pk]) in html


def test_admin_review_home_links_the_term_overview(client, world, in_window):
    client.force_login(world.user("admin"))
    html = _html(client.get(reverse("applications:review_home")))
    assert reverse("applications:term_overview", args=[world.term.pk]) in html


def test_maintainer_sees_counts_and_no_names_or_emails(client, world, in_window):
    complete_application(world, "mentee1", world.antrea)
    _draft(world, "mentee2")
    client.force_login(world.user("maintainer"))
    response = client.get(reverse("applications:review_home"))
    assert response.status_code == 200
    (section,) = response.context["sections"]
    assert section.mentored == []
    (counts,) = section.counted
    assert (counts.project, counts.total, counts.complete, counts.incomplete) == (
        world.antrea,
        2,
        1,
        1,
    )
    html = _html(response)
    assert "Antrea project" in html
    for secret in ("Mentee1", "Mentee2", "mentee1", "mentee2", "@example.org"):
        assert secret not in html
    assert reverse("applications:queue", args=[world.antrea.pk]) not in html
    assert "Cilium project" not in html  # not their organization


def test_mentor_review_home_lists_only_mentored_queues(client, world, in_window):
    complete_application(world, "mentee1", world.antrea)
    client.force_login(world.user("alice"))
    html = _html(client.get(reverse("applications:review_home")))
    assert reverse("applications:queue", args=[world.antrea.pk]) in html
    assert reverse("applications:queue", args=[world.cilium.pk]) not in html
    assert "Mentee1" not in html

    client.force_login(world.user("bob"))
    html = _html(client.get(reverse("applications:review_home")))
    assert reverse("applications:queue", args=[world.antrea.pk]) in html
    assert reverse("applications:queue", args=[world.cilium.pk]) in html


def test_outsider_review_home_explains(client, world):
    client.force_login(world.user("outsider"))
    response = client.get(reverse("applications:review_home"))
    assert response.status_code == 200
    assert "Nothing to review" in _html(response)


# --- every endpoint × every role -----------------------------------------------------------

ROLES = ["alice", "bob", "carol", "admin", "maintainer", "mentee1", "outsider", "anon"]


def _expect(allowed: set[str], ok: int) -> dict[str, int]:
    return {who: (ok if who in allowed else 404) for who in ROLES} | {"anon": 302}


READERS = {"alice", "bob", "admin"}
MATRIX = [
    ("review_home", "get", dict.fromkeys(ROLES, 200) | {"anon": 302}),
    ("term_overview", "get", _expect({"admin"}, 200)),
    ("queue", "get", _expect(READERS, 200)),
    ("ranking", "get", _expect(READERS, 200)),
    ("queue_csv", "get", _expect(READERS, 200)),
    ("applicant", "get", _expect(READERS, 200)),
    ("ranking", "post", _expect(READERS, 302)),
    ("bulk_decline", "post", _expect(READERS, 302)),
    ("review", "post", _expect(READERS, 302)),
    ("conflict", "post", _expect(READERS, 302)),
    ("shortlist", "post", _expect(READERS, 302)),
    ("decline", "post", _expect(READERS, 302)),
]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize(("name", "method", "expected"), MATRIX, ids=lambda v: str(v)[:20])
def test_review_endpoint_access(client, world, in_window, who, name, method, expected):
    application = complete_application(world, "mentee1", world.antrea)
    if name == "ranking" and method == "post":
        services.shortlist_application(application, actor=world.user("alice"))
    args = {
        "review_home": [],
        "term_overview": [world.term.pk],
        "queue": [world.antrea.pk],
        "ranking": [world.antrea.pk],
        "queue_csv": [world.antrea.pk],
        "bulk_decline": [world.antrea.pk],
    }.get(name, [application.pk])
    url = reverse(f"applications:{name}", args=args)
    data = {
        "ranking": {"ids": str(application.pk), f"rank-{application.pk}": "1"},
        "bulk_decline": {"applications": [application.pk], "message": "Sorry."},
        "review": {"score": "3", "notes": "ok"},
        "conflict": {"reason": "A friend."},
        "shortlist": {"action": "add"},
        "decline": {"message": "Sorry."},
    }.get(name, {})
    if who != "anon":
        client.force_login(world.user(who))

    def state() -> tuple[object, ...]:
        application.refresh_from_db()
        return (
            application.status,
            application.mentor_rank,
            list(Review.objects.filter(application=application).values_list("score", "conflict")),
        )

    before = state()
    response = client.post(url, data) if method == "post" else client.get(url)
    assert response.status_code == expected[who]
    if who == "anon":
        assert response["Location"].startswith(reverse("account_login"))
    elif response.status_code == 302:
        assert not response["Location"].startswith(reverse("account_login"))
    # A write happens exactly when the role may make it; a read never writes.
    wrote = method == "post" and who != "anon" and expected[who] == 302
    assert (state() != before) == wrote


# --- performance ---------------------------------------------------------------------------


def _queue_queries(client: Any, world: World) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_queue_url(world))
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_queue_page_takes_a_constant_number_of_queries(client, world, in_window):
    bob = world.user("bob")
    names = [f"mentee{n}" for n in range(1, 5)]
    names += [_extra_mentee(world, f"mentee{n}") for n in range(5, 11)]

    def add(names_: list[str]) -> None:
        for name in names_:
            application = complete_application(world, name, world.antrea)
            services.review_application(application, reviewer=bob, score=3, notes="n")

    client.force_login(world.user("alice"))
    add(names[:3])
    client.get(_queue_url(world))  # warm up caches (content types, sessions)
    three = _queue_queries(client, world)
    add(names[3:])
    ten = _queue_queries(client, world)
    assert Application.objects.filter(project=world.antrea).count() == 10
    assert ten == three, (three, ten)


def test_the_review_home_runs_a_fixed_number_of_queries_whatever_the_terms(
    client, world: World
) -> None:
    """Bob mentors projects in one term, then in three: the page costs the same."""
    from cohort.core.models import Person
    from cohort.projects.models import Mentorship, Organization, Project
    from cohort.terms.models import Term

    def count() -> tuple[int, bytes]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("applications:review_home"))
        assert response.status_code == 200
        return len(captured), response.content

    client.force_login(world.user("bob"))
    one_term, _ = count()
    org = Organization.objects.create(program=world.program, name="Later", slug="later")
    for number in (1, 2):
        term = Term.objects.create(program=world.program, year=2025, number=number, title="t")
        project = Project.objects.create(
            term=term,
            organization=org,
            slug="p",
            title=f"Later project {number}",
            status=Project.Status.PUBLISHED,
        )
        Mentorship.objects.create(
            project=project, person=Person.objects.get(github="bob"), name="Bob", github="bob"
        )
    three_terms, html = count()
    assert b"Later project 1" in html
    assert b"Later project 2" in html
    assert three_terms == one_term

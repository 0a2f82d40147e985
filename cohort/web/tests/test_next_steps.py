"""The home page's "Your next step" box: each kind of step shows while it is due and goes
once it is done, links to the page where it is done, and costs a fixed number of queries."""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cohort.applications import services as applications
from cohort.applications.models import Application
from cohort.core.models import Person, User
from cohort.demo.applications import PROFILES, pdf_file
from cohort.demo.live import LIVE_PROGRAM, _term_data, live_term_key
from cohort.demo.phases import PROPOSALS_PROGRAM, REVIEW_PROGRAM, SELECTION_PROGRAM, _Demo
from cohort.demo.phases import PhaseDemo as _PhaseDemo
from cohort.projects.models import Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.proposals import services as proposals
from cohort.selection import services as selection
from cohort.selection.models import Offer
from cohort.terms.models import Term
from cohort.web.next_steps import APPLY, APPROVE, FINAL, OFFER, PUBLISH, REVIEW, TASK, next_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(settings) -> datetime:
    """The whole demo (`cohort demo`), loaded at the real time, as `make run` does."""
    settings.COHORT_DEMO_USERS = True
    call_command("demo", stdout=StringIO())
    return timezone.now()


def user(name: str) -> User:
    return User.objects.get(username=name)


def term_of(program: str) -> Term:
    return Term.objects.get(program__name=program)


def kinds(
    name: str, now: datetime, only: frozenset[str] | None = None
) -> list[tuple[str, str, str, str]]:
    """`name`'s steps, or only those of the kinds `only`."""
    steps = next_steps(user(name), now)
    return [(s.kind, s.text, s.url, s.detail) for s in steps if only is None or s.kind in only]


def test_a_visitor_has_no_steps_and_is_asked_to_sign_in(now, client: Client):
    with CaptureQueriesContext(connection) as queries:
        assert next_steps(AnonymousUser(), now) == []
    assert len(queries) == 0
    page = client.get("/").content.decode()
    assert "Your next step" not in page
    assert 'href="/accounts/login/?next=/">Sign in</a> to see your next step' in page


def test_the_home_page_lists_the_steps_as_links(now, client: Client):
    client.force_login(user("admin"))
    page = client.get("/").content.decode()
    board = term_of(PROPOSALS_PROGRAM).pk
    assert '<h2 id="next-steps">Your next step</h2>' in page
    assert (
        f'<a href="/proposals/board/{board}/">Publish 1 approved proposal</a> of '
        f"{PROPOSALS_PROGRAM} 2026 Term 3" in page
    )
    client.force_login(user("mentee2"))  # waitlisted, submitted, applied everywhere open
    page = client.get("/").content.decode()
    assert "Nothing is waiting for you right now." in page


def test_mentee1_answers_an_offer(now):
    offer = Offer.objects.get(term=term_of(SELECTION_PROGRAM), mentee=user("mentee1"))
    steps = [s for s in next_steps(user("mentee1"), now) if s.kind == OFFER]
    assert [(s.text, s.url, s.detail, s.when) for s in steps] == [
        (
            f"Answer your offer on “{offer.project.title}”",
            "/applications/",
            f"({SELECTION_PROGRAM} 2026 Term 3)",
            offer.deadline,
        )
    ]
    assert offer.deadline is not None
    assert not [s for s in next_steps(user("mentee1"), offer.deadline) if s.kind == OFFER]
    selection.accept_offer(offer, actor=user("mentee1"), now=now)
    assert OFFER not in {kind for kind, *_ in kinds("mentee1", now)}


def test_mentee1_applies_then_finishes_the_tasks(now):
    live = term_of(LIVE_PROGRAM)
    window = live.window("applications_open")
    apply = [s for s in next_steps(user("mentee1"), now) if s.kind == APPLY]
    assert [(s.text, s.url, s.detail, s.when) for s in apply] == [
        (
            f"Apply to a project of {live.label}",
            live.get_absolute_url(),
            f"({LIVE_PROGRAM})",
            window.end,
        )
    ]
    project = Project.objects.filter(term=live).order_by("position").first()
    assert project is not None
    application = applications.apply_to_project(
        user("mentee1"), project, answers={"cover_letter": {"text": "Hello."}}, now=now
    )
    steps = kinds("mentee1", now)
    assert APPLY not in {kind for kind, *_ in steps}
    assert (
        TASK,
        f"Finish your application to “{project.title}”",
        f"/applications/{application.pk}/",
        "(1 task to hand in)",
    ) in steps
    # Once the window has closed there is nothing left to finish (or to apply to).
    assert window.end is not None
    assert TASK not in {kind for kind, *_ in kinds("mentee1", window.end)}
    applications.hand_in_task(
        application,
        "lfc102",
        actor=user("mentee1"),
        file=pdf_file("LFC102.pdf", ["LFC102"]),
        now=now,
    )
    assert not {TASK, APPLY} & {kind for kind, *_ in kinds("mentee1", now)}


def test_the_mentor_reviews_applicants_of_live_terms_only(now):
    steps = [s for s in next_steps(user("mentor"), now) if s.kind == REVIEW]
    by_project = {
        Project.objects.get(pk=int(s.url.split("/")[3])).term.program.name: s for s in steps
    }
    # The live term (mentee2, submitted) and the review term's two projects; not the
    # reference term (completed) nor the selection term (decided).
    assert sorted(by_project) == sorted([LIVE_PROGRAM, REVIEW_PROGRAM])
    assert len(steps) == 3
    assert all(s.url.endswith("/?state=unreviewed") for s in steps)
    assert all(s.text.startswith("Review 1 applicant of “") for s in steps)
    assert {s.detail for s in steps} == {
        f"({LIVE_PROGRAM} 2026 Term 3)",
        f"({REVIEW_PROGRAM} 2026 Term 3)",
    }
    assert APPLY not in {kind for kind, *_ in kinds("mentor", now)}  # not a mentee
    first = Project.objects.filter(term=term_of(REVIEW_PROGRAM)).order_by("position").first()
    assert first is not None
    mentee1 = Application.objects.get(project=first, mentee=user("mentee1"))
    applications.review_application(mentee1, reviewer=user("mentor"), score=3)
    urls = {s.url for s in next_steps(user("mentor"), now) if s.kind == REVIEW}
    assert f"/review/projects/{first.pk}/?state=unreviewed" not in urls
    assert len(urls) == 2


def test_the_maintainer_approves_proposals(now):
    steps = [s for s in next_steps(user("maintainer"), now) if s.kind == APPROVE]
    assert [(s.text, s.url) for s in steps] == [
        ("Approve 2 proposals as a maintainer", "/proposals/")
    ]
    demo = Project.objects.get(term=term_of(PROPOSALS_PROGRAM), number=1)
    proposals.approve_proposal(demo, actor=user("maintainer"))
    steps = [s for s in next_steps(user("maintainer"), now) if s.kind == APPROVE]
    assert len(steps) == 1
    assert steps[0].text == "Approve 1 proposal as a maintainer"
    other = Project.objects.get(term__year=2027, number=1)
    assert steps[0].url == f"/proposals/{other.pk}/"
    proposals.approve_proposal(other, actor=user("maintainer"))
    assert kinds("maintainer", now) == []


def test_the_admin_gives_final_approvals_and_publishes(now):
    term = term_of(PROPOSALS_PROGRAM)
    ready = Project.objects.get(term=term, number=2)
    of = f"of {PROPOSALS_PROGRAM} {term.label}"
    board = f"/proposals/board/{term.pk}/"
    decisions = frozenset({FINAL, PUBLISH})  # the demo's admin also has overdue evaluations
    assert kinds("admin", now, decisions) == [
        (FINAL, "Give the final approval to 1 proposal", f"/proposals/{ready.pk}/", of),
        (PUBLISH, "Publish 1 approved proposal", board, of),
    ]
    proposals.approve_proposal_as_admin(ready, actor=user("admin"))
    assert kinds("admin", now, decisions) == [(PUBLISH, "Publish 2 approved proposals", board, of)]
    proposals.publish_proposals(term, actor=user("admin"))
    assert kinds("admin", now, decisions) == []


def grow(now: datetime) -> None:
    """More of everything each step counts: a second open term, more applicants for the
    mentor, more proposals at every approval step, and two applications in progress."""
    mentor = Person.objects.get(user__username="mentor")
    year, number = live_term_key(now)
    second = get_or_create_program("Second live demo")
    import_term(_term_data(year, number, now, mentor), program=second)
    mentored = Project.objects.filter(term__program__name__in=[LIVE_PROGRAM, second.name])
    mentored = mentored.filter(mentorships__person=mentor).distinct()
    for n in range(4):
        mentee = User.objects.create_user(f"extra{n}", f"extra{n}@example.org", "x")
        data = PROFILES["mentee2"]
        profile = applications.save_profile(mentee, data)
        applications.upload_resume(profile, pdf_file("cv.pdf", ["CV"]), actor=mentee)
        for project in mentored[:3]:
            application = applications.apply_to_project(
                mentee, project, answers={"cover_letter": {"text": "Hi."}}, now=now
            )
            applications.hand_in_task(
                application, "lfc102", actor=mentee, file=pdf_file("c.pdf", ["C"]), now=now
            )
    live = Project.objects.filter(term=term_of(LIVE_PROGRAM)).order_by("position")
    for project in live[2:4]:
        applications.apply_to_project(user("mentee1"), project, now=now)
    users = {u.username: u for u in User.objects.all()}
    demo = _Demo(now=now, users=users, mentor=mentor, result=_PhaseDemo())
    term = term_of(PROPOSALS_PROGRAM)
    admin, maintainer = users["admin"], users["maintainer"]

    def approved(project: Project) -> None:
        proposals.approve_proposal(project, actor=admin)
        proposals.approve_proposal_as_admin(project, actor=admin)

    for n in range(3):
        url = f"https://github.com/antrea-io/antrea/issues/{8000 + n}"
        demo.proposal(term, "Antrea", f"Waiting {n}", url)
        demo.proposal(
            term,
            "Antrea",
            f"Ready {n}",
            url + "1",
            then=lambda p: proposals.approve_proposal(p, actor=maintainer),
        )
        demo.proposal(term, "Kyverno", f"Approved {n}", url + "2", then=approved)


def home_queries(client: Client, name: str) -> int:
    client.force_login(user(name))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_a_fixed_number_of_queries_whatever_the_size(now, client: Client):
    names = ("mentee1", "mentee2", "mentee3", "mentor", "maintainer", "admin")
    small, before = {}, {}
    pages = {name: home_queries(client, name) for name in ("mentee1", "mentor", "admin")}
    for name in names:
        with CaptureQueriesContext(connection) as queries:
            before[name] = [s.text for s in next_steps(user(name), now)]
        small[name] = len(queries)
    grow(now)
    for name in names:
        with CaptureQueriesContext(connection) as queries:
            after = [s.text for s in next_steps(user(name), now)]
        assert (name, len(queries)) == (name, small[name])
        assert small[name] <= 19  # the admin's: 19, with the stipends to approve
        if name in ("mentee1", "mentor", "maintainer", "admin"):  # more to do now
            assert after != before[name], name
    assert {name: home_queries(client, name) for name in pages} == pages


HOME_ROLES = ("mentee1", "mentee4", "mentor", "maintainer", "admin")  # mentee4 is placed


def home_reads(client: Client) -> dict[str, tuple[int, int]]:
    """Per role, the home page's queries and how many of them read the roles (`nav_roles`)."""
    reads = {}
    for name in HOME_ROLES:
        client.force_login(user(name))
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        sqls = [q["sql"] for q in queries.captured_queries]
        reads[name] = (len(sqls), sum('AS "nav_applied"' in sql for sql in sqls))
    return reads


def test_every_role_s_home_page_reads_the_roles_once_within_20_queries(now, client: Client):
    """The steps and the menu share one reading of the roles, and no role's home page takes
    more than 20 queries, the same with more of everything (before: the roles read twice,
    the maintainer's page 21 queries and the admin's 24)."""
    small = home_reads(client)
    grow(now)
    assert home_reads(client) == small
    assert {name: roles for name, (_, roles) in small.items()} == dict.fromkeys(HOME_ROLES, 1)
    assert {name: n for name, (n, _) in small.items() if n > 20} == {}


def model_reads(name: str, now: datetime) -> set[str]:
    """The models whose rows `name`'s steps read (a query selecting a model's columns)."""
    with CaptureQueriesContext(connection) as queries:
        next_steps(user(name), now)
    tables = ("selection_offer", "applications_application", "mentorship_evaluationround")
    return {
        t
        for q in queries.captured_queries
        for t in tables
        if q["sql"].startswith(f'SELECT "{t}"."id"')
    }


def test_steps_are_looked_for_only_where_the_roles_allow_them(now):
    """Offers and applications in progress are looked for only for someone who applied, the
    feedback to give for someone placed, evaluations for a mentor of a placed mentee: the
    maintainer and the admin hold none of these roles and read none of those rows (before:
    offers, drafts and feedback rounds on every home page)."""
    assert model_reads("maintainer", now) == set()
    assert model_reads("admin", now) == set()
    assert model_reads("mentee1", now) == {"selection_offer", "applications_application"}
    assert model_reads("mentee4", now) == {
        "selection_offer",
        "applications_application",
        "mentorship_evaluationround",
    }
    assert model_reads("mentor", now) == {"mentorship_evaluationround"}


def test_a_mentee_in_a_mentorship_is_not_asked_to_apply_to_an_overlapping_term(now):
    # mentee4 has a live placement in the demo's mentorship term, which overlaps the live
    # term's mentorship; mentee1 has none and is asked to apply.
    assert APPLY in {kind for kind, *_ in kinds("mentee1", now)}
    assert APPLY not in {kind for kind, *_ in kinds("mentee4", now)}

"""The term dashboard (`/console/terms/<id>/`, `cohort.console.queries.dashboard`): where the
term stands, the next deadlines with their countdown, the counts and the lists behind them,
what needs the admin, who may open it, and a fixed number of queries."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cohort.applications.models import Application, Review
from cohort.console import queries
from cohort.console.queries import countdown
from cohort.core.models import User
from cohort.core.tokens import create_api_token
from cohort.formats.issueform import LABEL_TERM, IssueForm
from cohort.projects.models import Organization, Project
from cohort.proposals import gates
from cohort.proposals.models import ProposalEvent
from cohort.proposals.review import review
from cohort.selection.models import Offer, Round
from cohort.terms.models import Milestone, Program, ProgramMembership, Term

pytestmark = pytest.mark.django_db

# The clock of every test: the review of applications runs and closes in 2 days 5 hours.
NOW = datetime(2026, 9, 10, 12, 0, tzinfo=UTC)
REVIEW_END = NOW + timedelta(days=2, hours=5)
NOTIFY = NOW + timedelta(days=5, hours=3, minutes=30)
TERM_START = NOW + timedelta(days=20)
TERM_END = NOW + timedelta(days=110)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@dataclass
class World:
    program: Program
    term: Term
    users: dict[str, User]
    organization: Organization

    def client(self, name: str) -> Client:
        client = Client()
        client.force_login(self.users[name])
        return client


def make_world() -> World:
    program = Program.objects.create(name="CNCF LFX Mentorship", slug="cncf")
    term = Term.objects.create(
        program=program,
        year=2026,
        number=3,
        title="Term 03 - 2026 September - November",
        time_zone="America/Los_Angeles",
    )
    for position, (key, label, start, end) in enumerate(
        (
            (
                "proposals_open",
                "Project proposals open",
                NOW - timedelta(days=60),
                NOW - timedelta(days=40),
            ),
            (
                "applications_open",
                "Mentee applications open",
                NOW - timedelta(days=30),
                NOW - timedelta(days=3),
            ),
            ("application_review", "Application review", NOW - timedelta(days=3), REVIEW_END),
            ("selection_notify", "Selection notifications", NOTIFY, NOTIFY),
            ("term_start", "Mentorship begins", TERM_START, TERM_START),
            ("term_end", "Mentorship ends", TERM_END, TERM_END),
        )
    ):
        Milestone.objects.create(
            term=term,
            position=position,
            key=key,
            label=label,
            raw=label,
            start=start,
            end=end,
            has_time=True,
        )
    users = {
        name: User.objects.create_user(name, password="x")
        for name in ("admin", "other_admin", "outsider", "mentor")
    }
    users["root"] = User.objects.create_superuser("root", password="x")
    ProgramMembership.objects.create(program=program, user=users["admin"])
    other = Program.objects.create(name="Other program", slug="other")
    ProgramMembership.objects.create(program=other, user=users["other_admin"])
    organization = Organization.objects.create(program=program, name="Jaeger", slug="jaeger")
    return World(program, term, users, organization)


@pytest.fixture
def world() -> World:
    return make_world()


# --- building a term of any size -------------------------------------------------------------


def _form(n: int) -> IssueForm:
    return IssueForm.build(
        project="Jaeger",
        term="2026 Term 3 (Sep-Nov)",
        program_name=f"Jaeger proposal {n}",
        description="## Description\n\nShip a Helm chart for Jaeger v2.",
        technologies="Go, Helm, Kubernetes",
        skills_same=True,
        mentors=(
            "Alice Doe | @alice | alice@example.org | alicelf\n"
            "Bob Roe | @bob | bob@example.org | boblf"
        ),
        upstream_issue_url=f"https://github.com/jaegertracing/helm-charts/issues/{n}",
        prerequisites=[],
    )


def add_proposal(world: World, n: int, kinds: list[str]) -> Project:
    """A submitted proposal with these events (the mentor confirmations name alice and bob)."""
    form = _form(n)
    project = Project.objects.create(
        term=world.term,
        organization=world.organization,
        number=n,
        slug=f"proposal-{n}",
        position=n,
        title=f"Proposal {n}",
        status=Project.Status.SUBMITTED,
        form_fields={**form.sections, LABEL_TERM: form.term},
    )
    for kind in kinds:
        if kind == gates.MENTOR_CONFIRMED:
            for handle in ("alice", "bob"):
                ProposalEvent.objects.create(project=project, kind=kind, handle=handle)
        else:
            ProposalEvent.objects.create(project=project, kind=kind)
    return project


def add_project(world: World, n: int, *, slots: int = 1) -> Project:
    return Project.objects.create(
        term=world.term,
        organization=world.organization,
        number=n,
        slug=f"project-{n}",
        position=n,
        title=f"Project {n}",
        status=Project.Status.PUBLISHED,
        slots=slots,
    )


_mentees = iter(range(1, 10**6))


def add_application(
    world: World, project: Project, status: str, *, reviewed: bool = False
) -> Application:
    mentee = User.objects.create_user(f"mentee{next(_mentees)}", password="x")
    withdrawn = status == Application.Status.WITHDRAWN
    application = Application.objects.create(
        mentee=mentee,
        term=world.term,
        project=project,
        status=status,
        active_slot=None if withdrawn else 1,
        submitted_at=NOW - timedelta(days=5) if status in Application.COMPLETE else None,
    )
    if reviewed:
        Review.objects.create(application=application, reviewer=world.users["mentor"], score=4)
    return application


def add_offer(
    round_: Round, application: Application, status: str, *, seat: int | None, announced: bool
) -> Offer:
    return Offer.objects.create(
        round=round_,
        application=application,
        term=application.term,
        mentee=application.mentee,
        project=application.project,
        seat=seat,
        status=status,
        reason="First choice of the mentee, first on the mentors' list.",
        announced_at=NOW - timedelta(days=1) if announced else None,
        deadline=NOW + timedelta(days=6) if announced else None,
    )


def fill(world: World, size: int) -> dict[str, Any]:
    """`size` of every kind of row: proposals in four board columns, published projects with
    and without slots, applications in every state (reviewed or not), offers in every status.
    Returns the counts the dashboard should show."""
    base = Project.objects.count() * 10 + 1000
    for i in range(size):
        add_proposal(world, base + 4 * i, [])  # no "submitted" event: the inbox
        add_proposal(
            world,
            base + 4 * i + 1,
            [gates.SUBMITTED, gates.MAINTAINER_APPROVED, gates.MENTOR_CONFIRMED],
        )
        add_proposal(
            world,
            base + 4 * i + 2,
            [
                gates.SUBMITTED,
                gates.MAINTAINER_APPROVED,
                gates.MENTOR_CONFIRMED,
                gates.ADMIN_APPROVED,
            ],
        )
        add_proposal(world, base + 4 * i + 3, [gates.SUBMITTED])
    round_ = Round.objects.filter(term=world.term).first() or Round.objects.create(
        term=world.term,
        number=1,
        status=Round.Status.CONFIRMED,
        announced_at=NOW - timedelta(days=1),
    )
    for i in range(size):
        project = add_project(world, base + 10 * i + 500, slots=3)
        add_project(world, base + 10 * i + 501, slots=0)
        add_application(world, project, Application.Status.DRAFT)
        add_application(world, project, Application.Status.SUBMITTED)
        add_application(world, project, Application.Status.SUBMITTED, reviewed=True)
        add_application(world, project, Application.Status.SHORTLISTED, reviewed=True)
        add_application(world, project, Application.Status.REJECTED)
        add_application(world, project, Application.Status.WITHDRAWN)
        pending = add_application(world, project, Application.Status.OFFERED)
        add_offer(round_, pending, Offer.Status.PENDING, seat=1, announced=True)
        accepted = add_application(world, project, Application.Status.ACCEPTED)
        add_offer(round_, accepted, Offer.Status.ACCEPTED, seat=2, announced=True)
        declined = add_application(world, project, Application.Status.OFFER_DECLINED)
        add_offer(round_, declined, Offer.Status.DECLINED, seat=None, announced=True)
    return {"size": size}


def _queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    return len(captured)


def _page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


# --- the read model --------------------------------------------------------------------------


def test_countdown_gives_the_two_largest_units_rounded_down():
    assert countdown(timedelta(days=3, hours=4, minutes=59)) == "in 3 days 4 hours"
    assert countdown(timedelta(days=1, minutes=5)) == "in 1 day"
    assert countdown(timedelta(hours=5, minutes=12, seconds=30)) == "in 5 hours 12 minutes"
    assert countdown(timedelta(hours=1, minutes=1)) == "in 1 hour 1 minute"
    assert countdown(timedelta(minutes=7, seconds=59)) == "in 7 minutes"
    assert countdown(timedelta(seconds=59)) == "in less than a minute"


def test_where_the_term_stands_and_the_next_three_deadlines(world: World):
    board = queries.dashboard(world.term, now=NOW)
    assert board.stage == "in_review"
    assert board.stage_label == "In review"
    assert [p.key for p in board.current] == ["application_review"]
    assert board.next is not None
    assert board.next.key == "selection_notify"
    assert [(d.key, d.edge, d.at.at, d.countdown) for d in board.deadlines] == [
        ("application_review", "ends", REVIEW_END, "in 2 days 5 hours"),
        ("selection_notify", "", NOTIFY, "in 5 days 3 hours"),
        ("term_start", "", TERM_START, "in 20 days"),
    ]
    assert board.deadlines[0].seconds_left == int(timedelta(days=2, hours=5).total_seconds())


def test_the_page_shows_each_deadline_with_its_countdown_in_the_term_zone_and_utc(world: World):
    page = _page(world.client("admin").get(f"/console/terms/{world.term.pk}/"))
    assert 'id="term-stage">In review<' in page
    assert "Application review ends" in page
    assert "in 2 days 5 hours" in page
    # Sep 12, 17:00 UTC is 10:00 AM in Los Angeles (PDT).
    assert "Sat, Sep 12, 2026, 10:00 AM PDT" in page
    assert (
        '<time class="utc-instant" datetime="2026-09-12T17:00:00Z">'
        "Sat, Sep 12, 2026, 17:00 UTC</time>" in page
    )
    assert "Mentorship ends" not in page  # only the next three


def test_after_the_last_milestone_the_term_is_completed_with_no_deadline(world: World):
    later = TERM_END + timedelta(seconds=1)
    board = queries.dashboard(world.term, now=later)
    assert board.stage == "completed"
    assert board.deadlines == []
    assert board.next is None
    assert board.current == []


def test_counts_per_phase(world: World):
    fill(world, 2)
    board = queries.dashboard(world.term, now=NOW)
    proposals = {c.label: c.count for c in board.proposals}
    # 2 × (awaiting, approved/confirmed, CNCF approved, inbox) and 4 published projects.
    assert proposals[gates.INBOX] == 2
    assert proposals[gates.AWAITING] == 2
    assert proposals[gates.APPROVED_CONFIRMED] == 2
    assert proposals[gates.CNCF_APPROVED] == 2
    assert proposals[gates.EXPORTED] == 4
    assert board.proposals_total == 12
    applications = {c.key: c.count for c in board.applications}
    assert applications == {
        "applied": 16,
        "incomplete": 2,
        "complete": 12,
        "submitted": 4,
        "shortlisted": 2,
        "offered": 2,
        "accepted": 2,
        "offer_declined": 2,
        "declined": 2,
        "withdrawn": 2,
        "placed_elsewhere": 0,
    }
    selection = {c.key: c.count for c in board.selection}
    assert selection == {
        "places": 6,  # 2 projects × 3 slots, and 2 with none
        "offered": 4,
        "accepted": 2,
        "unannounced": 0,
        "pending": 2,
        "declined": 2,
        "lapsed": 0,
        "superseded": 0,
    }


def test_the_proposal_columns_are_what_the_board_derives(world: World):
    fill(world, 1)
    board = queries.dashboard(world.term, now=NOW)
    by_column: dict[str, int] = {}
    for project in Project.objects.filter(term=world.term):
        column = review(project).column
        by_column[column] = by_column.get(column, 0) + 1
    assert {c.label: c.count for c in board.proposals if c.count} == by_column


def test_needs_your_attention(world: World):
    fill(world, 2)
    board = queries.dashboard(world.term, now=NOW)
    attention = {a.key: a for a in board.attention}
    assert {k: a.count for k, a in attention.items()} == {
        "to_approve": 2,
        "to_publish": 2,
        "no_slots": 2,
        "unreviewed": 2,  # submitted, no score or note; the reviewed one is not counted
        "unanswered_offers": 2,
    }
    assert attention["unreviewed"].detail == "The review closes in 2 days 5 hours."
    assert [p.title for p in attention["no_slots"].projects] == ["Project 1501", "Project 1511"]


def test_unreviewed_applicants_need_attention_only_near_the_review_deadline(world: World):
    fill(world, 1)
    far = REVIEW_END - queries.REVIEW_SOON - timedelta(seconds=1)
    assert "unreviewed" not in {a.key for a in queries.dashboard(world.term, now=far).attention}
    near = REVIEW_END - queries.REVIEW_SOON
    assert "unreviewed" in {a.key for a in queries.dashboard(world.term, now=near).attention}
    closed = REVIEW_END
    assert "unreviewed" not in {a.key for a in queries.dashboard(world.term, now=closed).attention}


def test_a_conflict_declaration_is_not_a_review(world: World):
    project = add_project(world, 1)
    application = add_application(world, project, Application.Status.SUBMITTED)
    Review.objects.create(application=application, reviewer=world.users["mentor"], conflict=True)
    attention = {a.key: a.count for a in queries.dashboard(world.term, now=NOW).attention}
    assert attention["unreviewed"] == 1
    Review.objects.create(application=application, reviewer=world.users["admin"], notes="Strong.")
    attention = {a.key: a.count for a in queries.dashboard(world.term, now=NOW).attention}
    assert "unreviewed" not in attention


def test_an_empty_term_needs_nothing(world: World):
    board = queries.dashboard(world.term, now=NOW)
    assert board.attention == []
    assert all(c.count == 0 for c in [*board.proposals, *board.applications, *board.selection])
    page = _page(world.client("admin").get(f"/console/terms/{world.term.pk}/"))
    assert 'id="attention-none"' in page


# --- every count links to the list behind it -------------------------------------------------


def _links(page: str) -> dict[str, str]:
    """Row id → the link of its count."""
    rows = re.findall(
        r'<tr id="([\w-]+)"><th scope="row">[^<]*</th><td class="num"><a href="([^"]+)">', page
    )
    return {row: href.replace("&amp;", "&") for row, href in rows}


def test_every_count_on_the_page_links_to_a_list_that_opens(world: World):
    fill(world, 1)
    client = world.client("admin")
    page = _page(client.get(f"/console/terms/{world.term.pk}/"))
    links = _links(page)
    pk = world.term.pk
    assert (
        links["dashboard-proposals-approved_confirmed"]
        == f"/proposals/board/{pk}/?column=Approved%2Fconfirmed"
    )
    assert links["dashboard-applications-submitted"] == f"/review/terms/{pk}/?state=awaiting"
    assert (
        links["dashboard-selection-pending"]
        == f"/selection/terms/{pk}/?offers=pending#selection-offers"
    )
    assert len(links) == 5 + 11 + 8  # non-empty board columns, application states, selection
    for href in links.values():
        assert client.get(href.split("#")[0]).status_code == 200, href


def test_a_board_column_link_shows_that_column(world: World):
    fill(world, 1)
    board = queries.dashboard(world.term, now=NOW)
    link = next(c.url for c in board.proposals if c.label == gates.APPROVED_CONFIRMED)
    page = _page(world.client("admin").get(link))
    assert re.findall(r'<h2 class="board__title"[^>]*>([^<]+)<', page) == [
        gates.APPROVED_CONFIRMED + " "
    ]


def test_an_application_state_link_lists_the_projects_with_such_applications(world: World):
    fill(world, 1)
    quiet = add_project(world, 9999)  # no application at all
    add_application(world, quiet, Application.Status.DRAFT)
    board = queries.dashboard(world.term, now=NOW)
    client = world.client("admin")
    unfiltered = _page(client.get(f"/review/terms/{world.term.pk}/"))
    assert "Project 9999" in unfiltered
    link = next(c.url for c in board.applications if c.key == "shortlisted")
    page = _page(client.get(link))
    assert "Project 9999" not in page
    assert "Project 1500" in page
    assert (
        f"/review/projects/{Project.objects.get(title='Project 1500').pk}/?state=shortlisted"
        in page
    )
    assert 'id="overview-filter"' in page
    incomplete = next(c.url for c in board.applications if c.key == "incomplete")
    assert "Project 9999" in _page(client.get(incomplete))


def test_the_unreviewed_link_lists_only_projects_with_unreviewed_applicants(world: World):
    reviewed = add_project(world, 1)
    add_application(world, reviewed, Application.Status.SUBMITTED, reviewed=True)
    waiting = add_project(world, 2)
    add_application(world, waiting, Application.Status.SUBMITTED)
    attention = {a.key: a for a in queries.dashboard(world.term, now=NOW).attention}
    page = _page(world.client("admin").get(attention["unreviewed"].url))
    assert "Project 2" in page
    assert "Project 1<" not in page


def test_an_offer_link_lists_only_those_offers(world: World):
    fill(world, 1)
    board = queries.dashboard(world.term, now=NOW)
    client = world.client("admin")
    pending = next(c.url for c in board.selection if c.key == "pending")
    page = _page(client.get(pending.split("#")[0]))
    assert 'id="offers-filter"' in page
    assert page.count('class="badge badge--pending"') == 1
    assert "badge--accepted" not in page
    assert "badge--declined" not in page
    every = _page(client.get(f"/selection/terms/{world.term.pk}/"))
    assert "badge--accepted" in every
    assert "badge--declined" in every


def test_projects_without_slots_are_listed_with_a_link_to_set_them(world: World):
    project = add_project(world, 7, slots=0)
    page = _page(world.client("admin").get(f"/console/terms/{world.term.pk}/"))
    assert 'id="no-slots"' in page
    assert f'href="/review/projects/{project.pk}/"' in page
    assert f'href="/console/terms/{world.term.pk}/#no-slots"' in page


# --- who may open it -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "status"),
    [("admin", 200), ("root", 200), ("other_admin", 404), ("outsider", 404), ("mentor", 404)],
)
def test_only_the_programs_admins_open_the_dashboard(world: World, name: str, status: int):
    project = add_project(world, 1)
    # The mentor mentors a project of the term, and still is no admin.
    from cohort.core.models import Person
    from cohort.projects.models import Mentorship

    person = Person.objects.create(name="Mentor", github="mentor", user=world.users["mentor"])
    Mentorship.objects.create(
        project=project, person=person, position=0, name="Mentor", github="mentor"
    )
    response = world.client(name).get(f"/console/terms/{world.term.pk}/")
    assert response.status_code == status


def test_a_visitor_is_sent_to_log_in_and_a_missing_term_is_404(world: World):
    response = Client().get(f"/console/terms/{world.term.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert world.client("admin").get("/console/terms/999999/").status_code == 404


def test_the_dashboard_only_reads(world: World):
    assert world.client("admin").post(f"/console/terms/{world.term.pk}/").status_code == 405


# --- a fixed number of queries ---------------------------------------------------------------


def _page_and_api(world: World) -> dict[str, int]:
    client = world.client("admin")
    token = create_api_token(world.users["admin"], name=f"tests {Project.objects.count()}")[1]
    api = {"Authorization": f"Bearer {token}"}
    pk = world.term.pk
    return {
        "page": _queries(lambda: client.get(f"/console/terms/{pk}/")),
        "API": _queries(lambda: client.get(f"/api/v1/terms/{pk}/dashboard", headers=api)),
    }


# Issue 18: no page over 20 queries.
MAX_QUERIES = 20


def test_a_small_and_a_large_term_take_the_same_number_of_queries(world: World):
    """The same queries for a term of 6 proposals and projects and one of 78, at most 20: the
    proposal columns are counted (`column_counts`), no card is derived, and the projects
    without slots are counted and the first of them read by SQL."""
    fill(world, 1)
    small = _page_and_api(world)
    fill(world, 12)
    large = _page_and_api(world)
    assert large == small, (small, large)
    assert max(large.values()) <= MAX_QUERIES, large
    assert queries.dashboard(world.term, now=NOW).proposals_total == 13 * 6


@pytest.mark.parametrize(
    "page", ["/proposals/board/{}/", "/review/terms/{}/", "/selection/terms/{}/"]
)
def test_the_terms_admin_pages_link_to_the_dashboard(world: World, page: str):
    html = _page(world.client("admin").get(page.format(world.term.pk)))
    assert f'href="/console/terms/{world.term.pk}/"' in html


def test_the_dashboard_links_to_the_terms_other_pages(world: World):
    client = world.client("admin")
    html = _page(client.get(f"/console/terms/{world.term.pk}/"))
    pk = world.term.pk
    for href in (
        "/console/",
        "/console/programs/cncf/",
        f"/console/terms/{pk}/timeline/",
        f"/console/terms/{pk}/settings/",
        f"/proposals/board/{pk}/",
        f"/review/terms/{pk}/",
        f"/selection/terms/{pk}/",
        "/cncf/2026-term-3/",
    ):
        assert f'href="{href}"' in html, href
        assert client.get(href, follow=True).status_code == 200, href


def test_a_milestone_without_a_readable_date_is_left_out_of_the_deadlines(world: World):
    # An imported page can keep a date text Cohort could not read: no start, no end.
    Milestone.objects.create(
        term=world.term, key="stipends", label="Stipend payments", raw="TBD", position=99
    )
    board = queries.dashboard(world.term, now=NOW)
    assert "stipends" not in [d.key for d in board.deadlines]
    assert [d.key for d in board.deadlines][:1] == ["application_review"]

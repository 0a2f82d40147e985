"""The review queue and the admin's term overview at any size: the same queries for a small
project (or term) as for a large one, only a page of rows read and shown, and the filters,
the bulk decline and the CSV working across the pages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.applications.models import Application, MenteeProfile, Review, Task
from cohort.applications.queries import QUEUE_PAGE_SIZE
from cohort.applications.review_views import OVERVIEW_PAGE_SIZE
from cohort.applications.tests.conftest import WINDOW_OPEN, World
from cohort.core.models import User
from cohort.projects.models import Organization, Project
from cohort.terms.models import Program, ProgramMembership, Term

Status = Application.Status

ROW = re.compile(r'<input type="checkbox" name="applications" value="(\d+)"')
PROJECT_ROW = re.compile(r'<th scope="row"><a href="/review/projects/(\d+)/')


def add_applicants(
    project: Project,
    n: int,
    prefix: str,
    *,
    status: str = Status.SUBMITTED,
    reviewer: User | None = None,
) -> list[Application]:
    """`n` mentees with profiles, each with an application to `project` in `status` (its
    cover letter handed in), submitted a minute apart in the order made; scored 3 by
    `reviewer` if given."""
    return make_applications([(project, status)] * n, prefix, reviewer=reviewer)


def make_applications(
    wanted: Sequence[tuple[Project, str]], prefix: str, *, reviewer: User | None = None
) -> list[Application]:
    """A new mentee with a profile for each (project, status) of `wanted`, and their
    application. In bulk: a hundred applicants through the services take seconds."""
    users = User.objects.bulk_create(
        User(username=f"{prefix}-{i:03}", email=f"{prefix}-{i:03}@example.org")
        for i in range(len(wanted))
    )
    MenteeProfile.objects.bulk_create(
        MenteeProfile(
            user=user,
            name=f"Applicant {prefix} {i:03}",
            github=user.username,
            country="DE",
            time_zone="Europe/Berlin",
            is_adult=True,
            can_work=True,
            first_mentorship=True,
            no_coc_violation=True,
            attested_at=WINDOW_OPEN,
        )
        for i, user in enumerate(users)
    )
    applications = Application.objects.bulk_create(
        Application(
            mentee=user,
            term=project.term,
            project=project,
            status=status,
            status_changed_at=WINDOW_OPEN + timedelta(minutes=i),
            submitted_at=WINDOW_OPEN + timedelta(minutes=i) if status != Status.DRAFT else None,
            active_slot=1,
        )
        for i, (user, (project, status)) in enumerate(zip(users, wanted, strict=True))
    )
    Task.objects.bulk_create(
        Task(
            application=application,
            kind=Task.Kind.COVER_LETTER,
            title="Cover letter",
            text="Hello there, mentors.",
            completed_at=WINDOW_OPEN if application.status != Status.DRAFT else None,
        )
        for application in applications
    )
    if reviewer is not None:
        Review.objects.bulk_create(
            Review(application=a, reviewer=reviewer, score=3) for a in applications
        )
    return applications


@contextmanager
def built(model: type[Model]) -> Iterator[list[int]]:
    """How many `model` instances the code in the block builds (post_init), as [count]."""
    seen = [0]

    def count(**_: Any) -> None:
        seen[0] += 1

    post_init.connect(count, sender=model, weak=False)
    try:
        yield seen
    finally:
        post_init.disconnect(count, sender=model)


def fetch(client: Any, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(ctx.captured_queries)


def queue_url(project: Project, query: str = "") -> str:
    url = reverse("applications:queue", args=[project.pk])
    return f"{url}?{query}" if query else url


# --- the review queue ------------------------------------------------------------------------


def test_the_queue_costs_the_same_queries_and_reads_one_page_of_applicants(
    client: Any, world: World
) -> None:
    """Bob mentors cilium (3 applicants) and antrea (130): the same queries for both, and
    the large queue builds only the page's applications."""
    alice = world.user("alice")
    add_applicants(world.cilium, 3, "small", reviewer=alice)
    add_applicants(world.antrea, 130, "large", reviewer=alice)
    client.force_login(world.user("bob"))
    client.get(queue_url(world.cilium))  # warm up (content types, the session)

    small_html, small_queries = fetch(client, queue_url(world.cilium))
    with built(Application) as applications:
        large_html, large_queries = fetch(client, queue_url(world.antrea))

    assert small_queries == large_queries
    assert len(ROW.findall(small_html)) == 3
    assert len(ROW.findall(large_html)) == QUEUE_PAGE_SIZE
    assert applications[0] == QUEUE_PAGE_SIZE


def test_the_queue_shows_a_page_at_a_time_in_its_order(client: Any, world: World) -> None:
    made = add_applicants(world.antrea, 120, "big")
    client.force_login(world.user("alice"))

    first, _ = fetch(client, queue_url(world.antrea))
    assert [int(pk) for pk in ROW.findall(first)] == [a.pk for a in made[:QUEUE_PAGE_SIZE]]
    assert "applicants 1–50 of 120, page 1 of 3" in first
    assert 'href="?state=all&amp;page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    assert "Download this list as CSV (all 120, every page)" in first
    # The tab counts every applicant, not the page.
    assert '<span class="count">(120)</span>' in first

    second, _ = fetch(client, queue_url(world.antrea, "state=all&page=2"))
    assert [int(pk) for pk in ROW.findall(second)] == [a.pk for a in made[50:100]]
    assert "applicants 51–100 of 120, page 2 of 3" in second
    assert 'href="?state=all" rel="prev"' in second
    assert '<input type="hidden" name="page" value="2">' in second

    last, _ = fetch(client, queue_url(world.antrea, "page=3"))
    assert [int(pk) for pk in ROW.findall(last)] == [a.pk for a in made[100:]]
    assert 'rel="next"' not in last
    # Past the end: the last page; not a number: the first.
    assert ROW.findall(fetch(client, queue_url(world.antrea, "page=99"))[0]) == ROW.findall(last)
    assert ROW.findall(fetch(client, queue_url(world.antrea, "page=x"))[0]) == ROW.findall(first)


def test_the_queue_pages_keep_the_filter(client: Any, world: World) -> None:
    shortlisted = add_applicants(world.antrea, 60, "short", status=Status.SHORTLISTED)
    add_applicants(world.antrea, 45, "draft", status=Status.DRAFT)
    client.force_login(world.user("alice"))

    first, _ = fetch(client, queue_url(world.antrea, "state=shortlisted"))
    assert "applicants 1–50 of 60, page 1 of 2" in first
    assert 'href="?state=shortlisted&amp;page=2" rel="next"' in first
    second, _ = fetch(client, queue_url(world.antrea, "state=shortlisted&page=2"))
    assert [int(pk) for pk in ROW.findall(second)] == [a.pk for a in shortlisted[50:]]
    # Forty-five in progress fit on one page: no pager.
    drafts, _ = fetch(client, queue_url(world.antrea, "state=incomplete"))
    assert len(ROW.findall(drafts)) == 45
    assert 'class="pagination"' not in drafts
    assert "In progress: 45 applicants." in drafts


def test_a_bulk_decline_from_page_two_declines_there_and_comes_back_to_it(
    client: Any, world: World
) -> None:
    made = add_applicants(world.antrea, 120, "many")
    client.force_login(world.user("alice"))
    picked = made[60]
    response = client.post(
        reverse("applications:bulk_decline", args=[world.antrea.pk]),
        {"applications": [str(picked.pk)], "message": "Thanks!", "state": "all", "page": "2"},
    )
    assert response.status_code == 302
    assert response["Location"] == queue_url(world.antrea, "state=all&page=2")
    picked.refresh_from_db()
    assert picked.status == Status.REJECTED
    assert Application.objects.filter(project=world.antrea, status=Status.REJECTED).count() == 1


def test_a_refused_bulk_decline_shows_the_page_it_came_from(client: Any, world: World) -> None:
    made = add_applicants(world.antrea, 120, "again")
    client.force_login(world.user("alice"))
    response = client.post(
        reverse("applications:bulk_decline", args=[world.antrea.pk]),
        {"applications": [str(made[60].pk)], "message": "", "state": "all", "page": "2"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert [int(pk) for pk in ROW.findall(html)] == [a.pk for a in made[50:100]]
    assert f'value="{made[60].pk}" id="pick-{made[60].pk}" checked' in html


def test_the_csv_lists_every_applicant_of_the_filter_not_one_page(
    client: Any, world: World
) -> None:
    add_applicants(world.antrea, 120, "csv")
    client.force_login(world.user("alice"))
    response = client.get(reverse("applications:queue_csv", args=[world.antrea.pk]) + "?state=all")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 1 + 120


def test_the_ranking_lists_the_whole_shortlist(client: Any, world: World) -> None:
    add_applicants(world.antrea, 60, "rank", status=Status.SHORTLISTED)
    client.force_login(world.user("alice"))
    response = client.get(reverse("applications:ranking", args=[world.antrea.pk]))
    assert len(response.context["entries"]) == 60


# --- the admin's term overview ---------------------------------------------------------------


def build_term(slug: str, n_projects: int) -> tuple[Term, User]:
    """A term of `n_projects` projects in 10 organizations, one submitted application to each
    and one draft to every other, and an admin of its program."""
    program = Program.objects.create(name=f"Program {slug}", slug=slug)
    term = Term.objects.create(program=program, year=2024, number=3, title="Term 3")
    orgs = Organization.objects.bulk_create(
        Organization(program=program, name=f"Org {i}", slug=f"{slug}-org-{i}") for i in range(10)
    )
    projects = Project.objects.bulk_create(
        Project(
            term=term,
            organization=orgs[i % 10],
            slug=f"p-{i:04}",
            title=f"Project {i:04}",
            status=Project.Status.PUBLISHED,
            position=i,
        )
        for i in range(n_projects)
    )
    make_applications(
        [(p, Status.SUBMITTED) for p in projects] + [(p, Status.DRAFT) for p in projects[::2]],
        slug,
    )
    admin = User.objects.create_user(f"{slug}-admin")
    ProgramMembership.objects.create(program=program, user=admin)
    return term, admin


def overview_url(term: Term, query: str = "") -> str:
    url = reverse("applications:term_overview", args=[term.pk])
    return f"{url}?{query}" if query else url


@pytest.mark.django_db
def test_the_overview_costs_the_same_queries_and_reads_one_page_of_projects(
    client: Any,
) -> None:
    small, small_admin = build_term("small", 3)
    large, large_admin = build_term("large", 130)
    client.force_login(small_admin)
    client.get(overview_url(small))
    small_html, small_queries = fetch(client, overview_url(small))
    client.force_login(large_admin)
    client.get(overview_url(large))
    with built(Project) as projects:
        large_html, large_queries = fetch(client, overview_url(large))

    assert small_queries == large_queries
    assert len(PROJECT_ROW.findall(small_html)) == 3
    assert len(PROJECT_ROW.findall(large_html)) == OVERVIEW_PAGE_SIZE
    assert projects[0] == OVERVIEW_PAGE_SIZE


@pytest.mark.django_db
def test_the_overview_pages_and_its_totals_count_every_project(client: Any) -> None:
    term, admin = build_term("paged", 130)
    client.force_login(admin)

    first = client.get(overview_url(term))
    assert [c.project.title for c in first.context["rows"]] == [
        f"Project {i:04}" for i in range(100)
    ]
    totals = first.context["totals"]
    # 130 submitted and 65 drafts, on both pages.
    assert (totals.total, totals.complete, totals.incomplete) == (195, 130, 65)
    html = first.content.decode()
    assert "Projects 1–100 of 130, page 1 of 2." in html
    assert "130 projects" in html

    second = client.get(overview_url(term, "page=2"))
    rows = second.context["rows"]
    assert [c.project.title for c in rows] == [f"Project {i:04}" for i in range(100, 130)]
    assert [(c.total, c.complete, c.incomplete) for c in rows[:2]] == [(2, 1, 1), (1, 1, 0)]
    assert second.context["totals"] == totals

    # A filter keeps its projects only, pages them and counts their totals.
    drafts = client.get(overview_url(term, "state=incomplete&page=1"))
    assert len(drafts.context["rows"]) == 65
    assert drafts.context["totals"].incomplete == 65
    assert drafts.context["totals"].complete == 65
    assert 'class="pagination"' not in drafts.content.decode()

"""A term's catalog (the page and the API) at any size: the same queries for 3 projects as
for 130, a page of cards at a time, the filters kept from page to page."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from cohort.core.models import Person
from cohort.projects.models import Mentorship, Organization, Project, UpstreamIssue
from cohort.terms.models import Program, Term
from cohort.web.queries import TERM_PAGE_SIZE

pytestmark = pytest.mark.django_db

CARD = re.compile(r'<article class="card"')


def build_term(slug: str, n_projects: int, n_orgs: int = 20) -> Term:
    """A published term of `n_projects` projects in `n_orgs` organizations, each project with
    two mentors and an upstream issue, in bulk."""
    program = Program.objects.create(name=f"Program {slug}", slug=slug)
    term = Term.objects.create(program=program, year=2024, number=3, title="Term 3")
    orgs = Organization.objects.bulk_create(
        Organization(program=program, name=f"Org {i:03}", slug=f"{slug}-org-{i:03}")
        for i in range(min(n_orgs, n_projects))
    )
    projects = Project.objects.bulk_create(
        Project(
            term=term,
            organization=orgs[i % len(orgs)],
            slug=f"p-{i:04}",
            title=f"Project {i:04}",
            status=Project.Status.PUBLISHED,
            position=i,
            skills="Go, Kubernetes" if i % 2 else "Rust, WebAssembly",
            lfx_url=f"https://mentorship.lfx.linuxfoundation.org/project/{slug}{i}",
        )
        for i in range(n_projects)
    )
    people = Person.objects.bulk_create(
        Person(name=f"Mentor {slug} {i}", github=f"{slug}-mentor-{i}") for i in range(10)
    )
    Mentorship.objects.bulk_create(
        Mentorship(project=p, person=people[(i + k) % 10], position=k, name="M", github=f"m{k}")
        for i, p in enumerate(projects)
        for k in range(2)
    )
    UpstreamIssue.objects.bulk_create(
        UpstreamIssue(project=p, url=f"https://github.com/o/r/issues/{p.pk}", position=0)
        for p in projects
    )
    return term


def get(client: Any, url: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(ctx.captured_queries)


def test_the_term_page_costs_the_same_queries_and_shows_a_page_of_cards(client: Any) -> None:
    small = build_term("small", 3)
    large = build_term("large", 130)
    small_page, small_queries = get(client, small.get_absolute_url())
    large_page, large_queries = get(client, large.get_absolute_url())
    assert small_queries == large_queries
    assert len(CARD.findall(small_page.content.decode())) == 3
    html = large_page.content.decode()
    assert len(CARD.findall(html)) == TERM_PAGE_SIZE
    assert "130 projects in 20 organizations" in html
    assert f"These are 1–{TERM_PAGE_SIZE} of 130, page 1 of 3." in html
    assert "Project 0000" in html
    assert "Project 0060" not in html
    # The size grows with the page, not with the term.
    assert len(large_page.content) < 4 * len(small_page.content) + 60_000

    last, last_queries = get(client, large.get_absolute_url() + "?page=3")
    assert last_queries == large_queries
    last_html = last.content.decode()
    assert len(CARD.findall(last_html)) == 130 - 2 * TERM_PAGE_SIZE
    assert "These are 121–130 of 130, page 3 of 3." in last_html
    assert 'href="?page=2" rel="prev"' in last_html
    assert 'rel="next"' not in last_html
    # A page past the end shows the last; a page that is no number, the first.
    assert "page 3 of 3" in client.get(large.get_absolute_url() + "?page=99").content.decode()
    assert "page 1 of 3" in client.get(large.get_absolute_url() + "?page=x").content.decode()


@contextmanager
def models_built() -> Iterator[Counter[str]]:
    """How many model instances of each class the block builds (rows read into models)."""
    built: Counter[str] = Counter()

    def count(sender: type, **kwargs: Any) -> None:
        built[sender.__name__] += 1

    post_init.connect(count, weak=False)
    try:
        yield built
    finally:
        post_init.disconnect(count)


def test_the_term_page_reads_a_page_of_projects_into_models_whatever_the_size(
    client: Any,
) -> None:
    """The filters and their counts read every project, but no model of it: only this
    page's cards are built, with their organization, mentors and issues."""
    small = build_term("small", 3)
    large = build_term("large", 250)
    kinds = ("Project", "Organization", "Mentorship", "UpstreamIssue")
    for url, cards in (
        (small.get_absolute_url(), 3),
        (large.get_absolute_url(), TERM_PAGE_SIZE),
        (large.get_absolute_url() + "?page=3", TERM_PAGE_SIZE),
        (large.get_absolute_url() + "?skill=rust&page=3", 5),  # 125 ask for Rust
        (large.get_absolute_url() + "?org=large-org-003", 13),
    ):
        with models_built() as built:
            html = client.get(url).content.decode()
        assert len(CARD.findall(html)) == cards, url
        assert {kind: built[kind] for kind in kinds} == {
            "Project": cards,
            "Organization": cards,  # each card's, read with it
            "Mentorship": 2 * cards,
            "UpstreamIssue": cards,
        }, url


def test_the_filters_are_kept_from_page_to_page(client: Any) -> None:
    term = build_term("big", 250)
    page, _ = get(client, term.get_absolute_url() + "?skill=go&page=2")
    html = page.content.decode()
    # 125 projects ask for Go: three pages of them; the links keep the skill.
    assert "Showing 125 of 250 projects matching “go”." in html
    assert f"These are {TERM_PAGE_SIZE + 1}–{2 * TERM_PAGE_SIZE} of 125, page 2 of 3." in html
    assert 'href="?skill=go&amp;page=1" rel="prev"' in html
    assert 'href="?skill=go&amp;page=3" rel="next"' in html
    assert "Rust, WebAssembly" not in html


def test_the_catalog_api_pages_in_the_same_queries(client: Any) -> None:
    small = build_term("small", 3)
    large = build_term("large", 130)
    url = "/api/v1/terms/{}/projects"
    small_answer, small_queries = get(client, url.format(small.pk))
    large_answer, large_queries = get(client, url.format(large.pk))
    assert small_queries == large_queries
    assert len(small_answer.json()) == 3
    assert small_answer["X-Total-Count"] == "3"
    first = large_answer.json()
    assert len(first) == 100  # the default page size
    assert large_answer["X-Total-Count"] == "130"
    assert f"{url.format(large.pk)}?page=2&page_size=100" in large_answer["Link"]
    second = client.get(url.format(large.pk) + "?page=2").json()
    assert [p["title"] for p in first + second] == [f"Project {i:04}" for i in range(130)]
    everything = client.get(url.format(large.pk) + "?page_size=500").json()
    assert len(everything) == 130
    assert client.get(url.format(large.pk) + "?page_size=501").status_code == 422


def test_the_catalog_api_reads_a_page_of_projects_into_models(client: Any) -> None:
    """A page of the API builds its projects, their organizations, mentors and issues, and
    the term once: not a term and a program per project."""
    small = build_term("small", 3)
    large = build_term("large", 250)
    kinds = ("Project", "Organization", "Mentorship", "UpstreamIssue", "Term", "Program")
    url = "/api/v1/terms/{}/projects"
    for address, rows in (
        (url.format(small.pk), 3),
        (url.format(large.pk), 100),
        (url.format(large.pk) + "?page=3", 50),
        (url.format(large.pk) + "?page=2&page_size=30", 30),
    ):
        with models_built() as built:
            answer = client.get(address)
        assert len(answer.json()) == rows, address
        assert {kind: built[kind] for kind in kinds} == {
            "Project": rows,
            "Organization": rows,
            "Mentorship": 2 * rows,
            "UpstreamIssue": rows,
            "Term": 1,
            "Program": 1,
        }, address


def test_the_admin_term_overview_pages_in_the_same_queries(client: Any) -> None:
    from cohort.applications.review_views import OVERVIEW_PAGE_SIZE
    from cohort.core.models import User
    from cohort.terms.models import ProgramMembership

    small = build_term("small", 3)
    large = build_term("large", 130)
    admin = User.objects.create_user("overseer")
    for term in (small, large):
        ProgramMembership.objects.create(program=term.program, user=admin)
    client.force_login(admin)
    url = "/review/terms/{}/"
    small_page, small_queries = get(client, url.format(small.pk))
    large_page, large_queries = get(client, url.format(large.pk))
    assert small_queries == large_queries
    html = large_page.content.decode()
    assert html.count('<th scope="row"><a href="/review/projects/') == OVERVIEW_PAGE_SIZE
    assert f"Projects 1–{OVERVIEW_PAGE_SIZE} of 130, page 1 of 2" in html
    assert 'href="?page=2" rel="next"' in html
    last = client.get(url.format(large.pk) + "?page=2").content.decode()
    assert last.count('<th scope="row"><a href="/review/projects/') == 30
    assert "Project 0129" in last
    assert "Project 0129" not in html
    assert "page 1 of" not in small_page.content.decode()

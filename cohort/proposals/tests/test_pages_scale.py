"""The proposal pages at scale (issue 18): "My proposals" and a proposal's page take as many
queries for a small term as for a large one with more terms, at most `MAX_QUERIES`; the list
shows `queries.LIST_PAGE` proposals a page; the home page's `awaiting_decision` derives in
full only the proposals it returns."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.core.models import User
from cohort.projects.models import Project
from cohort.proposals import gates, queries
from cohort.proposals import services as s
from cohort.proposals.review import Review, derive_review, review
from cohort.proposals.tests.conftest import DEADLINE, World, make_form
from cohort.proposals.tests.test_queries import _add_proposals
from cohort.terms.models import Program, Term

pytestmark = pytest.mark.django_db
BEFORE = DEADLINE - timedelta(days=3)
MAX_QUERIES = 20
ROLES = ("admin", "maintainer", "alice", "carol")  # program admin, maintainer, mentor, proposer


def _count(user: User, url: str) -> int:
    client = Client()
    client.force_login(user)
    client.get(url)  # the session's first read aside
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def _more_terms(world: World, count: int) -> None:
    """`count` more terms: of this program, and of another one nobody here administers."""
    other = Program.objects.create(name="Other", slug="other")
    for i in range(count):
        Term.objects.create(program=(world.program, other)[i % 2], year=2020 + i, number=1)


def _one_proposal(world: World) -> Project:
    project = s.create_proposal(world.term, make_form(), actor=world.users["carol"])
    s.submit_proposal(project, actor=world.users["carol"], now=BEFORE)
    return project


def test_a_proposals_page_takes_as_many_queries_in_a_large_term_as_in_a_small_one(
    world: World,
):
    project = _one_proposal(world)
    url = reverse("proposals:detail", args=[project.pk])
    small = {who: _count(world.users[who], url) for who in ROLES}
    _add_proposals(world, 12)
    _more_terms(world, 4)
    s.confirm_mentorship(project, actor=world.users["alice"])
    s.approve_proposal(project, actor=world.users["maintainer"])
    large = {who: _count(world.users[who], url) for who in ROLES}
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large


def test_the_proposal_list_takes_as_many_queries_for_many_terms_as_for_one(world: World):
    _add_proposals(world, 3)
    url = reverse("proposals:list")
    small = {who: _count(world.users[who], url) for who in ROLES}
    _add_proposals(world, 12)
    _more_terms(world, 6)
    large = {who: _count(world.users[who], url) for who in ROLES}
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large


def _rows(html: str) -> list[str]:
    """The proposal numbers the page lists, in order."""
    return re.findall(r'<td class="num">([^<]*)</td>', html)


def test_the_proposal_list_shows_fifty_proposals_a_page_with_where_it_is(world: World):
    _add_proposals(world, 3)
    client = Client()
    client.force_login(world.users["admin"])
    url = reverse("proposals:list")
    few = client.get(url).content.decode()
    assert len(_rows(few)) == 3
    assert 'class="pagination"' not in few
    _add_proposals(world, queries.LIST_PAGE)  # 53 in all
    every = [
        str(n) if n else "—"
        for n in Project.objects.filter(term=world.term)
        .order_by("number", "pk")
        .values_list("number", flat=True)
    ]
    first = client.get(url).content.decode()
    assert _rows(first) == every[: queries.LIST_PAGE]
    assert "Proposals 1–50 of 53, page 1 of 2." in first
    assert "53 proposals, 50 on this page" in first
    assert 'href="?page=2" rel="next"' in first
    second = client.get(url, {"page": "2"}).content.decode()
    assert _rows(second) == every[queries.LIST_PAGE :]
    assert "Proposals 51–53 of 53, page 2 of 2." in second
    assert 'href="?" rel="prev"' in second
    # Past the end: the last page; not a number: the first.
    assert _rows(client.get(url, {"page": "99"}).content.decode()) == every[queries.LIST_PAGE :]
    assert _rows(client.get(url, {"page": "x"}).content.decode()) == every[: queries.LIST_PAGE]
    # The page's size does not grow with the list: 53 proposals weigh about what 3 do.
    assert len(first) < len(few) + queries.LIST_PAGE * 1500


def test_the_list_keeps_the_query_strings_other_keys_in_its_page_links(world: World):
    _add_proposals(world, queries.LIST_PAGE + 1)
    client = Client()
    client.force_login(world.users["admin"])
    html = client.get(reverse("proposals:list"), {"sort": "x"}).content.decode()
    assert 'href="?sort=x&amp;page=2" rel="next"' in html


def test_the_api_list_still_lists_every_proposal(world: World):
    _add_proposals(world, queries.LIST_PAGE + 2)
    groups = queries.proposal_list(world.users["admin"], now=BEFORE)
    assert sum(len(g.rows) for g in groups) == queries.LIST_PAGE + 2 == groups[0].total


def _expected(user: User) -> tuple[list[int], list[int], list[int]]:
    """`awaiting_decision`'s three lists, from `review()` of every submitted proposal."""
    approve, final, publish = [], [], []
    for project in Project.objects.filter(status=Project.Status.SUBMITTED).order_by("number", "pk"):
        state = review(project)
        if state.column == gates.AWAITING and not state.gates.maintainer_approved:
            if user.username == "maintainer" and project.organization.slug == "jaeger":
                approve.append(project.pk)
        elif state.column == gates.APPROVED_CONFIRMED and user.username == "admin":
            final.append(project.pk)
        elif state.column == gates.CNCF_APPROVED and user.username == "admin":
            publish.append(project.pk)
    return approve, final, publish


def test_awaiting_decision_derives_in_full_only_the_proposals_it_returns(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    _add_proposals(world, 20)
    derived: list[int] = []

    def counting(project: Project, *args: Any, **kwargs: Any) -> Review:
        derived.append(project.pk)
        return derive_review(project, *args, **kwargs)

    monkeypatch.setattr(queries, "derive_review", counting)
    for who in ("admin", "maintainer"):
        derived.clear()
        waiting = queries.awaiting_decision(world.users[who])
        got = tuple(
            [r.project.pk for r in rows]
            for rows in (waiting.approve, waiting.final, waiting.publish)
        )
        assert got == _expected(world.users[who])
        for rows in (waiting.approve, waiting.final, waiting.publish):
            for row in rows:
                assert row.review == review(row.project)
        assert sum(len(rows) for rows in got), who  # the fixture leaves work for both
        # Derived in full: the admin's two lists exactly; for the maintainer, their
        # organization's proposals in the awaiting column (approved ones are then left out).
        if who == "admin":
            assert sorted(derived) == sorted(got[1] + got[2])
        else:
            assert sorted(derived) == sorted(
                p.pk
                for p in Project.objects.filter(
                    status=Project.Status.SUBMITTED, organization=world.jaeger
                )
                if review(p).column == gates.AWAITING
            )
        assert len(derived) < Project.objects.filter(status=Project.Status.SUBMITTED).count()

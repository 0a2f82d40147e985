"""The proposal read models (`cohort.proposals.queries`): the same state as `review()`, in a
fixed number of queries whatever the number of proposals, for the pages and the API alike."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cohort.core.tokens import create_api_token
from cohort.projects.models import Project
from cohort.proposals import gates, queries
from cohort.proposals import services as s
from cohort.proposals.review import review
from cohort.proposals.tests.conftest import DEADLINE, World, make_form

pytestmark = pytest.mark.django_db
BEFORE = DEADLINE - timedelta(days=3)


def _add_proposals(world: World, count: int) -> None:
    """`count` proposals in every state the board shows: drafts, submitted ones, approved by
    the maintainer, confirmed by a mentor, by a maintainer proposer, over the quota."""
    for i in range(count):
        proposer = world.users[("carol", "maintainer", "alice")[i % 3]]
        org = "Kubernetes" if i % 4 == 3 else "Jaeger"
        form = make_form(
            project=org,
            program_name=f"Proposal {len(Project.objects.all())}",
            upstream_issue_url=f"https://github.com/jaegertracing/jaeger/issues/{i % 2}",
        )
        project = s.create_proposal(world.term, form, actor=proposer)
        if i % 5 == 4:
            continue  # a draft
        s.submit_proposal(project, actor=proposer, now=BEFORE)
        state = review(project)
        if i % 3 == 1 and state.validation.ok and not state.gates.maintainer_approved:
            s.approve_proposal(project, actor=world.users["admin"])
        if i % 2 == 0 and state.validation.ok:
            s.confirm_mentorship(project, actor=world.users["alice"])
            s.confirm_mentorship(project, actor=world.users["bob"])
            if review(project).gates.both_gates and i % 4 == 0:
                s.approve_proposal_as_admin(project, actor=world.users["admin"])
        if i % 7 == 6:
            s.withdraw_proposal(project, actor=proposer)


def _queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200, response.content
    return len(captured)


def _pages_and_api(world: World) -> dict[str, int]:
    """Queries each of the four views takes, as a program admin."""
    client = Client()
    client.force_login(world.users["admin"])
    token = create_api_token(world.users["admin"], name="tests")[1]
    api = {"Authorization": f"Bearer {token}"}
    term = world.term.pk
    return {
        "list page": _queries(lambda: client.get("/proposals/")),
        "board page": _queries(lambda: client.get(f"/proposals/board/{term}/")),
        "API list": _queries(lambda: client.get("/api/v1/proposals", headers=api)),
        "API board": _queries(lambda: client.get(f"/api/v1/terms/{term}/board", headers=api)),
    }


def test_the_board_and_the_lists_take_as_many_queries_for_3_proposals_as_for_15(world: World):
    _add_proposals(world, 3)
    small = _pages_and_api(world)
    _add_proposals(world, 12)
    assert _pages_and_api(world) == small, small


def test_the_read_models_give_each_proposal_the_state_review_gives_it(world: World):
    _add_proposals(world, 12)
    board = queries.board(world.term)
    rows = [row for column in board.columns for row in column.rows]
    assert len(rows) == board.total == 12
    assert len({row.column for row in rows}) >= 4  # every state of _add_proposals
    for row in rows:
        assert row.review == review(row.project), row.project
        assert queries.proposal_row(row.project.pk).review == row.review
    listed = queries.proposal_list(world.users["admin"], now=BEFORE)
    assert [r.project.pk for g in listed for r in g.rows] == sorted(
        (r.project.pk for r in rows),
        key=lambda pk: (Project.objects.get(pk=pk).number or 0, pk),
    )


def test_a_mentor_lists_only_the_proposals_they_may_see(world: World):
    _add_proposals(world, 6)
    s.create_proposal(
        world.term,
        make_form(mentors="Bob Roe | @bob | bob@example.org | boblf"),
        actor=world.users["bob"],
    )
    groups = queries.proposal_list(world.users["bob"], now=BEFORE)
    assert [len(g.rows) for g in groups] == [
        Project.objects.filter(mentorships__github="bob").count()
    ]
    assert not groups[0].is_admin


def test_imported_published_projects_sit_in_the_exported_column_not_the_inbox(world: World):
    project = s.create_proposal(world.term, make_form(), actor=world.users["carol"])
    project.events.all().delete()  # as an import leaves it: published, no proposal events
    Project.objects.filter(pk=project.pk).update(status=Project.Status.PUBLISHED)
    board = queries.board(world.term)
    columns = {c.name: [r.project.pk for r in c.rows] for c in board.columns}
    assert project.pk not in columns[gates.INBOX]
    assert columns[gates.EXPORTED] == [project.pk]
    assert review(Project.objects.get(pk=project.pk)).column == gates.EXPORTED

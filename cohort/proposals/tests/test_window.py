"""The proposals window has a start and an end, and a term without one takes no proposals
(issue 10 finding 7). The rule is in the services: the page, the API and import-proposals
are refused alike."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from cohort.core.errors import DomainError
from cohort.core.tokens import create_api_token
from cohort.projects.models import Project
from cohort.proposals import services as s
from cohort.proposals.tests.conftest import DEADLINE, WINDOW_START, World, make_form
from cohort.proposals.tests.test_api import Api
from cohort.terms.models import Milestone

pytestmark = pytest.mark.django_db


def test_proposer_cannot_submit_before_the_window_opens(world: World) -> None:
    carol = world.users["carol"]
    draft = s.create_proposal(
        world.term, make_form(), actor=carol, now=WINDOW_START - timedelta(days=2)
    )
    with pytest.raises(
        DomainError,
        match=r"Proposals for 2026 Term 3 open on Wed Jul 1, 2026 12:00:00 AM UTC \(UTC\)",
    ):
        s.submit_proposal(draft, actor=carol, now=WINDOW_START - timedelta(seconds=1))
    assert (
        s.submit_proposal(draft, actor=carol, now=WINDOW_START).status == Project.Status.SUBMITTED
    )


def test_proposer_can_write_a_draft_before_the_window_opens_but_not_after_it_closes(
    world: World,
) -> None:
    carol = world.users["carol"]
    early = s.create_proposal(
        world.term, make_form(), actor=carol, now=WINDOW_START - timedelta(days=1)
    )
    assert early.status == Project.Status.DRAFT
    with pytest.raises(DomainError, match="deadline for this term has passed"):
        s.create_proposal(world.term, make_form(program_name="Late"), actor=carol, now=DEADLINE)
    assert Project.objects.count() == 1


@pytest.mark.parametrize("undated", ["missing", "no_start", "no_end"])
def test_a_term_without_a_dated_proposals_window_takes_no_proposals(
    world: World, undated: str
) -> None:
    milestones = Milestone.objects.filter(term=world.term, key="proposals_open")
    if undated == "missing":
        milestones.delete()
    else:
        milestones.update(**{undated.removeprefix("no_"): None})
    carol = world.users["carol"]
    with pytest.raises(DomainError, match="has no dated proposals window on its timeline"):
        s.create_proposal(world.term, make_form(), actor=carol)
    assert not Project.objects.exists()


def test_a_draft_cannot_be_submitted_once_the_window_is_removed(world: World) -> None:
    carol = world.users["carol"]
    draft = s.create_proposal(world.term, make_form(), actor=carol)
    Milestone.objects.filter(term=world.term, key="proposals_open").delete()
    with pytest.raises(DomainError, match="has no dated proposals window"):
        s.submit_proposal(draft, actor=carol)
    draft.refresh_from_db()
    assert draft.status == Project.Status.DRAFT


def test_proposer_cannot_create_through_the_api_or_page_without_a_window(world: World) -> None:
    Milestone.objects.filter(term=world.term, key="proposals_open").delete()
    api = Api(create_api_token(world.users["carol"], name="tests")[1])
    response = api(
        "POST", f"/terms/{world.term.pk}/proposals", {"project": "Jaeger", "program_name": "X"}
    )
    assert response.status_code == 400
    assert "has no dated proposals window" in response.json()["detail"]
    client = Client()
    client.force_login(world.users["carol"])
    assert client.get(f"/proposals/new/{world.term.pk}/").status_code == 404
    assert not Project.objects.exists()


def test_proposer_cannot_submit_through_the_api_before_the_window_opens(world: World) -> None:
    carol = world.users["carol"]
    draft = s.create_proposal(world.term, make_form(), actor=carol)
    api = Api(create_api_token(carol, name="tests")[1])
    with time_machine.travel(WINDOW_START - timedelta(hours=1), tick=False):
        response = api("POST", f"/proposals/{draft.pk}/submit")
    assert response.status_code == 400
    assert "open on Wed Jul 1, 2026" in response.json()["detail"]


# --- every door refuses a proposal once the window has closed (issue 11) -------------------


def test_every_door_refuses_a_proposal_after_the_deadline(world: World, tmp_path, capsys) -> None:
    """The page, the API (fields and issue body) and `import-proposals` all say so."""
    from io import StringIO

    from django.core.management import call_command

    from cohort.formats.issueform import issue_form_body

    body = issue_form_body(make_form())
    api = Api(create_api_token(world.users["carol"], name="tests")[1])
    client = Client()
    client.force_login(world.users["carol"])
    path = tmp_path / "one.md"
    path.write_text(body, encoding="utf-8")
    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        fields = api(
            "POST", f"/terms/{world.term.pk}/proposals", {"project": "Jaeger", "program_name": "X"}
        )
        pasted = api("POST", f"/terms/{world.term.pk}/proposals/from-issue-body", {"body": body})
        page = client.get(f"/proposals/new/{world.term.pk}/")
        with pytest.raises(SystemExit) as exit_:
            call_command("import_proposals", "--term", "2026 Term 3", str(path), stdout=StringIO())
    for response in (fields, pasted):
        assert response.status_code == 400
        assert response.json()["detail"] == "The proposal deadline for this term has passed."
    assert page.status_code == 404
    assert exit_.value.code == 2
    assert "The proposal deadline for this term has passed." in capsys.readouterr().err
    assert not Project.objects.exists()

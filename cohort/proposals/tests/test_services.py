"""The proposal workflow through its services (cncf-process.md §3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent
from cohort.formats.lfx import render_lfx_json
from cohort.projects.interchange import term_data
from cohort.projects.models import Project
from cohort.proposals import gates
from cohort.proposals import services as s
from cohort.proposals.models import ProposalEvent
from cohort.proposals.review import review
from cohort.proposals.tests.conftest import DEADLINE, make_form

pytestmark = pytest.mark.django_db

BEFORE = DEADLINE - timedelta(days=3)


def submitted(world, form=None, proposer="carol"):
    project = s.create_proposal(world.term, form or make_form(), actor=world.users[proposer])
    return s.submit_proposal(project, actor=world.users[proposer], now=BEFORE)


def approve_all(world, project):
    s.approve_proposal(project, actor=world.users["maintainer"])
    s.confirm_mentorship(project, actor=world.users["alice"])
    s.confirm_mentorship(project, actor=world.users["bob"])
    s.approve_proposal_as_admin(project, actor=world.users["admin"])


def column(project):
    return review(Project.objects.get(pk=project.pk)).column


def test_a_proposal_walks_from_draft_to_published(world):
    draft = s.create_proposal(world.term, make_form(), actor=world.users["carol"])
    assert (draft.status, draft.number) == ("draft", 1)
    assert draft.lfx_title == "CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3)"
    assert [m.github for m in draft.mentorships.order_by("position")] == ["alice", "bob"]
    assert draft.skills == "Go, Helm, Kubernetes"
    assert column(draft) == gates.INBOX

    project = s.submit_proposal(draft, actor=world.users["carol"], now=BEFORE)
    assert column(project) == gates.AWAITING
    s.approve_proposal(project, actor=world.users["maintainer"])
    s.confirm_mentorship(project, actor=world.users["alice"])
    assert review(project).gates.awaiting == ("bob",)
    s.confirm_mentorship(project, actor=world.users["bob"])
    assert column(project) == gates.APPROVED_CONFIRMED
    s.approve_proposal_as_admin(project, actor=world.users["admin"])
    assert column(project) == gates.CNCF_APPROVED

    assert s.publish_proposals(world.term, actor=world.users["admin"]) == [project]
    project.refresh_from_db()
    assert project.status == "published"
    assert column(project) == gates.EXPORTED
    exported = render_lfx_json(term_data(world.term, statuses=("published",)))
    assert '"issue_number": 1,' in exported
    assert '"program_name_full": "CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3)"' in exported
    url = "https://mentorship.lfx.linuxfoundation.org/project/b2d21cb7-4380-4375-9384-ca791e652f0d"
    s.record_lfx_url(project, url, actor=world.users["admin"])
    assert column(project) == gates.POSTED
    kinds = list(ProposalEvent.objects.filter(project=project).values_list("kind", flat=True))
    assert kinds == [
        "submitted",
        "maintainer_approved",
        "mentor_confirmed",
        "mentor_confirmed",
        "admin_approved",
        "published",
        "lfx_url_recorded",
    ]
    assert AuditEvent.objects.filter(object_id=str(project.pk)).count() >= 8


def test_a_material_edit_after_approval_resets_maintainer_and_admin_approval_only(world):
    project = submitted(world)
    approve_all(world, project)
    assert review(project).gates.admin_approved

    assert s.update_proposal(
        project, make_form(program_name="Jaeger v2 Helm Charts"), actor=world.users["carol"]
    )
    state = review(project).gates
    assert not state.maintainer_approved
    assert not state.admin_approved
    assert state.mentors_confirmed  # confirmations survive content edits
    assert column(project) == gates.AWAITING


def test_whitespace_only_edits_are_not_material(world):
    project = submitted(world)
    approve_all(world, project)
    reflowed = make_form(description="## Description\n\nShip a Helm chart   for Jaeger v2.  ")
    assert not s.update_proposal(project, reflowed, actor=world.users["carol"])
    assert review(project).gates.admin_approved


def test_a_new_mentor_reopens_confirmation_for_that_mentor_only(world):
    project = submitted(world)
    approve_all(world, project)
    roster = make_form(
        mentors=make_form().mentors + "\nCarol Poe | @carol | carol@example.org | carollf"
    )
    s.update_proposal(project, roster, actor=world.users["alice"])
    state = review(project).gates
    assert state.awaiting == ()  # carol is the proposer, so she counts as confirmed
    other = submitted(world, make_form(program_name="Other"), proposer="maintainer")
    with pytest.raises(DomainError, match="already been approved"):  # the proposer maintains it
        s.approve_proposal(other, actor=world.users["maintainer"])
    s.confirm_mentorship(other, actor=world.users["alice"])
    s.confirm_mentorship(other, actor=world.users["bob"])
    s.approve_proposal_as_admin(other, actor=world.users["admin"])
    s.update_proposal(other, roster, actor=world.users["maintainer"])
    assert review(other).gates.awaiting == ("carol",)
    assert review(other).gates.maintainer_approved  # the proposer is a maintainer


def test_admin_approval_is_refused_until_validation_and_both_gates_hold(world):
    project = submitted(world)
    with pytest.raises(
        DomainError, match="still missing maintainer approval and mentor confirmation"
    ):
        s.approve_proposal_as_admin(project, actor=world.users["admin"])
    s.approve_proposal(project, actor=world.users["maintainer"])
    with pytest.raises(DomainError, match="still missing mentor confirmation"):
        s.approve_proposal_as_admin(project, actor=world.users["admin"])
    broken = submitted(
        world, make_form(program_name="Broken", mentors="Alice Doe | @alice | alice@example.org")
    )
    with pytest.raises(DomainError, match="must pass validation"):
        s.approve_proposal(broken, actor=world.users["maintainer"])


def test_only_approvers_may_approve(world):
    project = submitted(world)
    for who in ("outsider", "alice", "delegate"):
        with pytest.raises(DomainError, match="not authorized to approve proposals for Jaeger"):
            s.approve_proposal(project, actor=world.users[who])
    assert s.approve_proposal(project, actor=world.users["admin"]).data == {
        "source": "program admin"
    }
    with pytest.raises(DomainError, match="already been approved by a maintainer"):
        s.approve_proposal(project, actor=world.users["maintainer"])


def test_kubernetes_maintainers_cannot_approve_but_its_delegates_can(world):
    project = submitted(world, make_form(project="Kubernetes"))
    with pytest.raises(DomainError, match="not authorized"):
        s.approve_proposal(project, actor=world.users["k8s"])
    assert s.approve_proposal(project, actor=world.users["delegate"]).data == {"source": "delegate"}


def test_mentors_confirm_their_own_slot_and_admins_may_confirm_for_them(world):
    project = submitted(world)
    with pytest.raises(DomainError, match="Only program admins can confirm on behalf"):
        s.confirm_mentorship(project, actor=world.users["alice"], handle="@bob")
    with pytest.raises(DomainError, match=r"^You are not listed as a mentor on this proposal"):
        s.confirm_mentorship(project, actor=world.users["outsider"])
    on_behalf = s.confirm_mentorship(project, actor=world.users["admin"], handle="@BOB")
    assert on_behalf is not None
    assert on_behalf.handle == "bob"
    assert s.confirm_mentorship(project, actor=world.users["bob"]) is None  # already confirmed
    with pytest.raises(DomainError, match="@dave is not a listed mentor"):
        s.confirm_mentorship(project, actor=world.users["admin"], handle="dave")


def test_submission_closes_at_the_proposal_deadline_to_the_second(world):
    early = s.create_proposal(world.term, make_form(), actor=world.users["carol"])
    s.submit_proposal(early, actor=world.users["carol"], now=DEADLINE - timedelta(seconds=1))
    late = s.create_proposal(world.term, make_form(program_name="Late"), actor=world.users["carol"])
    with pytest.raises(DomainError, match="deadline"):
        s.submit_proposal(late, actor=world.users["carol"], now=DEADLINE)
    with (
        time_machine.travel(DEADLINE + timedelta(hours=1)),
        pytest.raises(DomainError, match="deadline"),
    ):
        s.submit_proposal(late, actor=world.users["carol"])


def test_numbers_are_stable_and_never_reused(world):
    first = s.create_proposal(world.term, make_form(), actor=world.users["carol"])
    second = s.create_proposal(
        world.term, make_form(program_name="Two"), actor=world.users["carol"]
    )
    s.withdraw_proposal(second, actor=world.users["carol"])
    third = s.create_proposal(
        world.term, make_form(program_name="Three"), actor=world.users["carol"]
    )
    assert (first.number, second.number, third.number) == (1, 2, 3)


def test_over_quota_warns_and_never_blocks(world):
    projects = [submitted(world, make_form(program_name=f"P{i}")) for i in range(5)]
    warnings = review(projects[-1]).validation.warnings
    assert any(
        w.startswith(
            "**Over quota:** Jaeger has 5 proposals for 2026 Term 3 (Sep-Nov) (guideline: 4)."
        )
        for w in warnings
    )
    assert "#1, #2, #3, #4" in " ".join(warnings)
    approve_all(world, projects[-1])
    assert review(projects[-1]).gates.admin_approved


def test_the_guideline_is_the_terms_setting(world):
    projects = [submitted(world, make_form(program_name=f"P{i}")) for i in range(3)]
    assert not any("Over quota" in w for w in review(projects[-1]).validation.warnings)
    world.term.proposal_quota = 2
    world.term.save()
    projects[-1].refresh_from_db()
    assert any(
        w.startswith(
            "**Over quota:** Jaeger has 3 proposals for 2026 Term 3 (Sep-Nov) (guideline: 2)."
        )
        for w in review(projects[-1]).validation.warnings
    )
    world.term.quota_overrides = {"jaeger": 3}  # keyed as quotas.yml is: the name, lowercased
    world.term.save()
    projects[-1].refresh_from_db()
    assert "Quota: 3/3 proposals for Jaeger in 2026 Term 3 (Sep-Nov)" in (
        review(projects[-1]).validation.passed
    )


def test_withdraw_and_reject_are_limited_and_final(world):
    project = submitted(world)
    with pytest.raises(DomainError, match="Only the proposer"):
        s.withdraw_proposal(project, actor=world.users["outsider"])
    with pytest.raises(DomainError, match="Only program admins can reject"):
        s.reject_proposal(project, actor=world.users["maintainer"])
    s.reject_proposal(project, actor=world.users["admin"], note="Out of scope")
    with pytest.raises(DomainError, match="rejected"):
        s.approve_proposal(project, actor=world.users["maintainer"])
    assert column(project) == gates.CLOSED
    assert AuditEvent.objects.filter(
        action="projects.project.rejected", note="Out of scope"
    ).exists()


def test_lfx_urls_are_checked_as_the_cncf_bot_does(world):
    project = submitted(world)
    with pytest.raises(DomainError, match="Publish the proposal"):
        s.record_lfx_url(
            project,
            "https://mentorship.lfx.linuxfoundation.org/project/x",
            actor=world.users["admin"],
        )
    approve_all(world, project)
    s.publish_proposals(world.term, actor=world.users["admin"])
    with pytest.raises(DomainError, match="isn't an LFX Mentorship program URL"):
        s.record_lfx_url(project, "https://example.org/project/1", actor=world.users["admin"])
    with pytest.raises(DomainError, match="Only program admins"):
        s.record_lfx_url(
            project,
            "https://mentorship.lfx.linuxfoundation.org/project/x",
            actor=world.users["maintainer"],
        )


def test_unknown_organizations_are_refused(world):
    with pytest.raises(DomainError, match='"Nope" is not an organization of CNCF LFX Mentorship'):
        s.create_proposal(world.term, make_form(project="Nope"), actor=world.users["carol"])


def test_a_proposal_slug_never_collides_with_an_existing_one(world):
    s.create_proposal(world.term, make_form(program_name="Helm"), actor=world.users["carol"])
    s.create_proposal(world.term, make_form(program_name="Helm 3"), actor=world.users["carol"])
    # The third proposal, number 3, is titled "Helm" again: "helm" and "helm-3" are both taken.
    third = s.create_proposal(
        world.term, make_form(program_name="Helm"), actor=world.users["carol"]
    )
    slugs = list(Project.objects.filter(term=world.term).values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 3
    assert third.slug not in {"helm", "helm-3"}

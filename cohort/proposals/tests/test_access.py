"""Who may do what in the proposal workspace: every role × every permission (B10, C)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from cohort.core.models import Person, User
from cohort.core.permissions import Perm, Role
from cohort.projects.models import Mentorship, OrganizationMaintainer, Project
from cohort.proposals.access import (
    access_proposal,
    has_perm,
    proposals_visible_to,
    roles_for,
)
from cohort.proposals.tests.conftest import World
from cohort.terms.access import access_admin_term
from cohort.terms.models import Program, ProgramMembership, Term

# The proposal workspace's permissions; the application ones are tested in cohort.applications.
PROPOSAL_PERMS = frozenset(p for p in Perm if p.value.startswith(("proposal:", "term:")))
ALL = PROPOSAL_PERMS
NONE: frozenset[Perm] = frozenset()
MAINTAINER = frozenset({Perm.PROPOSAL_VIEW, Perm.PROPOSAL_APPROVE})
MENTOR = frozenset(
    {Perm.PROPOSAL_VIEW, Perm.PROPOSAL_EDIT, Perm.PROPOSAL_CONFIRM, Perm.PROPOSAL_WITHDRAW}
)
PROPOSER = frozenset(
    {Perm.PROPOSAL_VIEW, Perm.PROPOSAL_EDIT, Perm.PROPOSAL_SUBMIT, Perm.PROPOSAL_WITHDRAW}
)

# Who, on a submitted Jaeger proposal (org A; Kubernetes is org B), holds which permission.
EXPECTED: dict[str, frozenset[Perm]] = {
    "admin": ALL,  # program admin
    "superuser": ALL,
    "maintainer": MAINTAINER,  # maintainer of Jaeger
    "jaeger_delegate": MAINTAINER,  # delegate of Jaeger
    "k8s": NONE,  # maintainer of Kubernetes
    "delegate": NONE,  # delegate of Kubernetes
    "alice": MENTOR,  # listed mentor, linked through her Person
    "bob": MENTOR,  # listed mentor, matched by GitHub handle in another case
    "carol": PROPOSER,
    "outsider": NONE,  # logged in, unrelated
    "other_admin": NONE,  # program admin of another program
    "anonymous": NONE,
}


@dataclass
class Workspace:
    world: World
    proposal: Project
    users: dict[str, User | AnonymousUser]


@pytest.fixture
def workspace(world: World) -> Workspace:
    users: dict[str, User | AnonymousUser] = dict(world.users)
    users["superuser"] = User.objects.create_superuser("root", password="x")
    jaeger_delegate = User.objects.create_user("jdelegate", password="x")
    OrganizationMaintainer.objects.create(
        organization=world.jaeger, user=jaeger_delegate, kind=OrganizationMaintainer.Kind.DELEGATE
    )
    other = Program.objects.create(name="Other program", slug="other")
    other_admin = User.objects.create_user("otheradmin", password="x")
    ProgramMembership.objects.create(program=other, user=other_admin)
    users["jaeger_delegate"] = jaeger_delegate
    users["other_admin"] = other_admin
    users["anonymous"] = AnonymousUser()
    proposal = Project.objects.create(
        term=world.term,
        organization=world.jaeger,
        number=1,
        slug="jaeger-helm",
        title="Jaeger v2 Helm Chart",
        status=Project.Status.SUBMITTED,
        proposer=world.users["carol"],
    )
    alice = Person.objects.get(github="alice")
    Mentorship.objects.create(project=proposal, position=0, name="Alice", person=alice)
    Mentorship.objects.create(project=proposal, position=1, name="Bob", github="BOB")
    return Workspace(world, proposal, users)


CASES = [(who, perm) for who in EXPECTED for perm in sorted(PROPOSAL_PERMS)]


@pytest.mark.parametrize(("who", "perm"), CASES)
def test_has_perm_matrix(workspace, who, perm):
    user = workspace.users[who]
    assert has_perm(user, workspace.proposal, perm) is (perm in EXPECTED[who])


@pytest.mark.parametrize(("who", "perm"), CASES)
def test_access_proposal_matrix(workspace, who, perm):
    user = workspace.users[who]
    if perm in EXPECTED[who]:
        assert access_proposal(user, workspace.proposal.pk, perm) == workspace.proposal
    else:
        with pytest.raises(Http404):
            access_proposal(user, workspace.proposal.pk, perm)


def test_admin_cannot_access_a_missing_proposal(workspace):
    with pytest.raises(Http404):
        access_proposal(workspace.users["admin"], 999_999, Perm.PROPOSAL_VIEW)


@pytest.mark.parametrize(
    ("who", "roles"),
    [
        ("admin", {Role.PROGRAM_ADMIN}),
        ("maintainer", {Role.MAINTAINER}),
        ("jaeger_delegate", {Role.MAINTAINER}),
        ("alice", {Role.MENTOR}),
        ("bob", {Role.MENTOR}),
        ("carol", {Role.PROPOSER}),
        ("k8s", {Role.OUTSIDER}),
        ("outsider", {Role.OUTSIDER}),
        ("anonymous", {Role.ANONYMOUS}),
    ],
)
def test_roles_for(workspace, who, roles):
    assert roles_for(workspace.users[who], workspace.proposal) == roles


def test_roles_add_up_for_a_proposer_who_is_also_a_mentor(workspace):
    workspace.proposal.proposer = workspace.users["alice"]
    workspace.proposal.save()
    alice = workspace.users["alice"]
    assert roles_for(alice, workspace.proposal) == {Role.MENTOR, Role.PROPOSER}
    assert has_perm(alice, workspace.proposal, Perm.PROPOSAL_SUBMIT)
    assert has_perm(alice, workspace.proposal, Perm.PROPOSAL_CONFIRM)


def test_maintainer_cannot_approve_when_the_org_reserves_approval_to_delegates(workspace):
    world = workspace.world
    proposal = Project.objects.create(
        term=world.term,
        organization=world.kubernetes,
        number=2,
        slug="k8s-thing",
        title="A Kubernetes project",
        status=Project.Status.SUBMITTED,
    )
    k8s, delegate = world.users["k8s"], world.users["delegate"]
    assert roles_for(k8s, proposal) == {Role.MAINTAINER}
    assert has_perm(k8s, proposal, Perm.PROPOSAL_VIEW)
    assert not has_perm(k8s, proposal, Perm.PROPOSAL_APPROVE)
    assert has_perm(delegate, proposal, Perm.PROPOSAL_APPROVE)


def test_a_person_without_a_handle_does_not_match_blank_roster_handles(workspace):
    user = User.objects.create_user("dora", password="x")
    Person.objects.create(name="Dora", email="dora@example.org", user=user)
    Mentorship.objects.create(project=workspace.proposal, position=2, name="Someone")
    assert roles_for(user, workspace.proposal) == {Role.OUTSIDER}
    assert not proposals_visible_to(user, workspace.world.term).exists()


@pytest.mark.parametrize("who", list(EXPECTED))
def test_proposals_visible_to_agrees_with_view_perm(workspace, who):
    world = workspace.world
    hidden = Project.objects.create(
        term=world.term,
        organization=world.kubernetes,
        number=3,
        slug="hidden",
        title="Someone else's proposal",
        status=Project.Status.DRAFT,
    )
    visible = set(proposals_visible_to(workspace.users[who], world.term))
    expected = {
        p
        for p in (workspace.proposal, hidden)
        if has_perm(workspace.users[who], p, Perm.PROPOSAL_VIEW)
    }
    assert visible == expected


def test_proposals_visible_to_takes_constant_queries(workspace, django_assert_max_num_queries):
    world = workspace.world
    for n in range(4, 14):
        proposal = Project.objects.create(
            term=world.term,
            organization=world.jaeger,
            number=n,
            slug=f"p{n}",
            title=f"Proposal {n}",
            status=Project.Status.SUBMITTED,
        )
        Mentorship.objects.create(project=proposal, name="Bob", github="bob")
    bob = User.objects.get(username="bob")  # fresh: its Person is not cached
    with django_assert_max_num_queries(3):
        assert len(list(proposals_visible_to(bob, world.term))) == 11


def test_proposals_visible_to_is_scoped_to_the_term(workspace):
    world = workspace.world
    other = Term.objects.create(program=world.program, year=2027, number=1, title="Next")
    assert not proposals_visible_to(workspace.users["admin"], other).exists()
    assert not proposals_visible_to(workspace.users["carol"], other).exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("admin", True),
        ("superuser", True),
        ("maintainer", False),
        ("alice", False),
        ("carol", False),
        ("outsider", False),
        ("other_admin", False),
        ("anonymous", False),
    ],
)
def test_term_board_is_for_program_admins(workspace, who, allowed):
    term = workspace.world.term
    if allowed:
        assert access_admin_term(workspace.users[who], term.pk) == term
    else:
        with pytest.raises(Http404):
            access_admin_term(workspace.users[who], term.pk)


def test_admin_cannot_open_a_missing_term_board(workspace):
    with pytest.raises(Http404):
        access_admin_term(workspace.users["admin"], 999_999)

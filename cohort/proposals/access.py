"""Who may do what in the proposal workspace (DESIGN §1, spec/style.md B4 and C).

The matrix (`cohort.core.permissions.ROLE_PERMS`), per proposal:

- program admins of the proposal's program (and superusers): everything;
- maintainers and delegates of the proposal's organization: view and approve; a plain
  maintainer of an organization that reserves approval to its delegates
  (`maintainers_can_approve=False`) may only view, as `permissions.approver_source` says;
- listed mentors (the mentorship's person is the user, or its GitHub handle is the user's):
  view, edit, confirm, withdraw;
- the proposer: view, edit, submit, withdraw;
- anyone else, logged in or not: nothing. The published catalog is public through its own
  pages; this module guards the workspace where drafts and submissions live.

Permissions say who; the services still say when (a draft cannot be approved, a withdrawn
proposal cannot be edited), with a `DomainError` the user can read. A user without the
permission and a proposal that does not exist give the same `Http404`, never a 403, so the
workspace does not reveal which proposals exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cohort.core.actors import Viewer
from cohort.core.permissions import Perm, Role, perms_of
from cohort.projects.models import Mentorship, OrganizationMaintainer, Project
from cohort.proposals.permissions import (
    approval_source,
    approver_source,
    github_handle,
    maintainer_kind,
)
from cohort.terms.access import is_program_admin
from cohort.terms.models import ProgramMembership, Term


def roles_for(user: Viewer, project: Project) -> set[Role]:
    """How `user` relates to `project`: one or more roles, else outsider or anonymous."""
    return standing(user, project).roles


@dataclass(frozen=True)
class Standing:
    """What `user` is on one proposal, read once (three queries at most: the program admin,
    the maintainer row, the listed mentor), so a page that asks several permissions asks
    the database once (`views.proposal_detail`'s buttons)."""

    roles: set[Role]
    approver: str  # `permissions.approver_source`'s answer: why they may approve, or ""

    def has(self, perm: Perm) -> bool:
        if perm == Perm.PROPOSAL_APPROVE:
            # The approval rule, delegates-only organizations included, is the service's own.
            return bool(self.approver)
        return perm in perms_of(self.roles)


def standing(user: Viewer, project: Project) -> Standing:
    """`user`'s roles on `project` and whether they may give its maintainer approval."""
    if not user.is_authenticated:
        return Standing({Role.ANONYMOUS}, "")
    roles: set[Role] = set()
    is_admin = is_program_admin(user, project.term.program)
    if is_admin:
        roles.add(Role.PROGRAM_ADMIN)
    kind = maintainer_kind(user, project.organization)
    if kind:
        roles.add(Role.MAINTAINER)
    if project.proposer_id is not None and project.proposer_id == user.pk:
        roles.add(Role.PROPOSER)
    if _is_listed_mentor(user, project):
        roles.add(Role.MENTOR)
    approver = approval_source(kind, project.organization, is_admin=is_admin)
    return Standing(roles or {Role.OUTSIDER}, approver)


def has_perm(user: Viewer, project: Project, perm: Perm) -> bool:
    if perm == Perm.PROPOSAL_APPROVE:
        # The approval rule, delegates-only organizations included, is the service's own.
        return bool(approver_source(user, project.organization))
    return perm in perms_of(roles_for(user, project))


def access_proposal(user: Viewer, pk: int, perm: Perm) -> Project:
    """The proposal `pk` if `user` holds `perm` on it; else `Http404` (one error)."""
    return access_proposal_standing(user, pk, perm)[0]


def access_proposal_standing(user: Viewer, pk: int, perm: Perm) -> tuple[Project, Standing]:
    """`access_proposal`, with the user's `Standing` on the proposal it read for the check,
    for a page that asks more permissions than the one that opens it."""
    project = Project.objects.select_related("term__program", "organization").filter(pk=pk).first()
    if project is None:
        raise Http404("No such proposal.")
    found = standing(user, project)
    if not found.has(perm):
        raise Http404("No such proposal.")
    return project, found


def proposals_visible_to(user: Viewer, term: Term) -> QuerySet[Project]:
    """The term's proposals `user` may view, for lists: the same rows `has_perm` allows.

    At most three queries whatever the number of rows: the admin check, the user's GitHub
    handle, and the list itself.
    """
    if not user.is_authenticated:
        return Project.objects.none()
    admin = None if is_program_admin(user, term.program) else frozenset[int]()
    return visible_proposals(user, admin).filter(term=term)


def admin_program_ids(user: Viewer) -> frozenset[int] | None:
    """The programs `user` administers (`terms.access.is_program_admin` for each at once):
    None for a superuser, who administers every one. One query (none for a superuser or
    nobody signed in)."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return None
    return frozenset(
        ProgramMembership.objects.filter(user=user, role=ProgramMembership.Role.ADMIN).values_list(
            "program_id", flat=True
        )
    )


def visible_proposals(user: Viewer, admin_programs: frozenset[int] | None) -> QuerySet[Project]:
    """Every proposal, of every term, `user` may view (`proposals_visible_to`, for all the
    terms in one query), given the programs they administer (`admin_program_ids`)."""
    projects = Project.objects.all()
    if not user.is_authenticated:
        return projects.none()
    if admin_programs is None:
        return projects
    return projects.filter(
        Q(term__program_id__in=admin_programs)
        | Q(proposer=user)
        | Exists(
            OrganizationMaintainer.objects.filter(organization=OuterRef("organization"), user=user)
        )
        | mentored_by(user)
    )


def _is_listed_mentor(user: Viewer, project: Project) -> bool:
    return project.mentorships.filter(as_mentor(user)).exists()


def mentored_by(user: Viewer) -> Exists:
    """For filtering projects: `user` is one of the project's listed mentors."""
    return Exists(Mentorship.objects.filter(as_mentor(user), project=OuterRef("pk")))


def as_mentor(user: Viewer) -> Q:
    """Mentorships naming `user`: by their person, or by their GitHub handle in any case."""
    mentor = Q(person__user=user)
    handle = github_handle(user)
    if handle:  # a person without a handle must not match the roster's blank handles
        mentor |= Q(github__iexact=handle)
    return mentor

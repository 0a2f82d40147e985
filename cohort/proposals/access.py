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

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from cohort.core.actors import Viewer
from cohort.core.permissions import Perm, Role, perms_of
from cohort.projects.models import Mentorship, OrganizationMaintainer, Project
from cohort.proposals.permissions import (
    approver_source,
    github_handle,
    maintainer_kind,
)
from cohort.terms.access import is_program_admin
from cohort.terms.models import Term


def roles_for(user: Viewer, project: Project) -> set[Role]:
    """How `user` relates to `project`: one or more roles, else outsider or anonymous."""
    if not user.is_authenticated:
        return {Role.ANONYMOUS}
    roles: set[Role] = set()
    if is_program_admin(user, project.term.program):
        roles.add(Role.PROGRAM_ADMIN)
    if maintainer_kind(user, project.organization):
        roles.add(Role.MAINTAINER)
    if project.proposer_id is not None and project.proposer_id == user.pk:
        roles.add(Role.PROPOSER)
    if _is_listed_mentor(user, project):
        roles.add(Role.MENTOR)
    return roles or {Role.OUTSIDER}


def has_perm(user: Viewer, project: Project, perm: Perm) -> bool:
    if perm == Perm.PROPOSAL_APPROVE:
        # The approval rule, delegates-only organizations included, is the service's own.
        return bool(approver_source(user, project.organization))
    return perm in perms_of(roles_for(user, project))


def access_proposal(user: Viewer, pk: int, perm: Perm) -> Project:
    """The proposal `pk` if `user` holds `perm` on it; else `Http404` (one error)."""
    project = Project.objects.select_related("term__program", "organization").filter(pk=pk).first()
    if project is None or not has_perm(user, project, perm):
        raise Http404("No such proposal.")
    return project


def proposals_visible_to(user: Viewer, term: Term) -> QuerySet[Project]:
    """The term's proposals `user` may view, for lists: the same rows `has_perm` allows.

    At most three queries whatever the number of rows: the admin check, the user's GitHub
    handle, and the list itself.
    """
    projects = Project.objects.filter(term=term)
    if not user.is_authenticated:
        return projects.none()
    if is_program_admin(user, term.program):
        return projects
    return projects.filter(
        Q(proposer=user)
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

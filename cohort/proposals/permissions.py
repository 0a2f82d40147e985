"""Who may decide on a proposal (cncf-process.md §3.2, in Cohort's roles)."""

from __future__ import annotations

from cohort.core.actors import Viewer
from cohort.projects.models import Organization, OrganizationMaintainer
from cohort.terms.access import is_program_admin


def maintainer_kind(user: Viewer, organization: Organization) -> str:
    """ "maintainer", "delegate" or "" for `user` on `organization`."""
    if not user.is_authenticated:
        return ""
    row = OrganizationMaintainer.objects.filter(organization=organization, user=user).first()
    return row.kind if row else ""


def approver_source(user: Viewer, organization: Organization) -> str:
    """Why `user` may give the maintainer approval, or "" when they may not.

    Maintainers count unless the organization reserves approval to its delegates
    (`maintainers_can_approve=False`, as Kubernetes does); delegates and program admins
    always count.
    """
    by_kind = _by_kind(maintainer_kind(user, organization), organization)
    if by_kind:
        return by_kind
    return "program admin" if is_program_admin(user, organization.program) else ""


def approval_source(kind: str, organization: Organization, *, is_admin: bool) -> str:
    """`approver_source` from what the caller read already: the user's maintainer `kind` on
    `organization` (`maintainer_kind`) and whether they administer its program."""
    return _by_kind(kind, organization) or ("program admin" if is_admin else "")


def _by_kind(kind: str, organization: Organization) -> str:
    if kind == OrganizationMaintainer.Kind.DELEGATE:
        return "delegate"
    if kind == OrganizationMaintainer.Kind.MAINTAINER and organization.maintainers_can_approve:
        return "maintainer"
    return ""


def proposer_is_maintainer(user: Viewer, organization: Organization) -> bool:
    """A proposer's own maintainer status approves their proposal (delegates' does not)."""
    return (
        maintainer_kind(user, organization) == OrganizationMaintainer.Kind.MAINTAINER
        and organization.maintainers_can_approve
    )


def github_handle(user: Viewer | None) -> str:
    if user is None or not user.is_authenticated:
        return ""
    # A user without a Person raises RelatedObjectDoesNotExist, an AttributeError.
    person = getattr(user, "person", None)
    return person.github if person is not None else ""

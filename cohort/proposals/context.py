"""What proposal validation needs from the database: the other open proposals of a project.

Read-only lookups; the rules themselves are in `cohort.proposals.rules` (pure).
"""

from __future__ import annotations

from django.db.models import Q

from cohort.projects.models import Organization, Project
from cohort.proposals.rules import OtherProposal
from cohort.terms.models import Term

OPEN_STATUSES = (Project.Status.SUBMITTED, Project.Status.PROPOSED, Project.Status.PUBLISHED)


def organizations_named(program_name: str, project_name: str) -> list[Organization]:
    """The program's organizations named `project_name` (case-insensitive, or by alias)."""
    name = project_name.strip()
    if not name:
        return []
    return list(
        Organization.objects.filter(program__name__iexact=program_name)
        .filter(Q(name__iexact=name) | Q(aliases__name__iexact=name))
        .distinct()
    )


def open_proposals_for(
    program_name: str, term_label: str, project_name: str, *, exclude_number: int | None = None
) -> list[OtherProposal]:
    """The numbered proposed or published projects of `project_name` in the term, by number.

    `term_label` is "YYYY Term N", optionally with its "(Sep-Nov)" part; an unknown program,
    term or organization gives []. A malformed label raises `DomainError`. Each proposal
    carries its first upstream issue URL ("" without one). `exclude_number` leaves out the
    proposal being checked.
    """
    term = Term.objects.by_label(term_label).filter(program__name__iexact=program_name).first()
    organizations = organizations_named(program_name, project_name)
    if term is None or not organizations:
        return []
    projects = (
        Project.objects.filter(
            term=term,
            organization__in=organizations,
            status__in=OPEN_STATUSES,
            number__gt=0,
        )
        .prefetch_related("upstream_issues")
        .order_by("number")
    )
    if exclude_number is not None:
        projects = projects.exclude(number=exclude_number)
    others: list[OtherProposal] = []
    for project in projects:
        issues = sorted(project.upstream_issues.all(), key=lambda issue: issue.position)
        if project.number is not None:  # always, by the filter; narrows the type
            others.append(OtherProposal(project.number, issues[0].url if issues else ""))
    return others


def project_slug(program_name: str, project_name: str) -> str:
    """The projects.yml slug stored for the organization, or "" (for `quota_for`)."""
    for organization in organizations_named(program_name, project_name):
        if organization.cncf_slug:
            return organization.cncf_slug
    return ""

"""Convert between stored terms and `cohort.formats` plain data.

`term_data()` is what every exporter reads, so every format sees the same term. It runs a
fixed number of queries whatever the size of the term.
"""

from __future__ import annotations

from typing import cast

from django.db.models import Prefetch

from cohort.formats.model import (
    Mentor,
    MentorRole,
    Milestone,
    Organization,
    OrgKind,
    Prerequisites,
    Project,
    TermData,
)
from cohort.projects import models as m
from cohort.terms.models import Term


def prerequisites_from_json(value: object) -> Prerequisites | None:
    """The stored JSON (written by `prerequisites_to_dict`) back as plain data."""
    if not isinstance(value, dict):
        return None
    known = Prerequisites.__dataclass_fields__
    return Prerequisites(**{k: v for k, v in value.items() if k in known})


def term_data(term: Term, *, statuses: tuple[str, ...] | None = None) -> TermData:
    """The stored term as plain data, organizations in page order of their first project."""
    projects = (
        m.Project.objects.filter(term=term)
        .select_related("organization")
        .prefetch_related(
            Prefetch("mentorships", queryset=m.Mentorship.objects.order_by("position")),
            Prefetch("upstream_issues", queryset=m.UpstreamIssue.objects.order_by("position")),
        )
        .order_by("position", "pk")
    )
    if statuses is not None:
        projects = projects.filter(status__in=statuses)
    organizations: dict[int, Organization] = {}
    for project in projects:
        org = project.organization
        if org.pk not in organizations:
            organizations[org.pk] = Organization(
                name=org.name,
                kind=cast(OrgKind, org.kind),  # Organization.Kind values are the OrgKind literals
                slug=org.cncf_slug,
                maturity=org.maturity,
            )
        organizations[org.pk].projects.append(_project(project))
    return TermData(
        title=term.title,
        year=term.year,
        number=term.number,
        status=term.status,
        time_zone=term.time_zone,
        duration=term.duration,
        milestones=[
            Milestone(
                key=ms.key,
                label=ms.label,
                raw=ms.raw,
                start=ms.start,
                end=ms.end,
                has_time=ms.has_time,
            )
            for ms in term.milestones.order_by("position")
        ],
        organizations=list(organizations.values()),
        frontmatter=term.frontmatter,
        generated=term.lfx_generated,
    )


_IDEAS = (m.Project.Status.PROPOSED, m.Project.Status.NOT_ACCEPTED)


def _project(project: m.Project) -> Project:
    return Project(
        title=project.title,
        lfx_title=project.lfx_title,
        # An idea its term did not accept was still a proposed idea; the formats have no
        # word for "not accepted", and a re-import keeps the stored status (services).
        status="proposed" if project.status in _IDEAS else "published",
        description=project.description,
        expected_outcome=project.expected_outcome,
        skills=project.skills,
        technologies=project.technologies,
        mentors=[
            Mentor(
                name=ms.name,
                github=ms.github,
                email=ms.email,
                lfid=ms.lfid,
                role=cast(
                    MentorRole, ms.role
                ),  # Mentorship.Role values are the MentorRole literals
                flags=list(ms.flags),
                contact=ms.contact,
            )
            for ms in project.mentorships.all()
        ],
        upstream_issues=[issue.url for issue in project.upstream_issues.all()],
        lfx_url=project.lfx_url,
        raw=project.raw,
        subgroup=project.subgroup,
        number=project.number,
        issue_url=project.issue_url,
        prerequisites=prerequisites_from_json(project.prerequisites),
        form=dict(project.form_fields) if project.form_fields else None,
        line=project.source_line,
    )

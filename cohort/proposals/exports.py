"""The sticky CNCF export (cncf-process.md §3.5, §5.1, Appendix A "Sticky export").

Once a proposal is published, its exported record stays as it was approved, even when a later
material edit clears the admin approval, until the proposal is approved again. `export_view()`
is what the LFX writers read:

* a published proposal that holds the admin approval now is exported from its current data;
* one whose admin approval no longer holds is exported from the snapshot of the program as it
  was approved: `data["snapshot"]` of its latest "admin_approved" (or "published") event that
  has one, as `snapshot_project()` wrote it (without one, from its current data);
* a proposal that was published and then withdrawn (the issue closed) is never dropped: it is
  exported frozen in the same way;
* a frozen record keeps the proposal's current LFX URL: the URL is recorded after publishing,
  is not a form field, and its latest record wins (§5.1 `lfx_url`);
* published projects without proposal events (imported terms) export exactly as stored.

The writers order programs by issue number, descending.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Q

from cohort.formats.model import (
    Mentor,
    MentorRole,
    Organization,
    OrgKind,
    Project,
    TermData,
)
from cohort.projects import models as m
from cohort.projects.interchange import prerequisites_from_json, term_data
from cohort.proposals import gates
from cohort.proposals.models import ProposalEvent
from cohort.proposals.review import review
from cohort.terms.models import Term

SNAPSHOT_VERSION = 1
SNAPSHOT_KINDS = (gates.ADMIN_APPROVED, gates.PUBLISHED)


def snapshot_project(project: m.Project) -> dict[str, Any]:
    """A proposal's exportable record as JSON-ready data, to be frozen in an event."""
    org = project.organization
    return {
        "version": SNAPSHOT_VERSION,
        "organization": {
            "name": org.name,
            "kind": org.kind,
            "slug": org.cncf_slug,
            "maturity": org.maturity,
        },
        "number": project.number,
        "issue_url": project.issue_url,
        "title": project.title,
        "lfx_title": project.lfx_title,
        "description": project.description,
        "expected_outcome": project.expected_outcome,
        "technologies": project.technologies,
        "skills": project.skills,
        "mentors": [
            {
                "name": ms.name,
                "github": ms.github,
                "email": ms.email,
                "lfid": ms.lfid,
                "role": ms.role,
                "flags": list(ms.flags),
                "contact": ms.contact,
            }
            for ms in project.mentorships.order_by("position")
        ],
        "upstream_issues": [i.url for i in project.upstream_issues.order_by("position")],
        "lfx_url": project.lfx_url,
        "prerequisites": project.prerequisites,
        "subgroup": project.subgroup,
        "form": dict(project.form_fields),
        "raw": project.raw,
    }


def from_snapshot(snapshot: dict[str, Any]) -> tuple[Organization, Project]:
    """A snapshot back as the plain data the writers read (the organization has no projects)."""
    org = snapshot.get("organization") or {}
    organization = Organization(
        name=org.get("name", ""),
        kind=cast(OrgKind, org.get("kind") or "project"),
        slug=org.get("slug", ""),
        maturity=org.get("maturity", ""),
    )
    project = Project(
        title=snapshot.get("title", ""),
        lfx_title=snapshot.get("lfx_title", ""),
        status="published",
        description=snapshot.get("description", ""),
        expected_outcome=snapshot.get("expected_outcome", ""),
        skills=snapshot.get("skills", ""),
        technologies=snapshot.get("technologies", ""),
        mentors=[
            Mentor(
                name=ms.get("name", ""),
                github=ms.get("github", ""),
                email=ms.get("email", ""),
                lfid=ms.get("lfid", ""),
                role=cast(MentorRole, ms.get("role") or "co-mentor"),
                flags=list(ms.get("flags") or []),
                contact=ms.get("contact", ""),
            )
            for ms in snapshot.get("mentors") or []
        ],
        upstream_issues=list(snapshot.get("upstream_issues") or []),
        lfx_url=snapshot.get("lfx_url", ""),
        raw=snapshot.get("raw", ""),
        subgroup=snapshot.get("subgroup", ""),
        number=snapshot.get("number"),
        issue_url=snapshot.get("issue_url", ""),
        prerequisites=prerequisites_from_json(snapshot.get("prerequisites")),
        form=_form(snapshot.get("form")),
    )
    return organization, project


def _form(value: object) -> dict[str, str] | None:
    """A snapshot's form sections (snapshots taken before they were stored have none)."""
    if not isinstance(value, dict) or not value:
        return None
    return {str(label): str(text) for label, text in value.items()}


def export_view(term: Term) -> TermData:
    """The term as the CNCF export files show it: the published catalog, sticky (above)."""
    data = term_data(term, statuses=(m.Project.Status.PUBLISHED,))
    frozen = _frozen_records(term)
    if not frozen:
        return data
    organizations: dict[str, Organization] = {}

    def place(org: Organization, project: Project) -> None:
        if org.name not in organizations:
            organizations[org.name] = Organization(
                name=org.name, kind=org.kind, slug=org.slug, maturity=org.maturity
            )
        organizations[org.name].projects.append(project)

    for org in data.organizations:
        for project in org.projects:
            record = frozen.pop(project.number, None) if project.number else None
            if record is None:
                place(org, project)
            else:
                place(*record)
    for record in frozen.values():  # published, then withdrawn
        place(*record)
    data.organizations = list(organizations.values())
    return data


def _frozen_records(term: Term) -> dict[int, tuple[Organization, Project]]:
    """Number → frozen record, for the proposals that must not export their current data."""
    candidates = (
        m.Project.objects.filter(term=term, number__gt=0)
        .filter(
            # published proposals (they have events), and published ones withdrawn since
            Q(status=m.Project.Status.PUBLISHED, events__isnull=False)
            | Q(status=m.Project.Status.WITHDRAWN, events__kind=gates.PUBLISHED)
        )
        .select_related("term__program", "organization", "proposer")
        .distinct()
        .order_by("position", "pk")
    )
    records: dict[int, tuple[Organization, Project]] = {}
    for project in candidates:
        if project.status == m.Project.Status.PUBLISHED and review(project).gates.admin_approved:
            continue
        snapshot = _latest_snapshot(project) or snapshot_project(project)
        organization, record = from_snapshot(snapshot)
        record.lfx_url = project.lfx_url
        record.number = project.number
        records[cast(int, project.number)] = (organization, record)
    return records


def _latest_snapshot(project: m.Project) -> dict[str, Any] | None:
    events = ProposalEvent.objects.filter(project=project, kind__in=SNAPSHOT_KINDS).order_by("-id")
    for data in events.values_list("data", flat=True):
        if isinstance(data, dict) and isinstance(data.get("snapshot"), dict):
            return cast(dict[str, Any], data["snapshot"])
    return None

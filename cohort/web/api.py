"""Public, read-only catalog API. Never exposes mentors' e-mail addresses."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from cohort.core.api_errors import errors
from cohort.core.schemas import Id
from cohort.projects.models import Project
from cohort.terms.models import Term, TermStage

router = Router(tags=["catalog"])


class MilestoneOut(Schema):
    key: str
    label: str
    raw: str
    start: datetime | None
    end: datetime | None


class TermOut(Schema):
    id: int
    program: str
    label: str
    title: str
    status: TermStage
    page_status: str
    time_zone: str
    url: str


class TermDetailOut(TermOut):
    milestones: list[MilestoneOut]


class MentorOut(Schema):
    name: str
    github: str
    role: str


class ProjectOut(Schema):
    id: int
    organization: str
    title: str
    lfx_title: str
    status: str
    skills: str
    mentors: list[MentorOut]
    upstream_issues: list[str]
    lfx_url: str
    url: str


def _term_out(term: Term) -> dict[str, object]:
    return {
        "id": term.pk,
        "program": term.program.name,
        "label": term.label,
        "title": term.title,
        "status": term.stage.value,  # derived from the timeline; the page's words are below
        "page_status": term.status,
        "time_zone": term.time_zone,
        "url": term.get_absolute_url(),
    }


@router.get("/terms", response={200: list[TermOut], **errors(400)})
def list_terms(request: HttpRequest) -> list[dict[str, object]]:
    return [
        _term_out(t) for t in Term.objects.select_related("program").prefetch_related("milestones")
    ]


@router.get("/terms/{term_id}", response={200: TermDetailOut, **errors(400, 404, 422)})
def get_term(request: HttpRequest, term_id: Id) -> dict[str, object]:
    term = get_object_or_404(
        Term.objects.select_related("program").prefetch_related("milestones"), pk=term_id
    )
    return {**_term_out(term), "milestones": list(term.milestones.all())}


@router.get("/terms/{term_id}/projects", response={200: list[ProjectOut], **errors(400, 404, 422)})
def list_projects(request: HttpRequest, term_id: Id) -> list[dict[str, object]]:
    term = get_object_or_404(Term, pk=term_id)
    projects = Project.objects.filter(term=term).visible().for_catalog()
    return [
        {
            "id": p.pk,
            "organization": p.organization.name,
            "title": p.title,
            "lfx_title": p.lfx_title,
            "status": p.status,
            "skills": p.skills,
            "mentors": [
                {"name": ms.name, "github": ms.github, "role": ms.role}
                for ms in p.mentorships.all()
            ],
            "upstream_issues": [i.url for i in p.upstream_issues.all()],
            "lfx_url": p.lfx_url,
            "url": p.get_absolute_url(),
        }
        for p in projects
    ]

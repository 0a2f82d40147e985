"""Public, read-only catalog API. Never exposes mentors' e-mail addresses."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from cohort.core.api_errors import errors
from cohort.core.schemas import Id
from cohort.projects.models import Project
from cohort.terms.models import Term, TermStage
from cohort.web import queries

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


def _project_out(p: Project) -> dict[str, object]:
    return {
        "id": p.pk,
        "organization": p.organization.name,
        "title": p.title,
        "lfx_title": p.lfx_title,
        "status": p.status,
        "skills": p.skills,
        "mentors": [
            {"name": ms.name, "github": ms.github, "role": ms.role} for ms in p.mentorships.all()
        ],
        "upstream_issues": [i.url for i in p.upstream_issues.all()],
        "lfx_url": p.lfx_url,
        "url": p.get_absolute_url(),
    }


PROJECTS_PAGE_SIZE = 100  # the default; a client may ask for up to MAX_PROJECTS_PAGE_SIZE
MAX_PROJECTS_PAGE_SIZE = 500


class ProjectPageParams(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(PROJECTS_PAGE_SIZE, ge=1, le=MAX_PROJECTS_PAGE_SIZE)


@router.get("/terms/{term_id}/projects", response={200: list[ProjectOut], **errors(400, 404, 422)})
def list_projects(
    request: HttpRequest, response: HttpResponse, term_id: Id, params: Query[ProjectPageParams]
) -> list[dict[str, object]]:
    """The term's projects in page order, a page at a time (`page`, `page_size`): the
    `X-Total-Count` header says how many there are, `Link` names the next page."""
    term = get_object_or_404(Term.objects.select_related("program"), pk=term_id)
    first = (params.page - 1) * params.page_size
    total, page = queries.catalog_projects(term, first, params.page_size)
    response["X-Total-Count"] = str(total)
    if first + params.page_size < total:
        query = urlencode({"page": params.page + 1, "page_size": params.page_size})
        response["Link"] = f'<{request.path}?{query}>; rel="next"'
    return [_project_out(p) for p in page]


class SearchTermOut(Schema):
    id: int
    program: str
    label: str
    url: str


class SearchHitOut(ProjectOut):
    term: SearchTermOut
    score: float = Field(description="Relevance; higher is better (0 when no words were given)")


class FacetValueOut(Schema):
    value: str = Field(description="What to pass as the facet's parameter")
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class SearchOut(Schema):
    query: str
    total: int
    page: int
    pages: int
    page_size: int
    results: list[SearchHitOut]
    facets: list[FacetOut]


class SearchParams(Schema):
    q: str = Field("", description='Words (all must match), "a phrase", -excluded', max_length=500)
    program: str = Field("", description="A program's slug", max_length=100)
    year: int | None = Field(None, ge=1900, le=9999)
    term: str = Field("", description="A term's key, e.g. 2024-term-3", max_length=20)
    organization: str = Field("", description="An organization's slug", max_length=200)
    skill: str = Field("", description="A skill, as the skill facet lists it", max_length=100)
    status: Literal["", "published", "proposed", "not_accepted"] = ""
    page: int = Field(1, ge=1, le=100_000)


@router.get("/search", response={200: SearchOut, **errors(400, 422)})
def search(request: HttpRequest, params: Query[SearchParams]) -> dict[str, object]:
    """Projects of every term, best match first, with facet counts over the whole result.

    With no words, the facets alone choose (newest term first); with neither, nothing."""
    found = queries.search_archive(params.q, filters_of(params), params.page)
    return {
        "query": found.query,
        "total": found.total,
        "page": found.page,
        "pages": found.pages,
        "page_size": queries.SEARCH_PAGE_SIZE,
        "results": [
            {
                **_project_out(p),
                "term": {
                    "id": p.term.pk,
                    "program": p.term.program.name,
                    "label": p.term.label,
                    "url": p.term.get_absolute_url(),
                },
                "score": round(found.scores[p.pk], 6),
            }
            for p in found.projects
        ],
        "facets": found.facets,
    }


def filters_of(params: SearchParams) -> queries.SearchFilters:
    return queries.SearchFilters(
        program=params.program,
        year=params.year,
        term=params.term,
        organization=params.organization,
        skill=params.skill,
        status=params.status,
    )

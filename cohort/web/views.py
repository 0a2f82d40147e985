"""Public pages: programs, terms, the project catalog and search.

Read-only (GET never writes) and safe for anonymous visitors: mentors appear by name and
GitHub handle only; e-mail addresses are shown to staff users on the project page alone.
Every list page loads its rows in a fixed number of queries, whatever the number of
projects and mentors. A term's catalog builds models for its page of cards only; its
filters and their counts read one narrow row per project (`queries.term_catalog`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode
from uuid import uuid4

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult

from cohort.applications.access import bars_from_applying
from cohort.applications.services import WINDOW_KEY, applications_window
from cohort.projects.models import Organization, Project
from cohort.terms.models import Milestone, Program, Term
from cohort.web import queries
from cohort.web.navigation import request_roles
from cohort.web.next_steps import next_steps
from cohort.web.queries import public_term

# -- helpers ---------------------------------------------------------------------------


def _terms_with_counts() -> QuerySet[Term]:
    """Terms with `project_count`: the projects the public catalog shows, one subquery."""
    visible = (
        Project.objects.visible()
        .filter(term=OuterRef("pk"))
        .order_by()
        .values("term")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Term.objects.annotate(
        project_count=Coalesce(Subquery(visible, output_field=IntegerField()), 0)
    )


@dataclass
class TimelineRow:
    milestone: Milestone
    is_now: bool


@dataclass
class Timeline:
    rows: list[TimelineRow]
    current: str  # the label of the phase running now, "" between phases
    upcoming: Milestone | None  # the next milestone to start
    has_ended: bool

    @property
    def milestones(self) -> list[Milestone]:
        return [row.milestone for row in self.rows]


def _timeline(term: Term) -> Timeline:
    milestones = list(term.milestones.all())
    now = timezone.now()
    starts = [(ms.start, ms.position, ms) for ms in milestones if ms.start and ms.start > now]
    closes = [moment for ms in milestones if (moment := ms.end or ms.start)]
    return Timeline(
        rows=[TimelineRow(ms, ms.contains(now)) for ms in milestones],
        current=term.phase_at(now, milestones),
        upcoming=min(starts, key=lambda s: s[:2])[2] if starts else None,
        has_ended=bool(closes) and max(closes) <= now,
    )


@dataclass
class OrgGroup:
    organization: Organization
    projects: list[Project] = field(default_factory=list)


def _group_by_organization(projects: list[Project]) -> list[OrgGroup]:
    """Organizations in page order of their first project."""
    groups: dict[int, OrgGroup] = {}
    for project in projects:
        group = groups.setdefault(project.organization_id, OrgGroup(project.organization))
        group.projects.append(project)
    return list(groups.values())


def _prerequisites(value: object) -> list[tuple[str, str]]:
    """The LFX prerequisites a project asks for, as (what, detail) pairs."""
    if not isinstance(value, dict):
        return []
    names = [
        ("resume", "Résumé"),
        ("cover_letter", "Cover letter"),
        ("school_enrollment", "Proof of school enrollment"),
        ("participation_permission", "Permission to participate"),
        ("coding_challenge", "Coding challenge"),
    ]
    items = [(label, "") for key, label in names if value.get(key)]
    if value.get("coding_challenge") and value.get("coding_challenge_url"):
        items[-1] = ("Coding challenge", str(value["coding_challenge_url"]))
    if value.get("has_custom") or value.get("custom_name"):
        items.append(
            (
                str(value.get("custom_name") or "Custom task"),
                str(value.get("custom_description") or ""),
            )
        )
    return items


# -- views -----------------------------------------------------------------------------


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the site's icon.
    The static URL is looked up per request (with hashed names in production, the manifest
    exists only after collectstatic)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and the baseline of bench/applications_load.py: plain
    "ok", no database query, no template."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


# A ready task older than this means no `db_worker` is taking tasks: /readyz answers 503.
READYZ_MAX_TASK_AGE = 15 * 60


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness for a load balancer or monitor: the database answers `SELECT 1`, the cache
    keeps a key, and the oldest task waiting for a worker (django-tasks-db, 0 when none) is
    under READYZ_MAX_TASK_AGE seconds old. 200 when all hold, else 503; nothing personal."""
    database = _database_answers()
    age = _oldest_ready_task_age() if database else None
    report = {
        "database": "ok" if database else "error",
        "cache": "ok" if _cache_keeps_a_key() else "error",
        "oldest_task_age_seconds": age,
    }
    ready = (
        report["database"] == "ok"
        and report["cache"] == "ok"
        and age is not None
        and age < READYZ_MAX_TASK_AGE
    )
    return JsonResponse({"ready": ready, **report}, status=200 if ready else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except DatabaseError:
        return False


def _cache_keeps_a_key() -> bool:
    key = f"readyz:{uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        kept = bool(cache.get(key) == "ok")
        cache.delete(key)
    # Each backend raises its own errors (redis.ConnectionError is no OSError): any is "down".
    except Exception:
        return False
    return kept


def _oldest_ready_task_age() -> int | None:
    """Seconds since the oldest task a worker could run now was enqueued; 0 when none is."""
    try:
        oldest = (
            DBTaskResult.objects.ready()
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
    except DatabaseError:
        return None
    if oldest is None:
        return 0
    return max(0, int((timezone.now() - oldest).total_seconds()))


def home(request: HttpRequest) -> HttpResponse:
    """The programs and their terms; for a signed-in person, "Your next step" first."""
    programs = Program.objects.prefetch_related(
        Prefetch("terms", queryset=_terms_with_counts().prefetch_related("milestones"))
    )  # each term's timeline in one query, for its derived status
    # The menu reads the same roles: once per request (`request_roles`).
    steps = next_steps(request.user, timezone.now(), request_roles(request))
    return render(request, "web/home.html", {"programs": programs, "steps": steps})


def program_detail(request: HttpRequest, program: str) -> HttpResponse:
    program_obj = get_object_or_404(Program, slug=program)
    terms = (
        _terms_with_counts()
        .filter(program=program_obj)
        .select_related("program")
        .prefetch_related("milestones")  # each term's derived status, one query
    )
    return render(request, "web/program_detail.html", {"program": program_obj, "terms": terms})


@dataclass
class PageLink:
    number: int
    href: str
    current: bool


def term_detail(request: HttpRequest, program: str, term: str) -> HttpResponse:
    """A term's catalog, a page of TERM_PAGE_SIZE cards at a time, in the same queries and
    the same model rows whatever the term's size (`queries.term_catalog`)."""
    term_obj = public_term(program, term)
    prefetch_related_objects([term_obj], "milestones")  # one query: timeline and status
    org_slug = request.GET.get("org", "").strip()
    skill = " ".join(request.GET.get("skill", "").split())[:100]
    asked_page = request.GET.get("page", "")
    catalog = queries.term_catalog(
        term_obj, org_slug, skill, int(asked_page) if asked_page.isdigit() else 1
    )
    kept = {k: v for k, v in (("org", org_slug), ("skill", skill)) if v}

    def href(number: int) -> str:  # a page of the same filters
        return "?" + urlencode({**kept, "page": number})

    page, pages = catalog.page, catalog.pages
    context = {
        "term": term_obj,
        "program": term_obj.program,
        "timeline": _timeline(term_obj),
        "groups": _group_by_organization(catalog.cards),
        "shown_count": catalog.shown,
        "total_count": catalog.total,
        "org_choices": catalog.org_choices,
        "popular_skills": catalog.popular_skills,
        "selected_org": org_slug,
        "skill": skill,
        "is_filtered": bool(org_slug or skill),
        "not_accepted": catalog.not_accepted,
        "page": page,
        "pages": pages,
        "first_number": catalog.first + 1,
        "last_number": catalog.first + len(catalog.cards),
        "page_links": [PageLink(n, href(n), n == page) for n in range(1, pages + 1)]
        if pages > 1
        else [],
        "prev_href": href(page - 1) if page > 1 else "",
        "next_href": href(page + 1) if page < pages else "",
    }
    return render(request, "web/term_detail.html", context)


def project_detail(request: HttpRequest, program: str, term: str, project: str) -> HttpResponse:
    term_obj = public_term(program, term)
    project_obj = get_object_or_404(
        Project.objects.visible().for_catalog(), term=term_obj, slug=project
    )
    prefetch_related_objects([term_obj], "milestones")  # one query for the timeline and window
    timeline = _timeline(term_obj)
    context = {
        "term": term_obj,
        "program": term_obj.program,
        "project": project_obj,
        "timeline": timeline,
        # The "Apply" box: the window's row of the timeline, and where now stands in it.
        "apply_row": next((r for r in timeline.rows if r.milestone.key == WINDOW_KEY), None),
        "apply_state": applications_window(term_obj).state_at(timezone.now()),
        "apply_barred": bars_from_applying(request.user, project_obj),
        "prerequisites": _prerequisites(project_obj.prerequisites),
        "show_emails": request.user.is_staff,
    }
    return render(request, "web/project_detail.html", context)


def search(request: HttpRequest) -> HttpResponse:
    """The archive search: every term's projects, best match first, narrowed by facets."""
    asked = {name: request.GET.get(name, "").strip()[:200] for name in ("q", *queries.FACETS)}
    year = asked["year"]
    filters = queries.SearchFilters(
        program=asked["program"],
        year=int(year) if year.isdigit() and len(year) == 4 else None,
        term=asked["term"],
        organization=asked["organization"],
        skill=asked["skill"],
        status=asked["status"] if asked["status"] in queries.PUBLIC_STATUSES else "",
    )
    page = request.GET.get("page", "")
    found = queries.search_archive(asked["q"], filters, int(page) if page.isdigit() else 1)
    kept = {"q": found.query, **filters.asked()}
    facets = [
        {
            "name": facet.name,
            "label": facet.label,
            "values": [
                {
                    "value": value,
                    # A chosen value's link lets it go; any other chooses it instead.
                    "href": "?"
                    + urlencode(
                        {k: v for k, v in kept.items() if k != facet.name and v}
                        | ({} if value.selected else {facet.name: value.value})
                    ),
                }
                for value in facet.values
            ],
        }
        for facet in found.facets
        if facet.values
    ]
    context = {
        "found": found,
        "query": found.query,
        "facets": facets,
        "chosen": [
            {
                "name": k,
                "label": queries.FACET_LABELS[k],
                "value": v,
                "href": "?" + urlencode({j: w for j, w in kept.items() if j != k and w}),
            }
            for k, v in filters.asked().items()
        ],
        "first_number": (found.page - 1) * queries.SEARCH_PAGE_SIZE + 1,
        "page_href": "?" + urlencode({k: v for k, v in kept.items() if v}) + "&page=",
    }
    return render(request, "web/project_search.html", context)

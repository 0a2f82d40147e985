"""The mentors' and admins' review pages: queues, one applicant, ranking, CSV, term overview.

Thin function views (spec/style.md B7): access → form → service → render or redirect.
Every object comes through `cohort.applications.access`, so someone who may not see it gets
the same 404 as for one that does not exist. Every write is a POST that calls one service;
a `DomainError` re-renders the page with the input kept, the error as a message and HTTP 400
(409 when someone else changed the rows first). What a reader sees of other mentors' reviews
follows `cohort.applications.queries`: scores yes, notes only for program admins.
Organization maintainers get counts only, never who applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cohort.applications import pages, queries, services
from cohort.applications.access import (
    access_application,
    access_project,
    counted_projects,
    mentored_projects,
)
from cohort.applications.models import Application
from cohort.applications.queries import Counts, QueueFilter, QueueRow
from cohort.applications.review_forms import (
    BulkDeclineForm,
    ConflictForm,
    DeclineForm,
    RankingForm,
    ReviewForm,
    ShortlistForm,
)
from cohort.core.actors import signed_in
from cohort.core.errors import DomainError
from cohort.core.models import User
from cohort.core.pages import Refused, run_service
from cohort.core.permissions import Perm
from cohort.core.time import instant
from cohort.projects.models import Project
from cohort.terms.access import access_admin_term
from cohort.terms.models import ProgramMembership, Term

# --- helpers -------------------------------------------------------------------------------


# --- the review home and the admin's term overview -----------------------------------------


@dataclass
class TermSection:
    term: Term
    is_admin: bool
    mentored: list[Counts]  # with a link to each queue
    counted: list[Counts]  # the user's organizations' other projects: numbers only


def _review_terms(user: User) -> list[Term]:
    """The terms where `user` mentors, maintains an organization, or runs the program."""
    mentored = mentored_projects(user).values("term_id")
    maintained = Project.objects.filter(organization__maintainers__user=user).values("term_id")
    where = Q(pk__in=mentored) | Q(pk__in=maintained)
    if user.is_superuser:
        where = Q()
    else:
        where |= Q(
            program__memberships__user=user,
            program__memberships__role=ProgramMembership.Role.ADMIN,
        )
    return list(
        Term.objects.filter(where)
        .select_related("program")
        .distinct()
        .order_by("-year", "-number", "id")
    )


@require_safe
@login_required
def review_home(request: HttpRequest) -> HttpResponse:
    """Per term: the user's mentored projects and their organizations' others, with counts.

    A fixed number of queries however many terms: the terms, the user's admin programs, the
    mentored projects, and one count query for every project shown.
    """
    user = signed_in(request)
    terms = _review_terms(user)
    admin_of = set(
        ProgramMembership.objects.filter(user=user, role=ProgramMembership.Role.ADMIN).values_list(
            "program_id", flat=True
        )
    )
    mentored = set(mentored_projects(user).filter(term__in=terms).values_list("pk", flat=True))
    maintained = Project.objects.filter(term__in=terms, organization__maintainers__user=user)
    by_term: dict[int, list[Counts]] = {}
    for row in queries.counts(
        Project.objects.filter(Q(pk__in=mentored) | Q(pk__in=maintained.values("pk")))
    ):
        by_term.setdefault(row.project.term_id, []).append(row)
    sections = []
    for term in terms:
        is_admin = user.is_superuser or term.program_id in admin_of
        rows = by_term.get(term.pk, [])
        sections.append(
            TermSection(
                term,
                is_admin,
                [r for r in rows if r.project.pk in mentored],
                [] if is_admin else [r for r in rows if r.project.pk not in mentored],
            )
        )
    return render(request, "applications/review/home.html", {"sections": sections})


OVERVIEW_PAGE_SIZE = 100  # projects on one page of a term's applications overview


@require_safe
@login_required
def term_overview(request: HttpRequest, term_pk: int) -> HttpResponse:
    """A page of the term's projects (100 at a time: a GSoC term has 1,220) with their
    applications by state; the totals count every project. A fixed number of queries."""
    term = access_admin_term(request.user, term_pk)
    state = queries.overview_filter(request.GET.get("state"))
    rows, totals, paging = queries.counts_page(
        counted_projects(request.user, term),
        state,
        request.GET.get("page"),
        params={"state": state.value} if state else {},
        size=OVERVIEW_PAGE_SIZE,
    )
    context = {
        "term": term,
        "rows": rows,
        "count": paging.total,
        "totals": totals,
        "paging": paging,
        "state": state,
        "state_label": queries.OVERVIEW_LABELS[state] if state else "",
        "queue_state": queries.OVERVIEW_QUEUE_STATE[state] if state else "",
    }
    return render(request, "applications/review/term_overview.html", context)


# --- a project's queue ---------------------------------------------------------------------


@require_safe
@login_required
def queue(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = access_project(request.user, project_pk, Perm.QUEUE_VIEW)
    return pages.render_queue(request, project, pages.queue_state(request.GET.get("state")))


@require_POST
@login_required
def bulk_decline(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = access_project(request.user, project_pk, Perm.QUEUE_VIEW)
    state = pages.queue_state(request.POST.get("state"))
    ids = list(Application.objects.filter(project=project).values_list("pk", flat=True))
    form = BulkDeclineForm(request.POST, choices=ids)
    if not form.is_valid():
        messages.error(request, "Nothing was declined: see the form below.")
        return pages.render_queue(request, project, state, decline_form=form, status=400)
    declined = run_service(
        request,
        lambda: services.decline_applications(
            form.cleaned_data["applications"],
            actor=signed_in(request),
            message=form.cleaned_data["message"],
            project=project,
        ),
        failed="Nothing was declined.",
    )
    if isinstance(declined, Refused):
        return pages.render_queue(
            request, project, state, decline_form=form, status=declined.status
        )
    count = len(declined)
    messages.success(request, f"Declined {count} application{'' if count == 1 else 's'}.")
    # Back to the same filter and page (the page is kept within the shorter list there).
    back = {"state": state.value}
    if (page := request.POST.get("page", "")).isdigit() and int(page) > 1:
        back["page"] = page
    return redirect(f"{reverse('applications:queue', args=[project.pk])}?{urlencode(back)}")


@require_safe
@login_required
def queue_csv(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = access_project(request.user, project_pk, Perm.QUEUE_VIEW)
    rows = queries.queue(project, signed_in(request), pages.queue_state(request.GET.get("state")))
    response = HttpResponse(queries.queue_csv(rows), content_type="text/csv; charset=utf-8")
    filename = f"{project.term.url_key}-{project.slug}-applications.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- ranking the shortlist -----------------------------------------------------------------


@dataclass
class RankEntry:
    row: QueueRow
    name: str
    field: forms.BoundField | None


def _shortlist(project: Project, reader: User) -> list[QueueRow]:
    """The shortlist in the mentors' current order; anyone not ranked yet comes last."""
    rows = queries.queue(project, reader, QueueFilter.SHORTLISTED)
    order = {id(row): n for n, row in enumerate(rows)}
    return sorted(
        rows,
        key=lambda r: (
            r.application.mentor_rank is None,
            r.application.mentor_rank or 0,
            order[id(r)],
        ),
    )


def _render_ranking(
    request: HttpRequest,
    project: Project,
    rows: list[QueueRow],
    form: RankingForm,
    status: int = 200,
) -> HttpResponse:
    entries = [
        RankEntry(
            row=row,
            name=row.applicant.name,
            field=form[f"rank-{row.application.pk}"]
            if f"rank-{row.application.pk}" in form.fields
            else None,
        )
        for row in rows
    ]
    context = {
        "project": project,
        "term": project.term,
        "entries": entries,
        "form": form,
        "any_recused": any(row.recused for row in rows),
        "any_own": any(row.own for row in rows),
    }
    return render(request, "applications/review/ranking.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def ranking(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = access_project(request.user, project_pk, Perm.QUEUE_VIEW)
    rows = _shortlist(project, signed_in(request))
    ids = [row.application.pk for row in rows]
    if request.method != "POST":
        return _render_ranking(request, project, rows, RankingForm(applications=ids))
    form = RankingForm(request.POST, applications=ids)
    if not form.is_valid():
        messages.error(request, "The ranking was not saved: see the form below.")
        return _render_ranking(request, project, rows, form, status=400)
    try:
        services.rank_shortlist(project, form.cleaned_data["ordered"], actor=signed_in(request))
    except DomainError as error:
        messages.error(request, f"The ranking was not saved. {error}")
        return _render_ranking(request, project, rows, form, status=error.http_status)
    messages.success(request, "Ranking saved.")
    return redirect("applications:ranking", project_pk=project.pk)


# --- one applicant -------------------------------------------------------------------------


@dataclass
class ApplicantForms:
    review: ReviewForm | None = None
    conflict: ConflictForm | None = None
    decline: DeclineForm | None = None


def _render_applicant(
    request: HttpRequest,
    application: Application,
    bound: ApplicantForms | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or ApplicantForms()
    seen = queries.review_view(application, request.user)
    mine = seen.mine
    review_form = bound.review or ReviewForm(
        initial={
            "score": str(mine.score) if mine and mine.score else "",
            "notes": mine.notes if mine else "",
        }
    )
    context = {
        "application": application,
        "project": application.project,
        "term": application.project.term,
        "profile": seen.applicant.profile,
        "name": seen.applicant.name,
        "links": seen.applicant.link_list,
        "tasks": list(application.tasks.order_by("position")),
        "events": queries.history(application, zone="UTC", with_actor=True),
        "submitted": instant(application.submitted_at),
        "is_admin": seen.is_admin,
        "mine": mine,
        "recused": seen.recused,
        "others": seen.others,
        "scores": seen.scores,
        "review_form": review_form,
        "conflict_form": bound.conflict or ConflictForm(),
        "decline_form": bound.decline or DeclineForm(),
        "can_shortlist": application.status == Application.Status.SUBMITTED,
        "can_unshortlist": application.status == Application.Status.SHORTLISTED,
        "can_decline": application.can_become(Application.Status.REJECTED),
    }
    return render(request, "applications/review/applicant.html", context, status=status)


@require_safe
@login_required
def applicant(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk, Perm.APPLICATION_REVIEW)
    return _render_applicant(request, application)


def _act(
    request: HttpRequest,
    application: Application,
    form: forms.Form,
    bound: ApplicantForms,
    action: Callable[[dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """Validate `form`, run one service call, and go back to the applicant; on a refusal,
    show the page again with the input kept (HTTP 400, or 409 after a lost race)."""
    if not form.is_valid():
        messages.error(request, "Nothing was saved: see the form below.")
        return _render_applicant(request, application, bound, status=400)
    done = run_service(request, lambda: action(form.cleaned_data))
    if isinstance(done, Refused):
        return _render_applicant(request, application, bound, status=done.status)
    messages.success(request, success)
    return redirect("applications:applicant", pk=application.pk)


@require_POST
@login_required
def save_review(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk, Perm.APPLICATION_REVIEW)
    form = ReviewForm(request.POST)
    return _act(
        request,
        application,
        form,
        ApplicantForms(review=form),
        lambda data: services.review_application(
            application, reviewer=signed_in(request), score=data["score"], notes=data["notes"]
        ),
        "Your review is saved.",
    )


@require_POST
@login_required
def conflict(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk, Perm.APPLICATION_REVIEW)
    form = ConflictForm(request.POST)
    return _act(
        request,
        application,
        form,
        ApplicantForms(conflict=form),
        lambda data: services.declare_conflict(
            application, reviewer=signed_in(request), reason=data["reason"]
        ),
        "Conflict of interest declared: you are recused from this applicant.",
    )


@require_POST
@login_required
def shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk, Perm.APPLICATION_REVIEW)
    form = ShortlistForm(request.POST)
    adding = request.POST.get("action") != ShortlistForm.REMOVE

    def act(data: dict[str, Any]) -> object:
        if data["action"] == ShortlistForm.ADD:
            return services.shortlist_application(application, actor=signed_in(request))
        return services.unshortlist_application(application, actor=signed_in(request))

    return _act(
        request,
        application,
        form,
        ApplicantForms(),
        act,
        "Shortlisted." if adding else "Taken off the shortlist.",
    )


@require_POST
@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    application = access_application(request.user, pk, Perm.APPLICATION_REVIEW)
    form = DeclineForm(request.POST)
    return _act(
        request,
        application,
        form,
        ApplicantForms(decline=form),
        lambda data: services.decline_applications(
            [application], actor=signed_in(request), message=data["message"]
        ),
        "Application declined; the applicant sees your message in its history.",
    )

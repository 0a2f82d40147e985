"""The two applications pages that other apps put panels on, rendered in one place.

"My applications" (the mentee's home) and a project's review queue are rendered here, not
in a views module, so that an app above `applications` (selection) can re-render them with
its own form posted back with errors and the error's HTTP status, without importing
another app's views (docs/architecture.md, "Panels"). What the other apps show on them
comes through `cohort.applications.panels`; this module imports no app above this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cohort.applications import panels, queries, services
from cohort.applications.access import applications_of
from cohort.applications.models import Application, MenteeProfile
from cohort.applications.queries import QueueFilter, QueueRow, standing
from cohort.applications.review_forms import BulkDeclineForm
from cohort.core.actors import signed_in
from cohort.core.models import User
from cohort.core.time import Instant, instant
from cohort.projects.models import Project
from cohort.terms.models import Term

Status = Application.Status

# --- the mentee's side ---------------------------------------------------------------------


@dataclass(frozen=True)
class WindowView:
    """A term's applications window, and where `now` stands in it."""

    term: Term
    start: Instant | None
    end: Instant | None
    is_open: bool
    not_yet: bool  # dated, and it opens later
    has_closed: bool

    @property
    def zone(self) -> str:
        return self.term.time_zone


def window_view(term: Term, now: datetime) -> WindowView:
    window = services.applications_window(term)
    zone = term.time_zone
    state = window.state_at(now)
    return WindowView(
        term=term,
        start=instant(window.start, zone),
        end=instant(window.end, zone),
        is_open=state == "open",
        not_yet=state == "not_yet",
        has_closed=state == "closed",
    )


def profile_of(user: User) -> MenteeProfile | None:
    return MenteeProfile.objects.filter(user=user).first()


@dataclass
class Row:
    application: Application
    done: int
    total: int

    @property
    def label(self) -> str:
        if self.application.status == Status.DRAFT:
            return f"In progress: {self.done} of {self.total} tasks"
        return str(self.application.get_status_display())


@dataclass
class TermApplications:
    term: Term
    window: WindowView
    rows: list[Row] = field(default_factory=list)
    panels: list[panels.Panel] = field(default_factory=list)  # e.g. selection's box

    @property
    def active(self) -> int:
        return sum(1 for row in self.rows if row.application.is_active)

    @property
    def limit(self) -> int:
        return self.term.applications_cap


def render_my_applications(
    request: HttpRequest, *, bound: panels.Bound | None = None, status: int = 200
) -> HttpResponse:
    """ "My applications", per term, with the panels other apps put under each term; `bound`
    holds a panel's form posted back with errors, `status` the error's HTTP status."""
    now = timezone.now()
    applications = (
        applications_of(request.user)
        .select_related("project__organization", "term__program")
        .prefetch_related("term__milestones")
        .annotate(
            n_tasks=Count("tasks"),
            n_done=Count("tasks", filter=Q(tasks__completed_at__isnull=False)),
        )
        .order_by("-term__year", "-term__number", "created_at", "id")
    )
    groups: dict[int, TermApplications] = {}
    for application in applications:
        term = application.term
        group = groups.get(term.pk)
        if group is None:
            group = groups[term.pk] = TermApplications(term, window_view(term, now))
        group.rows.append(Row(application, done=application.n_done, total=application.n_tasks))
    shown = panels.mentee_panels(
        signed_in(request), [group.term for group in groups.values()], bound or {}, now
    )
    for pk, group in groups.items():
        group.panels = shown.get(pk, [])
    context = {
        "groups": list(groups.values()),
        "standing": standing(profile_of(signed_in(request))),
    }
    return render(request, "applications/mentee/home.html", context, status=status)


# --- a project's review queue --------------------------------------------------------------

FILTERS: list[tuple[QueueFilter, str]] = [
    (QueueFilter.ALL, "All"),
    (QueueFilter.COMPLETE, "Complete"),
    (QueueFilter.INCOMPLETE, "In progress"),
    (QueueFilter.SHORTLISTED, "Shortlisted"),
    (QueueFilter.UNREVIEWED, "Not yet reviewed by you"),
    (QueueFilter.DECLINED, "Declined"),
]


def queue_state(value: str | None) -> QueueFilter:
    """The queue filter asked for; an unknown one shows everything."""
    try:
        return QueueFilter(value or QueueFilter.ALL)
    except ValueError:
        return QueueFilter.ALL


@dataclass
class QueueEntry:
    row: QueueRow
    name: str
    submitted: Instant | None
    can_decline: bool


def render_queue(
    request: HttpRequest,
    project: Project,
    state: QueueFilter,
    *,
    decline_form: BulkDeclineForm | None = None,
    bound: panels.Bound | None = None,
    status: int = 200,
) -> HttpResponse:
    """A page of the queue (`queries.QUEUE_PAGE_SIZE` applicants, the `page` asked for in
    the query string, or in the form posted back), with the panels other apps put at its
    foot; `bound` holds a panel's form posted back with errors, `status` the error's HTTP
    status."""
    asked = request.POST.get("page") if request.method == "POST" else request.GET.get("page")
    page = queries.queue_page(
        project, signed_in(request), state, asked, params={"state": state.value}
    )
    entries = [
        QueueEntry(
            row=row,
            name=row.applicant.name,
            submitted=instant(row.application.submitted_at),
            can_decline=not row.recused and row.application.can_become(Status.REJECTED),
        )
        for row in page.rows
    ]
    if decline_form is None:
        decline_form = BulkDeclineForm(choices=[e.row.application.pk for e in entries])
    ticked = set(request.POST.getlist("applications")) if decline_form.is_bound else set()
    context = {
        "project": project,
        "term": project.term,
        "state": state,
        "state_label": dict(FILTERS)[state],
        "tabs": [(value, label, page.counts[value]) for value, label in FILTERS],
        "entries": entries,
        "paging": page.paging,
        "shortlisted": page.counts[QueueFilter.SHORTLISTED],
        "decline_form": decline_form,
        "ticked": ticked,
        "any_declinable": any(e.can_decline for e in entries),
        "panels": panels.queue_panels(project, signed_in(request), bound or {}),
    }
    return render(request, "applications/review/queue.html", context, status=status)

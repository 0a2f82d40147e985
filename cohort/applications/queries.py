"""Reading applications for the review pages, the API and the CSV: one place, few queries.

A review queue is a fixed number of queries whatever its length (the applications with
their mentee and profile, their tasks, their reviews). What a reader sees of the reviews
follows `cohort.applications.access`: every mentor of the project sees the scores (they
decide together), a note is seen by its author and the program admins only.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from cohort.applications import eligibility, services
from cohort.applications.access import held_roles
from cohort.applications.models import (
    CLOSED,
    Application,
    ApplicationEvent,
    ApplicationQuerySet,
    MenteeProfile,
    Review,
    Task,
    country_choices,
)
from cohort.applications.prerequisites import Answer, TaskSpec, spec_for
from cohort.core.actors import Viewer
from cohort.core.models import User
from cohort.core.paging import Paging
from cohort.core.permissions import Role
from cohort.core.spreadsheet import safe_cell
from cohort.core.time import Instant
from cohort.projects.models import Project
from cohort.terms.access import is_program_admin

Status = Application.Status


# --- one person, one review, one history entry, as every page and the API show them ---------


def display_name(user: User, profile: MenteeProfile | None = None) -> str:
    """A mentee's name for mentors and admins: their profile's, else their account's."""
    if profile is not None and profile.name:
        return profile.name
    return str(user.get_full_name() or user.username)


def display_names(user_ids: Iterable[int]) -> dict[int, str]:
    """`display_name` for many users at once, in two queries."""
    ids = set(user_ids)
    names = {user.pk: display_name(user) for user in get_user_model().objects.filter(pk__in=ids)}
    names.update(
        MenteeProfile.objects.filter(user_id__in=ids)
        .exclude(name="")
        .values_list("user_id", "name")
    )
    return names


@dataclass(frozen=True)
class Applicant:
    """An applicant as a project's mentors and the program admins see them (the queue, the
    applicant's page, the API): their account and, once they wrote one, their profile."""

    user: User
    profile: MenteeProfile | None

    @property
    def username(self) -> str:
        return str(self.user.username)

    @property
    def name(self) -> str:
        return display_name(self.user, self.profile)

    @property
    def email(self) -> str:
        return str(self.user.email)

    @property
    def github(self) -> str:
        return self.profile.github if self.profile else ""

    @property
    def country(self) -> str:
        return self.profile.country if self.profile else ""

    @property
    def time_zone(self) -> str:
        return self.profile.time_zone if self.profile else ""

    @property
    def links(self) -> str:
        return self.profile.links if self.profile else ""

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    @property
    def skills(self) -> str:
        return self.profile.skills if self.profile else ""


def applicant_of(application: Application) -> Applicant:
    """The application's mentee, with the profile when it was selected along (else a query)."""
    mentee = application.mentee
    return Applicant(mentee, getattr(mentee, "mentee_profile", None))


@dataclass(frozen=True)
class Standing:
    """Whether the user may apply, as their profile says, and why not."""

    profile: MenteeProfile | None
    refusals: list[str]
    unanswered: list[str]

    @property
    def can_apply(self) -> bool:
        return self.profile is not None and not self.refusals and not self.unanswered


def standing(profile: MenteeProfile | None) -> Standing:
    if profile is None:
        return Standing(None, [], [])
    answers = profile.attestations
    return Standing(profile, eligibility.refusals(answers), eligibility.unanswered(answers))


@dataclass(frozen=True)
class SeenReview:
    """A review as one reader may see it: every mentor of the project sees the score (they
    decide together); the note and the conflict reason only its author and program admins."""

    reviewer_id: int
    reviewer: str  # the reviewer's username
    name: str  # the reviewer's display name
    mine: bool
    score: int | None
    notes: str
    recused: bool  # the reviewer declared a conflict of interest
    conflict_reason: str


def seen_review(review: Review, reader: Viewer, admin: bool) -> SeenReview:
    mine = review.reviewer_id == reader.pk
    private = mine or admin
    return SeenReview(
        reviewer_id=review.reviewer_id,
        reviewer=review.reviewer.username,
        name=display_name(review.reviewer),
        mine=mine,
        score=review.score,
        notes=review.notes if private else "",
        recused=review.conflict,
        conflict_reason=review.conflict_reason if private else "",
    )


def seen_reviews(application: Application, reader: Viewer, admin: bool) -> list[SeenReview]:
    """Every review of `application`, oldest first, as `reader` may see it (one query)."""
    reviews = Review.objects.filter(application=application).select_related("reviewer")
    return [seen_review(r, reader, admin) for r in reviews.order_by("id")]


@dataclass(frozen=True)
class ReviewView:
    """What a project's mentor or a program admin reads of one application: the applicant,
    every review as they may see it, and their own review (the page's form starts from it)."""

    applicant: Applicant
    reviews: list[SeenReview]
    mine: Review | None
    is_admin: bool

    @property
    def recused(self) -> bool:
        return bool(self.mine and self.mine.conflict)

    @property
    def others(self) -> list[SeenReview]:
        return [r for r in self.reviews if not r.mine]

    @property
    def scores(self) -> list[int]:
        return [r.score for r in self.reviews if r.score is not None]


def review_view(application: Application, reader: Viewer) -> ReviewView:
    """`application` as `reader` (who holds APPLICATION_REVIEW on it) reads it."""
    admin = is_program_admin(reader, application.project.term.program)
    stored = list(
        Review.objects.filter(application=application).select_related("reviewer").order_by("id")
    )
    return ReviewView(
        applicant=applicant_of(application),
        reviews=[seen_review(r, reader, admin) for r in stored],
        mine=next((r for r in stored if r.reviewer_id == reader.pk), None),
        is_admin=admin,
    )


# --- one application and its tasks, as its pages and the API show them ---------------------


@dataclass
class TaskView:
    """One task with what its prerequisite asks for (`spec`: None for a task whose
    prerequisite the project no longer lists)."""

    task: Task
    spec: TaskSpec | None

    @property
    def kind(self) -> str:
        return self.task.kind

    @property
    def title(self) -> str:
        return self.task.title

    @property
    def takes(self) -> str:
        return str(self.spec.answer if self.spec is not None else Answer.TEXT)

    @property
    def help(self) -> str:
        return self.spec.help if self.spec is not None else ""

    @property
    def done(self) -> bool:
        return self.task.is_done

    @property
    def completed_at(self) -> datetime | None:
        return self.task.completed_at

    @property
    def text(self) -> str:
        return self.task.text

    @property
    def url(self) -> str:
        return self.task.url

    @property
    def file_name(self) -> str:
        return self.task.file_name if self.task.file else ""

    @property
    def is_resume(self) -> bool:
        return self.task.kind == Task.Kind.RESUME

    @property
    def takes_text(self) -> bool:
        return self.spec.takes_text if self.spec else True

    @property
    def takes_link(self) -> bool:
        return bool(self.spec and self.spec.takes_link)

    @property
    def takes_file(self) -> bool:
        return bool(self.spec and self.spec.takes_file)


def task_views(application: Application) -> list[TaskView]:
    """The application's tasks in their order (prefetched ones are not read again)."""
    specs = services.specs_for(application.project)
    tasks = sorted(application.tasks.all(), key=lambda task: (task.position, task.pk))
    return [TaskView(task, spec_for(specs, task.kind)) for task in tasks]


@dataclass(frozen=True)
class ApplicationView:
    """An application as one reader sees it: `review` is None for the applicant; a
    project's mentors and the program admins also get the applicant and the reviews."""

    application: Application
    tasks: list[TaskView]
    review: ReviewView | None = None


def application_view(
    application: Application, reader: Viewer, *, reviewer: bool
) -> ApplicationView:
    return ApplicationView(
        application,
        task_views(application),
        review_view(application, reader) if reviewer else None,
    )


@dataclass(frozen=True)
class EventRow:
    """One entry of an application's history, as the mentee's page, the review page and the
    API show it. `actor` is only given to the project's mentors and the program admins."""

    kind: str  # "status" (a status change) or "task" (a task handed in)
    at: datetime  # UTC
    when: Instant  # `at` in the page's zone
    status: str
    status_label: str
    task: str
    task_label: str
    reason: str
    actor: str | None


def history(application: Application, *, zone: str, with_actor: bool) -> list[EventRow]:
    """The application's history, oldest first, in one query."""
    events = ApplicationEvent.objects.filter(application=application).select_related("actor")
    return [
        EventRow(
            kind=e.kind,
            at=e.at.astimezone(UTC),
            when=Instant(e.at, zone),
            status=e.status,
            status_label=e.status_label,
            task=e.task,
            task_label=e.task_label,
            reason=e.reason,
            actor=(e.actor.username if e.actor else None) if with_actor else None,
        )
        for e in events.order_by("at", "id")
    ]


# --- the review queue ----------------------------------------------------------------------


class QueueFilter(StrEnum):
    ALL = "all"  # every application that is not withdrawn
    COMPLETE = "complete"  # every task in (submitted or shortlisted)
    INCOMPLETE = "incomplete"  # still in progress
    SHORTLISTED = "shortlisted"
    UNREVIEWED = "unreviewed"  # complete, and the reader has neither scored nor noted it
    DECLINED = "declined"


@functools.cache
def _country_names(language: str | None) -> dict[str, str]:
    return dict(country_choices())


def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 codes and their names, in the active language."""
    return _country_names(get_language())


@dataclass
class QueueRow:
    application: Application
    profile: MenteeProfile | None
    tasks: list[Task]
    reviews: list[SeenReview] = field(default_factory=list)  # what the reader may see
    mine: Review | None = None
    recused: bool = False
    own: bool = False  # the reader's own application: no reviews shown, no decision

    @property
    def applicant(self) -> Applicant:
        return Applicant(self.application.mentee, self.profile)

    @property
    def country_name(self) -> str:
        """The applicant's country by name (`get_country_display`, without walking the
        choices for every row)."""
        code = self.profile.country if self.profile else ""
        return country_names().get(code, code)

    @property
    def tasks_done(self) -> int:
        return sum(1 for task in self.tasks if task.is_done)

    @property
    def tasks_total(self) -> int:
        return len(self.tasks)

    @property
    def my_score(self) -> int | None:
        return self.mine.score if self.mine else None

    @property
    def my_notes(self) -> str:
        return self.mine.notes if self.mine else ""

    @property
    def scores(self) -> list[int]:
        return [r.score for r in self.reviews if r.score is not None]

    @property
    def mean_score(self) -> float | None:
        scores = self.scores
        return round(sum(scores) / len(scores), 2) if scores else None


def queue(project: Project, reader: User, state: str = QueueFilter.ALL) -> list[QueueRow]:
    """The project's applicants as `reader` (a mentor or admin) sees them, filtered: every
    one of them (the CSV, the API, the ranking); the page reads `queue_page`."""
    applications = _filtered(
        Application.objects.filter(project=project), reader, QueueFilter(state)
    ).select_related("mentee__mentee_profile")
    return _queue_rows(applications, project, reader)


QUEUE_PAGE_SIZE = 50  # applicants on one page of a project's review queue


@dataclass(frozen=True)
class QueuePage:
    """One page of a project's queue: its rows, where it is, and how many applications
    each filter keeps (the tabs; every page, not this one)."""

    rows: list[QueueRow]
    paging: Paging
    counts: dict[QueueFilter, int]


def queue_page(
    project: Project,
    reader: User,
    state: str = QueueFilter.ALL,
    asked: str | None = None,
    *,
    params: Mapping[str, str] | None = None,
    size: int = QUEUE_PAGE_SIZE,
) -> QueuePage:
    """One page of `queue` (the page `asked` for, kept within the list), whatever the
    queue's length: the counts of every filter, then the page's applications, their tasks
    and their reviews."""
    state = QueueFilter(state)
    counts = queue_counts(project, reader)
    paging = Paging.of(asked, counts[state], size=size, params=params or {})
    applications = _filtered(Application.objects.filter(project=project), reader, state)
    shown = applications.select_related("mentee__mentee_profile")[
        paging.start : paging.start + size
    ]
    return QueuePage(_queue_rows(shown, project, reader), paging, counts)


def _queue_rows(
    applications: ApplicationQuerySet, project: Project, reader: User
) -> list[QueueRow]:
    """`applications` (with their mentee and profile selected) as `reader` sees them: their
    tasks and reviews in two more queries (and whether `reader` runs the program, unless
    `access_project` read it already)."""
    held = held_roles(reader, project)
    admin = (
        Role.PROGRAM_ADMIN in held
        if held is not None
        else is_program_admin(reader, project.term.program)
    )
    rows = []
    for application in applications.prefetch_related(
        Prefetch("tasks", queryset=Task.objects.order_by("position")),
        Prefetch("reviews", queryset=Review.objects.select_related("reviewer").order_by("id")),
    ):
        reviews = list(application.reviews.all())
        mine = next((r for r in reviews if r.reviewer_id == reader.pk), None)
        own = application.mentee_id == reader.pk
        rows.append(
            QueueRow(
                application=application,
                profile=getattr(application.mentee, "mentee_profile", None),
                tasks=list(application.tasks.all()),
                reviews=[] if own else [seen_review(r, reader, admin) for r in reviews],
                mine=mine,
                recused=own or bool(mine and mine.conflict),
                own=own,
            )
        )
    return rows


def _where(state: QueueFilter, reader: User) -> Q:
    """The applications a queue filter keeps (one rule for its rows and for its count)."""
    if state == QueueFilter.COMPLETE:
        return Q(status__in=Application.COMPLETE)
    if state == QueueFilter.INCOMPLETE:
        return Q(status=Status.DRAFT)
    if state == QueueFilter.SHORTLISTED:
        return Q(status=Status.SHORTLISTED)
    if state == QueueFilter.UNREVIEWED:
        reviewed = Review.objects.filter(reviewer=reader).filter(
            Q(score__isnull=False) | ~Q(notes="") | Q(conflict=True)
        )
        return Q(status__in=Application.COMPLETE) & ~Q(pk__in=reviewed.values("application_id"))
    if state == QueueFilter.DECLINED:
        return Q(status=Status.REJECTED)
    return ~Q(status__in=CLOSED)  # ALL: not withdrawn (`ApplicationQuerySet.active`)


_RANKED = ("mentor_rank", "submitted_at", "created_at", "id")
_ORDER: dict[QueueFilter, tuple[str, ...]] = {
    QueueFilter.INCOMPLETE: ("created_at", "id"),
    QueueFilter.DECLINED: ("status_changed_at", "id"),
}


def _filtered(
    applications: ApplicationQuerySet, reader: User, state: QueueFilter
) -> ApplicationQuerySet:
    return applications.filter(_where(state, reader)).order_by(*_ORDER.get(state, _RANKED))


def queue_counts(project: Project, reader: User) -> dict[QueueFilter, int]:
    """How many of the project's applications each queue filter keeps, in one query."""
    summed = Application.objects.filter(project=project).aggregate(
        **{state.value: Count("id", filter=_where(state, reader)) for state in QueueFilter}
    )
    return {state: int(summed[state.value]) for state in QueueFilter}


@dataclass(frozen=True)
class Counts:
    project: Project
    total: int  # not withdrawn
    complete: int
    incomplete: int
    shortlisted: int
    declined: int
    withdrawn: int


class OverviewFilter(StrEnum):
    """Which projects the admin's term overview lists: those with at least one application in
    this state (the console's term dashboard links each of its counts to one)."""

    INCOMPLETE = "incomplete"  # draft: tasks still to hand in
    COMPLETE = "complete"  # every task in (Application.COMPLETE)
    AWAITING = "awaiting"  # submitted: complete, neither shortlisted nor declined yet
    UNREVIEWED = "unreviewed"  # submitted, and no mentor has scored or noted it
    SHORTLISTED = "shortlisted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


OVERVIEW_LABELS: dict[OverviewFilter, str] = {
    OverviewFilter.INCOMPLETE: "in progress",
    OverviewFilter.COMPLETE: "complete",
    OverviewFilter.AWAITING: "submitted, awaiting review",
    OverviewFilter.UNREVIEWED: "not reviewed by any mentor",
    OverviewFilter.SHORTLISTED: "shortlisted",
    OverviewFilter.DECLINED: "declined",
    OverviewFilter.WITHDRAWN: "withdrawn",
}

# The project's queue filter that shows the applications an overview filter counts.
OVERVIEW_QUEUE_STATE: dict[OverviewFilter, QueueFilter] = {
    OverviewFilter.INCOMPLETE: QueueFilter.INCOMPLETE,
    OverviewFilter.COMPLETE: QueueFilter.COMPLETE,
    OverviewFilter.AWAITING: QueueFilter.COMPLETE,
    OverviewFilter.UNREVIEWED: QueueFilter.COMPLETE,
    OverviewFilter.SHORTLISTED: QueueFilter.SHORTLISTED,
    OverviewFilter.DECLINED: QueueFilter.DECLINED,
    OverviewFilter.WITHDRAWN: QueueFilter.ALL,
}


def overview_filter(value: str | None) -> OverviewFilter | None:
    """The overview filter asked for; none (every project) for an unknown one."""
    try:
        return OverviewFilter(value) if value else None
    except ValueError:
        return None


def unreviewed(applications: ApplicationQuerySet) -> ApplicationQuerySet:
    """Submitted applications that no mentor has reviewed: no review with a score or a note
    (a declared conflict alone is a recusal, not a review)."""
    reviewed = Review.objects.filter(application=OuterRef("pk")).filter(
        Q(score__isnull=False) | ~Q(notes="")
    )
    return applications.filter(status=Status.SUBMITTED).filter(~Exists(reviewed))


def in_state(applications: ApplicationQuerySet, state: OverviewFilter) -> ApplicationQuerySet:
    """The applications an overview filter counts."""
    if state == OverviewFilter.UNREVIEWED:
        return unreviewed(applications)
    if state == OverviewFilter.COMPLETE:
        return applications.complete()
    status = {
        OverviewFilter.INCOMPLETE: Status.DRAFT,
        OverviewFilter.AWAITING: Status.SUBMITTED,
        OverviewFilter.SHORTLISTED: Status.SHORTLISTED,
        OverviewFilter.DECLINED: Status.REJECTED,
        OverviewFilter.WITHDRAWN: Status.WITHDRAWN,
    }[state]
    return applications.filter(status=status)


def _with_state(projects: QuerySet[Project], state: OverviewFilter | None) -> QuerySet[Project]:
    """`projects`, kept to those with at least one application in `state` (if given)."""
    if state is None:
        return projects
    return projects.filter(pk__in=in_state(Application.objects.all(), state).values("project_id"))


def _count(status: Q) -> Count:
    """A project's applications in `status` (a filter on them)."""
    return Count("applications", filter=status)


# Each count of `Counts` (and of `Totals`), by its field's name, as a filter on a project's
# applications.
_COUNTED = {
    "total": ~Q(applications__status__in=CLOSED),  # not withdrawn
    "complete": Q(applications__status__in=Application.COMPLETE),
    "incomplete": Q(applications__status=Status.DRAFT),
    "shortlisted": Q(applications__status=Status.SHORTLISTED),
    "declined": Q(applications__status=Status.REJECTED),
    "withdrawn": Q(applications__status=Status.WITHDRAWN),
}


def _counted(projects: QuerySet[Project]) -> list[Counts]:
    rows = (
        projects.select_related("organization")
        .annotate(**{f"n_{name}": _count(status) for name, status in _COUNTED.items()})
        .order_by("position", "id")
    )
    return [Counts(project=p, **{name: getattr(p, f"n_{name}") for name in _COUNTED}) for p in rows]


def counts(projects: QuerySet[Project], state: OverviewFilter | None = None) -> list[Counts]:
    """How many applied to each project, by state, in one query. No names. `state` keeps
    the projects with at least one application in that state."""
    return _counted(_with_state(projects, state))


@dataclass(frozen=True)
class Totals:
    """The counts of `Counts`, added up over many projects."""

    total: int = 0
    complete: int = 0
    incomplete: int = 0
    shortlisted: int = 0
    declined: int = 0
    withdrawn: int = 0


def counts_page(
    projects: QuerySet[Project],
    state: OverviewFilter | None = None,
    asked: str | None = None,
    *,
    params: Mapping[str, str] | None = None,
    size: int,
) -> tuple[list[Counts], Totals, Paging]:
    """One page of `counts` (the page `asked` for, kept within the list), and the totals
    over every project: two queries whatever the number of projects, and only the page's
    projects are read."""
    projects = _with_state(projects, state)
    summed = projects.aggregate(
        projects=Count("id", distinct=True),
        **{name: _count(status) for name, status in _COUNTED.items()},
    )
    paging = Paging.of(asked, summed.pop("projects"), size=size, params=params or {})
    page = projects.order_by("position", "id").values("pk")[paging.start : paging.start + size]
    return _counted(Project.objects.filter(pk__in=page)), Totals(**summed), paging


CSV_HEADER = (
    "application_id",
    "status",
    "mentor_rank",
    "submitted_at_utc",
    "name",
    "github",
    "email",
    "country",
    "time_zone",
    "tasks_done",
    "tasks_total",
    "mean_score",
    "scores",
    "my_score",
    "my_notes",
    "recused",
)


def queue_csv(rows: Iterable[QueueRow]) -> str:
    """The queue as CSV for the reader who asked for it (their own notes only)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        a, p = row.application, row.profile
        writer.writerow(
            (
                a.pk,
                a.status,
                a.mentor_rank or "",
                a.submitted_at.strftime("%Y-%m-%dT%H:%M:%SZ") if a.submitted_at else "",
                safe_cell(display_name(a.mentee, p)),
                safe_cell(p.github if p else ""),
                safe_cell(a.mentee.email),
                p.country if p else "",
                p.time_zone if p else "",
                row.tasks_done,
                len(row.tasks),
                row.mean_score if row.mean_score is not None else "",
                " ".join(str(s) for s in row.scores),
                row.mine.score if row.mine and row.mine.score else "",
                safe_cell(row.mine.notes if row.mine else ""),
                "yes" if row.recused else "",
            )
        )
    return out.getvalue()

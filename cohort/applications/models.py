"""Mentee profiles, applications, their prerequisite tasks, their history, and mentor reviews.

Rules about one row or about uniqueness live in the database (DESIGN §3):

- one application per (mentee, project): re-applying after a withdrawal reopens the same row;
- at most N active applications per mentee and term: every active application holds one of
  the slots 1..N (`active_slot`, unique per mentee and term), and a withdrawn one holds none,
  so two requests racing for the last slot cannot both win;
- one task per (application, kind), one review per (application, reviewer), a score of 1–5,
  and a mentor's ranking only on shortlisted applications.

Files (résumés, certificates, challenge answers) are stored under random names in the
private storage, outside the static and media roots, and served only by access-checked
views (`cohort.applications.views.resume_download` and `task_file`, and the same in the API).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar, Final

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django_countries import countries

from cohort.applications import limits
from cohort.applications.eligibility import FIELDS as ATTESTATION_FIELDS
from cohort.applications.prerequisites import TITLES, Kind
from cohort.core.models import TimeStampedModel
from cohort.projects.models import Project
from cohort.terms.models import Term, validate_time_zone


def private_storage() -> Storage:
    return storages["private"]


def random_pdf_name(instance: Any, filename: str) -> str:
    """Where an upload is stored: its folder and a random name; the uploader's name is kept
    in a separate column for display."""
    folder = "resumes" if isinstance(instance, MenteeProfile) else "tasks"
    return f"{folder}/{uuid.uuid4().hex}.pdf"


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 codes and their English short names, from django-countries (the
    stipend policy keys on the code)."""
    return [(c.code, str(c.name)) for c in countries]


class MenteeProfile(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_profile"
    )
    name = models.CharField(max_length=limits.NAME)
    github = models.CharField(max_length=limits.GITHUB, blank=True)
    links = models.TextField(blank=True)  # one URL per line: portfolio, LinkedIn, blog
    skills = models.TextField(blank=True)
    country = models.CharField(max_length=2, choices=country_choices)  # ISO 3166-1 alpha-2
    time_zone = models.CharField(max_length=limits.TIME_ZONE, validators=[validate_time_zone])
    # The eligibility attestations (cohort.applications.eligibility); None = not answered.
    # blank=True: a profile may be saved before every question is answered (applying is not).
    is_adult = models.BooleanField(null=True, blank=True)
    can_work = models.BooleanField(null=True, blank=True)
    first_mentorship = models.BooleanField(null=True, blank=True)
    no_coc_violation = models.BooleanField(null=True, blank=True)
    attested_at = models.DateTimeField(null=True, blank=True)
    resume = models.FileField(
        storage=private_storage, upload_to=random_pdf_name, blank=True, max_length=200
    )
    resume_name = models.CharField(max_length=200, blank=True)  # as the mentee named it
    resume_size = models.PositiveIntegerField(default=0)
    resume_uploaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(condition=~Q(name=""), name="mentee_profile_has_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def attestations(self) -> dict[str, bool | None]:
        return {field: getattr(self, field) for field in ATTESTATION_FIELDS}

    @property
    def is_eligible(self) -> bool:
        return all(value is True for value in self.attestations.values())


class ApplicationQuerySet(models.QuerySet["Application"]):
    def active(self) -> ApplicationQuerySet:
        """Not closed: neither withdrawn nor closed because the mentee was placed elsewhere."""
        return self.exclude(status__in=CLOSED)

    def complete(self) -> ApplicationQuerySet:
        return self.filter(status__in=Application.COMPLETE)


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "In progress"
    SUBMITTED = "submitted", "Submitted, awaiting review"
    SHORTLISTED = "shortlisted", "Shortlisted"
    REJECTED = "rejected", "Declined by the mentors"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # Selection (cohort.selection): an offer is made, then accepted or declined (or it
    # lapsed). An offer replaced by one the mentee ranked higher goes back to shortlisted.
    OFFERED = "offered", "Offered a place"
    ACCEPTED = "accepted", "Offer accepted"
    OFFER_DECLINED = "offer_declined", "Offer declined"
    # The mentee accepted a place on another project of the term: the application left every
    # queue and selection (`applications.services.close_placed_elsewhere`).
    PLACED_ELSEWHERE = "placed_elsewhere", "Closed: placed elsewhere"


# Closed applications hold no slot and are in no queue.
CLOSED: Final = (ApplicationStatus.WITHDRAWN, ApplicationStatus.PLACED_ELSEWHERE)


# Every task is in: what mentors review by default.
COMPLETE: Final = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.OFFER_DECLINED,
)
# Ranked by the mentors, so the ranking is kept.
RANKED: Final = (
    ApplicationStatus.SHORTLISTED,
    ApplicationStatus.OFFERED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.OFFER_DECLINED,
)


class Application(TimeStampedModel):
    Status = ApplicationStatus

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset(
            {Status.SUBMITTED, Status.REJECTED, Status.WITHDRAWN, Status.PLACED_ELSEWHERE}
        ),
        Status.SUBMITTED: frozenset(
            {Status.SHORTLISTED, Status.REJECTED, Status.WITHDRAWN, Status.PLACED_ELSEWHERE}
        ),
        Status.SHORTLISTED: frozenset(
            {
                Status.SUBMITTED,
                Status.REJECTED,
                Status.WITHDRAWN,
                Status.OFFERED,
                Status.PLACED_ELSEWHERE,
            }
        ),
        Status.REJECTED: frozenset(),
        Status.WITHDRAWN: frozenset({Status.DRAFT}),  # re-applying, before the deadline
        Status.OFFERED: frozenset({Status.ACCEPTED, Status.OFFER_DECLINED, Status.SHORTLISTED}),
        Status.ACCEPTED: frozenset(),
        Status.OFFER_DECLINED: frozenset(),
        Status.PLACED_ELSEWHERE: frozenset(),
    }
    COMPLETE: ClassVar[tuple[str, ...]] = COMPLETE
    RANKED: ClassVar[tuple[str, ...]] = RANKED

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="applications")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="applications")
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)  # the last time all tasks were in
    active_slot = models.PositiveSmallIntegerField(null=True, blank=True)
    mentor_rank = models.PositiveIntegerField(null=True, blank=True)  # 1 = the mentors' first
    # The mentee's own order of their applications for selection (1 = first); None = not
    # ranked, and then the order they applied in counts (`cohort.selection.services.gather_inputs`).
    mentee_rank = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["term", "project", "created_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["mentee", "project"], name="application_once_per_project"
            ),
            models.UniqueConstraint(
                fields=["mentee", "term", "active_slot"],
                name="application_active_slot_unique",
                condition=Q(active_slot__isnull=False),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="application_status_valid",
            ),
            models.CheckConstraint(
                # `isnull=False` is needed: a CHECK passes when it is NULL, and `NULL >= 1` is.
                condition=Q(status__in=[s.value for s in CLOSED], active_slot__isnull=True)
                | (
                    ~Q(status__in=[s.value for s in CLOSED])
                    & Q(active_slot__isnull=False, active_slot__gte=1)
                ),
                name="application_slot_iff_active",
            ),
            models.UniqueConstraint(
                fields=["mentee", "term", "mentee_rank"],
                name="application_mentee_rank_unique",
                condition=Q(mentee_rank__isnull=False),
            ),
            models.CheckConstraint(
                condition=Q(mentor_rank__isnull=True)
                | Q(status__in=[status.value for status in RANKED]),
                name="application_rank_only_shortlisted",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[status.value for status in COMPLETE])
                | Q(submitted_at__isnull=False),
                name="application_submitted_has_time",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["project", "status"], name="application_queue_idx"),
            models.Index(fields=["status", "submitted_at"], name="application_submitted_idx"),
        ]

    def __str__(self) -> str:
        return f"Application {self.pk} to {self.project_id}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def is_active(self) -> bool:
        return self.status not in CLOSED

    @property
    def is_complete(self) -> bool:
        return self.status in self.COMPLETE


class Task(models.Model):
    """One prerequisite of one application, and the mentee's answer to it."""

    class Kind(models.TextChoices):
        RESUME = Kind.RESUME, TITLES[Kind.RESUME]
        COVER_LETTER = Kind.COVER_LETTER, TITLES[Kind.COVER_LETTER]
        CODING_CHALLENGE = Kind.CODING_CHALLENGE, TITLES[Kind.CODING_CHALLENGE]
        CUSTOM = Kind.CUSTOM, TITLES[Kind.CUSTOM]
        SCHOOL_ENROLLMENT = Kind.SCHOOL_ENROLLMENT, TITLES[Kind.SCHOOL_ENROLLMENT]
        PARTICIPATION_PERMISSION = (
            Kind.PARTICIPATION_PERMISSION,
            TITLES[Kind.PARTICIPATION_PERMISSION],
        )
        LFC102 = Kind.LFC102, TITLES[Kind.LFC102]

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=32, choices=Kind)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)  # the custom task's own name, or the kind's
    text = models.TextField(blank=True)
    url = models.URLField(max_length=limits.TASK_URL, blank=True)
    file = models.FileField(
        storage=private_storage, upload_to=random_pdf_name, blank=True, max_length=200
    )
    file_name = models.CharField(max_length=200, blank=True)  # as the mentee named it
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["application", "position"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["application", "kind"], name="task_once_per_kind"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | ~Q(text="") | ~Q(url="") | ~Q(file=""),
                name="task_done_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} of application {self.application_id}"

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None


class ApplicationEvent(models.Model):
    """The application's history, as the mentee sees it: each status change and each task
    handed in, when, and the reason the mentors gave, if any. Never edited."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status changed"
        TASK = "task", "Task handed in"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(max_length=20, blank=True)  # the status after a status change
    task = models.CharField(max_length=32, blank=True)  # the task's kind
    reason = models.TextField(blank=True)  # shown to the mentee

    class Meta:
        ordering: ClassVar[list[str]] = ["application", "at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(kind="status", status__gt="") | Q(kind="task", task__gt=""),
                name="application_event_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on application {self.application_id}"

    @property
    def status_label(self) -> str:
        return str(Application.Status(self.status).label) if self.status else ""

    @property
    def task_label(self) -> str:
        return str(Task.Kind(self.task).label) if self.task else ""


class Review(models.Model):
    """One mentor's private view of one applicant: a note, a score, or a recusal."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    conflict = models.BooleanField(default=False)  # a declared conflict of interest: recused
    conflict_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["application", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="review_once_per_reviewer"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="review_score_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(conflict=False) | Q(score__isnull=True),
                name="review_recused_has_no_score",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of application {self.application_id} by {self.reviewer_id}"

"""Mentorship: the placement an accepted offer becomes, and its state machine (issue 13).

Rules about one row or uniqueness live in the database (DESIGN §3, §7):

- one placement per mentee and term, and one per application and per offer (one-to-one);
- the status is one of `PlacementStatus.values`;
- a placement ends no earlier than it starts, and is extended by 0..52 weeks.

Its dates are copied from the term's timeline when it is made (`term_start`, `term_end`), so a
placement's own dates can move later (an extension, a pause) while nobody else's do.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cohort.applications.models import Application
from cohort.core.models import TimeStampedModel
from cohort.projects.models import Project
from cohort.selection.models import Offer
from cohort.terms.models import Term

# The most a reason (hold, withdraw, fail) or an outcome note may hold, in characters.
REASON_MAX: Final = 2_000
# The longest extension, in weeks.
MAX_EXTENDED_WEEKS: Final = 52


class PlacementStatus(models.TextChoices):
    UPCOMING = "upcoming", "Upcoming: the mentorship has not begun"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    WITHDRAWN = "withdrawn", "Withdrawn"
    FAILED = "failed", "Failed"
    GRADUATED = "graduated", "Graduated"


class Placement(TimeStampedModel):
    """One mentee on one project for one term, from an accepted offer."""

    Status = PlacementStatus

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.UPCOMING: frozenset({Status.ACTIVE, Status.WITHDRAWN}),
        Status.ACTIVE: frozenset(
            {Status.ON_HOLD, Status.WITHDRAWN, Status.FAILED, Status.GRADUATED}
        ),
        Status.ON_HOLD: frozenset({Status.ACTIVE, Status.WITHDRAWN, Status.FAILED}),
        Status.WITHDRAWN: frozenset(),
        Status.FAILED: frozenset(),
        Status.GRADUATED: frozenset(),
    }
    TERMINAL: ClassVar[frozenset[str]] = frozenset(
        status for status, targets in TRANSITIONS.items() if not targets
    )

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="placements")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="placements")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="placements"
    )
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="placement"
    )
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="placement")
    status = models.CharField(max_length=20, choices=Status, default=Status.UPCOMING)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Copied from the term's `term_start` and `term_end` milestones when the placement is made.
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    extended_weeks = models.PositiveSmallIntegerField(default=0)
    # Why it ended (withdrawn, failed) or a word on its graduation.
    outcome_note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["term", "project", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["mentee", "term"], name="placement_one_per_mentee_and_term"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlacementStatus.values), name="placement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gte=F("starts_at")),
                name="placement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(extended_weeks__lte=MAX_EXTENDED_WEEKS),
                name="placement_extended_weeks_range",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "starts_at"], name="placement_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Placement {self.pk} of mentee {self.mentee_id} on project {self.project_id}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL

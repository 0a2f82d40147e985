"""Mentorship: the placement an accepted offer becomes, its evaluation rounds, the mentors'
evaluations and the mentee's feedback (issue 13).

Rules about one row or uniqueness live in the database (DESIGN §3, §7):

- one placement per mentee and term, and one per application and per offer (one-to-one);
- the status is one of `PlacementStatus.values`;
- a placement ends no earlier than it starts, and is extended by 0..52 weeks.

Its dates are copied from the term's timeline when it is made (`term_start`, `term_end`), so a
placement's own dates can move later (an extension, a pause) while nobody else's do.

The rounds come from the program's `EvaluationPolicy` (data, not code: LFX full-time, the LF's
part-time variant, GSoC, Outreachy; `cohort.mentorship.policies` holds the presets). When a
placement is made, each `PolicyRound` becomes the placement's own `EvaluationRound` with exact
instants: it opens, it is due, and it closes (the due instant, or later when an admin reopens
it). One `Evaluation` and one `Feedback` per round (one-to-one: a database constraint).

An evaluation's result is what a payment hangs on (the stipends issue): it is *settled* when
it locks at its round's close or when an admin overrides it (`settled_at`, `passed`), and
`cohort.mentorship.hooks.evaluation_settled` tells the apps above.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Final

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from cohort.applications.models import Application
from cohort.core.models import TimeStampedModel
from cohort.projects.models import Project
from cohort.selection.models import Offer
from cohort.terms.models import Program, Term

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
    # Whole days the placement's dates moved because it was on hold.
    paused_days = models.PositiveSmallIntegerField(default=0)
    # When it was last put on hold (cleared when it resumes).
    held_since = models.DateTimeField(null=True, blank=True)
    # Why it ended (withdrawn, failed) or a word on its graduation.
    outcome_note = models.TextField(blank=True)
    # The evaluation policy its rounds were planned from.
    policy = models.ForeignKey(
        "EvaluationPolicy",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placements",
    )
    # The secret of the public completion page, while the graduated mentee shares it.
    share_token = models.CharField(max_length=64, unique=True, null=True, blank=True)

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
            models.CheckConstraint(
                condition=Q(share_token__isnull=True) | Q(status=PlacementStatus.GRADUATED),
                name="placement_shared_only_when_graduated",
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


# --- the program's policy -------------------------------------------------------------------

# The longest mentorship a policy may describe, in weeks.
MAX_POLICY_WEEKS: Final = 104


class EvaluationPolicy(TimeStampedModel):
    """How a program evaluates its mentees: its rounds and the mentorship's length."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="evaluation_policies"
    )
    slug = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    # Where the rule is documented, for the reader.
    source = models.CharField(max_length=500, blank=True)
    weeks = models.PositiveSmallIntegerField()
    # The policy a new placement of the program takes.
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["program", "slug"]
        verbose_name_plural = "evaluation policies"
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["program", "slug"], name="policy_slug_unique"),
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(is_default=True),
                name="policy_one_default_per_program",
            ),
            models.CheckConstraint(
                condition=Q(weeks__gte=1, weeks__lte=MAX_POLICY_WEEKS), name="policy_weeks_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PolicyRound(models.Model):
    """One round of a policy: due `week` weeks after the mentorship begins, or at the close of
    the term's `milestone` when its timeline has one (the CNCF's "midterm_evals")."""

    policy = models.ForeignKey(EvaluationPolicy, on_delete=models.CASCADE, related_name="rounds")
    key = models.SlugField(max_length=30)
    label = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()
    week = models.PositiveSmallIntegerField()
    milestone = models.CharField(max_length=40, blank=True)
    # How long before it is due the round opens for submissions.
    opens_days_before = models.PositiveSmallIntegerField(default=14)
    # The last round: a pass graduates, and the mentee's feedback asks for the blog post.
    final = models.BooleanField(default=False)
    # Whether a fail ends the placement as failed.
    ends_on_fail = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["policy", "position"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["policy", "key"], name="policy_round_key_unique"),
            models.UniqueConstraint(
                fields=["policy", "position"], name="policy_round_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(week__gte=1, week__lte=MAX_POLICY_WEEKS), name="policy_round_week"
            ),
            models.CheckConstraint(
                condition=Q(opens_days_before__lte=90), name="policy_round_opens_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} (week {self.week})"


# --- a placement's rounds, evaluations and feedback ----------------------------------------


class EvaluationRound(models.Model):
    """A placement's own round, with exact instants (UTC, shown in the term's zone).

    `due_at` is when the evaluation and the feedback are due; it moves with the placement's
    extension or pause. `closes_at` is when the evaluation locks: `due_at`, or later while an
    admin has reopened it. Feedback is still taken after `due_at`, marked late."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="rounds")
    key = models.SlugField(max_length=30)
    label = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField()
    opens_at = models.DateTimeField()
    due_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    final = models.BooleanField(default=False)
    ends_on_fail = models.BooleanField(default=True)
    # When the round's opening was announced (the outbox keeps it to once per recipient).
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["placement", "position"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["placement", "key"], name="round_key_per_placement"),
            models.CheckConstraint(
                condition=Q(due_at__gte=F("opens_at")), name="round_due_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gte=F("due_at")), name="round_closes_after_due"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["closes_at"], name="round_closes_idx"),
            models.Index(fields=["announced_at", "opens_at"], name="round_opens_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label} of placement {self.placement_id}"

    def is_open(self, now: datetime) -> bool:
        """Whether an evaluation can be submitted or edited at `now`: from the opening up to
        (not including) the close, to the second."""
        return self.opens_at <= now < self.closes_at


class Progress(models.TextChoices):
    AHEAD = "ahead", "Ahead of the plan"
    ON_TRACK = "on_track", "On track"
    BEHIND = "behind", "Somewhat behind"
    FAR_BEHIND = "far_behind", "Far behind"


class Communication(models.TextChoices):
    EXCELLENT = "excellent", "Excellent"
    GOOD = "good", "Good"
    FAIR = "fair", "Fair"
    POOR = "poor", "Poor"


class EvaluationStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted: the mentors can edit it until it closes"
    LOCKED = "locked", "Locked"
    REOPENED = "reopened", "Reopened by a program admin"
    OVERRIDDEN = "overridden", "Decided by a program admin"


# The most hours a week a mentee can be said to work.
MAX_HOURS: Final = 80
COMMENT_MAX: Final = 10_000


class Evaluation(TimeStampedModel):
    """A mentor's evaluation of a placement for one round: one per round (one-to-one).

    `passed` is the result that counts: the mentor's (`mentor_passed`) unless an admin
    overrode it (status overridden, with `override_reason`). It is settled (`settled_at`)
    when it locks or is overridden; a reopened one is unsettled until it locks again."""

    Status = EvaluationStatus

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.SUBMITTED: frozenset({Status.LOCKED, Status.OVERRIDDEN}),
        Status.LOCKED: frozenset({Status.REOPENED, Status.OVERRIDDEN}),
        Status.REOPENED: frozenset({Status.LOCKED, Status.OVERRIDDEN}),
        Status.OVERRIDDEN: frozenset({Status.REOPENED}),
    }
    EDITABLE: ClassVar[frozenset[str]] = frozenset({Status.SUBMITTED, Status.REOPENED})

    round = models.OneToOneField(
        EvaluationRound, on_delete=models.PROTECT, related_name="evaluation"
    )
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="evaluations")
    status = models.CharField(max_length=20, choices=Status, default=Status.SUBMITTED)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Who submitted it, and who changed it last (a co-mentor, or an admin's override).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations_written",
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    passed = models.BooleanField()
    # What the mentor said; null when an admin decided a round no mentor evaluated.
    mentor_passed = models.BooleanField(null=True, blank=True)
    progress = models.CharField(max_length=20, choices=Progress, blank=True)
    communication = models.CharField(max_length=20, choices=Communication, blank=True)
    hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    comments_for_mentee = models.TextField(blank=True)
    # For the program admins (and the mentors who wrote it); never the mentee.
    private_comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["placement", "round__position"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(status__in=EvaluationStatus.values), name="evaluation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__in=["", *Progress.values]), name="evaluation_progress_valid"
            ),
            models.CheckConstraint(
                condition=Q(communication__in=["", *Communication.values]),
                name="evaluation_communication_valid",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__lte=MAX_HOURS),
                name="evaluation_hours_range",
            ),
            models.CheckConstraint(
                condition=~Q(status=EvaluationStatus.OVERRIDDEN) | ~Q(override_reason=""),
                name="evaluation_override_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(settled_at__isnull=True)
                | Q(status__in=[EvaluationStatus.LOCKED, EvaluationStatus.OVERRIDDEN]),
                name="evaluation_settled_only_when_final",
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluation {self.pk} of placement {self.placement_id}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]


class Rating(models.IntegerChoices):
    POOR = 1, "1: poor"
    FAIR = 2, "2: fair"
    GOOD = 3, "3: good"
    VERY_GOOD = 4, "4: very good"
    EXCELLENT = 5, "5: excellent"


# How many links to work done the final feedback holds at most.
MAX_WORK_LINKS: Final = 30


class Feedback(TimeStampedModel):
    """The mentee's feedback on their mentors and the program for one round: one per round.
    Program admins read it; mentors never see an individual mentee's feedback."""

    round = models.OneToOneField(EvaluationRound, on_delete=models.PROTECT, related_name="feedback")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="feedback")
    mentor_rating = models.PositiveSmallIntegerField(choices=Rating)
    mentor_comments = models.TextField(blank=True)
    program_rating = models.PositiveSmallIntegerField(choices=Rating)
    program_comments = models.TextField(blank=True)
    # The final round's: the blog post and links to the pull requests and issues.
    blog_url = models.URLField(max_length=500, blank=True)
    work_links = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField()
    late = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["placement", "round__position"]
        verbose_name_plural = "feedback"
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(mentor_rating__in=Rating.values) & Q(program_rating__in=Rating.values),
                name="feedback_ratings_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback {self.pk} of placement {self.placement_id}"

"""Programs, their terms and each term's timeline.

A term keeps its timeline both as the text the page gave ("Jul 30 5:00 PM PDT") and as
exact aware instants, stored in UTC and shown in the term's IANA time zone. Phases are
computed from the milestones, never stored.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from cohort.core.models import TimeStampedModel
from cohort.formats.limits import is_time_zone
from cohort.terms.calendar import CALENDAR_LABELS, Calendar, cncf_quota_overrides
from cohort.terms.labels import parse_term_label


def validate_time_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(f"{value!r} is not an IANA time zone name such as Europe/Berlin.")


RETENTION_DEFAULT_MONTHS = 12  # how long a closed term's personal data is kept
RETENTION_MAX_MONTHS = 120


class Program(TimeStampedModel):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    # How many applications a mentee may have active in one term (withdrawn ones do not
    # count); LFX allows 3 (cncf-process.md §6).
    max_applications = models.PositiveSmallIntegerField(default=3)
    # Whether every application includes the LFC102 certificate task (the CNCF's rule since
    # 2026, cncf-process.md §1).
    require_lfc102 = models.BooleanField(default=True)
    # Which terms a year has and the timeline a new term starts with (`terms.calendar`).
    calendar = models.CharField(
        max_length=20,
        choices=[(c.value, label) for c, label in CALENDAR_LABELS.items()],
        default=Calendar.CNCF.value,
    )
    # How long a closed term keeps its personal data before the purge (issue 16).
    retention_months = models.PositiveSmallIntegerField(default=RETENTION_DEFAULT_MONTHS)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        constraints: ClassVar[list[Any]] = [
            models.CheckConstraint(
                condition=Q(max_applications__gte=1), name="program_max_applications_positive"
            ),
            models.CheckConstraint(
                condition=Q(calendar__in=[c.value for c in Calendar]), name="program_calendar_valid"
            ),
            models.CheckConstraint(
                condition=Q(retention_months__gte=1, retention_months__lte=RETENTION_MAX_MONTHS),
                name="program_retention_months_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:program", args=[self.slug])


class MembershipRole(models.TextChoices):
    ADMIN = "admin", "Program admin"


class ProgramMembership(TimeStampedModel):
    """A role in a whole program. Organization maintainers and mentors are scoped lower."""

    Role = MembershipRole

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role, default=Role.ADMIN)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["program", "user", "role"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.program}"


@dataclass(frozen=True)
class Window:
    """One phase of a term's timeline as a half-open interval [start, end) of UTC instants.

    Every window rule reads this: a phase is open from its start, inclusive, to its end,
    exclusive, compared to the second. A phase the timeline does not date exactly (no
    milestone, or no start or end) is "undated", which every rule treats as closed.
    """

    start: datetime | None
    end: datetime | None
    zone: str

    UNDATED: ClassVar[str] = "undated"
    NOT_YET: ClassVar[str] = "not_yet"
    OPEN: ClassVar[str] = "open"
    CLOSED: ClassVar[str] = "closed"

    def state_at(self, at: datetime) -> str:
        """ "undated" (no exact start and end), "not_yet", "open" or "closed" at `at`."""
        if self.start is None or self.end is None:
            return self.UNDATED
        if at < self.start:
            return self.NOT_YET
        return self.OPEN if at < self.end else self.CLOSED

    def is_open(self, at: datetime) -> bool:
        return self.state_at(at) == self.OPEN

    def local(self, when: datetime) -> str:
        """`when` in the term's zone, to the second, with the zone named."""
        local = when.astimezone(zoneinfo.ZoneInfo(self.zone))
        return f"{local:%a %b %-d, %Y %-I:%M:%S %p} {local.tzname()} ({self.zone})"


class TermStage(models.TextChoices):
    """Where a term stands, derived from its timeline at an instant (never stored)."""

    UPCOMING = "upcoming", "Upcoming"
    ACCEPTING_PROPOSALS = "accepting_proposals", "Accepting proposals"
    ACCEPTING_APPLICATIONS = "accepting_applications", "Accepting applications"
    IN_REVIEW = "in_review", "In review"
    SELECTION = "selection", "Selection"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


# The timeline's phases in order (cohort/formats/timeline.py keys): the stage while each is
# open, and the stage once it has closed and the next has not started.
_STAGE_PHASES: tuple[tuple[str, TermStage, TermStage], ...] = (
    ("proposals_open", TermStage.ACCEPTING_PROPOSALS, TermStage.UPCOMING),
    ("applications_open", TermStage.ACCEPTING_APPLICATIONS, TermStage.IN_REVIEW),
    ("application_review", TermStage.IN_REVIEW, TermStage.SELECTION),
    ("selection_notify", TermStage.SELECTION, TermStage.SELECTION),
    ("term_start", TermStage.IN_PROGRESS, TermStage.IN_PROGRESS),
)


class TermHeadSource(models.TextChoices):
    NONE = "", "Not read from a page"
    TERM_PAGE = "readme", "The term page (README or selected projects)"
    IDEAS = "ideas", "The project ideas page"


class TermState(models.TextChoices):
    """Whether a term can still change. Closing is the last thing done to a term (issue 16):
    it freezes everything in it and publishes its statistics."""

    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class TermQuerySet(models.QuerySet["Term"]):
    def by_label(self, label: str) -> TermQuerySet:
        """`2024 Term 3` (an optional "(Sep-Nov)" suffix is ignored)."""
        year, number = parse_term_label(label)
        return self.filter(year=year, number=number)


class Term(TimeStampedModel):
    HeadSource = TermHeadSource
    State = TermState

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        TermState.OPEN: frozenset({TermState.CLOSED}),
        TermState.CLOSED: frozenset(),
    }

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="terms")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    title = models.CharField(
        max_length=500
    )  # as written, e.g. "Term 03 - 2024 September - November"
    # The page's own status words ("Planning"), kept for the CNCF export and the round trip;
    # a person sees the derived `stage_at(now)` instead, never this text.
    status = models.CharField("status as written on the page", max_length=200, blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/Los_Angeles", validators=[validate_time_zone]
    )
    duration = models.CharField(max_length=500, blank=True)
    frontmatter = models.TextField(blank=True)  # the page head the CNCF README export preserves
    lfx_generated = models.CharField(max_length=40, blank=True)  # lfx-export.json "_generated"
    # Which page the head above (title, status, time zone, duration, frontmatter, timeline)
    # was read from. A README (or selected_projects.md, or a Cohort export) sets it whenever
    # it is imported; an ideas page only while no such page has (`projects.services`).
    head_source = models.CharField(max_length=10, choices=TermHeadSource, blank=True)
    # The term's settings (`terms.services.update_settings`): the proposals guideline per
    # organization (cncf-process.md §3.6: a default and overrides keyed as quotas.yml is),
    # the applications cap (None: the program's), and the prerequisites a new proposal
    # starts with (issue-form option texts, `formats.issueform.PREREQUISITE_OPTIONS`).
    proposal_quota = models.PositiveSmallIntegerField(default=4)
    quota_overrides = models.JSONField(default=cncf_quota_overrides, blank=True)
    max_applications = models.PositiveSmallIntegerField(null=True, blank=True)
    default_prerequisites = models.JSONField(default=list, blank=True)
    # Closing (issue 16): who closed it and when; then, `Program.retention_months` later, the
    # purge of its personal data, once (`purged_at`).
    state = models.CharField(max_length=10, choices=TermState, default=TermState.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    purged_at = models.DateTimeField(null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["-year", "-number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["program", "year", "number"], name="term_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="term_number_positive"),
            models.CheckConstraint(
                condition=Q(head_source__in=TermHeadSource.values), name="term_head_source_valid"
            ),
            models.CheckConstraint(condition=Q(year__gte=2000), name="term_year_sane"),
            models.CheckConstraint(
                condition=Q(proposal_quota__gte=1), name="term_proposal_quota_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_applications__isnull=True) | Q(max_applications__gte=1),
                name="term_max_applications_positive",
            ),
            models.CheckConstraint(
                condition=Q(state__in=TermState.values), name="term_state_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(state=TermState.OPEN, closed_at__isnull=True, purged_at__isnull=True)
                    | Q(state=TermState.CLOSED, closed_at__isnull=False)
                ),
                name="term_closed_at_iff_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.name} {self.label}"

    @property
    def is_closed(self) -> bool:
        return self.state == TermState.CLOSED

    def can_become(self, state: str) -> bool:
        return state in self.TRANSITIONS[self.state]

    @property
    def label(self) -> str:
        return f"{self.year} Term {self.number}"

    @property
    def applications_cap(self) -> int:
        """How many applications a mentee may have active in this term: the term's own cap,
        else the program's."""
        return self.max_applications or self.program.max_applications

    @property
    def url_key(self) -> str:
        return f"{self.year}-term-{self.number}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def get_absolute_url(self) -> str:
        return reverse("web:term", args=[self.program.slug, self.url_key])

    def milestone(self, key: str) -> Milestone | None:
        """The timeline entry `key` ("applications_open"), from the prefetch cache if any."""
        cache = getattr(self, "_prefetched_objects_cache", {}).get("milestones")
        if cache is not None:
            return next((m for m in cache if m.key == key), None)
        return self.milestones.filter(key=key).first()

    def window(self, key: str) -> Window:
        """The phase `key` ("proposals_open", "applications_open") as a `Window`."""
        milestone = self.milestone(key)
        if milestone is None:
            return Window(None, None, self.time_zone)
        return Window(milestone.start, milestone.end, self.time_zone)

    def stage_at(self, when: datetime) -> TermStage:
        """The term's stage at `when`, derived from its dated milestones (from the prefetch
        cache if any): "completed" once every dated milestone has ended (an imported past
        term), else the stage of the latest phase that has started, "upcoming" before any."""
        cache = getattr(self, "_prefetched_objects_cache", {}).get("milestones")
        milestones = list(cache if cache is not None else self.milestones.all())
        ends = [end for m in milestones if (end := m.end or m.start) is not None]
        if ends and all(end <= when for end in ends):
            return TermStage.COMPLETED
        stage = TermStage.UPCOMING
        by_key = {m.key: m for m in milestones}
        for key, while_open, after in _STAGE_PHASES:
            milestone = by_key.get(key)
            if milestone is None or milestone.start is None or when < milestone.start:
                continue
            end = milestone.end or milestone.start
            stage = while_open if when < end or milestone.contains(when) else after
        return stage

    @property
    def stage(self) -> TermStage:
        """`stage_at` now: what a person reads as the term's status."""
        return self.stage_at(timezone.now())

    def phase_at(self, when: datetime, milestones: list[Milestone] | None = None) -> str:
        """The label of the milestone running at `when`, else "" (computed, never stored)."""
        for milestone in milestones if milestones is not None else self.milestones.all():
            if milestone.contains(when):
                return milestone.label
        return ""


class Milestone(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=64)  # "proposals_open"
    label = models.CharField(max_length=500)  # the activity as written
    raw = models.CharField(max_length=500)  # the date text as written
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)  # the instant the phase closes
    has_time = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["term", "position"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["term", "key"], name="milestone_key_unique"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="milestone_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.raw}"

    def moments(self) -> list[datetime]:
        """Start and end, or the one instant when they coincide or only one is known."""
        moments = [m for m in (self.start, self.end) if m is not None]
        if len(moments) == 2 and moments[0] == moments[1]:
            return moments[:1]
        return moments

    def days(self, zone: zoneinfo.ZoneInfo) -> list[date]:
        """The first and last day of a whole-day milestone, in the calendar of `zone` (the
        term's). An end at local midnight after the start closes the day before it (an
        exclusive end), so "Sept 9" stored as Sep 9 00:00 → Sep 10 00:00 is one day."""
        days: list[date] = []
        for moment in self.moments():
            local = moment.astimezone(zone)
            if days and local.time() == datetime.min.time() and local.date() > days[0]:
                local -= timedelta(days=1)
            if local.date() not in days:
                days.append(local.date())
        return days

    def contains(self, when: datetime) -> bool:
        if self.start is None or self.end is None:
            return False
        return self.start <= when < self.end or self.start == self.end == when

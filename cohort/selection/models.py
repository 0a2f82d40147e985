"""Selection: rounds of stable matching, the admin's overrides, and the offers they make.

Rules about one row or uniqueness live in the database (DESIGN §3, §7):

- at most one accepted offer (a placement) per mentee and term, and at most one live
  (pending or accepted) offer per mentee and term;
- every live offer holds one of its project's seats 1..slots (`seat`, unique per project
  among live offers), and a finished offer holds none. The services choose a seat at most
  `Project.slots` while holding the term's row lock, so two requests cannot overbook a
  project, and the unique seat stops two live offers sharing one even if a service erred;
- one confirmed round per term, one draft round per term, one override per application and
  round.

A round keeps the inputs it was computed from (`inputs`): once confirmed they are frozen,
and freed places are re-offered from them (cohort.selection.services.refill), so what was
offered can always be explained from what the mentors and mentees ranked at the time.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from django.conf import settings
from django.db import models
from django.db.models import Q

from cohort.applications.models import Application
from cohort.core.models import TimeStampedModel
from cohort.projects.models import Project
from cohort.selection.plan import Proposal
from cohort.terms.models import Term

# The most an override's reason or a mentee's reason for declining may hold (characters):
# the services refuse more, and the forms read the same number.
REASON_MAX: Final = 2_000


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Draft: not yet confirmed"
    CONFIRMED = "confirmed", "Confirmed: offers made"
    DISCARDED = "discarded", "Discarded"


class Round(TimeStampedModel):
    Status = RoundStatus

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.DRAFT: frozenset({Status.CONFIRMED, Status.DISCARDED}),
        Status.CONFIRMED: frozenset(),
        Status.DISCARDED: frozenset(),
    }

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="selection_rounds")
    number = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # How long a mentee has to answer an offer, counted from when they are told.
    response_days = models.PositiveSmallIntegerField(default=7)
    # The rankings and slots the round was computed from (`cohort.selection.plan.Inputs`).
    inputs = models.JSONField(default=dict)
    # What the engine proposed from them after overrides (`cohort.selection.plan.Proposal`).
    result = models.JSONField(default=dict)
    computed_at = models.DateTimeField(null=True, blank=True)
    # When the selection notifications went out (the timeline's "selection_notify" date, or
    # confirmation if that date had passed). Offers are hidden from mentees until then.
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["term", "number"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["term", "number"], name="round_number_unique"),
            models.UniqueConstraint(
                fields=["term"], condition=Q(status="confirmed"), name="round_one_confirmed"
            ),
            models.UniqueConstraint(
                fields=["term"],
                condition=Q(status=RoundStatus.DRAFT.value),
                name="round_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RoundStatus.values),
                name="round_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(response_days__gte=1, response_days__lte=60),
                name="round_response_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Selection round {self.number} of {self.term}"

    @property
    def proposal(self) -> Proposal:
        """What the engine proposed (`result`), as plain data."""
        return Proposal.from_json(self.result)

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]


class OverrideKind(models.TextChoices):
    FORCE = "force", "Force this placement"
    FORBID = "forbid", "Forbid this placement"


class Override(models.Model):
    """An admin's decision on one pair, applied before the engine runs: force places the
    mentee on the project; forbid keeps the pair apart. Audited when added or removed."""

    Kind = OverrideKind

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="overrides")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind)
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["round", "created_at", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["round", "application"], name="override_once_per_application"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OverrideKind.values), name="override_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} application {self.application_id}"


class OfferQuerySet(models.QuerySet["Offer"]):
    def live(self) -> OfferQuerySet:
        return self.filter(status__in=LIVE)


class OfferStatus(models.TextChoices):
    PENDING = "pending", "Offered, awaiting the mentee's answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined by the mentee"
    LAPSED = "lapsed", "Lapsed: no answer by the deadline"
    SUPERSEDED = "superseded", "Replaced by an offer the mentee ranked higher"


LIVE = (OfferStatus.PENDING.value, OfferStatus.ACCEPTED.value)


class Offer(TimeStampedModel):
    Status = OfferStatus

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PENDING: frozenset(
            {Status.ACCEPTED, Status.DECLINED, Status.LAPSED, Status.SUPERSEDED}
        ),
        Status.ACCEPTED: frozenset(),
        Status.DECLINED: frozenset(),
        Status.LAPSED: frozenset(),
        Status.SUPERSEDED: frozenset(),
    }

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="offers")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="offers")
    # Copies of the application's, so the database can hold the rules below.
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="offers"
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="offers")
    seat = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField()  # why this offer was made, shown to everyone involved
    announced_at = models.DateTimeField(null=True, blank=True)  # when the mentee was told
    deadline = models.DateTimeField(null=True, blank=True)  # set when announced

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering: ClassVar[list[str]] = ["term", "project", "seat", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["term", "mentee"],
                condition=Q(status="accepted"),
                name="offer_one_placement_per_mentee",
            ),
            models.UniqueConstraint(
                fields=["term", "mentee"],
                condition=Q(status__in=LIVE),
                name="offer_one_live_per_mentee",
            ),
            models.UniqueConstraint(
                fields=["project", "seat"],
                condition=Q(status__in=LIVE),
                name="offer_seat_unique",
            ),
            models.CheckConstraint(
                # `isnull=False` is needed: a CHECK passes when it is NULL.
                condition=(Q(status__in=LIVE) & Q(seat__isnull=False, seat__gte=1))
                | (~Q(status__in=LIVE) & Q(seat__isnull=True)),
                name="offer_seat_iff_live",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OfferStatus.values),
                name="offer_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(announced_at__isnull=True) | Q(deadline__isnull=False),
                name="offer_announced_has_deadline",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "deadline"], name="offer_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Offer {self.pk} of {self.project_id} to {self.mentee_id}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

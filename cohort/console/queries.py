"""The term dashboard's read model: where a term stands, what comes next, what it holds and
what needs the program admin (issue 12 §3). The page and the API show the same `Dashboard`.

It runs a fixed number of queries whatever the term's size: the milestones, the proposal
board's column counts (`cohort.proposals.queries.column_counts`, four, without deriving any
card), one aggregate of the published projects' places and of those without slots and, when
there are such projects, the first of them; one aggregate of the applications by status, one
count of the unreviewed ones, one aggregate of the offers. Everything else (countdowns, the
attention list) is derived in Python from what those loaded.

Every count carries the URL of the list behind it: the proposal board filtered by column,
the applications overview filtered by state (`cohort.applications.queries.OverviewFilter`),
the selection page's offers filtered by status, or, for projects without slots, the list on
the dashboard itself (each project linking to its review queue, where its slots are set).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db import models
from django.db.models import Q, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.urls import reverse

from cohort.applications import queries as application_queries
from cohort.applications.models import Application
from cohort.applications.queries import OverviewFilter
from cohort.core.time import Instant
from cohort.projects.models import Project
from cohort.proposals import gates
from cohort.proposals import queries as proposal_queries
from cohort.selection.models import Offer
from cohort.terms.models import Milestone, Term

# How many deadlines ahead the dashboard lists.
DEADLINES_SHOWN = 3
# Submitted applications that no mentor has reviewed "need attention" once the review of
# applications (the timeline's `application_review` milestone, `review_deadline`) closes
# within this long, and until it has closed.
REVIEW_SOON = timedelta(days=3)
# Projects without slots listed by name on the dashboard; the rest are counted.
NO_SLOT_PROJECTS_SHOWN = 20

AppStatus = Application.Status
OfferStatus = Offer.Status


# --- the read model --------------------------------------------------------------------------


@dataclass(frozen=True)
class Phase:
    """One milestone of the timeline."""

    key: str
    label: str
    start: Instant | None
    end: Instant | None


@dataclass(frozen=True)
class Deadline:
    """A milestone's start or end still ahead, with the time left."""

    key: str  # the milestone's
    label: str  # the milestone's, as the timeline writes it
    edge: str  # "starts", "ends" or "" (a milestone of one instant)
    at: Instant
    seconds_left: int
    countdown: str  # "in 3 days 4 hours"

    @property
    def title(self) -> str:
        return f"{self.label} {self.edge}" if self.edge else self.label


@dataclass(frozen=True)
class Count:
    """One number on the dashboard and the list behind it."""

    key: str
    label: str
    count: int
    url: str


@dataclass(frozen=True)
class ProjectLink:
    title: str
    organization: str
    url: str


@dataclass(frozen=True)
class Attention:
    """Something waiting for the program admin (only listed when there is something)."""

    key: str  # to_approve, to_publish, no_slots, unreviewed, unanswered_offers
    label: str
    count: int
    url: str
    detail: str = ""
    projects: list[ProjectLink] = field(default_factory=list)  # no_slots: the first ones


@dataclass(frozen=True)
class Dashboard:
    term: Term
    now: datetime
    stage: str  # `TermStage` value
    stage_label: str
    current: list[Phase]  # the milestones running now
    next: Phase | None  # the next milestone to start
    deadlines: list[Deadline]  # the next DEADLINES_SHOWN
    proposals_total: int
    proposals_url: str
    proposals: list[Count]  # by board column, every column in board order
    applications: list[Count]  # applied, then by state
    selection: list[Count]  # places, then the offers by status
    attention: list[Attention]


# --- building it -----------------------------------------------------------------------------


def dashboard(term: Term, *, now: datetime) -> Dashboard:
    """The dashboard of `term` at `now`, in a fixed number of queries."""
    prefetch_related_objects([term], "milestones")
    milestones: list[Milestone] = list(term.milestones.all())
    zone = term.time_zone
    stage = term.stage_at(now)

    by_column = proposal_queries.column_counts(term)
    board_url = reverse("proposals:board", args=[term.pk])
    published = Project.objects.filter(term=term, status=Project.Status.PUBLISHED)
    places = published.aggregate(
        places=Coalesce(models.Sum("slots"), 0), without=models.Count("pk", filter=Q(slots=0))
    )
    no_slots: list[Project] = []
    if places["without"]:
        no_slots = list(
            published.filter(slots=0)
            .select_related("organization")
            .only("title", "organization__name")
            .order_by("number", "pk")[:NO_SLOT_PROJECTS_SHOWN]
        )

    statuses = dict(
        Application.objects.filter(term=term)
        .order_by()
        .values_list("status")
        .annotate(n=models.Count("pk"))
        .values_list("status", "n")
    )
    unreviewed = application_queries.unreviewed(Application.objects.filter(term=term)).count()
    offers = Offer.objects.filter(term=term).aggregate(
        unannounced=models.Count(
            "pk", filter=Q(status=OfferStatus.PENDING, announced_at__isnull=True)
        ),
        **{
            status: models.Count(
                "pk",
                filter=Q(status=status)
                & (Q(announced_at__isnull=False) if status == "pending" else Q()),
            )
            for status in OfferStatus.values
        },
    )

    review_end = review_deadline(milestones)

    return Dashboard(
        term=term,
        now=now,
        stage=stage.value,
        stage_label=str(stage.label),
        current=[_phase(m, zone) for m in milestones if m.contains(now)],
        next=_next_phase(milestones, now, zone),
        deadlines=upcoming_deadlines(milestones, now, zone)[:DEADLINES_SHOWN],
        proposals_total=sum(by_column.values()),
        proposals_url=board_url,
        proposals=[
            Count(_slug(name), name, by_column[name], _query(board_url, column=name))
            for name in gates.BOARD_COLUMNS
        ],
        applications=_application_counts(term, statuses),
        selection=_selection_counts(term, places["places"], offers),
        attention=_attention(
            term,
            now=now,
            by_column=by_column,
            board_url=board_url,
            no_slots=(places["without"], no_slots),
            unreviewed=unreviewed,
            review_end=review_end,
            unanswered=offers[OfferStatus.PENDING],
        ),
    )


def _application_counts(term: Term, statuses: dict[str, int]) -> list[Count]:
    overview = reverse("applications:term_overview", args=[term.pk])
    offers = reverse("selection:term", args=[term.pk])

    def n(*keys: str) -> int:
        return sum(statuses.get(key, 0) for key in keys)

    def filtered(state: OverviewFilter) -> str:
        return _query(overview, state=state.value)

    return [
        Count(
            "applied",
            "Applied (not withdrawn or placed elsewhere)",
            n(*statuses) - n(AppStatus.WITHDRAWN, AppStatus.PLACED_ELSEWHERE),
            overview,
        ),
        Count("incomplete", "In progress", n(AppStatus.DRAFT), filtered(OverviewFilter.INCOMPLETE)),
        Count("complete", "Complete", n(*Application.COMPLETE), filtered(OverviewFilter.COMPLETE)),
        Count(
            "submitted",
            "Submitted, awaiting review",
            n(AppStatus.SUBMITTED),
            filtered(OverviewFilter.AWAITING),
        ),
        Count(
            "shortlisted",
            "Shortlisted",
            n(AppStatus.SHORTLISTED),
            filtered(OverviewFilter.SHORTLISTED),
        ),
        Count("offered", "Offered a place", n(AppStatus.OFFERED), _offers(offers, "open")),
        Count("accepted", "Offer accepted", n(AppStatus.ACCEPTED), _offers(offers, "accepted")),
        Count(
            "offer_declined",
            "Offer declined",
            n(AppStatus.OFFER_DECLINED),
            _offers(offers, "ended"),
        ),
        Count(
            "declined",
            "Declined by the mentors",
            n(AppStatus.REJECTED),
            filtered(OverviewFilter.DECLINED),
        ),
        Count("withdrawn", "Withdrawn", n(AppStatus.WITHDRAWN), filtered(OverviewFilter.WITHDRAWN)),
        Count(
            "placed_elsewhere",
            "Closed: placed elsewhere",
            n(AppStatus.PLACED_ELSEWHERE),
            _offers(offers, "accepted"),
        ),
    ]


def _selection_counts(term: Term, places: int, offers: dict[str, int]) -> list[Count]:
    page = reverse("selection:term", args=[term.pk])
    return [
        Count("places", "Places (slots of published projects)", places, page),
        Count(
            "offered",
            "Places offered (pending or accepted)",
            offers[OfferStatus.PENDING] + offers["unannounced"] + offers[OfferStatus.ACCEPTED],
            _offers(page, "live"),
        ),
        Count("accepted", "Accepted", offers[OfferStatus.ACCEPTED], _offers(page, "accepted")),
        Count(
            "unannounced",
            "Not announced yet",
            offers["unannounced"],
            _offers(page, "unannounced"),
        ),
        Count(
            "pending",
            "Awaiting the mentee's answer",
            offers[OfferStatus.PENDING],
            _offers(page, "pending"),
        ),
        Count("declined", "Declined", offers[OfferStatus.DECLINED], _offers(page, "declined")),
        Count("lapsed", "Lapsed", offers[OfferStatus.LAPSED], _offers(page, "lapsed")),
        Count(
            "superseded",
            "Replaced by a better offer",
            offers[OfferStatus.SUPERSEDED],
            _offers(page, "superseded"),
        ),
    ]


def _attention(
    term: Term,
    *,
    now: datetime,
    by_column: dict[str, int],
    board_url: str,
    no_slots: tuple[int, list[Project]],  # how many, and the first of them
    unreviewed: int,
    review_end: datetime | None,
    unanswered: int,
) -> list[Attention]:
    items = []
    if by_column[gates.APPROVED_CONFIRMED]:
        items.append(
            Attention(
                "to_approve",
                "Proposals waiting for your approval",
                by_column[gates.APPROVED_CONFIRMED],
                _query(board_url, column=gates.APPROVED_CONFIRMED),
                "Both gates hold (maintainer approval, every mentor confirmed).",
            )
        )
    if by_column[gates.CNCF_APPROVED]:
        items.append(
            Attention(
                "to_publish",
                "Approved proposals to publish",
                by_column[gates.CNCF_APPROVED],
                _query(board_url, column=gates.CNCF_APPROVED),
                "Approved by an admin, not yet on the public term page.",
            )
        )
    if no_slots[0]:
        items.append(
            Attention(
                "no_slots",
                "Published projects without slots",
                no_slots[0],
                reverse("console:term", args=[term.pk]) + "#no-slots",
                "They take no mentee in selection until their mentors set their slots.",
                [
                    ProjectLink(
                        p.title,
                        p.organization.name,
                        reverse("applications:queue", args=[p.pk]),
                    )
                    for p in no_slots[1]
                ],
            )
        )
    if unreviewed and review_end is not None and now < review_end <= now + REVIEW_SOON:
        items.append(
            Attention(
                "unreviewed",
                "Applicants no mentor has reviewed",
                unreviewed,
                _query(
                    reverse("applications:term_overview", args=[term.pk]),
                    state=OverviewFilter.UNREVIEWED.value,
                ),
                f"The review closes {countdown(review_end - now)}.",
            )
        )
    if unanswered:
        items.append(
            Attention(
                "unanswered_offers",
                "Offers the mentees have not answered",
                unanswered,
                _offers(reverse("selection:term", args=[term.pk]), "pending"),
                "Announced and still pending; each lapses at its deadline.",
            )
        )
    return items


# --- time ------------------------------------------------------------------------------------


def review_deadline(milestones: list[Milestone]) -> datetime | None:
    """When the review of applications closes: the `application_review` milestone's end
    (or its instant, when the timeline gives only one), else None."""
    for milestone in milestones:
        if milestone.key == "application_review":
            return milestone.end or milestone.start
    return None


def upcoming_deadlines(milestones: list[Milestone], now: datetime, zone: str) -> list[Deadline]:
    """Every start and end of a milestone after `now`, soonest first."""
    found = []
    for m in milestones:
        moments = m.moments()
        if not moments:  # a milestone whose date text could not be read has no instant
            continue
        edges = (
            [("", moments[0])]
            if len(moments) == 1
            else [("starts", moments[0]), ("ends", moments[1])]
        )
        for edge, at in edges:
            if at > now:
                left = at - now
                found.append(
                    Deadline(
                        m.key,
                        m.label,
                        edge,
                        Instant(at, zone),
                        int(left.total_seconds()),
                        countdown(left),
                    )
                )
    return sorted(found, key=lambda d: (d.at.at, d.key))


def countdown(left: timedelta) -> str:
    """ "in 3 days 4 hours", "in 5 hours 12 minutes", "in 7 minutes", "in less than a minute":
    the two largest units, rounded down."""
    seconds = int(left.total_seconds())
    if seconds < 60:
        return "in less than a minute"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    units = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    first = next(i for i, (value, _) in enumerate(units) if value)
    parts = [
        f"{value} {name}{'' if value == 1 else 's'}"
        for value, name in units[first : first + 2]
        if value
    ]
    return "in " + " ".join(parts)


def _phase(milestone: Milestone, zone: str) -> Phase:
    return Phase(
        milestone.key,
        milestone.label,
        Instant(milestone.start, zone) if milestone.start else None,
        Instant(milestone.end, zone) if milestone.end else None,
    )


def _next_phase(milestones: list[Milestone], now: datetime, zone: str) -> Phase | None:
    ahead = [m for m in milestones if m.start is not None and m.start > now]
    if not ahead:
        return None
    return _phase(min(ahead, key=lambda m: (m.start, m.position)), zone)


# --- links -----------------------------------------------------------------------------------


def _query(url: str, **params: str) -> str:
    return f"{url}?{urlencode(params)}"


def _offers(url: str, status: str) -> str:
    """The selection page's offers, filtered (`cohort.selection.queries.OFFER_FILTERS`)."""
    return _query(url, offers=status) + "#selection-offers"


def _slug(column: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in column.lower()).strip("_")

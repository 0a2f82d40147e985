"""What the mentorship pages and `/api/v1` read about placements (one read model for both).

Each list loads in a fixed number of queries, whatever the number of placements: the
placements with their project, organization, term, program and mentee (one query), then the
projects' mentors, their upstream issues, the terms' milestones and the mentees' profiles (one
prefetch each).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Prefetch, Q, QuerySet

from cohort.applications.access import mentored_projects
from cohort.applications.models import MenteeProfile
from cohort.core.models import AuditEvent, User
from cohort.core.spreadsheet import safe_cell
from cohort.core.time import Instant, format_day, instant
from cohort.formats.limits import is_time_zone
from cohort.mentorship.access import Seat
from cohort.mentorship.models import (
    Evaluation,
    EvaluationPolicy,
    EvaluationRound,
    Feedback,
    Placement,
    PolicyRound,
)
from cohort.mentorship.policies import DEFAULT_PRESET, PRESETS, PolicyPreset, RoundPreset
from cohort.projects.models import Mentorship, UpstreamIssue
from cohort.terms.models import Milestone, Program, ProgramMembership, Term


@dataclass(frozen=True)
class MentorContact:
    name: str
    github: str
    email: str
    role: str


@dataclass(frozen=True)
class DateAhead:
    """A milestone of the term still ahead: its label and the instant it closes, shown in
    the term's zone, in UTC and in `zone` (the reader's own, from the mentee's profile)."""

    label: str
    key: str
    closes: Instant  # in the term's zone
    own: Instant  # the same instant in the reader's zone
    whole_day: bool
    day: str  # the day in the term's calendar ("Mon, Sep 9, 2024"), for a whole-day one


@dataclass(frozen=True)
class RoundView:
    """One of the placement's rounds as `seat` may see it: the evaluation without its private
    comments for the mentee, and the feedback for the mentee and the admins only."""

    round: EvaluationRound
    opens: Instant
    due: Instant
    closes: Instant
    state: str  # "upcoming", "open", "reopened", "closed", "overdue"
    evaluation: Evaluation | None
    feedback: Feedback | None  # None also when the seat may not see it
    feedback_given: bool  # whether the mentee gave it (a mentor sees only this)
    can_evaluate: bool  # the seat is a mentor's and the round takes a submission or an edit
    can_give_feedback: bool

    @property
    def key(self) -> str:
        return self.round.key

    @property
    def result(self) -> str:
        """ "passed", "not passed", or "" while nobody evaluated."""
        if self.evaluation is None:
            return ""
        return "passed" if self.evaluation.passed else "not passed"

    @property
    def settled(self) -> bool:
        return self.evaluation is not None and self.evaluation.settled_at is not None


def owes(placement: Placement, round_: EvaluationRound) -> bool:
    """Whether a missing evaluation of `round_` is overdue (the rule of `_overdue`): the
    placement is active, or on hold since after the round closed."""
    if placement.status == Placement.Status.ACTIVE:
        return True
    return (
        placement.status == Placement.Status.ON_HOLD
        and placement.held_since is not None
        and round_.closes_at <= placement.held_since
    )


def round_state(
    round_: EvaluationRound, evaluation: Evaluation | None, now: datetime, placement: Placement
) -> str:
    if now < round_.opens_at:
        return "upcoming"
    if now < round_.closes_at:
        return "reopened" if round_.closes_at > round_.due_at else "open"
    return "overdue" if evaluation is None and owes(placement, round_) else "closed"


def round_views(placement: Placement, seat: Seat, now: datetime) -> list[RoundView]:
    """The placement's rounds (from the prefetch of `_placements`) as `seat` sees them."""
    zone = placement.term.time_zone
    live = placement.status == Placement.Status.ACTIVE
    views = []
    for r in placement.rounds.all():
        evaluation = getattr(r, "evaluation", None)
        feedback = getattr(r, "feedback", None)
        state = round_state(r, evaluation, now, placement)
        editable = evaluation is None or evaluation.status in Evaluation.EDITABLE
        views.append(
            RoundView(
                round=r,
                opens=Instant(r.opens_at, zone),
                due=Instant(r.due_at, zone),
                closes=Instant(r.closes_at, zone),
                state=state,
                evaluation=evaluation,
                feedback=feedback if seat.sees_feedback else None,
                feedback_given=feedback is not None,
                can_evaluate=seat is Seat.MENTOR
                and live
                and editable
                and state in ("open", "reopened"),
                can_give_feedback=seat is Seat.MENTEE
                and feedback is None
                and state != "upcoming"
                and placement.status not in (Placement.Status.UPCOMING, Placement.Status.WITHDRAWN),
            )
        )
    return views


@dataclass(frozen=True)
class PlacementRow:
    placement: Placement
    mentors: list[MentorContact]
    upstream: list[str]
    ahead: list[DateAhead]
    mentee_name: str
    mentee_github: str
    starts: Instant | None  # in the term's zone
    ends: Instant | None

    @property
    def next_due(self) -> DateAhead | None:
        return self.ahead[0] if self.ahead else None


def _placements() -> QuerySet[Placement]:
    # project__term__program: the rows link to the project's page, whose address is read
    # from the project's own term (one query per row otherwise).
    return Placement.objects.select_related(
        "project__organization", "project__term__program", "term__program", "mentee"
    ).prefetch_related(
        Prefetch("project__mentorships", queryset=Mentorship.objects.order_by("position")),
        Prefetch("project__upstream_issues", queryset=UpstreamIssue.objects.order_by("position")),
        Prefetch("term__milestones", queryset=Milestone.objects.order_by("position")),
        Prefetch("mentee__mentee_profile", queryset=MenteeProfile.objects.all()),
        Prefetch(
            "rounds",
            queryset=EvaluationRound.objects.select_related("evaluation", "feedback").order_by(
                "position"
            ),
        ),
    )


# The term's milestones a placement replaces with its own dates: its start and end, and the
# evaluation deadlines its rounds copied (they move with the placement's extension or pause).
OWN_DATES = frozenset({"term_start", "term_end"})
EVALUATION_MILESTONES = frozenset({"midterm_evals", "final_evals"})


def _ahead(placement: Placement, zone: str, now: datetime) -> list[DateAhead]:
    """The dates still ahead for the placement: the term's milestones, with the placement's
    own start, rounds and last day in place of the term's (an extension moves only them)."""
    term = placement.term
    rounds = list(placement.rounds.all())
    replaced = OWN_DATES | (EVALUATION_MILESTONES if rounds else frozenset())
    rows: list[DateAhead] = []

    def add(label: str, key: str, moment: datetime, *, whole_day: bool) -> None:
        rows.append(
            DateAhead(
                label=label,
                key=key,
                closes=Instant(moment, term.time_zone),
                own=Instant(moment, zone),
                whole_day=whole_day,
                day=format_day(moment.astimezone(term.zone).date()),
            )
        )

    for milestone in term.milestones.all():
        closes = milestone.end or milestone.start
        if milestone.key in replaced or closes is None or closes <= now:
            continue
        moment = closes if milestone.has_time else (milestone.start or closes)
        add(milestone.label, milestone.key, moment, whole_day=not milestone.has_time)
    if placement.starts_at is not None and placement.starts_at > now:
        add("Your mentorship begins", "term_start", placement.starts_at, whole_day=True)
    for r in rounds:
        if r.due_at > now:
            add(f"{r.label} and your feedback due", f"round:{r.key}", r.due_at, whole_day=False)
    if placement.ends_at is not None and placement.ends_at > now:
        last_day = placement.ends_at - timedelta(seconds=1)
        add("Last day of your mentorship", "term_end", last_day, whole_day=True)
    return sorted(rows, key=lambda row: row.closes.at)


def mentee_name(placement: Placement) -> str:
    """The mentee's name from their profile (loaded with the placement), else their login."""
    profile = getattr(placement.mentee, "mentee_profile", None)
    return profile.name if profile is not None and profile.name else placement.mentee.get_username()


def _row(placement: Placement, now: datetime, zone: str | None = None) -> PlacementRow:
    profile = getattr(placement.mentee, "mentee_profile", None)
    own_zone = zone or (profile.time_zone if profile else "") or placement.term.time_zone
    if not is_time_zone(own_zone):
        own_zone = placement.term.time_zone
    return PlacementRow(
        placement=placement,
        mentors=[
            MentorContact(m.name, m.github, m.email, m.get_role_display())
            for m in placement.project.mentorships.all()
        ],
        upstream=[issue.url for issue in placement.project.upstream_issues.all()],
        ahead=_ahead(placement, own_zone, now),
        mentee_name=mentee_name(placement),
        mentee_github=profile.github if profile else "",
        starts=instant(placement.starts_at, placement.term.time_zone),
        ends=instant(placement.ends_at, placement.term.time_zone),
    )


def mentee_placements(user: User, now: datetime) -> list[PlacementRow]:
    """The mentee's own placements, newest term first, dates in their profile's zone."""
    placements = _placements().filter(mentee=user).order_by("-term__year", "-term__number")
    return [_row(p, now) for p in placements]


def mentor_placements(user: User, now: datetime) -> list[PlacementRow]:
    """The placements on the projects `user` mentors ("My mentees"), newest term first."""
    placements = (
        _placements()
        .filter(project__in=mentored_projects(user))
        .order_by("-term__year", "-term__number", "project__title", "id")
    )
    return [_row(p, now, zone=p.term.time_zone) for p in placements]


def term_placements(term: Term, now: datetime, status: str = "") -> list[PlacementRow]:
    """A term's placements for its program admins, optionally of one status."""
    placements = _placements().filter(term=term).order_by("project__title", "id")
    if status:
        placements = placements.filter(status=status)
    return [_row(p, now, zone=term.time_zone) for p in placements]


CSV_HEADER = (
    "placement",
    "status",
    "mentee",
    "mentee_email",
    "github",
    "organization",
    "project",
    "mentors",
    "starts_at",
    "ends_at",
    "extended_weeks",
)


def placements_csv(rows: Iterable[PlacementRow]) -> str:
    """The admin's list as CSV, one row per placement; instants in ISO 8601 UTC."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        p = row.placement
        writer.writerow(
            [
                p.pk,
                p.status,
                safe_cell(row.mentee_name),
                safe_cell(p.mentee.email),
                safe_cell(row.mentee_github),
                safe_cell(p.project.organization.name),
                safe_cell(p.project.title),
                safe_cell("; ".join(m.name for m in row.mentors)),
                Instant(p.starts_at).iso if p.starts_at else "",
                Instant(p.ends_at).iso if p.ends_at else "",
                p.extended_weeks,
            ]
        )
    return out.getvalue()


def placement_row(placement_id: int, now: datetime, zone: str | None = None) -> PlacementRow:
    """One placement's row (the detail page), in the reader's `zone` or the mentee's."""
    return _row(_placements().get(pk=placement_id), now, zone)


@dataclass(frozen=True)
class OverdueRow:
    round: EvaluationRound
    closed: Instant
    mentee_name: str


def _overdue(now: datetime) -> Q:
    """For filtering rounds: closed at `now` with no evaluation, of a placement still running.
    A placement on hold owes only the rounds that closed before its pause began: the others
    move when it resumes."""
    return (
        Q(placement__status=Placement.Status.ACTIVE)
        | Q(placement__status=Placement.Status.ON_HOLD, closes_at__lte=F("placement__held_since"))
    ) & Q(closes_at__lte=now, evaluation__isnull=True)


def overdue_rounds(now: datetime, term: Term | None = None) -> list[EvaluationRound]:
    """The rounds closed with no evaluation, of placements still running (active or on
    hold): an evaluation never passes silently. One query, oldest first."""
    rounds = EvaluationRound.objects.select_related(
        "placement__mentee__mentee_profile",
        "placement__project__organization",
        "placement__term__program",
    ).filter(_overdue(now))
    if term is not None:
        rounds = rounds.filter(placement__term=term)
    return list(rounds.order_by("closes_at", "placement_id"))


def overdue_count(term: Term, now: datetime) -> int:
    """How many of the term's rounds are overdue (one COUNT query)."""
    return EvaluationRound.objects.filter(_overdue(now), placement__term=term).count()


def term_overdue(term: Term, now: datetime) -> list[OverdueRow]:
    """A term's overdue rounds for its admins' list (a fixed number of queries)."""
    return [
        OverdueRow(
            round=r,
            closed=Instant(r.closes_at, term.time_zone),
            mentee_name=mentee_name(r.placement),
        )
        for r in overdue_rounds(now, term)
    ]


# --- the placement page's history and the public completion page (appended by the pages) ---


@dataclass(frozen=True)
class HistoryRow:
    """One audited change of a placement, for its page: what, who, when and why."""

    action: str
    actor: str
    at: Instant  # in the term's zone
    note: str
    data: dict[str, object]


def placement_history(placement: Placement) -> list[HistoryRow]:
    """The placement's audit rows (made, moved, extended, paused, shared), oldest first, in
    one query."""
    events = (
        AuditEvent.objects.filter(
            object_type=Placement._meta.label_lower, object_id=str(placement.pk)
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    return [
        HistoryRow(
            action=e.action.rsplit(".", 1)[-1].replace("_", " "),
            actor=e.actor.get_username() if e.actor else "Cohort",
            at=Instant(e.at, placement.term.time_zone),
            note=e.note,
            data=e.data,
        )
        for e in events
    ]


@dataclass(frozen=True)
class CompletionView:
    """What the public completion page shows: no e-mail, no evaluation, no feedback."""

    mentee_name: str
    project: str
    organization: str
    program: str
    term: str
    mentors: list[str]
    starts: Instant | None
    ends: Instant | None


def completion_page(token: str) -> CompletionView | None:
    """The graduated placement shared under `token`, or None (never shared, taken down, or
    not graduated): the page's 404."""
    if not token:
        return None
    placement = (
        Placement.objects.select_related("project__organization", "term__program", "mentee")
        .prefetch_related(
            Prefetch("project__mentorships", queryset=Mentorship.objects.order_by("position")),
            Prefetch("mentee__mentee_profile", queryset=MenteeProfile.objects.all()),
        )
        .filter(share_token=token, status=Placement.Status.GRADUATED)
        .first()
    )
    if placement is None or placement.share_token != token:
        return None
    zone = placement.term.time_zone
    return CompletionView(
        mentee_name=mentee_name(placement),
        project=placement.project.title,
        organization=placement.project.organization.name,
        program=placement.term.program.name,
        term=placement.term.label,
        mentors=[m.name for m in placement.project.mentorships.all()],
        starts=instant(placement.starts_at, zone),
        ends=instant(placement.ends_at, zone),
    )


# --- what is waiting for someone (the home page's "Your next step") --------------------------


def rounds_to_evaluate(user: User, now: datetime) -> list[EvaluationRound]:
    """The open rounds of active placements on projects `user` mentors that no one evaluated
    yet, the soonest to close first. One query."""
    return list(
        EvaluationRound.objects.filter(
            opens_at__lte=now,
            closes_at__gt=now,
            evaluation__isnull=True,
            placement__status=Placement.Status.ACTIVE,
            placement__project__in=mentored_projects(user),
        )
        .select_related(
            "placement__project",
            "placement__mentee__mentee_profile",
            "placement__term__program",
        )
        .order_by("closes_at", "id")
    )


# How long after its due date a round still asks the mentee for missing feedback.
FEEDBACK_REMINDER_DAYS = 30


def feedback_to_give(user: User, now: datetime) -> list[EvaluationRound]:
    """The rounds of `user`'s placements that are open (or were due in the last
    `FEEDBACK_REMINDER_DAYS` days) with no feedback from them yet. One query."""
    return list(
        EvaluationRound.objects.filter(
            placement__mentee=user,
            opens_at__lte=now,
            due_at__gt=now - timedelta(days=FEEDBACK_REMINDER_DAYS),
            feedback__isnull=True,
        )
        .exclude(placement__status__in=[Placement.Status.UPCOMING, Placement.Status.WITHDRAWN])
        .select_related("placement__project", "placement__term__program")
        .order_by("due_at", "id")
    )


def overdue_by_term(user: User, now: datetime) -> list[tuple[Term, int]]:
    """Per term whose program `user` administers, how many rounds are overdue, oldest term
    first. Two queries."""
    rounds = EvaluationRound.objects.filter(_overdue(now))
    if not user.is_superuser:
        rounds = rounds.filter(
            placement__term__program__in=ProgramMembership.objects.filter(
                user=user, role=ProgramMembership.Role.ADMIN
            ).values("program_id")
        )
    counts = dict(
        rounds.order_by()
        .values_list("placement__term")
        .annotate(n=Count("id"))
        .values_list("placement__term", "n")
    )
    terms = Term.objects.select_related("program").filter(pk__in=list(counts))
    return [(t, counts[t.pk]) for t in terms.order_by("year", "number", "id")]


# --- the program's evaluation policy (its admins' choice) ------------------------------------


@dataclass(frozen=True)
class PolicyRoundView:
    key: str
    label: str
    week: int
    milestone: str
    final: bool
    ends_on_fail: bool


@dataclass(frozen=True)
class PolicyChoice:
    """A policy the program can use: one it has (rows, perhaps changed) or a preset."""

    slug: str
    name: str
    weeks: int
    source: str
    rounds: list[PolicyRoundView]
    installed: bool
    default: bool


def _choice(
    policy: EvaluationPolicy | PolicyPreset,
    rounds: Iterable[PolicyRound | RoundPreset],
    *,
    installed: bool,
    default: bool,
) -> PolicyChoice:
    return PolicyChoice(
        slug=policy.slug,
        name=policy.name,
        weeks=policy.weeks,
        source=policy.source,
        rounds=[
            PolicyRoundView(r.key, r.label, r.week, r.milestone, r.final, r.ends_on_fail)
            for r in rounds
        ],
        installed=installed,
        default=default,
    )


def policy_choices(program: Program) -> list[PolicyChoice]:
    """The program's policies and the presets it does not have yet, its default first (a
    program that never chose one gets `DEFAULT_PRESET` on its first placement). Two
    queries."""
    installed = {
        p.slug: p
        for p in EvaluationPolicy.objects.filter(program=program).prefetch_related(
            Prefetch("rounds", queryset=PolicyRound.objects.order_by("position"))
        )
    }
    chosen = any(p.is_default for p in installed.values())
    choices = [
        _choice(p, p.rounds.all(), installed=True, default=p.is_default) for p in installed.values()
    ]
    choices += [
        _choice(
            preset,
            preset.rounds,
            installed=False,
            default=preset.slug == DEFAULT_PRESET and not chosen,
        )
        for preset in PRESETS.values()
        if preset.slug not in installed
    ]
    return sorted(choices, key=lambda c: (not c.default, not c.installed, c.slug))

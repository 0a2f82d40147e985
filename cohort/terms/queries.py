"""The term set-up read model: what the console's timeline and settings pages show and what
`GET /api/v1/terms/{id}/setup` returns (one shape for both).

Each milestone is given three ways: as the form's local dates and times in the term's zone
(what a person edits), as exact instants in the term's zone and in UTC (`core.time.Instant`,
whose `<time>` element the page turns into the reader's own zone), and as the date text the
CNCF export writes.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cohort.core.models import User
from cohort.core.time import Instant, instant
from cohort.terms import calendar
from cohort.terms.models import Milestone, Program, ProgramMembership, Term, TermStage

_TERM_KEY = re.compile(r"^(\d{4})-term-(\d{1,2})$")


def term_at(program_slug: str, term_key: str) -> Term:
    """The term of a public URL (`/<program>/2024-term-3/…`) with its program, or 404. The
    public pages, feeds, calendars and statistics pages all find their term here."""
    match = _TERM_KEY.match(term_key)
    if match is None:
        raise Http404("No such term.")
    return get_object_or_404(
        Term.objects.select_related("program"),
        program__slug=program_slug,
        year=int(match[1]),
        number=int(match[2]),
    )


@dataclass(frozen=True)
class MilestoneView:
    key: str
    label: str
    raw: str  # the date text (the page's, or written from the instants)
    has_time: bool
    is_deadline: bool
    start: Instant | None
    end: Instant | None
    # The form's values, in the term's zone.
    start_date: date | None
    start_time: time | None
    end_date: date | None
    end_time: time | None

    @property
    def is_point(self) -> bool:
        """One instant (a deadline with no window), shown once."""
        return self.start is not None and self.end is not None and self.start.at == self.end.at


def _form_values(
    m: Milestone, zone: zoneinfo.ZoneInfo
) -> tuple[date | None, time | None, date | None, time | None]:
    """The inverse of `terms.services._instants`: what the form shows for stored instants."""
    if m.end is None:
        return None, None, None, None
    end = m.end.astimezone(zone)
    if not m.has_time:
        start = (m.start or m.end).astimezone(zone)
        return start.date(), None, (end - timedelta(days=1)).date(), None
    if m.start is None or m.start == m.end:
        return None, None, end.date(), end.time().replace(second=0, microsecond=0)
    start = m.start.astimezone(zone)
    return start.date(), start.time(), end.date(), end.time().replace(second=0, microsecond=0)


def milestone_view(m: Milestone, term: Term) -> MilestoneView:
    start_date, start_time, end_date, end_time = _form_values(m, term.zone)
    return MilestoneView(
        key=m.key,
        label=m.label,
        raw=m.raw,
        has_time=m.has_time,
        is_deadline=m.key in calendar.DEADLINE_KEYS,
        start=instant(m.start, term.time_zone),
        end=instant(m.end, term.time_zone),
        start_date=start_date,
        start_time=start_time,
        end_date=end_date,
        end_time=end_time,
    )


@dataclass(frozen=True)
class TermSetup:
    term: Term
    stage: TermStage
    milestones: list[MilestoneView]
    applications_cap: int  # the cap in force: the term's, else the program's

    @property
    def quota_lines(self) -> str:
        """The overrides as the settings form writes them: "kubernetes: 8" per line."""
        return "\n".join(f"{k}: {v}" for k, v in sorted(self.term.quota_overrides.items()))


def term_setup(term: Term, *, now: datetime | None = None) -> TermSetup:
    """The read model of one term's set-up (2 queries: the term with its program is loaded
    by the caller's access check; then the milestones)."""
    prefetch_related_objects([term], "milestones")
    milestones = list(term.milestones.all())
    return TermSetup(
        term=term,
        stage=term.stage_at(now or timezone.now()),
        milestones=[milestone_view(m, term) for m in milestones],
        applications_cap=term.applications_cap,
    )


@dataclass(frozen=True)
class TermRow:
    term: Term
    stage: TermStage


@dataclass(frozen=True)
class ProgramConsole:
    program: Program
    terms: list[TermRow]
    slots: tuple[calendar.TermSlot, ...]  # the terms a year of the program's calendar


def program_console(program: Program, *, now: datetime | None = None) -> ProgramConsole:
    """A program's terms, newest first, each with its stage (2 queries, whatever the number
    of terms: the terms, then their milestones)."""
    at = now or timezone.now()
    terms = list(program.terms.prefetch_related("milestones").order_by("-year", "-number"))
    return ProgramConsole(
        program=program,
        terms=[TermRow(t, t.stage_at(at)) for t in terms],
        slots=calendar.slots(calendar.Calendar(program.calendar)),
    )


def administered_programs(user: User) -> list[Program]:
    """The programs `user` runs (every program for a superuser), by name."""
    programs = Program.objects.order_by("name")
    if user.is_superuser:
        return list(programs)
    return list(
        programs.filter(
            memberships__user=user, memberships__role=ProgramMembership.Role.ADMIN
        ).distinct()
    )

"""A program's calendar template: which terms a year has, and the timeline a new term starts
with. Pure data and date arithmetic (no Django), read by `terms.services.create_term`.

The CNCF's calendar (cncf-process.md §4.2): three terms a year, Term 1 March–May, Term 2
June–August, Term 3 September–November, titled "Term 02 - 2027 June - August".

The timeline template is the reference term's (2024 Term 3, ../shared/corpus), its eight
milestones with their labels as the page writes them, each placed by its distance in days from
the day the mentorship begins: that was Monday Sep 9, 2024, the first Monday on or after the
7th of the term's first month (as Sep 7, 2026 is for 2026 Term 3), so every milestone of a new
term falls on the same weekday as in the reference term. Deadlines close at 5:00 PM in the
term's zone, as the reference term's do ("Jul 30 5:00 PM PDT"); "program begins" and "last day
of term" are whole days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum
from typing import Final


class Calendar(StrEnum):
    CNCF = "cncf"


CALENDAR_LABELS: Final[dict[Calendar, str]] = {
    Calendar.CNCF: "CNCF: three terms a year (March–May, June–August, September–November)",
}


@dataclass(frozen=True)
class TermSlot:
    number: int
    first_month: int
    months: str  # the title's months, "June - August"
    short: str  # the dropdown label's, "Jun-Aug"


CNCF_SLOTS: Final[tuple[TermSlot, ...]] = (
    TermSlot(1, 3, "March - May", "Mar-May"),
    TermSlot(2, 6, "June - August", "Jun-Aug"),
    TermSlot(3, 9, "September - November", "Sep-Nov"),
)


def slots(calendar: Calendar) -> tuple[TermSlot, ...]:
    match calendar:
        case Calendar.CNCF:
            return CNCF_SLOTS


def slot(calendar: Calendar, number: int) -> TermSlot:
    """The term `number` of the calendar; ValueError with the CNCF's sentence otherwise."""
    for candidate in slots(calendar):
        if candidate.number == number:
            return candidate
    numbers = [str(s.number) for s in slots(calendar)]
    expected = f"{', '.join(numbers[:-1])} or {numbers[-1]}" if len(numbers) > 1 else numbers[0]
    raise ValueError(f"Invalid term number: {number} (expected {expected})")


def title(slot_: TermSlot, year: int) -> str:
    """ "Term 02 - 2027 June - August" (cncf-process.md §4.2)."""
    return f"Term {slot_.number:02d} - {year} {slot_.months}"


def begins(slot_: TermSlot, year: int) -> date:
    """The day the mentorship begins: the first Monday on or after the 7th of the first month."""
    seventh = date(year, slot_.first_month, 7)
    return seventh + timedelta(days=(7 - seventh.weekday()) % 7)


@dataclass(frozen=True)
class MilestoneTemplate:
    key: str
    label: str
    start: int | None  # days from the day the mentorship begins; None: no start of its own
    end: int  # the day it closes (a deadline) or its last day (a whole-day milestone)
    closes_at: time | None  # a deadline's time in the term's zone; None for whole days


DEADLINE: Final = time(17, 0)

# 2024 Term 3: Jul 3 - Jul 30 5:00 PM PDT, Jul 31 - Aug 13 5:00 PM PDT, Aug 14 - Aug 27
# 5:00 PM PDT, Sept 3 5:00 PM PDT, Sept 9, Oct 15 5:00 PM PDT, Nov 26 5:00 PM PDT, Nov 29.
CNCF_TIMELINE: Final[tuple[MilestoneTemplate, ...]] = (
    MilestoneTemplate("proposals_open", "Project proposals", -68, -41, DEADLINE),
    MilestoneTemplate("applications_open", "Mentee applications open", -40, -27, DEADLINE),
    MilestoneTemplate(
        "application_review", "Application review/admission decisions", -26, -13, DEADLINE
    ),
    MilestoneTemplate("selection_notify", "Selection notifications", None, -6, DEADLINE),
    MilestoneTemplate(
        "term_start", "Mentorship program begins with the initial work assignments", 0, 0, None
    ),
    MilestoneTemplate(
        "midterm_evals", "Midterm mentee evaluations and first stipend payments", None, 36, DEADLINE
    ),
    MilestoneTemplate(
        "final_evals",
        "Final mentee evaluations and mentee feedback/blog submission due, "
        "second and final stipend payment approvals",
        None,
        78,
        DEADLINE,
    ),
    MilestoneTemplate("term_end", "Last day of term", 81, 81, None),
)

# The phases of a term in the order they run. Where a timeline has them, each starts no
# earlier than the one before it ends (`terms.services.plan_timeline`).
PHASE_ORDER: Final[tuple[str, ...]] = tuple(m.key for m in CNCF_TIMELINE)
# The milestones whose end is a deadline someone must meet: always an exact instant.
DEADLINE_KEYS: Final[frozenset[str]] = frozenset(
    m.key for m in CNCF_TIMELINE if m.closes_at is not None
)


@dataclass(frozen=True)
class PlannedDay:
    """A template milestone placed in a year: local dates (and a local closing time)."""

    key: str
    label: str
    start: date | None
    start_time: time | None
    end: date
    end_time: time | None


def timeline(calendar: Calendar, number: int, year: int) -> list[PlannedDay]:
    """The template timeline of term `number` of `year`, in local dates of the term's zone."""
    day0 = begins(slot(calendar, number), year)
    planned: list[PlannedDay] = []
    for template in CNCF_TIMELINE:
        start = day0 + timedelta(days=template.start) if template.start is not None else None
        planned.append(
            PlannedDay(
                key=template.key,
                label=template.label,
                start=start,
                start_time=time(0, 0) if start is not None and template.closes_at else None,
                end=day0 + timedelta(days=template.end),
                end_time=template.closes_at,
            )
        )
    return planned


def cncf_quota_overrides() -> dict[str, int]:
    """The CNCF's per-project proposal guidelines over the default of 4 (`quotas.yml`,
    cncf-process.md §3.6): a new term's `quota_overrides` until an admin changes them."""
    return {"kubernetes": 8}

"""The README a new CNCF term starts with, as the CNCF's scaffold writes it (cncf-process.md
§4.5): the title, "Status: Planning", the duration, the timeline block, the project and the
application instructions, and the closing `---`. Pure: dates in, text out.

Dates are calendar dates written in English whatever the locale ("Wed, Jul 1", "July 28,
2026"); times and notes are literal text, appended as the scaffold appends them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
EN_DASH: Final = "\u2013"
PROPOSAL_FORM: Final = (
    "https://github.com/cncf/mentoring/issues/new?template=lfx-program-proposal.yml"
)
HOW_TO_PROPOSE: Final = (
    "https://github.com/cncf/mentoring/blob/main/programs/lfx-mentorship/README.md"
    "#how-to-propose-a-program"
)
GUIDELINES: Final = (
    "https://github.com/cncf/mentoring/blob/main/programs/lfx-mentorship/README.md"
    "#program-guidelines"
)


@dataclass(frozen=True)
class ScheduleEntry:
    """One `schedule` entry of a term-setup config (§4.4) that the README shows."""

    label: str
    start: date | None
    end: date | None = None
    time: str = ""
    note: str = ""
    timeline: bool = True


def short_date(day: date) -> str:
    """ "Wed, Jul 1"."""
    return f"{_WEEKDAYS[day.weekday()]}, {_MONTHS[day.month - 1][:3]} {day.day}"


def long_date(day: date) -> str:
    """ "July 28, 2026"."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def dates_cell(entry: ScheduleEntry) -> str:
    """ "Wed, Jul 1 – Tue, Jul 28, 18:00 UTC" (an entry with a start)."""
    if entry.start is None:
        return ""
    cell = short_date(entry.start)
    if entry.end is not None:
        cell += f" {EN_DASH} {short_date(entry.end)}"
    if entry.time:
        cell += f", {entry.time}"
    if entry.note:
        cell += f" {entry.note}"
    return cell


def timeline_block(year: int, entries: Sequence[ScheduleEntry]) -> list[str]:
    lines = ["### Timeline", "", f"| Activity | Dates ({year}) |", "|----------|--------------|"]
    lines += [
        f"| {e.label} | {dates_cell(e)} |" for e in entries if e.timeline and e.start is not None
    ]
    return lines


def scaffold_readme(
    title: str, year: int, entries: Sequence[ScheduleEntry], proposals_deadline: date
) -> str:
    """The generated README.md: lines joined by "\\n", ending with "---\\n"."""
    lines = [
        f"# {title}",
        "",
        "Status: Planning",
        "",
        "Mentorship duration - three months (full-time schedule)",
        "",
        *timeline_block(year, entries),
        "",
        "### Project instructions",
        "",
        "Project maintainers and potential mentors propose programs by opening an issue with "
        f"the [LFX Mentorship Program Proposal form]({PROPOSAL_FORM}), by "
        f"{long_date(proposals_deadline)}. Submit one issue per program, and please limit "
        "proposals to 4-5 per CNCF project. See "
        f"[How to propose a program]({HOW_TO_PROPOSE}) for the full process and what happens "
        "after you submit.",
        "",
        "### Application instructions",
        "",
        "Mentee application instructions can be found on the "
        f"[Program Guidelines]({GUIDELINES}) page.",
        "",
        "---",
    ]
    return "\n".join(lines) + "\n"

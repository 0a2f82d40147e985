"""When a placement's rounds open and are due, as exact instants: plain functions, no Django.

Days are counted in the term's own calendar, so a deadline keeps its wall-clock time across a
DST change ("5:00 PM PDT" in October, "5:00 PM PST" in December), and an extension or a pause
moves a date by whole local days, never by 24-hour blocks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Final, Protocol
from zoneinfo import ZoneInfo

# A round due by weeks is due at this time of day in the term's zone, the CNCF's deadline.
DUE_TIME: Final = time(17, 0)


class RoundRule(Protocol):
    """What a round of a policy says (a `PolicyRound` row or a `RoundPreset`)."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def week(self) -> int: ...
    @property
    def milestone(self) -> str: ...
    @property
    def final(self) -> bool: ...
    @property
    def ends_on_fail(self) -> bool: ...
    @property
    def opens_days_before(self) -> int: ...


@dataclass(frozen=True)
class PlannedRound:
    key: str
    label: str
    position: int
    opens_at: datetime  # UTC
    due_at: datetime  # UTC
    final: bool
    ends_on_fail: bool


def local_days_later(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """`moment` moved by `days` days of the calendar in `zone`, at the same wall-clock time
    (in UTC). A wall-clock time the zone skips that day resolves forward (PEP 495, fold=0)."""
    local = moment.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)
    return local.replace(tzinfo=zone).astimezone(UTC)


def due_by_week(start: datetime, week: int, zone: ZoneInfo) -> datetime:
    """The instant a round `week` weeks after `start` is due: `DUE_TIME` in `zone` on the day
    `7 * week` days after the start day."""
    day = start.astimezone(zone).date() + timedelta(days=7 * week)
    return datetime.combine(day, DUE_TIME, tzinfo=zone).astimezone(UTC)


def plan_rounds(
    rules: Iterable[RoundRule],
    *,
    start: datetime,
    zone: ZoneInfo,
    milestone_closes: Mapping[str, datetime],
) -> list[PlannedRound]:
    """The rounds of a placement that begins at `start`: each due at the close of its
    milestone when the term has it, else by its week; each opens `opens_days_before` local
    days before it is due (not before the start)."""
    planned = []
    for position, rule in enumerate(rules, start=1):
        due = milestone_closes.get(rule.milestone) if rule.milestone else None
        due = due.astimezone(UTC) if due is not None else due_by_week(start, rule.week, zone)
        opens = max(local_days_later(due, -rule.opens_days_before, zone), min(start, due))
        planned.append(
            PlannedRound(
                key=rule.key,
                label=rule.label,
                position=position,
                opens_at=opens.astimezone(UTC),
                due_at=due,
                final=rule.final,
                ends_on_fail=rule.ends_on_fail,
            )
        )
    return planned


def whole_days(span: timedelta) -> int:
    """A pause's length in whole days, any part of a day counting as one."""
    return max(0, -(-span // timedelta(days=1)))

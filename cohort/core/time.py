"""Instants as every page and the API show them (DESIGN §5: core formats time).

An instant is written with its zone every time ("Tue, Jul 30, 2024, 5:00 PM PDT",
"Wed, Jul 31, 2024, 00:00 UTC"), and as ISO 8601 in UTC for `<time datetime>` and
static/js/localtime.js, which adds the visitor's own zone.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time


def format_day(day: date) -> str:
    """ "Mon, Sep 9, 2024"."""
    return f"{day:%a, %b} {day.day}, {day.year}"


def format_instant(moment: datetime, *, clock24: bool = False) -> str:
    """`moment` in its own zone: "Tue, Jul 30, 2024, 5:00 PM PDT" or "…, 17:00 PDT"."""
    if clock24:
        clock = f"{moment:%H:%M}"
    else:
        clock = f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{format_day(moment.date())}, {clock} {moment.tzname()}"


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc(moment: datetime | None) -> datetime | None:
    """`moment` in UTC, as the API writes every datetime."""
    return moment.astimezone(UTC) if moment is not None else None


@dataclass(frozen=True)
class Instant:
    """One moment as the pages show it: in a named zone, in UTC, and (through `<time>` and
    static/js/localtime.js) in the visitor's own zone."""

    at: datetime
    zone: str = "UTC"

    @property
    def local(self) -> str:
        return format_instant(self.at.astimezone(zoneinfo.ZoneInfo(self.zone)))

    @property
    def utc(self) -> str:
        return format_instant(self.at.astimezone(UTC), clock24=True)

    @property
    def iso(self) -> str:
        return iso_utc(self.at)


def instant(at: datetime | None, zone: str = "UTC") -> Instant | None:
    return Instant(at, zone) if at is not None else None


def exact_local(day: date, clock: time, zone: zoneinfo.ZoneInfo) -> datetime:
    """`day` at `clock` in `zone` as one UTC instant; `ValueError` (its message says why) for
    a local time the zone skips (the clocks go forward) or repeats (the clocks go back)."""
    first = datetime.combine(day, clock, tzinfo=zone)
    when = f"{clock:%-I:%M %p} on {day:%b %-d, %Y}"
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != first.replace(tzinfo=None):
        raise ValueError(
            f"{when} does not exist in {zone.key} (the clocks skip it); choose another time."
        )
    if first.utcoffset() != first.replace(fold=1).utcoffset():
        raise ValueError(
            f"{when} happens twice in {zone.key} (the clocks go back); choose another time."
        )
    return first.astimezone(UTC)

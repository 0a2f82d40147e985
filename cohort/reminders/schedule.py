"""When a reminder rule fires: pure, the standard library only.

A rule fires `hours` before its target's anchor (a deadline: an application window's close,
an offer's deadline, an evaluation's due instant) or, for an audience that counts from a
start (a payment waiting since it was made), `hours` after it. Of one audience's rules, a
target gets the one that fired most recently and no other: a run that comes late (the
scheduler was down, the rule was just turned on) sends the 24-hour reminder alone rather than
the 72-hour one and the 24-hour one together. A "before" rule never fires once the deadline
has passed, nor before the thing can be done (`not_before`: an evaluation round that has not
opened yet); such a rule is left out for that target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Rule:
    id: int
    hours: int  # before the anchor, or after it when the audience counts from a start


@dataclass(frozen=True)
class Anchor:
    at: datetime  # the deadline, or the start an "after" audience counts from
    after: bool = False
    not_before: datetime | None = None  # the thing cannot be done before this instant


def fires_at(rule: Rule, anchor: Anchor) -> datetime | None:
    """The instant `rule` fires for `anchor`, or None when it never does for it."""
    offset = timedelta(hours=rule.hours)
    at = anchor.at + offset if anchor.after else anchor.at - offset
    if not anchor.after and at >= anchor.at:
        return None  # a zero offset: at the deadline is too late
    if anchor.not_before is not None and at < anchor.not_before:
        return None
    return at


def _in_force(at: datetime, anchor: Anchor, now: datetime) -> bool:
    return at <= now and (anchor.after or now < anchor.at)


def current(rules: Sequence[Rule], anchor: Anchor, now: datetime) -> Rule | None:
    """The rule of `rules` (one audience's, turned on) that is due for `anchor` at `now`:
    the one that fired most recently, or None when none has fired or the deadline passed.
    Ties (two rules with the same hours) go to the lower id."""
    fired = [
        (at, -rule.id, rule)
        for rule in rules
        if (at := fires_at(rule, anchor)) is not None and _in_force(at, anchor, now)
    ]
    return max(fired)[2] if fired else None


def upcoming(
    rules: Sequence[Rule], anchor: Anchor, now: datetime, until: datetime
) -> list[tuple[datetime, Rule]]:
    """The rules that will fire for `anchor` after `now` and by `until`, in time order, each
    with its instant (if the target is still not done then)."""
    found = []
    for rule in rules:
        at = fires_at(rule, anchor)
        if at is not None and now < at <= until and (anchor.after or at < anchor.at):
            found.append((at, rule))
    return sorted(found, key=lambda item: (item[0], item[1].id))

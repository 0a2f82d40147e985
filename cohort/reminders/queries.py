"""What reminders are due, what will be sent in the next days, and what was sent: the read
models the pages and the API both serialize, each in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cohort.core.models import User
from cohort.core.time import Instant
from cohort.notifications.models import Notification
from cohort.reminders import schedule
from cohort.reminders.audiences import READERS, Target
from cohort.reminders.models import COUNTS_AFTER, Audience, Reminder, ReminderRule
from cohort.terms.models import Program

PREVIEW_DAYS = 7
HISTORY_LIMIT = 100
DONE = (Notification.Status.SENT, Notification.Status.SKIPPED)


def _plain(rule: ReminderRule) -> schedule.Rule:
    return schedule.Rule(id=rule.pk, hours=rule.hours)


def _by_audience(rules: Iterable[ReminderRule]) -> dict[str, dict[int, list[ReminderRule]]]:
    """audience → program → its rules that are on."""
    grouped: dict[str, dict[int, list[ReminderRule]]] = defaultdict(lambda: defaultdict(list))
    for rule in rules:
        if rule.enabled:
            grouped[rule.audience][rule.program_id].append(rule)
    return grouped


def _targets(
    rules: Iterable[ReminderRule], now: datetime, until: datetime
) -> list[tuple[list[ReminderRule], Target]]:
    """Each target whose rules may fire by `until`, with its program's rules for its
    audience: one reader per audience that has a rule on."""
    found = []
    for audience, by_program in _by_audience(rules).items():
        hours = [rule.hours for mine in by_program.values() for rule in mine]
        if audience in COUNTS_AFTER:  # started long enough ago for the shortest rule
            latest = until - timedelta(hours=min(hours))
        else:  # the deadline is near enough for the longest rule
            latest = until + timedelta(hours=max(hours))
        for target in READERS[audience](list(by_program), now, latest):
            found.append((by_program[target.term.program_id], target))
    return found


Key = tuple[int, str, str, int, int]  # rule, object_type, object_id, recipient, hours


def _key(rule: ReminderRule, target: Target) -> Key:
    object_type, object_id, recipient = target.key
    return (rule.pk, object_type, object_id, recipient, rule.hours)


def _recorded(rule_ids: Sequence[int], targets: Iterable[Target]) -> dict[Key, str]:
    """The reminders already decided on among `targets` → their e-mail's status ("" when
    the run that decided it stopped before making the e-mail): one query."""
    ids = {target.key[1] for target in targets}
    if not rule_ids or not ids:
        return {}
    rows = Reminder.objects.filter(rule__in=rule_ids, object_id__in=ids).values_list(
        "rule_id", "object_type", "object_id", "recipient_id", "hours", "notification__status"
    )
    return {(r, t, o, u, h): status or "" for r, t, o, u, h, status in rows}


@dataclass(frozen=True)
class Due:
    rule: ReminderRule
    target: Target


def due_now(now: datetime) -> list[Due]:
    """Every reminder to send at `now` in every program, not sent yet: for each target, the
    rule of its audience that fired most recently (`schedule.current`)."""
    rules = list(ReminderRule.objects.filter(enabled=True).select_related("program"))
    candidates = []
    for mine, target in _targets(rules, now, now):
        rule = schedule.current([_plain(r) for r in mine], target.anchor, now)
        if rule is not None:
            candidates.append(Due(next(r for r in mine if r.pk == rule.id), target))
    recorded = _recorded([rule.pk for rule in rules], (due.target for due in candidates))
    return [due for due in candidates if recorded.get(_key(due.rule, due.target)) not in DONE]


# --- the admin's pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow:
    id: int
    key: str
    audience: str
    audience_label: str
    hours: int
    when: str  # "3 days before the deadline"
    enabled: bool
    message: str
    counts_after: bool


def rule_row(rule: ReminderRule) -> RuleRow:
    return RuleRow(
        id=rule.pk,
        key=rule.key,
        audience=rule.audience,
        audience_label=Audience(rule.audience).label,
        hours=rule.hours,
        when=rule.when,
        enabled=rule.enabled,
        message=rule.message,
        counts_after=rule.counts_after,
    )


def rules_of(program: Program) -> list[RuleRow]:
    """The program's rules, by audience (in the order `Audience` lists them), each
    audience's in the order they fire."""
    order = {audience: i for i, audience in enumerate(Audience.values)}
    rules = sorted(
        ReminderRule.objects.filter(program=program),
        key=lambda rule: (
            order[rule.audience],
            rule.hours if rule.counts_after else -rule.hours,
            rule.pk,
        ),
    )
    return [rule_row(rule) for rule in rules]


def _person(user: User) -> str:
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else user.get_username()


@dataclass(frozen=True)
class PreviewRow:
    at: Instant  # when it will be sent, in the term's zone; `now` for "on the next run"
    next_run: bool  # due already: the next run of run-periodic sends it
    rule: RuleRow
    recipient: str  # "Ada Lovelace (mentee3)"
    recipient_id: int
    term: str  # "2026 Term 3"
    about: str
    anchor: Instant  # the deadline, or when the payment was made
    path: str


def preview(program: Program, now: datetime, days: int = PREVIEW_DAYS) -> list[PreviewRow]:
    """Who will be reminded of what by `program`'s rules from `now` to `days` later, if
    nothing is done meanwhile: what the next run sends, then each rule at its instant.
    A reminder already sent is left out (the history shows it)."""
    until = now + timedelta(days=days)
    rules = list(ReminderRule.objects.filter(program=program, enabled=True))
    found = _targets(rules, now, until)
    recorded = _recorded([rule.pk for rule in rules], (target for _mine, target in found))
    rows = []
    for mine, target in found:
        plain = [_plain(rule) for rule in mine]
        by_id = {rule.pk: rule for rule in mine}
        zone = target.term.time_zone
        when: list[tuple[datetime, bool, schedule.Rule]] = []
        current = schedule.current(plain, target.anchor, now)
        if current is not None:
            when.append((now, True, current))
        when.extend(
            (at, False, rule) for at, rule in schedule.upcoming(plain, target.anchor, now, until)
        )
        for at, next_run, plain_rule in when:
            rule = by_id[plain_rule.id]
            if recorded.get(_key(rule, target)) in DONE:
                continue
            rows.append(
                PreviewRow(
                    at=Instant(at, zone),
                    next_run=next_run,
                    rule=rule_row(rule),
                    recipient=_person(target.recipient),
                    recipient_id=target.recipient.pk,
                    term=target.term.label,
                    about=target.about,
                    anchor=Instant(target.anchor.at, zone),
                    path=target.path,
                )
            )
    rows.sort(key=lambda row: (row.at.at, row.rule.audience, row.recipient, row.about))
    return rows


@dataclass(frozen=True)
class HistoryRow:
    id: int
    created: Instant
    rule: RuleRow
    hours: int  # the rule's hours when it fired
    recipient: str
    recipient_id: int
    term: str
    about: str
    anchor: Instant
    status: str  # the e-mail's: queued, sent, failed, skipped ("" if it was never made)
    status_label: str
    attempts: int
    error: str


def history(program: Program, limit: int = HISTORY_LIMIT) -> list[HistoryRow]:
    """The last `limit` reminders `program`'s rules sent (or tried to), newest first."""
    rows = (
        Reminder.objects.filter(rule__program=program)
        .select_related("rule", "recipient", "term", "notification")
        .order_by("-created_at", "-id")[:limit]
    )
    result = []
    for row in rows:
        zone = row.term.time_zone
        mail = row.notification
        result.append(
            HistoryRow(
                id=row.pk,
                created=Instant(row.created_at, zone),
                rule=rule_row(row.rule),
                hours=row.hours,
                recipient=_person(row.recipient),
                recipient_id=row.recipient_id,
                term=row.term.label,
                about=row.about,
                anchor=Instant(row.anchor, zone),
                status=mail.status if mail else "",
                status_label=mail.get_status_display() if mail else "Not made",
                attempts=mail.attempts if mail else 0,
                error=mail.error if mail else "",
            )
        )
    return result

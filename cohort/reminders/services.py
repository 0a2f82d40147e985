"""Every write of cohort.reminders: a program's default rules, an admin's change to a rule,
and sending the reminders that are due (the periodic job).

At most once per (rule, object, recipient, hours): a `Reminder` row is unique on them and is
made in one transaction with its outbox row; the e-mail is then sent through the outbox,
which locks the row while sending. So two runs at once make one row and send it once
(the second waits for the first's insert, then finds it), and a run that stops halfway
leaves rows the next run finds: an e-mail not sent yet is sent then, while the thing is
still due and not done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, User
from cohort.notifications.services import deliver, outbox_row
from cohort.reminders import notifications
from cohort.reminders.defaults import DEFAULT_RULES
from cohort.reminders.models import MAX_HOURS, Reminder, ReminderRule
from cohort.reminders.queries import Due, due_now
from cohort.terms.models import Program


def install_default_rules(program: Program) -> int:
    """Add the default rules `program` lacks (by key); returns how many were added. An
    admin's changed hours, or a rule already at a default's offset, are left as they are."""
    have = set(ReminderRule.objects.filter(program=program).values_list("key", flat=True))
    fresh = [
        ReminderRule(program=program, key=key, audience=audience, hours=hours)
        for key, audience, hours in DEFAULT_RULES
        if key not in have
    ]
    made = ReminderRule.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(made) if fresh else 0


@transaction.atomic
def update_rule(
    rule: ReminderRule,
    *,
    actor: User,
    enabled: bool | None = None,
    hours: int | None = None,
    message: str | None = None,
) -> ReminderRule:
    """Turn `rule` on or off, move it to `hours`, or change its own words; audited with
    what changed. Reminders it already sent stay in the history."""
    rule = ReminderRule.objects.select_for_update().get(pk=rule.pk)
    changes: dict[str, list[object]] = {}
    if hours is not None and hours != rule.hours:
        if not 1 <= hours <= MAX_HOURS:
            raise DomainError(
                f"A reminder fires from 1 to {MAX_HOURS:,} hours ({MAX_HOURS // 24} days) "
                f"{'after its date' if rule.counts_after else 'before its deadline'}."
            )
        clash = ReminderRule.objects.filter(
            program=rule.program_id, audience=rule.audience, hours=hours
        ).exclude(pk=rule.pk)
        if clash.exists():
            raise DomainError(
                f"Another reminder for “{rule.get_audience_display()}” already fires at "
                f"{hours} hours; change that one instead."
            )
        changes["hours"] = [rule.hours, hours]
        rule.hours = hours
    if enabled is not None and enabled != rule.enabled:
        changes["enabled"] = [rule.enabled, enabled]
        rule.enabled = enabled
    if message is not None and message.strip() != rule.message:
        if len(message) > 2000:
            raise DomainError("Keep the reminder's own words under 2,000 characters.")
        changes["message"] = [rule.message, message.strip()]
        rule.message = message.strip()
    if changes:
        rule.save()
        AuditEvent.record(actor, "reminders.rule.changed", rule, data=changes)
    return rule


@dataclass(frozen=True)
class SendResult:
    due: int  # reminders due and not sent before this run
    sent: int
    left: int  # not sent now: a failure (retried on the next run) or turned off

    def summary(self) -> str:
        return f"Reminders: {self.sent} of {self.due} due sent now, {self.left} not sent"


def send_due_reminders(now: datetime) -> SendResult:
    """Send every reminder due at `now` (the periodic job). Each is decided on and sent in
    its own transactions, so one that fails leaves the others sent."""
    due = due_now(now)
    sent = sum(_send(item, now) for item in due)
    return SendResult(due=len(due), sent=sent, left=len(due) - sent)


def _send(item: Due, now: datetime) -> bool:
    rule, target = item.rule, item.target
    user = target.recipient
    if not user.email:
        return False
    context = notifications.context(rule, target, user)
    object_type, object_id, _recipient = target.key
    with transaction.atomic():
        reminder, _ = Reminder.objects.get_or_create(
            rule=rule,
            object_type=object_type,
            object_id=object_id,
            recipient=user,
            hours=rule.hours,
            defaults={
                "term": target.term,
                "about": target.about[:300],
                "anchor": target.anchor.at,
                "created_at": now,
            },
        )
        if reminder.notification_id is None:
            reminder.notification, _ = outbox_row(
                rule.kind, notifications.OBJECT_TYPE, reminder.pk, user, context
            )
            reminder.save(update_fields=["notification"])
    row = reminder.notification
    return row is not None and deliver(row, user, context)


def reminders_job(now: datetime) -> list[str]:
    """The periodic job: send the reminders that are due."""
    return [send_due_reminders(now).summary()]

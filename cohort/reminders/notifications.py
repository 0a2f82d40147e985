"""The reminder e-mails: one optional kind per audience (a person turns each off on
/settings/email/ or with the one-click link), and what each e-mail says."""

from __future__ import annotations

from typing import Any

from cohort.core.emails import site_url
from cohort.core.models import User
from cohort.core.time import Instant
from cohort.reminders.audiences import Target
from cohort.reminders.models import Audience, ReminderRule, kind_of

OBJECT_TYPE = "reminders.reminder"  # an outbox row's object: the Reminder it sends

LABELS: dict[str, str] = {
    Audience.INCOMPLETE_APPLICATION: "Reminders to finish an application before the deadline",
    Audience.UNREVIEWED_APPLICANTS: "Mentors' reminders of applicants left to review",
    Audience.UNANSWERED_OFFER: "Reminders to answer an offer before it lapses",
    Audience.EVALUATION_DUE: "Mentors' reminders of an evaluation coming due",
    Audience.PAYMENT_WAITING: "Admins' reminders of payments waiting for approval",
    Audience.PROPOSAL_TO_APPROVE: "Maintainers' reminders of proposals to approve",
}


def register_kinds() -> None:
    from cohort.notifications.kinds import register_kind

    for audience in Audience.values:
        register_kind(kind_of(audience), LABELS[audience], essential=False)


def context(rule: ReminderRule, target: Target, user: User) -> dict[str, Any]:
    term = target.term
    anchor = Instant(target.anchor.at, term.time_zone)
    return {
        "name": user.get_full_name() or user.get_username(),
        "program": term.program.name,
        "term": term.label,
        "about": target.about,
        "deadline": f"{anchor.local} ({anchor.utc})",
        "link": f"{site_url()}{target.path}",
        "message": rule.message,
        **target.details,
    }

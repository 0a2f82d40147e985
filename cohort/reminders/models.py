"""Reminders as data (issue 17): each program's rules, and a row for every reminder sent.

A `ReminderRule` names an audience (who is reminded of what: `Audience`), how many hours
before the audience's deadline it fires (or after, for payments waiting since they were
made), whether it is on, and the e-mail it sends: the audience's template, plus an optional
sentence of the admin's own. Every program starts with the defaults of
`cohort.reminders.defaults`; admins turn rules on and off and change their hours.

A `Reminder` is one reminder decided on: unique per (rule, object, recipient, hours), so a
rule reminds a person of a thing at most once per offset, however many times and however
many at once `run-periodic` runs. Its e-mail is an outbox row (`notification`), whose status
says whether it was sent; a run that crashed between the two is finished by the next run
while the thing is still due.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from cohort.notifications.models import Notification
from cohort.terms.models import Program, Term

MAX_HOURS = 24 * 60  # sixty days either side of the anchor


class Audience(models.TextChoices):
    """Who is reminded of what; the value is also the e-mail's kind, `reminder_<value>`."""

    INCOMPLETE_APPLICATION = (
        "incomplete_application",
        "Mentees with an incomplete application, before applications close",
    )
    UNREVIEWED_APPLICANTS = (
        "unreviewed_applicants",
        "Mentors with unreviewed applicants, before the review phase ends",
    )
    UNANSWERED_OFFER = "unanswered_offer", "Mentees with an unanswered offer, before it lapses"
    EVALUATION_DUE = "evaluation_due", "Mentors with an evaluation due, before it is due"
    PAYMENT_WAITING = (
        "payment_waiting",
        "Program admins with a payment waiting for approval, after it was made",
    )
    PROPOSAL_TO_APPROVE = (
        "proposal_to_approve",
        "Maintainers with a proposal to approve, before proposals close",
    )


# Audiences that count hours after their anchor (a start) rather than before it (a deadline).
COUNTS_AFTER: frozenset[str] = frozenset({Audience.PAYMENT_WAITING})


def kind_of(audience: str) -> str:
    """The e-mail kind (and template folder) of `audience`: "reminder_unanswered_offer"."""
    return f"reminder_{audience}"


class ReminderRule(models.Model):
    Audience = Audience

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="reminder_rules")
    # Which default this rule began as ("incomplete_application_72h"): installing the
    # defaults again adds only the missing ones, even after an admin changed the hours.
    key = models.SlugField(max_length=64)
    audience = models.CharField(max_length=32, choices=Audience.choices)
    hours = models.PositiveIntegerField()
    enabled = models.BooleanField(default=True)
    message = models.TextField(blank=True)  # the admin's own words, added to the e-mail
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["program", "audience", "-hours", "id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["program", "key"], name="reminder_rule_key_once"),
            models.UniqueConstraint(
                fields=["program", "audience", "hours"], name="reminder_rule_offset_once"
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values), name="reminder_rule_audience_valid"
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=1, hours__lte=MAX_HOURS), name="reminder_rule_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()}: {self.when}"

    @property
    def kind(self) -> str:
        return kind_of(self.audience)

    @property
    def counts_after(self) -> bool:
        return self.audience in COUNTS_AFTER

    @property
    def when(self) -> str:
        """ "72 hours (3 days) before the deadline", "12 hours after it was made"."""
        days, rest = divmod(self.hours, 24)
        amount = f"{self.hours} hour{'s' * (self.hours != 1)}"
        if days and not rest:
            amount += f" ({days} day{'s' * (days != 1)})"
        return f"{amount} {'after it was made' if self.counts_after else 'before the deadline'}"


class Reminder(models.Model):
    """One reminder decided on: a rule, the thing it is about, its recipient and the offset."""

    rule = models.ForeignKey(ReminderRule, on_delete=models.CASCADE, related_name="reminders")
    hours = models.PositiveIntegerField()  # the rule's hours when it fired
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="reminders")
    object_type = models.CharField(max_length=100)  # "applications.application"
    object_id = models.CharField(max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    about = models.CharField(max_length=300)  # "Application to Antrea: …", as it was then
    anchor = models.DateTimeField()  # the deadline (or start) it counted from
    created_at = models.DateTimeField()  # when the run decided to send it
    notification = models.OneToOneField(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="reminder"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["rule", "object_type", "object_id", "recipient", "hours"],
                name="reminder_once_per_offset",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["term", "-created_at"], name="reminder_term_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.kind} to {self.recipient_id} about {self.object_type} {self.object_id}"

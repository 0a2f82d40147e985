"""The e-mail outbox: one row per (kind, object, recipient), so a retry never sends twice.

The "object" is whatever the e-mail is about, named by `object_type` and `object_id`
(strings, so this app points at no other app's table): a `ProposalEvent`
("proposals.proposalevent", its pk), an `ApplicationEvent`, an offer, a round, a day's
digest ("applications.digest", "2024-08-01"). Each app chooses its keys in its own
`notifications.py`; e.g. the program admins' "awaiting your final approval" is keyed on the
proposal event that opened the approval round, so admins are asked once per round.

A row's `status` is its delivery state (docs/architecture.md, "E-mail"): queued until the
first attempt, then sent, failed (retried by `run-periodic` until it is sent) or skipped (the
recipient turned that kind of e-mail off). `attempts` counts the tries, so a row sent after a
failure shows that it was retried.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped (turned off)"


class Notification(models.Model):
    Status = NotificationStatus
    # A failed row is retried: it may fail again, be sent, or be skipped if turned off since.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.QUEUED: frozenset({Status.SENT, Status.FAILED, Status.SKIPPED}),
        Status.FAILED: frozenset({Status.SENT, Status.FAILED, Status.SKIPPED}),
        Status.SENT: frozenset(),
        Status.SKIPPED: frozenset(),
    }
    UNSENT: ClassVar[tuple[str, ...]] = (Status.QUEUED, Status.FAILED)  # what a retry looks at

    kind = models.CharField(max_length=64)  # the e-mail's template folder: "proposal_submitted"
    object_type = models.CharField(max_length=100)  # "proposals.proposalevent"
    object_id = models.CharField(max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    email = models.EmailField()  # the address used (or to be used) for this recipient
    subject = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # null until the backend accepted it
    error = models.TextField(blank=True)  # the last failure; cleared when it is sent
    status = models.CharField(
        max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)  # tries to send it (0 for skipped)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "recipient"],
                name="notification_once_per_recipient",
            ),
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values), name="notification_status_valid"
            ),
            models.CheckConstraint(  # sent_at is set exactly when it was sent
                condition=Q(status=NotificationStatus.SENT, sent_at__isnull=False)
                | (~Q(status=NotificationStatus.SENT) & Q(sent_at__isnull=True)),
                name="notification_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=NotificationStatus.FAILED) | ~Q(error=""),
                name="notification_failure_has_error",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["sent_at"], name="notification_sent_idx"),
            models.Index(fields=["status", "created_at"], name="notification_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.email}"

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def retried(self) -> bool:
        return self.attempts > 1


class EmailPreference(models.Model):
    """A person's choice for one optional kind of e-mail; no row means it is on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(max_length=64)  # an optional kind (cohort/notifications/kinds.py)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {'on' if self.enabled else 'off'} for {self.user_id}"

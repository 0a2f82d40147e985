"""The e-mail outbox: one row per (kind, object, recipient), so a retry never sends twice.

For proposal notifications the "object" is a `ProposalEvent` (object_type
"proposals.proposalevent", object_id its pk, and `event` points at it): each transition
notifies each person at most once, however often its task runs. The one exception is the
program admins' "awaiting your final approval" notice, whose object is the event that opened
the approval round (the latest submission or material edit), so admins are asked once per
round even when two approvals complete the gates at nearly the same time.

Other objects (applications, placements…) use the same key with their own object_type.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from cohort.proposals.models import ProposalEvent


class Notification(models.Model):
    kind = models.CharField(max_length=64)  # the e-mail's template folder: "proposal_submitted"
    event = models.ForeignKey(
        ProposalEvent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
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

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "recipient"],
                name="notification_once_per_recipient",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["sent_at"], name="notification_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.email}"

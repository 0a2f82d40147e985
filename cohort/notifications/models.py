"""The e-mail outbox: one row per (kind, object, recipient), so a retry never sends twice.

The "object" is whatever the e-mail is about, named by `object_type` and `object_id`
(strings, so this app points at no other app's table): a `ProposalEvent`
("proposals.proposalevent", its pk), an `ApplicationEvent`, an offer, a round, a day's
digest ("applications.digest", "2024-08-01"). Each app chooses its keys in its own
`notifications.py`; e.g. the program admins' "awaiting your final approval" is keyed on the
proposal event that opened the approval round, so admins are asked once per round.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class Notification(models.Model):
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

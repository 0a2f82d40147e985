"""A person's private calendar feed (issue 17): the secret in its address, and the SEQUENCE
each of its events has reached.

The token is stored as it is, not as a digest: the feed's address must be shown again
whenever its owner asks (the page, `GET /api/v1/me/calendar`), and a calendar application
keeps the address in clear anyway. It is 32 random bytes (`secrets.token_urlsafe`), looked
up through a unique index, so guessing one is out of reach and no comparison leaks its
prefix; it only reads dates, and rotating it ends the old address at once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField()  # when the current token was made

    def __str__(self) -> str:
        return f"Calendar of {self.user_id}"


class CalendarEntry(models.Model):
    """One event a feed has served: the dates it last had, and its SEQUENCE, which grows by
    one each time they move (RFC 5545 §3.8.7.4) and never goes down."""

    feed = models.ForeignKey(CalendarFeed, on_delete=models.CASCADE, related_name="entries")
    uid = models.CharField(max_length=120)
    dates = models.CharField(max_length=120)  # the start and end last served, ISO 8601
    sequence = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["feed", "uid"], name="calendar_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.uid} #{self.sequence}"

from __future__ import annotations

from django.contrib import admin

from cohort.core.admin import ReadOnlyAdmin
from cohort.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin[Notification]):
    """Read-only: the outbox is written by the notification services only."""

    list_display = ("created_at", "kind", "email", "subject", "sent_at", "error")
    list_filter = ("kind",)
    search_fields = ("email", "subject", "object_id")
    date_hierarchy = "created_at"
    raw_id_fields = ("recipient",)

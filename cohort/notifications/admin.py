from __future__ import annotations

from django.contrib import admin

from cohort.core.admin import ReadOnlyAdmin
from cohort.notifications.models import EmailPreference, Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin[Notification]):
    """Read-only: the outbox is written by the notification services only. Staff see each
    message's delivery state here (queued, sent, failed, skipped; retried = attempts > 1)."""

    list_display = (
        "created_at",
        "kind",
        "email",
        "subject",
        "status",
        "attempts",
        "sent_at",
        "error",
    )
    list_filter = ("status", "kind")
    search_fields = ("email", "subject", "object_id")
    date_hierarchy = "created_at"
    raw_id_fields = ("recipient",)


@admin.register(EmailPreference)
class EmailPreferenceAdmin(ReadOnlyAdmin[EmailPreference]):
    """Read-only: people change their own preferences (set_email_preference, audited)."""

    list_display = ("user", "kind", "enabled", "updated_at")
    list_select_related = ("user",)
    list_filter = ("kind", "enabled")
    raw_id_fields = ("user",)

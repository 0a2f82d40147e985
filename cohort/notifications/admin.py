from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cohort.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    """Read-only: the outbox is written by the notification services only."""

    list_display = ("created_at", "kind", "email", "subject", "sent_at", "error")
    list_filter = ("kind",)
    search_fields = ("email", "subject", "object_id")
    date_hierarchy = "created_at"
    raw_id_fields = ("event", "recipient")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

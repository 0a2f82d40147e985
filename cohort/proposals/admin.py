from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cohort.proposals.models import ProposalEvent


@admin.register(ProposalEvent)
class ProposalEventAdmin(admin.ModelAdmin[ProposalEvent]):
    """Read-only: events are the record the gates are derived from."""

    list_display = ("at", "kind", "project", "handle", "actor")
    list_filter = ("kind",)
    raw_id_fields = ("project", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

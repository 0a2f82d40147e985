from __future__ import annotations

from django.contrib import admin

from cohort.core.admin import ReadOnlyAdmin
from cohort.proposals.models import ProposalEvent


@admin.register(ProposalEvent)
class ProposalEventAdmin(ReadOnlyAdmin[ProposalEvent]):
    """Read-only: events are the record the gates are derived from."""

    list_display = ("at", "kind", "project", "handle", "actor")
    list_select_related = ("project", "actor")
    list_filter = ("kind",)
    raw_id_fields = ("project", "actor")

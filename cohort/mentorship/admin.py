"""Admin pages for mentorship, read-only: a placement changes only through the services,
which keep the state machine, the roles and the audit log."""

from __future__ import annotations

from django.contrib import admin

from cohort.core.admin import ReadOnlyAdmin
from cohort.mentorship.models import Placement


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin[Placement]):
    list_display = ("term", "project", "mentee", "status", "starts_at", "ends_at")
    list_filter = ("status",)
    raw_id_fields = ("application", "offer", "mentee", "project")

"""Admin pages for selection, read-only: rounds, overrides and offers change only through
the services (the selection pages), which keep the rules and the audit log."""

from __future__ import annotations

from django.contrib import admin

from cohort.core.admin import ReadOnlyAdmin
from cohort.selection.models import Offer, Override, Round


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin[Round]):
    list_display = ("term", "number", "status", "computed_at", "announced_at")
    list_select_related = ("term__program",)
    list_filter = ("status",)


@admin.register(Override)
class OverrideAdmin(ReadOnlyAdmin[Override]):
    list_display = ("round", "application", "kind", "created_by", "created_at")
    list_select_related = ("round__term__program", "application", "created_by")
    raw_id_fields = ("application",)


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin[Offer]):
    list_display = ("term", "project", "mentee", "seat", "status", "deadline")
    list_select_related = ("term__program", "project", "mentee")
    list_filter = ("status",)
    raw_id_fields = ("application", "mentee", "project")

from __future__ import annotations

from django.contrib import admin

from cohort.calendars.models import CalendarEntry, CalendarFeed
from cohort.core.admin import ReadOnlyAdmin


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin[CalendarFeed]):
    """Read-only, and without the token: the feed's secret is its owner's alone (they rotate
    it on their calendar page)."""

    list_display = ("user", "created_at", "rotated_at")
    list_select_related = ("user",)
    fields = ("user", "created_at", "rotated_at")
    raw_id_fields = ("user",)
    search_fields = ("user__username",)


@admin.register(CalendarEntry)
class CalendarEntryAdmin(ReadOnlyAdmin[CalendarEntry]):
    """Read-only: the SEQUENCE of each event a feed has served."""

    list_display = ("uid", "feed", "sequence", "dates", "changed_at")
    list_select_related = ("feed",)
    search_fields = ("uid",)
    raw_id_fields = ("feed",)

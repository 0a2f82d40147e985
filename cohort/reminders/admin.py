from __future__ import annotations

from django.contrib import admin

from cohort.core.admin import ReadOnlyAdmin
from cohort.reminders.models import Reminder, ReminderRule


@admin.register(ReminderRule)
class ReminderRuleAdmin(ReadOnlyAdmin[ReminderRule]):
    """Read-only: admins change rules on the program's reminders page, which audits it."""

    list_display = ("program", "audience", "hours", "enabled", "updated_at")
    list_filter = ("audience", "enabled")
    list_select_related = ("program",)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin[Reminder]):
    """Read-only: the record of the reminders sent."""

    list_display = ("created_at", "rule", "recipient", "about", "hours")
    list_select_related = ("rule__program", "recipient")
    raw_id_fields = ("recipient", "notification", "term", "rule")
    search_fields = ("recipient__username", "about")

"""Admin pages for applications. Changes go through the services (the pages and the API),
so everything here is read-only: the site's staff can look, not bypass the rules."""

from __future__ import annotations

from django.contrib import admin

from cohort.applications.models import Application, ApplicationEvent, MenteeProfile, Review, Task
from cohort.core.admin import ReadOnlyAdmin
from cohort.terms.admin import TermListFilter


@admin.register(MenteeProfile)
class MenteeProfileAdmin(ReadOnlyAdmin[MenteeProfile]):
    list_display = ("name", "user", "github", "country", "time_zone", "attested_at")
    list_select_related = ("user",)
    search_fields = ("name", "github", "user__username")
    raw_id_fields = ("user",)
    exclude = ("resume",)  # downloads go through the access-checked view


class TaskInline(admin.TabularInline[Task, Application]):
    model = Task
    fields = ("title", "completed_at", "url", "file_name")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin[Application]):
    list_display = ("id", "mentee", "project", "term", "status", "submitted_at", "mentor_rank")
    list_select_related = ("mentee", "project", "term__program")
    list_filter = ("status", ("term", TermListFilter))
    search_fields = ("mentee__username", "project__title")
    raw_id_fields = ("mentee", "project", "term")
    inlines = (TaskInline,)


@admin.register(ApplicationEvent)
class ApplicationEventAdmin(ReadOnlyAdmin[ApplicationEvent]):
    list_display = ("at", "application", "kind", "status", "task", "actor")
    list_select_related = ("application", "actor")
    list_filter = ("kind", "status")
    raw_id_fields = ("application", "actor")


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin[Review]):
    list_display = ("application", "reviewer", "score", "conflict", "updated_at")
    list_select_related = ("application", "reviewer")
    list_filter = ("conflict",)
    raw_id_fields = ("application", "reviewer")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin[Task]):
    list_display = ("application", "title", "kind", "completed_at")
    list_select_related = ("application",)
    list_filter = ("kind",)
    raw_id_fields = ("application",)
    exclude = ("file",)  # downloads go through the access-checked view

from __future__ import annotations

from django.contrib import admin

from cohort.terms.models import Milestone, Program, ProgramMembership, Term


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012  # Django admin API shape
    search_fields = ("name",)


@admin.register(ProgramMembership)
class ProgramMembershipAdmin(admin.ModelAdmin[ProgramMembership]):
    list_display = ("user", "program", "role")
    list_filter = ("role", "program")
    raw_id_fields = ("user",)


class MilestoneInline(admin.TabularInline[Milestone, Term]):
    model = Milestone
    extra = 0
    fields = ("position", "key", "label", "raw", "start", "end", "has_time")


@admin.register(Term)
class TermAdmin(admin.ModelAdmin[Term]):
    list_display = ("__str__", "title", "status", "time_zone")
    list_filter = ("program",)
    search_fields = ("title",)
    inlines = (MilestoneInline,)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin[Milestone]):
    list_display = ("term", "key", "label", "raw", "start", "end")
    list_filter = ("term",)

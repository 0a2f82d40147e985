from __future__ import annotations

from django.contrib import admin

from cohort.projects.models import (
    Mentorship,
    Organization,
    OrganizationAlias,
    OrganizationMaintainer,
    Project,
    UpstreamIssue,
)
from cohort.terms.admin import TermListFilter


class AliasInline(admin.TabularInline[OrganizationAlias, Organization]):
    model = OrganizationAlias
    extra = 0
    fields = ("name", "program")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin[Organization]):
    list_display = ("name", "kind", "program", "maturity")
    list_select_related = ("program",)
    list_filter = ("kind", "program", "maturity")
    search_fields = ("name", "aliases__name")
    inlines = (AliasInline,)


@admin.register(OrganizationAlias)
class OrganizationAliasAdmin(admin.ModelAdmin[OrganizationAlias]):
    list_display = ("name", "organization", "program")
    list_select_related = ("organization", "program")
    search_fields = ("name",)


@admin.register(OrganizationMaintainer)
class OrganizationMaintainerAdmin(admin.ModelAdmin[OrganizationMaintainer]):
    list_display = ("user", "organization")
    list_select_related = ("user", "organization")
    raw_id_fields = ("user",)


class MentorshipInline(admin.TabularInline[Mentorship, Project]):
    model = Mentorship
    extra = 0
    fields = ("position", "role", "name", "github", "email", "lfid", "contact", "flags", "person")
    raw_id_fields = ("person",)


class UpstreamIssueInline(admin.TabularInline[UpstreamIssue, Project]):
    model = UpstreamIssue
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ("title", "organization", "term", "status", "number")
    list_select_related = ("organization", "term__program")
    list_filter = ("status", ("term", TermListFilter), "organization__kind")
    search_fields = ("title", "lfx_title", "organization__name")
    readonly_fields = ("status", "status_changed_at", "raw", "source_line")
    inlines = (MentorshipInline, UpstreamIssueInline)


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin[Mentorship]):
    list_display = ("name", "github", "role", "project")
    list_select_related = ("project",)
    search_fields = ("name", "github")
    raw_id_fields = ("project", "person")


@admin.register(UpstreamIssue)
class UpstreamIssueAdmin(admin.ModelAdmin[UpstreamIssue]):
    list_display = ("url", "project")
    list_select_related = ("project",)
    raw_id_fields = ("project",)

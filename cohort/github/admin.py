from __future__ import annotations

from typing import ClassVar

from django.contrib import admin

from cohort.github.models import Connection, Delivery, IssueLink, Write


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin[Connection]):
    list_display = ("program", "repository", "token_variable", "paused_until")
    list_select_related = ("program",)
    exclude = ("secret",)  # write-only: set it on the GitHub page or with github-connect
    readonly_fields = ("program",)


@admin.register(IssueLink)
class IssueLinkAdmin(admin.ModelAdmin[IssueLink]):
    list_display = ("number", "project", "connection", "author", "comment_id")
    list_select_related = ("project", "connection__program")
    raw_id_fields = ("project",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ("received_at", "event", "action", "issue_number", "result", "connection")
    list_filter = ("result", "event")
    list_select_related = ("connection__program",)
    readonly_fields: ClassVar[list[str]] = [f.name for f in Delivery._meta.fields]


@admin.register(Write)
class WriteAdmin(admin.ModelAdmin[Write]):
    list_display = ("created_at", "kind", "issue_number", "status", "attempts", "next_attempt_at")
    list_filter = ("status", "kind")
    list_select_related = ("connection__program",)
    readonly_fields: ClassVar[list[str]] = [f.name for f in Write._meta.fields]

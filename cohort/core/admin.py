from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model
from django.http import HttpRequest

from cohort.core.models import ApiToken, AuditEvent, Person, User

admin.site.register(User, UserAdmin)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = ("name", "github", "email", "lfid", "user")
    list_select_related = ("user",)
    search_fields = ("name", "github", "email", "lfid")
    raw_id_fields = ("user",)


class ReadOnlyAdmin[M: Model](admin.ModelAdmin[M]):
    """For records that are never edited by hand: the audit log, event logs, the outbox."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin[AuditEvent]):
    """The audit log is never edited."""

    list_display = ("at", "action", "object_repr", "actor")
    list_select_related = ("actor",)
    list_filter = ("action",)
    search_fields = ("object_repr", "note", "object_id")
    date_hierarchy = "at"


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are created with `cohort create-api-token` (the plaintext is shown once there).

    Here they can be listed, renamed and revoked (set "revoked at"); the digest is read-only.
    """

    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    raw_id_fields = ("user",)
    readonly_fields = ("user", "prefix", "digest", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

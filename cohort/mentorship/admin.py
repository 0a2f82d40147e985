"""Admin pages for mentorship, read-only: placements, policies, rounds, evaluations and
feedback change only through the services, which keep the state machines, the roles, the
deadlines and the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cohort.core.admin import ReadOnlyAdmin
from cohort.mentorship.models import (
    Evaluation,
    EvaluationPolicy,
    EvaluationRound,
    Feedback,
    Placement,
    PolicyRound,
)


class PolicyRoundInline(admin.TabularInline[PolicyRound, EvaluationPolicy]):
    model = PolicyRound
    extra = 0
    fields = ("position", "key", "label", "week", "milestone", "opens_days_before", "final")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Placement)
class PlacementAdmin(ReadOnlyAdmin[Placement]):
    list_display = ("term", "project", "mentee", "status", "starts_at", "ends_at")
    list_select_related = ("term__program", "project", "mentee")
    list_filter = ("status",)
    raw_id_fields = ("application", "offer", "mentee", "project")
    exclude = ("share_token",)  # the completion page's secret is the mentee's


@admin.register(EvaluationPolicy)
class EvaluationPolicyAdmin(ReadOnlyAdmin[EvaluationPolicy]):
    list_display = ("program", "name", "weeks", "is_default")
    list_select_related = ("program",)
    inlines = (PolicyRoundInline,)


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdmin[EvaluationRound]):
    list_display = ("placement", "label", "opens_at", "due_at", "closes_at")
    list_select_related = ("placement",)
    raw_id_fields = ("placement",)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin[Evaluation]):
    list_display = ("placement", "round", "status", "passed", "settled_at")
    list_select_related = ("placement", "round")
    list_filter = ("status", "passed")
    raw_id_fields = ("placement", "round", "author", "edited_by")


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin[Feedback]):
    list_display = ("placement", "round", "late", "submitted_at")
    list_select_related = ("placement", "round")
    raw_id_fields = ("placement", "round")


@admin.register(PolicyRound)
class PolicyRoundAdmin(ReadOnlyAdmin[PolicyRound]):
    list_display = ("policy", "position", "label", "week", "milestone", "final")
    list_select_related = ("policy__program",)

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models.fields.related import RelatedField
from django.http import HttpRequest

from cohort.terms.models import Milestone, Program, ProgramMembership, Term

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class TermListFilter(admin.RelatedFieldListFilter):
    """Filter a changelist by term: a term's name reads its program's, so the choices are
    read with their programs, in one query whatever the number of terms."""

    def field_choices(
        self,
        field: RelatedField[Any, Any],
        request: HttpRequest,
        model_admin: admin.ModelAdmin[Any],
    ) -> list[tuple[str, str | _StrPromise]]:
        ordering = self.field_admin_ordering(field, request, model_admin)
        terms = Term.objects.select_related("program")
        if ordering:  # the admin's ordering, else the model's
            terms = terms.order_by(*ordering)
        choices: list[tuple[str, str | _StrPromise]] = [(str(t.pk), str(t)) for t in terms]
        return choices


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}  # noqa: RUF012  # Django admin API shape
    search_fields = ("name",)


@admin.register(ProgramMembership)
class ProgramMembershipAdmin(admin.ModelAdmin[ProgramMembership]):
    list_display = ("user", "program", "role")
    list_select_related = ("user", "program")
    list_filter = ("role", "program")
    raw_id_fields = ("user",)


class MilestoneInline(admin.TabularInline[Milestone, Term]):
    model = Milestone
    extra = 0
    fields = ("position", "key", "label", "raw", "start", "end", "has_time")


@admin.register(Term)
class TermAdmin(admin.ModelAdmin[Term]):
    list_display = ("__str__", "title", "status", "time_zone")
    list_select_related = ("program",)
    list_filter = ("program",)
    search_fields = ("title",)
    inlines = (MilestoneInline,)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin[Milestone]):
    list_display = ("term", "key", "label", "raw", "start", "end")
    list_select_related = ("term__program",)
    list_filter = (("term", TermListFilter),)

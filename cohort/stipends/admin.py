"""Admin pages for stipends, read-only: policies, payments and the ledger change only through
the services, which keep the state machine, the roles, the ledger and the audit log."""

from __future__ import annotations

from django.contrib import admin

from cohort.core.admin import ReadOnlyAdmin
from cohort.stipends.models import LedgerEntry, PayerExport, Payment, StipendPolicy


@admin.register(StipendPolicy)
class StipendPolicyAdmin(ReadOnlyAdmin[StipendPolicy]):
    list_display = ("program", "effective_from", "kind", "currency", "name")
    list_select_related = ("program",)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin[Payment]):
    list_display = ("reference", "term", "status", "currency", "amount", "adjusted", "country")
    list_select_related = ("term__program",)
    list_filter = ("status",)
    search_fields = ("reference",)
    raw_id_fields = ("placement", "evaluation", "round", "policy", "export")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin[LedgerEntry]):
    list_display = ("at", "payment", "event", "source", "target", "amount", "committed")
    raw_id_fields = ("payment", "term", "actor")


@admin.register(PayerExport)
class PayerExportAdmin(ReadOnlyAdmin[PayerExport]):
    list_display = ("at", "term", "format", "count")
    list_select_related = ("term__program",)
    exclude = ("content",)

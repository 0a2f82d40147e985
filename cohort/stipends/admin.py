"""Admin pages for stipends, read-only: policies, payments and the ledger change only through
the services, which keep the state machine, the roles, the ledger and the audit log."""

from __future__ import annotations

from django.contrib import admin

from cohort.core.admin import ReadOnlyAdmin
from cohort.stipends.models import (
    LedgerEntry,
    PayerExport,
    Payment,
    PaymentAdjustment,
    PaymentApproval,
    ProjectSize,
    StipendInstallment,
    StipendPolicy,
    StipendRate,
)


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
    list_select_related = ("payment",)
    raw_id_fields = ("payment", "term", "actor")


@admin.register(PayerExport)
class PayerExportAdmin(ReadOnlyAdmin[PayerExport]):
    list_display = ("at", "term", "format", "count")
    list_select_related = ("term__program",)
    exclude = ("content",)


@admin.register(StipendInstallment)
class StipendInstallmentAdmin(ReadOnlyAdmin[StipendInstallment]):
    list_display = ("policy", "position", "round_key", "share")
    list_select_related = ("policy__program",)


@admin.register(StipendRate)
class StipendRateAdmin(ReadOnlyAdmin[StipendRate]):
    list_display = ("policy", "country", "column", "factor_e4", "amount")
    list_select_related = ("policy__program",)


@admin.register(ProjectSize)
class ProjectSizeAdmin(ReadOnlyAdmin[ProjectSize]):
    list_display = ("project", "column")
    list_select_related = ("project",)
    raw_id_fields = ("project",)


@admin.register(PaymentApproval)
class PaymentApprovalAdmin(ReadOnlyAdmin[PaymentApproval]):
    list_display = ("payment", "approver", "at")
    list_select_related = ("payment", "approver")
    raw_id_fields = ("payment", "approver")


@admin.register(PaymentAdjustment)
class PaymentAdjustmentAdmin(ReadOnlyAdmin[PaymentAdjustment]):
    list_display = ("payment", "delta", "actor", "at")
    list_select_related = ("payment", "actor")
    raw_id_fields = ("payment", "actor")

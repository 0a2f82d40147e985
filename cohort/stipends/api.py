"""Stipends through the API: the same read models as the pages (`stipends.queries`), every
write through `stipends.services`.

Every operation needs a user (a token or a session; 401 without). A term's payments, its payer
files and ledger, and a program's policies are its program admins' (404 for anyone else, as
for one that does not exist). A payment is its program admins' and, to read through
`/me/payments`, its mentee's; its project's mentors never see it.

Money is `…_minor`, an integer number of minor units, with `currency` and a `…_text` for
people: never a float. A CSV body (the payer's results, a policy) is sent as JSON
`{"content": "<the CSV text>"}`.

Errors: 400 for a broken rule (the message names the file's line), 403 for an admin who may
not make this change (a mentor of the mentee approving), 409 when the payment changed
meanwhile, 422 for a body that does not match its schema.
"""

from __future__ import annotations

from typing import Any, Final

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status

from cohort.core.api_auth import api_auth, request_user
from cohort.core.api_errors import download, errors
from cohort.core.errors import DomainError
from cohort.core.schemas import Id
from cohort.stipends import files, queries, services
from cohort.stipends.access import access_export, access_payment, access_policy
from cohort.stipends.models import PayerExport, PaymentStatus
from cohort.stipends.money import signed_to_minor
from cohort.stipends.schemas import (
    PayerExportIn,
    PayerExportOut,
    PaymentAdjustIn,
    PaymentBulkOut,
    PaymentCancelIn,
    PaymentIdsIn,
    PaymentOut,
    PaymentResultsIn,
    PaymentResultsOut,
    StipendLedgerOut,
    StipendPolicyIn,
    StipendPolicyOut,
)
from cohort.terms.access import access_admin_program, access_admin_term
from cohort.terms.models import Program

router = Router(tags=["stipends"], auth=api_auth)
ERRORS: Final = errors(400, 401, 404, 422)
WRITE_ERRORS: Final = errors(400, 401, 403, 404, 409, 422)


def payment_out(view: queries.PaymentView) -> dict[str, Any]:
    return {
        "id": view.id,
        "reference": view.reference,
        "term": view.term_id,
        "placement": view.placement_id,
        "mentee": view.mentee,
        "mentee_email": view.mentee_email,
        "project": view.project,
        "round": view.round,
        "installment": view.installment,
        "country": view.country,
        "currency": view.currency,
        "amount_minor": view.amount,
        "adjusted_minor": view.adjusted,
        "total_minor": view.total,
        "total_text": view.total_text,
        "status": view.status,
        "status_label": view.status_label,
        "approvals": view.approvals,
        "approvals_needed": view.approvals_needed,
        "made_at": view.made_at,
        "approved_at": view.approved_at,
        "sent_at": view.sent_at,
        "paid_at": view.paid_at,
        "expected_on": view.expected_on,
        "expected_text": view.expected_text,
        "failure_reason": view.failure_reason,
        "cancel_reason": view.cancel_reason,
    }


def _status(status: str) -> str:
    if status and status not in PaymentStatus.values:
        raise DomainError(
            f"“{status}” is not a payment status; use one of "
            + ", ".join(PaymentStatus.values)
            + "."
        )
    return status


def _admin_payment(request: HttpRequest, pk: int) -> queries.PaymentView:
    return queries.payment_view(access_payment(request_user(request), pk, admin=True).pk)


# --- lists ---------------------------------------------------------------------------------


@router.get("/terms/{pk}/payments", response={200: list[PaymentOut], **ERRORS})
def term_payments(request: HttpRequest, pk: Id, status: str = "") -> list[dict[str, Any]]:
    """The term's payments (program admins), optionally of one `status`."""
    term = access_admin_term(request_user(request), pk)
    return [payment_out(v) for v in queries.term_payments(term, _status(status))]


@router.get(
    "/terms/{pk}/payments.csv",
    response=errors(400, 401, 404, 422),
    openapi_extra=download("text/csv"),
)
def term_payments_csv(request: HttpRequest, pk: Id, status: str = "") -> HttpResponse:
    """The term's payments as CSV (program admins): the payer file's columns plus `status`,
    optionally of one `status`. READ-ONLY: this GET marks nothing sent and makes no payer
    file; the file that hands payments to the payer is `POST /terms/{id}/payer-exports`."""
    term = access_admin_term(request_user(request), pk)
    rows = queries.term_payments(term, _status(status))
    response = HttpResponse(queries.payments_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payments-{term.pk}.csv"'
    return response


@router.get("/terms/{pk}/payments/ageing", response={200: list[PaymentOut], **ERRORS})
def term_ageing(request: HttpRequest, pk: Id, days: int = queries.DEFAULT_AGE_DAYS) -> list[Any]:
    """Payments approved or sent more than `days` days ago (1 to 365) and not paid."""
    term = access_admin_term(request_user(request), pk)
    if not 1 <= days <= 365:
        raise DomainError("Give days from 1 to 365.")
    return [payment_out(v) for v in queries.ageing(term, days)]


def _buckets(totals: dict[str, queries.Totals]) -> list[dict[str, Any]]:
    return [
        {"currency": currency, **{f"{b}_minor": t.amounts.get(b, 0) for b in queries.BUCKETS}}
        for currency, t in sorted(totals.items())
    ]


@router.get("/terms/{pk}/ledger", response={200: StipendLedgerOut, **ERRORS})
def term_ledger(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """The term's money by currency and status, from the payments and from the ledger alone;
    `reconciles` says they are equal."""
    term = access_admin_term(request_user(request), pk)
    mine, ledger = queries.totals(term), queries.ledger_totals(term)
    return {
        "payments": _buckets(mine),
        "ledger": _buckets(ledger),
        "reconciles": {c: t.amounts for c, t in mine.items()}
        == {c: t.amounts for c, t in ledger.items()},
    }


@router.get("/me/payments", response={200: list[PaymentOut], **ERRORS})
def my_payments(request: HttpRequest) -> list[dict[str, Any]]:
    """Your own stipend payments as a mentee, oldest first (an empty list for anyone else)."""
    return [payment_out(v) for v in queries.my_payments(request_user(request))]


# --- one payment ---------------------------------------------------------------------------


@router.post("/payments/{pk}/approve", response={200: PaymentOut, **WRITE_ERRORS})
def approve(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """A program admin who does not mentor the mentee approves a pending payment (above the
    policy's threshold, the first of two approvers is recorded and it stays pending)."""
    payment = access_payment(request_user(request), pk, admin=True)
    services.approve_payment(payment, actor=request_user(request))
    return payment_out(queries.payment_view(payment.pk))


@router.post("/terms/{pk}/payments/approve", response={200: PaymentBulkOut, **WRITE_ERRORS})
def approve_many(request: HttpRequest, pk: Id, payload: PaymentIdsIn) -> dict[str, Any]:
    """Approve each of `ids`, each in its own transaction: what could not be approved is in
    `refused` with the reason, and the rest still goes through."""
    term = access_admin_term(request_user(request), pk)
    result = services.approve_payments(term, payload.ids, actor=request_user(request))
    return {
        "approved": [p.pk for p in result.approved],
        "refused": [{"id": i, "reason": reason} for i, reason in result.refused],
    }


@router.post("/payments/{pk}/cancel", response={200: PaymentOut, **WRITE_ERRORS})
def cancel(request: HttpRequest, pk: Id, payload: PaymentCancelIn) -> dict[str, Any]:
    """Cancel a pending, approved or failed payment, with a reason."""
    payment = access_payment(request_user(request), pk, admin=True)
    services.cancel_payment(payment, actor=request_user(request), reason=payload.reason)
    return payment_out(queries.payment_view(payment.pk))


@router.post("/payments/{pk}/adjust", response={200: PaymentOut, **WRITE_ERRORS})
def adjust(request: HttpRequest, pk: Id, payload: PaymentAdjustIn) -> dict[str, Any]:
    """Change what a pending or failed payment is owed by `amount` (major units as text, a
    minus to lower it), with a reason: an adjustment, never an edit of the amount."""
    payment = access_payment(request_user(request), pk, admin=True)
    try:
        delta = signed_to_minor(payload.amount, payment.currency)
    except ValueError as error:  # MoneyError, or a digit int() cannot read ("²")
        raise DomainError(f"“{payload.amount}” is not an amount: {error}") from None
    services.adjust_payment(
        payment, actor=request_user(request), delta=delta, reason=payload.reason
    )
    return payment_out(queries.payment_view(payment.pk))


@router.post("/payments/{pk}/retry", response={200: PaymentOut, **WRITE_ERRORS})
def retry(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """A failed payment is approved again, with the same reference, for the next file."""
    payment = access_payment(request_user(request), pk, admin=True)
    services.retry_payment(payment, actor=request_user(request))
    return payment_out(queries.payment_view(payment.pk))


# --- the payer's files ---------------------------------------------------------------------


def _export_out(export: PayerExport) -> dict[str, Any]:
    return {
        "id": export.pk,
        "format": export.format,
        "count": export.count,
        "at": export.at,
        "download_url": reverse("api:payer_export", args=[export.pk]),
    }


@router.post("/terms/{pk}/payer-exports", response={201: PayerExportOut, **WRITE_ERRORS})
def make_export(request: HttpRequest, pk: Id, payload: PayerExportIn) -> Status[dict[str, Any]]:
    """The term's approved payments as the payer's file, marked sent in the same transaction:
    the file's id, how many payments it holds and where to download it."""
    term = access_admin_term(request_user(request), pk)
    export = services.export_payments(term, actor=request_user(request), fmt=payload.format)
    return Status(201, _export_out(export))


@router.get(
    "/payer-exports/{pk}",
    response=errors(400, 401, 404, 422),
    openapi_extra=download("text/csv"),
    url_name="payer_export",
)
def payer_export(request: HttpRequest, pk: Id) -> HttpResponse:
    """A payer file as it was made (text/csv or application/json)."""
    return files.payer_file(access_export(request_user(request), pk))


@router.post("/terms/{pk}/payment-results", response={200: PaymentResultsOut, **WRITE_ERRORS})
def import_results(request: HttpRequest, pk: Id, payload: PaymentResultsIn) -> dict[str, int]:
    """The payer's result file as JSON `{"content": "<CSV>"}`: each row marks a sent payment
    paid or failed. One row that does not match is a 400 naming its line, and nothing changes."""
    term = access_admin_term(request_user(request), pk)
    done = services.import_results(term, payload.content, actor=request_user(request))
    return {"paid": done.paid, "failed": done.failed}


# --- the program's stipend policy ----------------------------------------------------------


def _policies(program: Program) -> list[dict[str, Any]]:
    return [
        {
            **{k: v for k, v in vars(p).items() if k not in ("program", "second_approval_text")},
            "csv_url": reverse("api:stipend_policy_csv", args=[p.id]),
        }
        for p in queries.policies(program)
    ]


@router.get("/programs/{slug}/stipend-policies", response={200: list[StipendPolicyOut], **ERRORS})
def stipend_policies(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The program's stipend policies (program admins), newest effective date first."""
    return _policies(access_admin_program(request_user(request), slug))


@router.get(
    "/stipend-policies/{pk}.csv",
    response=errors(400, 401, 404, 422),
    openapi_extra=download("text/csv"),
    url_name="stipend_policy_csv",
)
def stipend_policy_csv(request: HttpRequest, pk: Id) -> HttpResponse:
    """One stipend policy as its CSV, the file `PUT /programs/{slug}/stipend-policy` reads."""
    return files.policy_file(access_policy(request_user(request), pk))


@router.put(
    "/programs/{slug}/stipend-policy", response={200: list[StipendPolicyOut], **WRITE_ERRORS}
)
def import_policy(request: HttpRequest, slug: str, payload: StipendPolicyIn) -> list[Any]:
    """A policy CSV as JSON `{"content": "<CSV>"}`: it becomes the program's policy from its
    own date (replacing one of that date that paid nothing yet). A bad line is a 400 naming
    it, and nothing changes."""
    program = access_admin_program(request_user(request), slug)
    services.import_policy(program, payload.content, actor=request_user(request))
    return _policies(program)

"""The stipend pages: a term's payments queue for its program admins (totals, a status filter,
bulk approve), one payment with its ledger and the admins' actions (approve, cancel, adjust,
retry), the payer's file out (export, past exports to download) and back (results), the
ageing list, the program's stipend policy, and the mentee's own payment timeline.

Every write goes through `cohort.stipends.services`; what the pages show is
`cohort.stipends.queries`, the read model the API returns too. A term's pages are its program
admins' only, and a payment is theirs and its mentee's (read-only): anyone else gets the same
404 as for one that does not exist.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cohort.core.actors import signed_in
from cohort.core.pages import Refused, run_service
from cohort.core.time import instant
from cohort.stipends import files, queries, services
from cohort.stipends.access import access_export, access_payment, access_policy, program_project
from cohort.stipends.forms import (
    AdjustForm,
    AgeingForm,
    CancelForm,
    ExportForm,
    PresetForm,
    ProjectSizeForm,
    StatusFilterForm,
    UploadForm,
    checked_ids,
)
from cohort.stipends.models import Payment, PaymentStatus
from cohort.terms.access import access_admin_program, access_admin_term, is_program_admin
from cohort.terms.models import Term

FAILED = "Nothing was changed."


def _status(request: HttpRequest) -> str:
    form = StatusFilterForm(request.GET)
    return form.cleaned_data["status"] if form.is_valid() else ""


def _totals(term: Term) -> list[dict[str, Any]]:
    ledger = queries.ledger_totals(term)
    out = []
    for currency, money in sorted(queries.totals(term).items()):
        from_ledger = ledger.get(currency)
        out.append(
            {
                "currency": currency,
                "cells": [(bucket, money.text(bucket)) for bucket in queries.BUCKETS],
                "reconciles": from_ledger is not None and from_ledger.amounts == money.amounts,
            }
        )
    return out


def _render_queue(
    request: HttpRequest,
    term: Term,
    *,
    refused: list[tuple[int, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    chosen = _status(request)
    rows = queries.term_payments(term, chosen)
    context = {
        "term": term,
        "rows": rows,
        "status": chosen,
        "statuses": PaymentStatus.choices,
        "totals": _totals(term),
        "reconciles": queries.reconciles(term),
        "refused": refused or [],
        "pending": [r for r in rows if r.status == PaymentStatus.PENDING],
    }
    return render(request, "stipends/payments.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def payments(request: HttpRequest, pk: int) -> HttpResponse:
    """The term's payments queue (program admins): totals by currency, a status filter, and
    the pending payments to approve together."""
    term = access_admin_term(request.user, pk)
    if request.method != "POST":
        return _render_queue(request, term)
    try:
        ids = checked_ids(request.POST.getlist("ids"))
    except forms.ValidationError as error:
        messages.error(request, f"{FAILED} {' '.join(error.messages)}")
        return _render_queue(request, term, status=400)
    result = services.approve_payments(term, ids, actor=signed_in(request))
    if result.approved:
        n = len(result.approved)
        messages.success(request, f"{n} payment{'s' if n != 1 else ''} approved.")
    if result.refused:
        n = len(result.refused)
        messages.error(request, f"{n} payment{'s' if n != 1 else ''} not approved: see below.")
        return _render_queue(request, term, refused=result.refused)
    return redirect("stipends:payments", term.pk)


# --- one payment ------------------------------------------------------------------------------

ACTIONS = ("approve", "cancel", "adjust", "retry")


def _forms(payment: Payment, bound: dict[str, forms.Form]) -> dict[str, forms.Form | None]:
    s = payment.status
    wanted = {
        "approve": s == PaymentStatus.PENDING,
        "cancel": payment.can_become(PaymentStatus.CANCELLED),
        "adjust": s in (PaymentStatus.PENDING, PaymentStatus.FAILED),
        "retry": s == PaymentStatus.FAILED,
    }
    made: dict[str, forms.Form | None] = {}
    for name in ACTIONS:
        if not wanted[name]:
            made[name] = None
        elif name in bound:
            made[name] = bound[name]
        elif name == "cancel":
            made[name] = CancelForm(prefix="cancel")
        elif name == "adjust":
            made[name] = AdjustForm(prefix="adjust", currency=payment.currency)
        else:
            made[name] = forms.Form(prefix=name)
    return made


def _render_payment(
    request: HttpRequest,
    payment: Payment,
    admin: bool,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    zone = payment.term.time_zone
    view = queries.payment_view(payment.pk)
    context: dict[str, Any] = {
        "v": view,
        "term": payment.term,
        "admin": admin,
        "zone": zone,
        "made": instant(view.made_at, zone),
        "approved": instant(view.approved_at, zone),
        "sent": instant(view.sent_at, zone),
        "paid": instant(view.paid_at, zone),
    }
    if admin:
        context["ledger"] = [(e, instant(e.at, zone)) for e in queries.payment_ledger(payment)]
        context["adjustments"] = [
            (a, instant(a.at, zone)) for a in queries.payment_adjustments(payment)
        ]
        context["actions"] = _forms(payment, bound or {})
    return render(request, "stipends/payment.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def payment(request: HttpRequest, pk: int) -> HttpResponse:
    """One payment: its mentee reads it; the program admins also see its ledger and
    adjustments and act on it (a POST with `action`: approve, cancel, adjust or retry)."""
    user = signed_in(request)
    found = access_payment(user, pk)
    admin = is_program_admin(user, found.term.program)
    if request.method != "POST":
        return _render_payment(request, found, admin)
    if not admin:
        raise Http404("No such payment.")
    action = request.POST.get("action", "")
    form: forms.Form
    if action == "approve":
        form = forms.Form(request.POST, prefix="approve")
        call: Any = lambda: services.approve_payment(found, actor=user)  # noqa: E731
        done = "The payment is approved."
    elif action == "cancel":
        form = CancelForm(request.POST, prefix="cancel")
        call = lambda: services.cancel_payment(  # noqa: E731
            found, actor=user, reason=form.cleaned_data["reason"]
        )
        done = "The payment is cancelled."
    elif action == "adjust":
        form = AdjustForm(request.POST, prefix="adjust", currency=found.currency)
        call = lambda: services.adjust_payment(  # noqa: E731
            found, actor=user, delta=form.cleaned_data["amount"], reason=form.cleaned_data["reason"]
        )
        done = "The payment's amount is adjusted."
    elif action == "retry":
        form = forms.Form(request.POST, prefix="retry")
        call = lambda: services.retry_payment(found, actor=user)  # noqa: E731
        done = "The payment is approved again, with the same reference, for the next file."
    else:
        messages.error(request, f"{FAILED} Choose approve, cancel, adjust or retry.")
        return _render_payment(request, found, admin, status=400)
    if not form.is_valid():
        messages.error(request, f"{FAILED} See the form below.")
        return _render_payment(request, found, admin, bound={action: form}, status=400)
    saved = run_service(request, call, failed=FAILED)
    if isinstance(saved, Refused):
        return _render_payment(request, found, admin, bound={action: form}, status=saved.status)
    if action == "approve" and saved.status == PaymentStatus.PENDING:
        done = "Your approval is recorded; this amount needs a second approver."
    messages.success(request, done)
    return redirect("stipends:payment", found.pk)


# --- the payer's file out and back ---------------------------------------------------------------


def _render_export(
    request: HttpRequest, term: Term, form: ExportForm | None = None, status: int = 200
) -> HttpResponse:
    zone = term.time_zone
    context = {
        "term": term,
        "waiting": queries.waiting_count(term),
        "form": form or ExportForm(),
        "exports": [(e, instant(e.at, zone)) for e in queries.exports(term)],
    }
    return render(request, "stipends/export.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved payments as the payer's file: making it marks them sent. Past files stay
    downloadable."""
    term = access_admin_term(request.user, pk)
    if request.method != "POST":
        return _render_export(request, term)
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{FAILED} Choose CSV or JSON.")
        return _render_export(request, term, form, status=400)
    user = signed_in(request)
    made = run_service(
        request,
        lambda: services.export_payments(term, actor=user, fmt=form.cleaned_data["format"]),
        failed=FAILED,
    )
    if isinstance(made, Refused):
        return _render_export(request, term, form, status=made.status)
    messages.success(
        request,
        f"Payer file {made.pk} is made: {made.count} payment{'s' if made.count != 1 else ''} "
        "marked sent. Download it below and hand it to the payer.",
    )
    return redirect("stipends:export", term.pk)


@require_safe
@login_required
def export_file(request: HttpRequest, pk: int) -> HttpResponse:
    """One past payer file, as it was made."""
    return files.payer_file(access_export(request.user, pk))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The payer's result file: each row marks a sent payment paid or failed; one bad row and
    nothing is marked."""
    term = access_admin_term(request.user, pk)
    status = 200
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            user = signed_in(request)
            done = run_service(
                request,
                lambda: services.import_results(term, form.cleaned_data["file"], actor=user),
            )
            if not isinstance(done, Refused):
                messages.success(
                    request, f"Results imported: {done.paid} paid, {done.failed} failed."
                )
                return redirect("stipends:payments", term.pk)
            status = done.status
        else:
            messages.error(request, f"{FAILED} See the form below.")
            status = 400
    context = {"term": term, "form": form, "sent": queries.term_payments(term, "sent")}
    return render(request, "stipends/results.html", context, status=status)


@require_safe
@login_required
def ageing(request: HttpRequest, pk: int) -> HttpResponse:
    """Payments approved or sent more than `days` days ago (1 to 365) and not paid."""
    term = access_admin_term(request.user, pk)
    form = AgeingForm(request.GET)
    status = 200
    days = queries.DEFAULT_AGE_DAYS
    if form.is_valid():
        days = form.cleaned_data["days"] or days
    else:
        messages.error(request, f"Showing {days} days: see the form below.")
        status = 400
    rows = queries.ageing(term, days)
    zone = term.time_zone
    context = {
        "term": term,
        "form": form,
        "days": days,
        "rows": [(r, instant(r.approved_at, zone), instant(r.sent_at, zone)) for r in rows],
    }
    return render(request, "stipends/ageing.html", context, status=status)


# --- the program's policy ----------------------------------------------------------------------


def _render_policy(
    request: HttpRequest,
    program: Any,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    views = queries.policies(program)
    context = {
        "program": program,
        "policies": views,
        "preset": bound.get("preset") or PresetForm(prefix="preset"),
        "upload": bound.get("upload") or UploadForm(prefix="upload"),
        "size": bound.get("size") or ProjectSizeForm(prefix="size"),
        "tables": any(p.kind == "table" for p in views),
    }
    return render(request, "stipends/policy.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def policy(request: HttpRequest, slug: str) -> HttpResponse:
    """The program's stipend policies by date (program admins): install a preset, import a
    policy CSV, or size a project for a table policy."""
    program = access_admin_program(request.user, slug)
    if request.method != "POST":
        return _render_policy(request, program)
    user = signed_in(request)
    action = request.POST.get("action", "")
    form: forms.Form
    if action == "preset":
        form = PresetForm(request.POST, prefix="preset")
        call: Any = lambda: services.install_preset(  # noqa: E731
            program, form.cleaned_data["preset"], actor=user
        )
        done = "The preset's policies are installed."
    elif action == "upload":
        form = UploadForm(request.POST, request.FILES, prefix="upload")
        call = lambda: services.import_policy(  # noqa: E731
            program, form.cleaned_data["file"], actor=user
        )
        done = "The policy is imported."
    elif action == "size":
        form = ProjectSizeForm(request.POST, prefix="size")

        def call() -> object:
            project = program_project(program, form.cleaned_data["project"])
            return services.set_project_size(project, form.cleaned_data["column"], actor=user)

        done = "The project's size is set."
    else:
        messages.error(request, f"{FAILED} Choose a preset, a file or a project size.")
        return _render_policy(request, program, status=400)
    if not form.is_valid():
        messages.error(request, f"{FAILED} See the form below.")
        return _render_policy(request, program, bound={action: form}, status=400)
    saved = run_service(request, call, failed=f"The policy was not changed: {FAILED}")
    if isinstance(saved, Refused):
        return _render_policy(request, program, bound={action: form}, status=saved.status)
    messages.success(request, done)
    return redirect("stipends:policy", program.slug)


@require_safe
@login_required
def policy_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """One stipend policy as its CSV (the file `import_policy` reads)."""
    return files.policy_file(access_policy(request.user, pk))


# --- the mentee's own -------------------------------------------------------------------------


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in mentee's payments: amount, status and when to expect the money."""
    rows = queries.my_payments(signed_in(request))
    return render(request, "stipends/mine.html", {"rows": rows})

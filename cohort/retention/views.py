"""Pages of cohort.retention: a program admin's view of a term's purge (the dry run, the
retention period, purging once due), and a person's own data (download it, delete the
account, what must be kept and why)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from cohort.core.actors import signed_in
from cohort.core.pages import Refused, run_service
from cohort.core.time import instant
from cohort.retention import services
from cohort.retention.export import export_zip
from cohort.retention.forms import DeleteAccountForm, RetentionForm
from cohort.terms.access import access_admin_term

FAILED = "Nothing was changed."


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def term_retention(request: HttpRequest, pk: int) -> HttpResponse:
    """A closed term's purge: when it is due, what it will remove (the dry run), the program's
    retention period, and a button to purge now once it is due."""
    term = access_admin_term(request.user, pk)
    status = 200
    form = RetentionForm(initial={"months": term.program.retention_months})
    if request.method == "POST":
        user = signed_in(request)
        if request.POST.get("action") == "purge":
            done = run_service(
                request, lambda: services.purge_term(term, actor=user), failed=FAILED
            )
            if not isinstance(done, Refused):
                messages.success(request, f"Personal data purged: {done.total} items.")
                return redirect("retention:term", term.pk)
            status = done.status
        else:
            form = RetentionForm(request.POST)
            if form.is_valid():
                months = form.cleaned_data["months"]
                saved = run_service(
                    request,
                    lambda: services.set_retention(term.program, months, actor=user),
                    failed=FAILED,
                )
                if not isinstance(saved, Refused):
                    messages.success(request, f"Personal data is kept {months} months.")
                    return redirect("retention:term", term.pk)
                status = saved.status
            else:
                messages.error(request, f"{FAILED} See the form below.")
                status = 400
    plan = services.plan_purge(term)
    context = {
        "term": term,
        "plan": plan,
        "form": form,
        "due": instant(plan.due_at, term.time_zone),
        "purged": instant(plan.purged_at, term.time_zone),
    }
    return render(request, "retention/term.html", context, status=status)


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in person's data: download it, or delete the account."""
    return render(request, "retention/mine.html", {})


@require_safe
@login_required
def download(request: HttpRequest) -> HttpResponse:
    """Everything Cohort holds about the signed-in person, as a zip."""
    user = signed_in(request)
    done = run_service(request, lambda: export_zip(user))
    if isinstance(done, Refused):
        return redirect("retention:mine")
    response = HttpResponse(done, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="cohort-data-{user.pk}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete(request: HttpRequest) -> HttpResponse:
    """Delete the signed-in person's account, once they typed their username."""
    user = signed_in(request)
    status = 200
    form = DeleteAccountForm(expected=user.username)
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, expected=user.username)
        if form.is_valid():
            done = run_service(
                request,
                lambda: services.delete_account(
                    user, actor=user, confirm=form.cleaned_data["username"]
                ),
                failed="Your account was not deleted.",
            )
            if not isinstance(done, Refused):
                logout(request)
                messages.success(request, "Your account and personal data are deleted.")
                return redirect("retention:kept")
            status = done.status
        else:
            status = 400
    context = {"form": form, "blockers": services.account_blockers(user)}
    return render(request, "retention/delete.html", context, status=status)


@require_safe
def kept(request: HttpRequest) -> HttpResponse:
    """What Cohort keeps after a purge or an account's deletion, and why."""
    return render(request, "retention/kept.html", {"kinds": services.KINDS})

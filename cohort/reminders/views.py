"""The program's reminders page (program admins): the rules, with a form each to turn it on
or off, move its hours and add a sentence; who will be reminded of what in the next 7 days;
and the reminders sent, with their e-mail's state."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from cohort.core.actors import signed_in
from cohort.core.errors import DomainError
from cohort.core.pages import Refused, run_service
from cohort.reminders import queries, services
from cohort.reminders.models import MAX_HOURS, ReminderRule
from cohort.terms.access import access_admin_program
from cohort.terms.models import Program


@dataclass(frozen=True)
class RuleForm:
    """One rule's form: the saved values, or what was typed when the change was refused."""

    rule: queries.RuleRow
    enabled: bool
    hours: str
    message: str
    error: str = ""


def _page(
    request: HttpRequest, program: Program, status: int = 200, refused: RuleForm | None = None
) -> HttpResponse:
    forms = [
        refused
        if refused is not None and refused.rule.id == rule.id
        else RuleForm(rule, rule.enabled, str(rule.hours), rule.message)
        for rule in queries.rules_of(program)
    ]
    context = {
        "program": program,
        "forms": forms,
        "preview": queries.preview(program, timezone.now()),
        "history": queries.history(program),
        "preview_days": queries.PREVIEW_DAYS,
        "history_limit": queries.HISTORY_LIMIT,
        "max_hours": MAX_HOURS,
    }
    return render(request, "reminders/program.html", context, status=status)


@require_safe
@login_required
def program_reminders(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, access_admin_program(request.user, slug))


def _hours(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise DomainError("Give the hours as a whole number, such as 72.") from None


@require_POST
@login_required
def change_rule(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = access_admin_program(request.user, slug)
    rule = ReminderRule.objects.filter(program=program, pk=pk).first()
    if rule is None:
        raise Http404("No such reminder.")
    enabled = request.POST.get("enabled") == "on"
    hours = request.POST.get("hours", "")
    message = request.POST.get("message", "")
    done = run_service(
        request,
        lambda: services.update_rule(
            rule,
            actor=signed_in(request),
            enabled=enabled,
            hours=_hours(hours),
            message=message,
        ),
        failed="The reminder was not changed:",
    )
    if isinstance(done, Refused):
        typed = RuleForm(queries.rule_row(rule), enabled, hours, message, str(done.error))
        return _page(request, program, status=done.status, refused=typed)
    state = "on" if done.enabled else "off"
    messages.success(request, f"Saved: “{done.get_audience_display()}”, {done.when}, is {state}.")
    return redirect("reminders:program", program.slug)

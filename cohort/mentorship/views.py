"""The mentorship pages: the mentee's placement, the mentor's "My mentees", a term's
placements for its program admins (with a status filter and CSV) and its overdue rounds; one
placement's page with the mentors' evaluation form, the mentee's feedback form and the
admins' actions (extend, hold, resume, withdraw, reopen or decide a round); and the graduated
mentee's public completion page.

Every write goes through `cohort.mentorship.services`; what the pages show is
`cohort.mentorship.queries`, the read model the API returns too. A term's placements and its
overdue list are its program admins' only: anyone else gets the same 404 as for a term that
does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cohort.applications.access import is_mentor_of
from cohort.core.actors import signed_in
from cohort.core.models import User
from cohort.core.pages import Refused, run_service
from cohort.core.time import Instant, instant
from cohort.mentorship import queries, services
from cohort.mentorship.access import Seat, access_placement
from cohort.mentorship.forms import (
    DecideForm,
    EvaluationForm,
    ExtendForm,
    FeedbackForm,
    HoldForm,
    ReopenForm,
    ResumeForm,
    WithdrawForm,
)
from cohort.mentorship.models import Evaluation, EvaluationStatus, Placement
from cohort.terms.access import access_admin_program, access_admin_term
from cohort.terms.models import Term


@require_safe
@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """The mentee's placements: mentors and how to reach them, the project's issues, the dates
    ahead in their own zone and what is due next."""
    rows = queries.mentee_placements(signed_in(request), timezone.now())
    return render(request, "mentorship/mine.html", {"rows": rows})


@require_safe
@login_required
def my_mentees(request: HttpRequest) -> HttpResponse:
    """The placements on the projects the mentor mentors."""
    rows = queries.mentor_placements(signed_in(request), timezone.now())
    return render(request, "mentorship/mentees.html", {"rows": rows})


@require_safe
@login_required
def term_placements(request: HttpRequest, term_pk: int) -> HttpResponse:
    """A term's placements, filtered by status (`?status=active`), or as CSV (`?format=csv`)."""
    term = access_admin_term(request.user, term_pk)
    status = request.GET.get("status", "")
    if status not in Placement.Status.values:
        status = ""
    now = timezone.now()
    rows = queries.term_placements(term, now, status=status)
    if request.GET.get("format") == "csv":
        response = HttpResponse(queries.placements_csv(rows), content_type="text/csv")
        name = f"placements-{term.url_key}{'-' + status if status else ''}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    context = {
        "term": term,
        "rows": rows,
        "status": status,
        "statuses": Placement.Status.choices,
        "overdue": queries.overdue_count(term, now),
    }
    return render(request, "mentorship/term.html", context)


# --- one placement: its page, the mentors' evaluations, the mentee's feedback, admin actions --
#
# Thin function views (spec/style.md B7): access → form → service → redirect with a message.
# `access.access_placement` gives the one 404 for missing and forbidden, and the viewer's seat;
# a form refused by its own checks or by a service re-renders its page with the input kept,
# the message on top and the refusal's status (400, 403, 409); nothing is saved.

FAILED = "Nothing was changed."


def _row_zone(placement: Placement, seat: Seat) -> str | None:
    """The mentee reads the dates ahead in their own zone; everyone else in the term's."""
    return None if seat is Seat.MENTEE else placement.term.time_zone


def _round(rounds: list[queries.RoundView], key: str) -> queries.RoundView:
    for view in rounds:
        if view.key == key:
            return view
    raise Http404("No such round.")


def _admin_placement(request: HttpRequest, pk: int) -> Placement:
    placement, seat = access_placement(request.user, pk)
    if seat is not Seat.ADMIN:
        raise Http404("No such placement.")
    return placement


def _reopen_prefix(placement_pk: int, key: str) -> str:
    return f"reopen-{placement_pk}-{key}"


def _decide_prefix(placement_pk: int, key: str) -> str:
    return f"decide-{placement_pk}-{key}"


LIVE = (Placement.Status.ACTIVE, Placement.Status.ON_HOLD)


def _reopen_form(bound: Mapping[str, forms.Form], placement: Placement, key: str) -> ReopenForm:
    """The round's reopen form: the one sent back (refused, input kept) or a new one."""
    prefix = _reopen_prefix(placement.pk, key)
    found = bound.get(prefix)
    if isinstance(found, ReopenForm):
        return found
    return ReopenForm(prefix=prefix, zone=placement.term.time_zone)


def _decide_form(bound: Mapping[str, forms.Form], placement: Placement, key: str) -> DecideForm:
    """The round's decide form: the one sent back (refused, input kept) or a new one."""
    prefix = _decide_prefix(placement.pk, key)
    found = bound.get(prefix)
    return found if isinstance(found, DecideForm) else DecideForm(prefix=prefix)


@dataclass(frozen=True)
class RoundRow:
    """A round on the placement page, with the admin's two forms when they apply."""

    view: queries.RoundView
    reopen: ReopenForm | None
    decide: DecideForm | None


def _round_rows(
    placement: Placement,
    rounds: list[queries.RoundView],
    seat: Seat,
    bound: Mapping[str, forms.Form],
) -> list[RoundRow]:
    rows = []
    for view in rounds:
        reopen = decide = None
        evaluation = view.evaluation
        if seat is Seat.ADMIN and placement.status in LIVE and view.state != "upcoming":
            overridden = evaluation is not None and evaluation.status == EvaluationStatus.OVERRIDDEN
            if view.state in ("closed", "overdue") or overridden:
                reopen = _reopen_form(bound, placement, view.key)
            if not overridden:
                decide = _decide_form(bound, placement, view.key)
        rows.append(RoundRow(view, reopen, decide))
    return rows


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "extend": ExtendForm,
    "hold": HoldForm,
    "resume": ResumeForm,
    "withdraw": WithdrawForm,
}


def _render_placement(
    request: HttpRequest,
    placement: Placement,
    seat: Seat,
    *,
    bound: Mapping[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    now = timezone.now()
    row = queries.placement_row(placement.pk, now, zone=_row_zone(placement, seat))
    p = row.placement
    rounds = queries.round_views(p, seat, now)
    actions: dict[str, forms.Form] = {}
    if seat is Seat.ADMIN:
        wanted = {
            "extend": not p.is_terminal,
            "hold": p.status == Placement.Status.ACTIVE,
            "resume": p.status == Placement.Status.ON_HOLD,
            "withdraw": not p.is_terminal,
        }
        for name, form_class in ACTION_FORMS.items():
            if wanted[name]:
                actions[name] = bound.get(name) or form_class(prefix=name)
    elif seat is Seat.MENTEE and not p.is_terminal:
        actions["withdraw"] = bound.get("withdraw") or ACTION_FORMS["withdraw"](prefix="withdraw")
    context = {
        "row": row,
        "p": p,
        "seat": seat.value,
        "rounds": _round_rows(p, rounds, seat, bound),
        "history": queries.placement_history(p),
        "actions": actions,
        "share_url": (
            request.build_absolute_uri(reverse("mentorship:completion", args=[p.share_token]))
            if seat is Seat.MENTEE and p.share_token
            else ""
        ),
    }
    return render(request, "mentorship/placement.html", context, status=status)


@require_safe
@login_required
def placement(request: HttpRequest, pk: int) -> HttpResponse:
    """The placement's page for its mentee, its project's mentors and the program admins."""
    placement_, seat = access_placement(request.user, pk)
    return _render_placement(request, placement_, seat)


def _evaluation_initial(evaluation: Evaluation | None) -> dict[str, object]:
    if evaluation is None:
        return {}
    return {
        "passed": "pass" if evaluation.passed else "fail",
        "progress": evaluation.progress,
        "communication": evaluation.communication,
        "hours_per_week": evaluation.hours_per_week,
        "comments_for_mentee": evaluation.comments_for_mentee,
        "private_comments": evaluation.private_comments,
        "edits": evaluation.pk,
    }


def _evaluate_context(
    placement: Placement, round_key: str, now: datetime
) -> tuple[queries.PlacementRow, queries.RoundView]:
    row = queries.placement_row(placement.pk, now, zone=placement.term.time_zone)
    return row, _round(queries.round_views(row.placement, Seat.MENTOR, now), round_key)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def evaluate(request: HttpRequest, pk: int, round_key: str) -> HttpResponse:
    """A mentor of the project evaluates one round, or edits the round's evaluation until
    the round closes. A co-mentor's evaluation submitted meanwhile is a 409 naming them; the
    input is kept, and sending it again edits that evaluation."""
    placement_, seat = access_placement(request.user, pk)
    user = signed_in(request)
    if seat is Seat.MENTEE or not is_mentor_of(user, placement_.project):
        raise Http404("No such placement.")
    row, view = _evaluate_context(placement_, round_key, timezone.now())
    status = 200
    if request.method != "POST":
        form = EvaluationForm(initial=_evaluation_initial(view.evaluation))
    else:
        form = EvaluationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            answers = services.Answers(
                passed=data["passed"],
                progress=data["progress"],
                communication=data["communication"],
                hours_per_week=data["hours_per_week"],
                comments_for_mentee=data["comments_for_mentee"],
                private_comments=data["private_comments"],
            )
            if data["edits"] is None:
                saved = run_service(
                    request,
                    lambda: services.submit_evaluation(
                        placement_, actor=user, round_key=round_key, answers=answers
                    ),
                    failed=f"Your evaluation was not saved. {FAILED}",
                )
            else:
                saved = run_service(
                    request,
                    lambda: services.edit_evaluation(
                        placement_, actor=user, round_key=round_key, answers=answers
                    ),
                    failed=f"Your changes were not saved. {FAILED}",
                )
            if not isinstance(saved, Refused):
                closes = view.closes
                messages.success(
                    request,
                    f"The {view.round.label.lower()} is saved: "
                    f"{'pass' if saved.passed else 'fail'}. You and your co-mentors can edit it "
                    f"until the round closes, {closes.local} ({closes.utc}).",
                )
                return redirect("mentorship:placement", placement_.pk)
            status = saved.status
            row, view = _evaluate_context(placement_, round_key, timezone.now())
            if view.evaluation is not None and data["edits"] is None:
                # Sending the kept input again edits the evaluation that got there first.
                again = request.POST.copy()
                again["edits"] = str(view.evaluation.pk)
                form = EvaluationForm(again)
                form.is_valid()
        else:
            messages.error(request, f"Your evaluation was not saved: see the form below. {FAILED}")
            status = 400
    context = {"row": row, "p": row.placement, "view": view, "form": form}
    return render(request, "mentorship/evaluate.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def feedback(request: HttpRequest, pk: int, round_key: str) -> HttpResponse:
    """The mentee's feedback on one round: read by the program admins only, never shown to
    the mentors; taken late too, and marked late."""
    placement_, seat = access_placement(request.user, pk)
    if seat is not Seat.MENTEE:
        raise Http404("No such placement.")
    user = signed_in(request)
    now = timezone.now()
    row = queries.placement_row(placement_.pk, now, zone=placement_.term.time_zone)
    view = _round(queries.round_views(row.placement, seat, now), round_key)
    status = 200
    form = FeedbackForm(request.POST or None, final=view.round.final)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            answers = services.FeedbackAnswers(
                mentor_rating=data["mentor_rating"],
                program_rating=data["program_rating"],
                mentor_comments=data["mentor_comments"],
                program_comments=data["program_comments"],
                blog_url=data.get("blog_url") or "",
                work_links=form.links(),
            )
            saved = run_service(
                request,
                lambda: services.submit_feedback(
                    placement_, actor=user, round_key=round_key, answers=answers
                ),
                failed=f"Your feedback was not sent. {FAILED}",
            )
            if not isinstance(saved, Refused):
                marked = " It came after the due date, so it is marked late." if saved.late else ""
                messages.success(
                    request,
                    f"Thank you: your feedback for the {view.round.label.lower()} is sent to "
                    f"the program admins.{marked}",
                )
                return redirect("mentorship:placement", placement_.pk)
            status = saved.status
        else:
            messages.error(request, f"Your feedback was not sent: see the form below. {FAILED}")
            status = 400
    context = {
        "row": row,
        "p": row.placement,
        "view": view,
        "form": form,
        "late": now >= view.round.due_at,
    }
    return render(request, "mentorship/feedback.html", context, status=status)


# Who may use each of the placement page's action forms: the admins, and the mentee may
# withdraw their own placement (as the service allows).
SEATS_FOR: dict[str, frozenset[Seat]] = {
    "extend": frozenset({Seat.ADMIN}),
    "hold": frozenset({Seat.ADMIN}),
    "resume": frozenset({Seat.ADMIN}),
    "withdraw": frozenset({Seat.ADMIN, Seat.MENTEE}),
}


def _placement_action(
    request: HttpRequest,
    pk: int,
    name: str,
    action: Callable[[Placement, User, dict[str, Any]], object],
    done: Callable[[Placement], str],
) -> HttpResponse:
    placement_, seat = access_placement(request.user, pk)
    if seat not in SEATS_FOR[name]:
        raise Http404("No such placement.")
    form = ACTION_FORMS[name](request.POST, prefix=name)
    if not form.is_valid():
        messages.error(request, f"{FAILED} See the form below.")
        return _render_placement(request, placement_, seat, bound={name: form}, status=400)
    user = signed_in(request)
    saved = run_service(request, lambda: action(placement_, user, form.cleaned_data), failed=FAILED)
    if isinstance(saved, Refused):
        return _render_placement(request, placement_, seat, bound={name: form}, status=saved.status)
    refreshed = Placement.objects.select_related("term").get(pk=placement_.pk)
    messages.success(request, done(refreshed))
    return redirect("mentorship:placement", placement_.pk)


def _ends(placement: Placement) -> str:
    ends = instant(placement.ends_at, placement.term.time_zone)
    return f" It now ends {ends.local} ({ends.utc})." if ends else ""


@require_POST
@login_required
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_action(
        request,
        pk,
        "extend",
        lambda p, user, data: services.extend_placement(
            p, actor=user, weeks=data["weeks"], reason=data["reason"]
        ),
        lambda p: f"The placement is extended by {p.extended_weeks} weeks in all.{_ends(p)}",
    )


@require_POST
@login_required
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_action(
        request,
        pk,
        "hold",
        lambda p, user, data: services.hold_placement(p, actor=user, reason=data["reason"]),
        lambda p: "The placement is on hold. When it resumes, its dates ahead move by the pause.",
    )


@require_POST
@login_required
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_action(
        request,
        pk,
        "resume",
        lambda p, user, data: services.resume_placement(p, actor=user, note=data["note"]),
        lambda p: f"The placement is active again.{_ends(p)}",
    )


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _placement_action(
        request,
        pk,
        "withdraw",
        lambda p, user, data: services.withdraw_placement(p, actor=user, reason=data["reason"]),
        lambda p: "The placement is withdrawn.",
    )


def _render_back(
    request: HttpRequest, placement_: Placement, bound: dict[str, forms.Form], status: int
) -> HttpResponse:
    """A refused decision re-renders the page it was sent from: the overdue list or the
    placement's page."""
    if request.POST.get("back") == "overdue":
        return _render_overdue(request, placement_.term, bound=bound, status=status)
    return _render_placement(request, placement_, Seat.ADMIN, bound=bound, status=status)


def _redirect_back(request: HttpRequest, placement_: Placement) -> HttpResponse:
    if request.POST.get("back") == "overdue":
        return redirect("mentorship:overdue", placement_.term_id)
    return redirect("mentorship:placement", placement_.pk)


@require_POST
@login_required
def reopen(request: HttpRequest, pk: int, round_key: str) -> HttpResponse:
    """A program admin reopens a round until a date and time in the term's zone."""
    placement_ = _admin_placement(request, pk)
    prefix = _reopen_prefix(placement_.pk, round_key)
    form = ReopenForm(request.POST, prefix=prefix, zone=placement_.term.time_zone)
    if not form.is_valid():
        messages.error(request, f"{FAILED} See the form below.")
        return _render_back(request, placement_, {prefix: form}, 400)
    user = signed_in(request)
    until = form.cleaned_data["until"]
    saved = run_service(
        request,
        lambda: services.reopen_evaluation(
            placement_,
            actor=user,
            round_key=round_key,
            until=until,
            reason=form.cleaned_data["reason"],
        ),
        failed=FAILED,
    )
    if isinstance(saved, Refused):
        return _render_back(request, placement_, {prefix: form}, saved.status)
    closes = Instant(until, placement_.term.time_zone)
    messages.success(
        request,
        f"The {saved.label.lower()} of {queries.mentee_name(placement_)} is reopened for the "
        f"mentors until {closes.local} ({closes.utc}).",
    )
    return _redirect_back(request, placement_)


@require_POST
@login_required
def decide(request: HttpRequest, pk: int, round_key: str) -> HttpResponse:
    """A program admin decides a round's result, with a reason."""
    placement_ = _admin_placement(request, pk)
    prefix = _decide_prefix(placement_.pk, round_key)
    form = DecideForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, f"{FAILED} See the form below.")
        return _render_back(request, placement_, {prefix: form}, 400)
    user = signed_in(request)
    saved = run_service(
        request,
        lambda: services.override_evaluation(
            placement_,
            actor=user,
            round_key=round_key,
            passed=form.cleaned_data["passed"],
            reason=form.cleaned_data["reason"],
        ),
        failed=FAILED,
    )
    if isinstance(saved, Refused):
        return _render_back(request, placement_, {prefix: form}, saved.status)
    placement_.refresh_from_db(fields=["status"])
    messages.success(
        request,
        f"The {saved.round.label.lower()} of {queries.mentee_name(placement_)} is decided: "
        f"{'pass' if saved.passed else 'fail'}. The placement is "
        f"{placement_.get_status_display().lower()}.",
    )
    return _redirect_back(request, placement_)


@require_POST
@login_required
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """The graduated mentee shares their completion page, or takes it down."""
    placement_, seat = access_placement(request.user, pk)
    if seat is not Seat.MENTEE:
        raise Http404("No such placement.")
    user = signed_in(request)
    sharing = request.POST.get("action") == "share"
    saved = run_service(
        request,
        lambda: (
            services.share_completion(placement_, actor=user)
            if sharing
            else services.unshare_completion(placement_, actor=user)
        ),
        failed=FAILED,
    )
    if isinstance(saved, Refused):
        return _render_placement(request, placement_, seat, status=saved.status)
    messages.success(
        request,
        "Your completion page is public at the address below: share it as you like."
        if sharing
        else "Your completion page is taken down; its address no longer works.",
    )
    return redirect("mentorship:placement", placement_.pk)


# --- a term's overdue rounds, and the public completion page ---------------------------------


def _render_overdue(
    request: HttpRequest,
    term: Term,
    *,
    bound: Mapping[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    rows = []
    for row in queries.term_overdue(term, timezone.now()):
        p, key = row.round.placement, row.round.key
        rows.append((row, _reopen_form(bound, p, key), _decide_form(bound, p, key)))
    return render(request, "mentorship/overdue.html", {"term": term, "rows": rows}, status=status)


@require_safe
@login_required
def overdue(request: HttpRequest, term_pk: int) -> HttpResponse:
    """A term's rounds closed with no evaluation, for its program admins to decide."""
    term = access_admin_term(request.user, term_pk)
    return _render_overdue(request, term)


@require_safe
def completion(request: HttpRequest, token: str) -> HttpResponse:
    """A graduated mentee's public completion page, while they share it."""
    page = queries.completion_page(token)
    if page is None:
        raise Http404("No such page.")
    return render(request, "mentorship/completion.html", {"page": page})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def policy(request: HttpRequest, slug: str) -> HttpResponse:
    """The program's evaluation policy (program admins): the rounds each choice plans, and
    the choice of the default that placements made from now on take."""
    program = access_admin_program(request.user, slug)
    status = 200
    if request.method == "POST":
        chosen = request.POST.get("policy", "")
        done = run_service(
            request,
            lambda: services.install_policy(program, chosen, actor=signed_in(request)),
            failed="The policy was not changed:",
        )
        if not isinstance(done, Refused):
            messages.success(
                request,
                f"New placements of {program.name} now follow “{done.name}”. Placements "
                "already made keep their rounds.",
            )
            return redirect("mentorship:policy", program.slug)
        status = done.status
    context = {"program": program, "choices": queries.policy_choices(program)}
    return render(request, "mentorship/policy.html", context, status=status)

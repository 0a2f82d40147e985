"""The program admin's selection round page (`/selection/terms/<id>/`): run, override,
confirm, discard.

Thin function views (spec/style.md B7): access → form → service → redirect with a message.
A broken rule (`DomainError`) re-renders the page with the input kept, the error as a
message and its `http_status` (400, or 409 after a lost race). A round, an override and the
term page are the program admins'; anyone else gets the same 404 as for one that does not
exist. What the page shows is built in `cohort.selection.queries`.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from cohort.applications.models import Application
from cohort.core.actors import signed_in
from cohort.core.errors import ConflictError, DomainError
from cohort.core.pages import Refused, run_service
from cohort.selection import queries, services
from cohort.selection.access import admin_round
from cohort.selection.forms import (
    ConfirmForm,
    OverrideForm,
)
from cohort.selection.models import Override
from cohort.terms.access import access_admin_term
from cohort.terms.models import Term


def _render_term(
    request: HttpRequest,
    term: Term,
    *,
    override_form: OverrideForm | None = None,
    confirm_form: ConfirmForm | None = None,
    status: int = 200,
    offers_filter: str = "",
    params: Mapping[str, str] | None = None,
) -> HttpResponse:
    context = queries.term_context(
        term,
        override_form=override_form,
        confirm_form=confirm_form,
        offers_filter=queries.offer_filter(offers_filter),
        params=params,
    )
    return render(request, "selection/term.html", context, status=status)


def _term_url(term: Term) -> str:
    return reverse("selection:term", args=[term.pk])


@require_safe
@login_required
def term_page(request: HttpRequest, term_pk: int) -> HttpResponse:
    term = access_admin_term(request.user, term_pk)
    return _render_term(
        request, term, offers_filter=request.GET.get("offers", ""), params=request.GET.dict()
    )


@require_POST
@login_required
def run(request: HttpRequest, term_pk: int) -> HttpResponse:
    term = access_admin_term(request.user, term_pk)
    round_ = run_service(
        request,
        lambda: services.run_round(term, actor=signed_in(request)),
        failed="Nothing was computed.",
    )
    if isinstance(round_, Refused):
        return _render_term(request, term, status=round_.status)
    proposal = round_.proposal
    placed, unmatched = len(proposal.assignment), len(proposal.unmatched)
    messages.success(
        request,
        f"Round {round_.number} computed: {placed} placed, {unmatched} not placed. "
        "Nothing is sent until you confirm.",
    )
    return redirect(_term_url(term))


@require_POST
@login_required
def override_add(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = admin_round(request.user, round_pk)
    term = round_.term
    # The chooser searched for the pair; the form only has to know the one posted back.
    posted = request.POST.get("application", "")
    is_id = posted.isascii() and posted.isdigit() and len(posted) < 19
    choices = queries.override_choices(term, [int(posted)] if is_id else [])
    form = OverrideForm(request.POST, choices=choices)
    if not form.is_valid():
        messages.error(request, "The override was not added: see the form below.")
        return _render_term(request, term, override_form=form, status=400)
    application = Application.objects.get(pk=form.cleaned_data["application"])
    added = run_service(
        request,
        lambda: services.add_override(
            round_,
            application,
            kind=form.cleaned_data["kind"],
            reason=form.cleaned_data["reason"],
            actor=signed_in(request),
        ),
        failed="The override was not added.",
    )
    if isinstance(added, Refused):
        return _render_term(request, term, override_form=form, status=added.status)
    messages.success(request, "Override added, and the assignment computed again.")
    return redirect(_term_url(term))


@require_POST
@login_required
def override_remove(request: HttpRequest, pk: int) -> HttpResponse:
    override = Override.objects.select_related("round").filter(pk=pk).first()
    if override is None:
        raise Http404("No such override.")
    term = access_admin_term(request.user, override.round.term_id)
    removed = run_service(
        request,
        lambda: services.remove_override(override, actor=signed_in(request)),
        failed="The override was not removed.",
    )
    if isinstance(removed, Refused):
        return _render_term(request, term, status=removed.status)
    messages.success(request, "Override removed, and the assignment computed again.")
    return redirect(_term_url(term))


@require_POST
@login_required
def confirm(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = admin_round(request.user, round_pk)
    term = round_.term
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was confirmed: see the form below.")
        return _render_term(request, term, confirm_form=form, status=400)
    try:
        round_ = services.confirm_round(
            round_, actor=signed_in(request), response_days=form.cleaned_data["response_days"]
        )
    except ConflictError as error:
        # The round was recomputed: show the new proposal to review.
        messages.warning(request, f"Nothing was confirmed. {error}")
        return redirect(_term_url(term))
    except DomainError as error:
        messages.error(request, f"Nothing was confirmed. {error}")
        return _render_term(request, term, confirm_form=form, status=error.http_status)
    count = round_.offers.count()
    made = f"Round {round_.number} confirmed: {count} offer{'' if count == 1 else 's'} made."
    if round_.announced_at is not None:
        messages.success(request, f"{made} The mentees have been told.")
    elif when := queries.notify_text(term):
        messages.success(request, f"{made} The mentees are told on {when}.")
    else:
        messages.success(request, made)
    return redirect(_term_url(term))


@require_POST
@login_required
def discard(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = admin_round(request.user, round_pk)
    discarded = run_service(
        request,
        lambda: services.discard_round(round_, actor=signed_in(request)),
        failed="Nothing was discarded.",
    )
    if isinstance(discarded, Refused):
        return _render_term(request, round_.term, status=discarded.status)
    messages.success(request, f"Round {round_.number} discarded. Nothing was sent.")
    return redirect(_term_url(round_.term))

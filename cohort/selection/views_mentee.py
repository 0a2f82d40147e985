"""The mentee's ranking of their complete applications and their answers to offers, sent
from the selection box on "My applications".

The box is built in `cohort.selection.queries` and put on the page through
`cohort.applications.panels`; a refused POST re-renders "My applications" through
`cohort.applications.pages` with the form posted back (by `queries.ranking_key` or
`queries.decline_key`) and the error's HTTP status. An offer is its mentee's, and only once
it is announced; anyone else gets a 404.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cohort.applications import pages
from cohort.core.actors import signed_in
from cohort.core.pages import Refused, run_service
from cohort.selection import queries, services
from cohort.selection.access import announced_offer
from cohort.selection.forms import (
    DeclineOfferForm,
    MyRankingForm,
)
from cohort.terms.models import Term


def _render_home(
    request: HttpRequest, bound: Mapping[str, forms.Form], status: int
) -> HttpResponse:
    return pages.render_my_applications(request, bound=bound, status=status)


@require_POST
@login_required
def my_ranking(request: HttpRequest, term_pk: int) -> HttpResponse:
    term = Term.objects.filter(pk=term_pk).first()
    mine = queries.complete_applications(signed_in(request), [term]) if term else []
    if term is None or not mine:
        raise Http404("No applications to rank in this term.")
    form = MyRankingForm(
        request.POST, applications=[a.pk for a in mine], auto_id=queries.ranking_id(term.pk)
    )
    bound = {queries.ranking_key(term.pk): form}
    if not form.is_valid():
        messages.error(request, "Your ranking was not saved: see the form below.")
        return _render_home(request, bound, 400)
    saved = run_service(
        request,
        lambda: services.rank_my_applications(
            signed_in(request), term, form.cleaned_data["ordered"]
        ),
        failed="Your ranking was not saved.",
    )
    if isinstance(saved, Refused):
        return _render_home(request, bound, saved.status)
    messages.success(request, f"Your ranking for {term.label} is saved.")
    return redirect("applications:home")


@require_POST
@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    offer = announced_offer(request.user, pk)
    saved = run_service(
        request,
        lambda: services.accept_offer(offer, actor=signed_in(request)),
        failed="Your answer was not saved.",
    )
    if isinstance(saved, Refused):
        return _render_home(request, {}, saved.status)
    messages.success(request, f"You accepted your place on {offer.project.title}. Welcome!")
    return redirect("applications:home")


@require_POST
@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    offer = announced_offer(request.user, pk)
    form = DeclineOfferForm(request.POST, auto_id=queries.decline_id(offer.pk))
    bound = {queries.decline_key(offer.pk): form}
    if not form.is_valid():
        messages.error(request, "Your answer was not saved: see the form below.")
        return _render_home(request, bound, 400)
    saved = run_service(
        request,
        lambda: services.decline_offer(
            offer, actor=signed_in(request), reason=form.cleaned_data["reason"]
        ),
        failed="Your answer was not saved.",
    )
    if isinstance(saved, Refused):
        return _render_home(request, bound, saved.status)
    messages.success(
        request,
        f"You declined the offer on {offer.project.title}. You are no longer in "
        f"{offer.term.label}'s selection; the place goes to the next in line.",
    )
    return redirect("applications:home")

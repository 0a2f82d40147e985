"""Closing a term from the console (`/console/terms/<id>/close/`, issue 16).

GET shows what still blocks the close (the same read model as the console's term page and
`GET /api/v1/terms/{id}/close`); POST closes the term through `stats.services.close_term` and
returns to the term's dashboard. The term's program admins only: anyone else gets the 404 of
a term that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cohort.core.actors import signed_in
from cohort.core.pages import Refused, run_service
from cohort.stats import services
from cohort.terms.access import access_admin_term
from cohort.terms.models import Term


def _render(request: HttpRequest, term: Term, *, status: int = 200) -> HttpResponse:
    context = {"term": term, "blockers": services.close_blockers(term)}
    return render(request, "stats/close.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def close_term(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    term = access_admin_term(user, pk)
    if request.method != "POST":
        return _render(request, term)
    closed = run_service(
        request, lambda: services.close_term(term, actor=user), failed="The term is still open."
    )
    if isinstance(closed, Refused):
        return _render(request, term, status=closed.status)
    messages.success(request, f"{term.program.name} {term.label} is closed.")
    return redirect("console:term", term.pk)

"""The program admin's term dashboard (`/console/terms/<id>/`).

A thin view: the term through `access_admin_term` (404 for anyone but its program's admins,
as every admin page of a term), the read model from `cohort.console.queries`, rendered.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cohort.console import queries
from cohort.terms.access import access_admin_term


@require_safe
@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    term = access_admin_term(request.user, pk)
    board = queries.dashboard(term, now=timezone.now())
    return render(request, "console/dashboard.html", {"term": term, "dashboard": board})

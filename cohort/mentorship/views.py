"""The mentorship pages: the mentee's placement, the mentor's "My mentees", and a term's
placements for its program admins (with a status filter and CSV).

Read-only here; what the pages show is `cohort.mentorship.queries`, the read model the API
returns too. A term's placements are its program admins' only: anyone else gets the same 404
as for a term that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from cohort.core.actors import signed_in
from cohort.mentorship import queries
from cohort.mentorship.models import Placement
from cohort.terms.access import access_admin_term


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
    rows = queries.term_placements(term, timezone.now(), status=status)
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
    }
    return render(request, "mentorship/term.html", context)

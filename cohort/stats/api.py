"""API endpoints of cohort.stats (issue 16)."""

from __future__ import annotations

from typing import Any, Final

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from ninja import Router

from cohort.core.api_auth import api_auth, request_user
from cohort.core.api_errors import errors
from cohort.core.models import User
from cohort.core.schemas import Id
from cohort.stats import figures, services
from cohort.stats.api_statistics import TermStatisticsOut, anonymous, statistics_out
from cohort.stats.schemas import TermCloseOut
from cohort.terms.access import access_admin_term
from cohort.terms.models import Term

router = Router(tags=["stats"])

# --- closing a term (program admins; 404 for anyone else, as for a term that does not exist) --

CLOSE_ERRORS: Final = errors(400, 401, 404, 422)
CLOSE_WRITE_ERRORS: Final = errors(400, 401, 404, 409, 422)


def _close_out(term: Term) -> dict[str, Any]:
    blockers = [] if term.is_closed else services.close_blockers(term)
    return {
        "term": term.pk,
        "state": term.state,
        "closed_at": term.closed_at,
        "closed_by": term.closed_by.get_username() if term.closed_by else None,
        "can_close": not term.is_closed and not blockers,
        "blockers": [
            {
                "kind": b.kind,
                "id": b.pk,
                "who": b.who,
                "what": b.what,
                "status": b.status,
                "status_label": b.status_label,
                "url": b.url,
            }
            for b in blockers
        ],
    }


@router.get("/terms/{pk}/close", auth=api_auth, response={200: TermCloseOut, **CLOSE_ERRORS})
def term_close(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Whether the term is closed, and while it is open what still blocks closing it: every
    placement without an outcome and every payment not paid or cancelled."""
    return _close_out(access_admin_term(request_user(request), pk))


@router.post("/terms/{pk}/close", auth=api_auth, response={200: TermCloseOut, **CLOSE_WRITE_ERRORS})
def close_term(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """Close the term: it freezes, and nothing in it can change any more. 409 while anything
    blocks it (the message counts them and names the first) or when it is closed already."""
    user = request_user(request)
    term = access_admin_term(user, pk)
    return _close_out(services.close_term(term, actor=user))


# --- statistics (public once the term is closed; program admins at any time) ---------------


@router.get(
    "/terms/{pk}/statistics",
    auth=[*api_auth, anonymous],
    response={200: TermStatisticsOut, **errors(400, 401, 404, 422)},
)
def term_statistics(request: HttpRequest, pk: Id) -> dict[str, Any]:
    """The term's statistics, as its public page shows them: a count under 5 people, a rate
    drawn from one, and a cell that would give one back from a total are null. 404 when the
    page would be 404 for the caller (an open term, to anyone but its program's admins)."""
    term = Term.objects.select_related("program").filter(pk=pk).first()
    if term is None:
        raise Http404("No such term.")
    has_applications = figures.term_has_applications(term)
    viewer = getattr(request, "auth", None)  # a User, or the AnonymousUser of `anonymous`
    if not isinstance(viewer, User | AnonymousUser):
        viewer = AnonymousUser()
    if not figures.can_view(viewer, term, has_applications=has_applications):
        raise Http404("No such term.")
    public = figures.is_public(term, has_applications=has_applications)
    return statistics_out(figures.term_statistics(term), public=public)

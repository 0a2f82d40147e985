"""Who may act on selection objects; the pages and the API ask the same questions.

A round (and its overrides) is its term's program admins'; an offer is its mentee's, and
only once it is announced. Anyone else gets `Http404`, the same answer as for an object
that does not exist.
"""

from __future__ import annotations

from django.http import Http404

from cohort.core.actors import Viewer
from cohort.selection.models import Offer, Round
from cohort.terms.access import access_admin_term


def admin_round(user: Viewer, pk: int) -> Round:
    """The round `pk` if `user` is an admin of its term's program, else `Http404`."""
    round_ = Round.objects.filter(pk=pk).first()
    if round_ is None:
        raise Http404("No such round.")
    round_.term = access_admin_term(user, round_.term_id)
    return round_


def announced_offer(user: Viewer, pk: int) -> Offer:
    """The user's own announced offer `pk`, else `Http404` (also before it is announced)."""
    offer = (
        Offer.objects.select_related("project", "term")
        .filter(pk=pk, mentee_id=user.pk, announced_at__isnull=False)
        .first()
    )
    if offer is None:
        raise Http404("No such offer.")
    return offer

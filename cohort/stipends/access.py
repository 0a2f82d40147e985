"""Who sees which payment (DESIGN §7 "Secure"): one 404 for missing and forbidden.

- a program admin of the term's program: every payment of the term, and acts on them;
- the mentee: their own payments (amount, status, expected date), nothing else;
- a mentor: none (the mentor's part ends with the evaluation);
- anyone else: 404.
"""

from __future__ import annotations

from django.http import Http404

from cohort.core.actors import Viewer
from cohort.stipends.models import Payment
from cohort.terms.access import is_program_admin


def access_payment(user: Viewer, pk: int, *, admin: bool = False) -> Payment:
    """The payment `pk` if `user` is a program admin of its term (or, unless `admin`, its
    mentee); else `Http404`."""
    payment = (
        Payment.objects.select_related("term__program", "placement__project", "round")
        .filter(pk=pk)
        .first()
    )
    if payment is None or not user.is_authenticated:
        raise Http404("No such payment.")
    if is_program_admin(user, payment.term.program):
        return payment
    if not admin and payment.placement.mentee_id == user.pk:
        return payment
    raise Http404("No such payment.")

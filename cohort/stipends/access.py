"""Who sees which payment, payer file and policy (DESIGN §7 "Secure"): one 404 for missing
and forbidden.

- a program admin of the term's program: every payment of the term, and acts on them;
- the mentee: their own payments (amount, status, expected date), nothing else;
- a mentor: none (the mentor's part ends with the evaluation);
- anyone else: 404.
"""

from __future__ import annotations

from django.http import Http404

from cohort.core.actors import Viewer
from cohort.projects.models import Project
from cohort.stipends.models import PayerExport, Payment, StipendPolicy
from cohort.terms.access import is_program_admin
from cohort.terms.models import Program


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


def access_export(user: Viewer, pk: int) -> PayerExport:
    """The payer file `pk` if `user` administers its term's program; else `Http404`."""
    found = PayerExport.objects.select_related("term__program").filter(pk=pk).first()
    if found is None or not is_program_admin(user, found.term.program):
        raise Http404("No such file.")
    return found


def access_policy(user: Viewer, pk: int) -> StipendPolicy:
    """The stipend policy `pk` if `user` administers its program; else `Http404`."""
    found = StipendPolicy.objects.select_related("program").filter(pk=pk).first()
    if found is None or not is_program_admin(user, found.program):
        raise Http404("No such policy.")
    return found


def program_project(program: Program, pk: int) -> Project:
    """The project `pk` of one of `program`'s terms; else `Http404`."""
    found = Project.objects.filter(pk=pk, term__program=program).first()
    if found is None:
        raise Http404("No such project.")
    return found

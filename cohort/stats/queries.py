"""What still blocks closing a term (issue 16): the read model the console's term page, the
close page and `GET /api/v1/terms/{id}/close` all show, in three queries whatever the term's
size.

A placement blocks until it has an outcome (graduated, failed or withdrawn); an evaluation
until it has settled (locked or decided: a submitted or reopened one may still make a
payment when it settles, even on a placement that has ended); a payment until it is settled
(paid or cancelled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.urls import reverse

from cohort.mentorship.models import Evaluation, Placement
from cohort.mentorship.queries import mentee_name
from cohort.stipends.models import Payment
from cohort.stipends.money import display
from cohort.terms.models import Term

# The statuses that still block a close.
OPEN_PLACEMENTS: Final = frozenset(
    {Placement.Status.UPCOMING, Placement.Status.ACTIVE, Placement.Status.ON_HOLD}
)
UNSETTLED_PAYMENTS: Final = frozenset(
    {
        Payment.Status.PENDING,
        Payment.Status.APPROVED,
        Payment.Status.SENT,
        Payment.Status.FAILED,
    }
)


@dataclass(frozen=True)
class Blocker:
    """One thing that keeps a term open: a placement without an outcome or a payment not
    settled, with whom it concerns, what it is, its status and the page that settles it."""

    kind: str  # "placement", "evaluation" or "payment"
    pk: int
    who: str
    what: str
    status: str
    status_label: str
    url: str

    @property
    def text(self) -> str:
        return f"{self.kind.capitalize()} {self.pk} ({self.who}, {self.what}): {self.status_label}"


def close_blockers(term: Term) -> list[Blocker]:
    """Every placement of `term` without an outcome, every evaluation not settled, then every
    payment not settled, in the order of their pages (payments by when they were made)."""
    placements = (
        Placement.objects.filter(term=term, status__in=OPEN_PLACEMENTS)
        .select_related("mentee__mentee_profile", "project")
        .order_by("pk")
    )
    evaluations = (
        Evaluation.objects.filter(placement__term=term, status__in=Evaluation.EDITABLE)
        .select_related("placement__mentee__mentee_profile", "placement__project", "round")
        .order_by("placement_id", "pk")
    )
    payments = (
        Payment.objects.filter(term=term, status__in=UNSETTLED_PAYMENTS)
        .select_related("placement__mentee__mentee_profile", "placement__project")
        .order_by("made_at", "pk")
    )
    blockers = [
        Blocker(
            kind="placement",
            pk=p.pk,
            who=mentee_name(p),
            what=p.project.title,
            status=p.status,
            status_label=p.get_status_display(),
            url=reverse("mentorship:placement", args=[p.pk]),
        )
        for p in placements
    ]
    blockers += [
        Blocker(
            kind="evaluation",
            pk=e.pk,
            who=mentee_name(e.placement),
            what=f"{e.round.label} evaluation, settled when its round closes or an admin decides",
            status=e.status,
            status_label=e.get_status_display(),
            url=reverse("mentorship:placement", args=[e.placement_id]),
        )
        for e in evaluations
    ]
    blockers += [
        Blocker(
            kind="payment",
            pk=pay.pk,
            who=mentee_name(pay.placement),
            what=(
                f"installment {pay.installment} of {pay.installments}, "
                f"{display(pay.total, pay.currency)}"
            ),
            status=pay.status,
            status_label=pay.get_status_display(),
            url=reverse("stipends:payment", args=[pay.pk]),
        )
        for pay in payments
    ]
    return blockers

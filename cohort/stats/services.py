"""Closing a term (issue 16; docs/architecture.md, "Closing a term").

A program admin closes a term once nothing blocks it (`queries.close_blockers`: every
placement has an outcome, every payment is settled). The close moves `Term.state` open -->
closed in one compare-and-swap UPDATE with the term row locked, sets `closed_at` and
`closed_by`, and writes one audit row ("terms.term.closed") with what the term ended with.
From then on every service that changes anything in the term refuses
(`cohort.terms.services.ensure_open`).

`cohort.core.workflow.transition` is not used: it moves a `status` column and stamps
`status_changed_at`, while a term has `state` and `closed_at`; the guarantees are the same
(the transition table, a compare-and-swap, an audit row in the same transaction).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cohort.core.errors import ConflictError, DomainError, NotAllowedError
from cohort.core.models import AuditEvent, User
from cohort.mentorship.models import Placement
from cohort.stats.queries import Blocker, close_blockers
from cohort.stipends.models import Payment
from cohort.terms.access import is_program_admin
from cohort.terms.models import Term
from cohort.terms.services import TermClosedError

__all__ = ["Blocker", "TermBlockedError", "close_blockers", "close_term"]

# How many blockers a refusal names (the page and the API list them all).
NAMED_IN_ERROR = 3


class TermBlockedError(DomainError):
    """A close refused because something in the term is still open."""

    http_status = 409

    def __init__(self, term: Term, blockers: list[Blocker]) -> None:
        count = len(blockers)
        named = "; ".join(b.text for b in blockers[:NAMED_IN_ERROR])
        more = f"; and {count - NAMED_IN_ERROR} more" if count > NAMED_IN_ERROR else ""
        super().__init__(
            f"{term.program.name} {term.label} cannot close yet: {count} "
            f"thing{'s' if count != 1 else ''} still block{'' if count != 1 else 's'} it: "
            f"{named}{more}."
        )
        self.blockers = blockers


@transaction.atomic
def close_term(term: Term, *, actor: User, now: datetime | None = None) -> Term:
    """Close `term` for `actor`, a program admin, and return it closed; refuse with
    `TermClosedError` if it is closed already, `TermBlockedError` while anything blocks it."""
    if not is_program_admin(actor, term.program):
        raise NotAllowedError(f"Only an admin of {term.program.name} can close its terms.")
    locked = Term.objects.select_for_update().select_related("program").get(pk=term.pk)
    if locked.is_closed:
        raise TermClosedError(locked)
    if not locked.can_become(Term.State.CLOSED):  # pragma: no cover - only open can close
        raise DomainError(f"A {locked.get_state_display().lower()} term cannot close.")
    blockers = close_blockers(locked)
    if blockers:
        raise TermBlockedError(locked, blockers)
    closed_at = now or timezone.now()
    changed = Term.objects.filter(pk=locked.pk, state=Term.State.OPEN).update(
        state=Term.State.CLOSED, closed_at=closed_at, closed_by=actor
    )
    if changed != 1:  # pragma: no cover - the row lock makes this unreachable
        raise ConflictError("This term changed meanwhile. Reload and try again.")
    placements = Counter(
        Placement.objects.filter(term=locked).values_list("status", flat=True).order_by()
    )
    payments = Counter(
        Payment.objects.filter(term=locked).values_list("status", flat=True).order_by()
    )
    AuditEvent.record(
        actor,
        "terms.term.closed",
        locked,
        data={
            "before": Term.State.OPEN,
            "after": Term.State.CLOSED,
            "placements": dict(sorted(placements.items())),
            "payments": dict(sorted(payments.items())),
        },
    )
    for obj in (term, locked):
        obj.state = Term.State.CLOSED
        obj.closed_at = closed_at
        obj.closed_by = actor
    return term

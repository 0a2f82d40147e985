"""Who sees what of a placement (DESIGN §7 "Secure"): one 404 for missing and forbidden.

- the mentee: their own placement, their results and the comments meant for them, their own
  feedback; never the mentors' private comments;
- a listed mentor of the project: the placement and its evaluations (the private comments
  too: the mentors write them together); never the mentee's feedback;
- a program admin of the term's program: everything;
- anyone else (another mentee, another project's mentor, an outsider): 404.
"""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404

from cohort.applications.access import is_mentor_of
from cohort.core.actors import Viewer
from cohort.mentorship.models import Placement
from cohort.terms.access import is_program_admin


class Seat(StrEnum):
    """The viewer's seat at a placement; an admin who also mentors it sits as the admin."""

    MENTEE = "mentee"
    MENTOR = "mentor"
    ADMIN = "admin"

    @property
    def sees_private_comments(self) -> bool:
        return self is not Seat.MENTEE

    @property
    def sees_feedback(self) -> bool:
        return self is not Seat.MENTOR


def seat_at(user: Viewer, placement: Placement) -> Seat | None:
    if not user.is_authenticated:
        return None
    if is_program_admin(user, placement.term.program):
        return Seat.ADMIN
    if user.pk == placement.mentee_id:
        return Seat.MENTEE
    if is_mentor_of(user, placement.project):
        return Seat.MENTOR
    return None


def access_placement(user: Viewer, pk: int) -> tuple[Placement, Seat]:
    """The placement `pk` and the viewer's seat at it, or `Http404` (missing or not theirs)."""
    placement = (
        Placement.objects.select_related("term__program", "project", "mentee").filter(pk=pk).first()
    )
    seat = seat_at(user, placement) if placement is not None else None
    if placement is None or seat is None:
        raise Http404("No such placement.")
    return placement, seat

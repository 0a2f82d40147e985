"""One mentorship at a time: a mentee with a live placement (upcoming, active or on hold) may
not apply in a term whose mentorship overlaps it (issue 13; the eligibility attestation asks
about it). Registered into `applications.access.bars_from_applying`, so the project page and
`apply_to_project` give the same answer."""

from __future__ import annotations

from datetime import datetime, timedelta

from cohort.core.models import User
from cohort.core.time import format_day
from cohort.mentorship.models import Placement
from cohort.projects.models import Project
from cohort.terms.models import Term

LIVE = (Placement.Status.UPCOMING, Placement.Status.ACTIVE, Placement.Status.ON_HOLD)


def mentorship_span(term: Term) -> tuple[datetime | None, datetime | None]:
    """When the term's mentorship runs: from `term_start` to the end of `term_end`; a term
    without them spans its whole dated timeline."""
    begins, ends = term.milestone("term_start"), term.milestone("term_end")
    start = begins.start if begins is not None else None
    end = (ends.end or ends.start) if ends is not None else None
    if start is None or end is None:
        moments = [m for ms in term.milestones.all() for m in (ms.start, ms.end) if m]
        start = start or (min(moments) if moments else None)
        end = end or (max(moments) if moments else None)
    return start, end


def placed_in_an_overlapping_term(user: User, project: Project) -> str:
    term = project.term
    start, end = mentorship_span(term)
    for placement in (
        Placement.objects.filter(mentee=user, status__in=LIVE)
        .select_related("project", "term")
        .order_by("pk")
    ):
        if placement.term_id == term.pk:
            return (
                f"You already have a place in {term.label} ({placement.project.title}), "
                "so you cannot apply to another project of this term."
            )
        until = placement.ends_at
        if until is not None:
            until += timedelta(weeks=placement.extended_weeks)
        overlaps = (
            start is not None
            and end is not None
            and (placement.starts_at is None or placement.starts_at < end)
            and (until is None or start < until)
        )
        if overlaps:
            when = ""
            if until is not None:  # the end is exclusive (midnight after the last day)
                last = (until - timedelta(seconds=1)).astimezone(placement.term.zone)
                when = f" until {format_day(last.date())}"
            return (
                f"You have a mentorship on {placement.project.title} ({placement.term.label})"
                f"{when}, and {term.label} overlaps it: one mentorship at a time."
            )
    return ""

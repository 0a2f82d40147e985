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


def live_placements(user: User) -> list[Placement]:
    """`user`'s placements that bar applying elsewhere (upcoming, active, on hold). One query."""
    return list(
        Placement.objects.filter(mentee=user, status__in=LIVE)
        .select_related("project", "term__program")
        .order_by("pk")
    )


def barring(
    placements: list[Placement],
    term: Term,
    span: tuple[datetime | None, datetime | None] | None = None,
) -> Placement | None:
    """The first of `placements` that bars applying in `term`: one in the term itself, or one
    whose own dates (an extension or a pause moved them) overlap the term's mentorship
    (`span`, when the caller has it, else `mentorship_span(term)`)."""
    start, end = span if span is not None else mentorship_span(term)
    for placement in placements:
        if placement.term_id == term.pk:
            return placement
        overlaps = (
            start is not None
            and end is not None
            and (placement.starts_at is None or placement.starts_at < end)
            and (placement.ends_at is None or start < placement.ends_at)
        )
        if overlaps:
            return placement
    return None


def placed_in_an_overlapping_term(user: User, project: Project) -> str:
    term = project.term
    placement = barring(live_placements(user), term)
    if placement is None:
        return ""
    if placement.term_id == term.pk:
        return (
            f"You already have a place in {term.label} ({placement.project.title}), "
            "so you cannot apply to another project of this term."
        )
    until = placement.ends_at
    when = ""
    if until is not None:  # the end is exclusive (midnight after the last day)
        last = (until - timedelta(seconds=1)).astimezone(placement.term.zone)
        when = f" until {format_day(last.date())}"
    return (
        f"You have a mentorship on {placement.project.title} "
        f"({placement.term.program.name} {placement.term.label}){when}, and this term "
        "overlaps it: one mentorship at a time."
    )

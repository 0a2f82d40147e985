"""`{% close_section term %}`: the "Close the term" section of the console's term page, and
`{% closed_note term %}`: the "Closed on … by …" line every admin page of a closed term shows.
Tags, so that the console's templates show them without the console importing cohort.stats."""

from __future__ import annotations

from typing import Any

from django import template

from cohort.stats.queries import close_blockers
from cohort.terms.models import Term

register = template.Library()


@register.inclusion_tag("stats/_close_section.html")
def close_section(term: Term) -> dict[str, Any]:
    return {"term": term, "blockers": [] if term.is_closed else close_blockers(term)}


@register.inclusion_tag("stats/_closed_note.html")
def closed_note(term: Term) -> dict[str, Any]:
    return {"term": term}

"""`{% term_statistics_url term %}`: the term's statistics page when the visitor may see it
(public, or a program admin), else "" (the public term page links it only then)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from cohort.stats import figures
from cohort.terms.models import Term

register = template.Library()


@register.simple_tag(takes_context=True)
def term_statistics_url(context: dict[str, Any], term: Term) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    has_applications = figures.term_has_applications(term)
    if figures.is_public(term, has_applications=has_applications) or (
        user is not None and figures.can_view(user, term, has_applications=has_applications)
    ):
        return reverse("stats:term", args=[term.program.slug, term.url_key])
    return ""

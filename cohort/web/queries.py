"""Read functions for the open-data views (feeds, calendars): only what the public pages show.

Each returns its rows in a fixed number of queries, whatever the number of terms or projects.
"""

from __future__ import annotations

import re

from django.http import Http404
from django.shortcuts import get_object_or_404

from cohort.projects.models import Project, ProjectQuerySet
from cohort.terms.models import Term

FEED_LIMIT = 200  # entries in a feed; readers want the newest, not the archive

_TERM_KEY = re.compile(r"^(\d{4})-term-(\d{1,2})$")


def public_term(program_slug: str, term_key: str) -> Term:
    """The term of a public term URL (`2024-term-3`), or 404."""
    match = _TERM_KEY.match(term_key)
    if match is None:
        raise Http404("No such term.")
    return get_object_or_404(
        Term.objects.select_related("program"),
        program__slug=program_slug,
        year=int(match[1]),
        number=int(match[2]),
    )


def feed_terms() -> list[Term]:
    """Every term the public site lists, newest first, with its program and timeline."""
    terms = Term.objects.select_related("program").prefetch_related("milestones")
    return list(terms.order_by("-year", "-number", "program__name", "pk")[:FEED_LIMIT])


def _newest_first(projects: ProjectQuerySet) -> ProjectQuerySet:
    return (
        projects.visible()
        .select_related("organization", "term__program")
        .order_by("-term__year", "-term__number", "term__program__name", "position", "pk")
    )


def feed_projects(term: Term | None = None) -> list[Project]:
    """The projects the public catalog shows (published and proposed ideas), newest term
    first, in page order within a term; all terms or one."""
    projects: ProjectQuerySet = Project.objects.all()
    if term is not None:
        projects = projects.filter(term=term)
    return list(_newest_first(projects)[:FEED_LIMIT])

"""Read functions for the open-data views (feeds, calendars): only what the public pages show.

Each returns its rows in a fixed number of queries, whatever the number of terms or projects.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cohort.projects.models import Project, ProjectQuerySet
from cohort.terms.models import Term
from cohort.terms.queries import term_at
from cohort.web.relevance import parse
from cohort.web.search import Hit, match, match_all

FEED_LIMIT = 200  # entries in a feed; readers want the newest, not the archive


def public_term(program_slug: str, term_key: str) -> Term:
    """The term of a public term URL (`2024-term-3`), or 404."""
    return term_at(program_slug, term_key)


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


# The archive search ---------------------------------------------------------------------

SEARCH_PAGE_SIZE = 25
SKILL_FACET_SIZE = 50  # the most frequent skills; the long tail is one project each
# The catalog's projects, and the ideas past terms did not accept (organizations reuse them).
PUBLIC_STATUSES = (Project.Status.PUBLISHED, Project.Status.PROPOSED, Project.Status.NOT_ACCEPTED)
FACETS = ("program", "year", "term", "organization", "skill", "status")
_SKILL_SPLIT = re.compile(r"[,;\n]")
MAX_SKILL = 40  # longer "skills" are sentences, not facet values


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass(frozen=True)
class SearchFilters:
    """The facet values asked for; an empty string (or None) leaves a facet open."""

    program: str = ""
    year: int | None = None
    term: str = ""
    organization: str = ""
    skill: str = ""
    status: str = ""

    def asked(self) -> dict[str, str]:
        values = {name: getattr(self, name) for name in FACETS}
        return {k: str(v) for k, v in values.items() if v not in ("", None)}


@dataclass(frozen=True)
class ArchiveSearch:
    """One page of an archive search: the projects (with their term), the facets of the
    whole result, and how many there are."""

    query: str
    filters: SearchFilters
    total: int
    page: int
    pages: int
    projects: list[Project]
    scores: dict[int, float]
    facets: list[Facet]

    @property
    def asked(self) -> bool:
        return bool(self.query or self.filters.asked())


@lru_cache(maxsize=16384)
def skills_of(text: str) -> dict[str, str]:
    """A project's skills as facet values: key (casefolded) → as written. Cached: the same
    projects come back search after search. Callers must not change what it returns."""
    found: dict[str, str] = {}
    for part in _SKILL_SPLIT.split(text):
        label = " ".join(part.replace("*", "").split()).strip(" .")
        if label and len(label) <= MAX_SKILL:
            found.setdefault(label.casefold(), label)
    return found


def search_archive(text: str, filters: SearchFilters, page: int = 1) -> ArchiveSearch:
    """Projects of every term that the words match, best first, narrowed by the facets, in
    four queries whatever the archive's size: the match (with every facet's fields), then
    the page's projects with their mentors and issues. With no words, the facets alone
    choose, newest term first."""
    query = parse(text)
    if query:
        hits = match(query, PUBLIC_STATUSES)
    elif filters.asked():
        hits = match_all(PUBLIC_STATUSES)
    else:
        hits = []
    kept = [(hit, skills_of(hit.skills)) for hit in hits if _passes(hit, filters)]
    total = len(kept)
    pages = max(1, -(-total // SEARCH_PAGE_SIZE))
    page = min(max(page, 1), pages)
    chosen = [hit.id for hit, _ in kept[(page - 1) * SEARCH_PAGE_SIZE :][:SEARCH_PAGE_SIZE]]
    projects: list[Project] = []
    if chosen:
        by_id = {p.pk: p for p in Project.objects.filter(pk__in=chosen).for_catalog()}
        projects = [by_id[pk] for pk in chosen]
    return ArchiveSearch(
        query=query.text,
        filters=filters,
        total=total,
        page=page,
        pages=pages,
        projects=projects,
        scores={hit.id: hit.score for hit, _ in kept},
        facets=_facets(kept, filters),
    )


def _passes(hit: Hit, filters: SearchFilters) -> bool:
    return (
        (not filters.program or hit.program_slug == filters.program)
        and (filters.year is None or hit.year == filters.year)
        and (not filters.term or _term_key(hit) == filters.term)
        and (not filters.organization or hit.org_slug == filters.organization)
        and (not filters.status or hit.status == filters.status)
        and (not filters.skill or filters.skill.casefold() in skills_of(hit.skills))
    )


def _term_key(hit: Hit) -> str:
    return f"{hit.year}-term-{hit.number}"


def _facets(kept: list[tuple[Hit, dict[str, str]]], filters: SearchFilters) -> list[Facet]:
    """Counts over the result as narrowed: each single-valued facet adds up to the total."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    labels: dict[str, dict[str, str]] = {name: {} for name in FACETS}
    status_labels = dict(Project.Status.choices)
    for hit, skills in kept:
        pairs = (
            ("program", hit.program_slug, hit.program_name),
            ("year", str(hit.year), str(hit.year)),
            ("term", _term_key(hit), f"{hit.year} Term {hit.number}"),
            ("organization", hit.org_slug, hit.org_name),
            ("status", hit.status, status_labels.get(hit.status, hit.status)),
        )
        for name, value, label in pairs:
            counts[name][value] += 1
            labels[name].setdefault(value, label)
        for key, label in skills.items():
            counts["skill"][key] += 1
            labels["skill"].setdefault(key, label)
    asked = filters.asked()
    facets = []
    for name in FACETS:
        names = labels[name]

        def order(item: tuple[str, int], name: str = name, names: dict[str, str] = names) -> Any:
            # Years and terms newest first; the rest by how many, then by name.
            if name in ("year", "term"):
                return tuple(-int(x) for x in item[0].split("-term-"))
            return (-item[1], names[item[0]].casefold())

        items = sorted(counts[name].items(), key=order)
        if name == "skill":
            items = items[:SKILL_FACET_SIZE]
        chosen = asked.get(name, "").casefold() if name == "skill" else asked.get(name, "")
        values = [
            FacetValue(value, labels[name][value], count, value == chosen) for value, count in items
        ]
        facets.append(Facet(name, FACET_LABELS[name], values))
    return facets


FACET_LABELS = {
    "program": "Program",
    "year": "Year",
    "term": "Term",
    "organization": "Organization",
    "skill": "Skill",
    "status": "Status",
}

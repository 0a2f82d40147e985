"""Read functions for the open-data views (feeds, calendars): only what the public pages show.

Each returns its rows in a fixed number of queries, whatever the number of terms or projects.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from django.db.models import Prefetch

from cohort.projects.models import Mentorship, Project, ProjectQuerySet, UpstreamIssue
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


# A term's catalog ----------------------------------------------------------------------

TERM_PAGE_SIZE = 60  # project cards on one page of a term's catalog
POPULAR_SKILLS = 15

_WORD = re.compile(r"[a-z][a-z0-9+#]*(?:[.\-][a-z0-9+#]+)*")
# Words in "Recommended Skills" lines that say how much, not what.
# fmt: off
_NOT_SKILLS = frozenset({
    "a", "about", "able", "and", "any", "are", "as", "at", "basic", "be", "become", "but",
    "by", "can", "code", "coding", "concepts", "development", "e.g", "etc", "experience",
    "experienced", "familiar", "familiarity", "for", "from", "good", "have", "helpful", "how",
    "i.e", "in", "interest", "interested", "is", "it", "knowledge", "language", "languages",
    "learn", "like", "nice", "not", "of", "on", "one", "or", "other", "plus", "programming",
    "some", "strong", "such", "the", "their", "to", "understanding", "use", "using", "with",
    "working", "would", "you", "your"
})
# fmt: on
# The long texts no card shows stay in the database.
CARD_UNUSED = ("description", "expected_outcome", "raw", "form_fields", "search_text")
CATALOG_PREFETCH = (
    Prefetch("mentorships", queryset=Mentorship.objects.order_by("position")),
    Prefetch("upstream_issues", queryset=UpstreamIssue.objects.order_by("position")),
)


@lru_cache(maxsize=16384)
def skill_words(text: str) -> tuple[str, ...]:
    """The skill words of a project's casefolded skills and technologies text, each once,
    in alphabetical order. Cached: the same texts come back page after page."""
    return tuple(sorted({w for w in _WORD.findall(text) if w not in _NOT_SKILLS}))


def skill_pattern(skill: str) -> re.Pattern[str]:
    """The skill starts a word of the skills or technologies text ("go" finds "Golang")."""
    return re.compile(r"(?<![\w])" + re.escape(skill.casefold()))


@dataclass(frozen=True)
class _Entry:
    """What the filters and their counts read of one project: no model, no long text."""

    pk: int
    organization_id: int
    org_slug: str
    text: str  # skills and technologies, casefolded


@dataclass(frozen=True)
class OrgChoice:
    """An organization of the term's catalog, and how many of its projects the skill keeps."""

    slug: str
    name: str
    count: int


@dataclass(frozen=True)
class TermCatalog:
    """One page of a term's catalog under the filters asked for, and the filters' choices."""

    total: int  # the catalog's projects (the ideas not accepted apart)
    shown: int  # those the filters keep
    page: int
    pages: int
    first: int  # how many of `shown` come before this page
    cards: list[Project]  # this page's, with organization, term, mentors and issues
    not_accepted: list[Project]  # the ideas the term's README did not accept, all of them
    org_choices: list[OrgChoice]  # in page order of their first project, counted by skill
    popular_skills: list[tuple[str, int]]  # (word, projects), by word; counted by org


def term_catalog(term: Term, org_slug: str = "", skill: str = "", page: int = 1) -> TermCatalog:
    """A page of `term`'s catalog in four queries whatever the term's size: one narrow row
    per project (no model: its ids, status, skills text and organization's name) for the
    filters and their counts, then the full rows, mentors and issues of this page's cards
    and of the ideas not accepted only. Each filter's choices are counted under the other
    filter, as before paging; the filters read nothing else."""
    fields = ("pk", "status", "skills", "technologies", "organization_id")
    org_fields = ("organization__slug", "organization__name")
    rows = (
        Project.objects.filter(term=term)
        .on_term_page()
        .order_by("position", "pk")
        .values_list(*fields, *org_fields)
    )
    entries: list[_Entry] = []
    orgs: dict[int, OrgChoice] = {}  # in page order of their first project
    not_accepted_ids: list[int] = []
    for pk, status, skills, technologies, org, slug, org_name in rows:
        if status == Project.Status.NOT_ACCEPTED:
            not_accepted_ids.append(pk)
            continue
        entries.append(_Entry(pk, org, slug, f"{skills}\n{technologies}".casefold()))
        if org not in orgs:
            orgs[org] = OrgChoice(slug, org_name, 0)

    pattern = skill_pattern(skill) if skill else None
    by_skill = [e for e in entries if pattern is None or pattern.search(e.text)]
    by_org = [e for e in entries if not org_slug or e.org_slug == org_slug]
    shown = [e for e in by_skill if not org_slug or e.org_slug == org_slug]

    org_counts = Counter(e.organization_id for e in by_skill)
    org_choices = [replace(c, count=org_counts[pk]) for pk, c in orgs.items()]
    skill_counts = Counter(w for e in by_org for w in skill_words(e.text))
    popular = [(w, n) for w, n in skill_counts.most_common(POPULAR_SKILLS) if n > 1]

    pages = max(1, -(-len(shown) // TERM_PAGE_SIZE))
    page = min(max(page, 1), pages)
    first = (page - 1) * TERM_PAGE_SIZE
    card_ids = [e.pk for e in shown[first : first + TERM_PAGE_SIZE]]
    full: dict[int, Project] = {}
    if card_ids or not_accepted_ids:
        chosen = Project.objects.filter(pk__in=[*card_ids, *not_accepted_ids])
        chosen = chosen.select_related("organization").defer(*CARD_UNUSED)
        for project in chosen.prefetch_related(*CATALOG_PREFETCH):
            project.term = term
            full[project.pk] = project
    return TermCatalog(
        total=len(entries),
        shown=len(shown),
        page=page,
        pages=pages,
        first=first,
        cards=[full[pk] for pk in card_ids if pk in full],  # one may be gone since
        not_accepted=[full[pk] for pk in not_accepted_ids if pk in full],
        org_choices=org_choices,
        popular_skills=sorted(popular),
    )


def catalog_projects(term: Term, first: int, size: int) -> tuple[int, list[Project]]:
    """How many projects `term`'s catalog shows, and `size` of them in page order from the
    `first`th (0-based), each with its organization, mentors and issues and `term` (whose
    program the caller read): four queries whatever the term's size, no long text."""
    projects = Project.objects.filter(term=term).visible()
    total = projects.count()
    page = list(
        projects.select_related("organization")
        .defer(*CARD_UNUSED)
        .prefetch_related(*CATALOG_PREFETCH)
        .order_by("position", "pk")[first : first + size]
    )
    for project in page:
        project.term = term
    return total, page


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

"""The archive search (issue 15): real CNCF term pages of four years, searched through the one
function behind the page and the API, on whichever database the suite runs on.

CI runs this file on SQLite (FTS5) and on PostgreSQL (the GIN index); the expected top results
below are the same for both, so each run checks that its database agrees with the other's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cohort.formats.detect import read_term_file
from cohort.projects.models import Mentorship, Project
from cohort.projects.services import import_term
from cohort.terms.models import Program
from cohort.web import queries
from cohort.web.queries import SearchFilters, search_archive
from cohort.web.relevance import parse
from cohort.web.search import ensure_index, match

FIXTURES = Path(__file__).resolve().parents[2] / "formats" / "tests" / "fixtures"
TERMS = {  # real pages of four years (that folder's README.md gives their source)
    "2021-01-Spring-README.md": "2021 Term 1",
    "2023-01-Mar-May-README.md": "2023 Term 1",
    "2024-03-Sep-Nov-README.planning.md": "2024 Term 3",
    "2025-02-Jun-Aug-README.md": "2025 Term 2",
}
PAGES = tuple(TERMS)
PUBLIC = queries.PUBLIC_STATUSES


def _import(program: Program, *names: str) -> None:
    for name in names:
        data = (FIXTURES / name).read_bytes()
        import_term(read_term_file(data, source=name, term=TERMS[name]), program=program)


@pytest.fixture
def archive(program: Program) -> Program:
    _import(program, *PAGES)
    return program


def _titles(text: str, n: int = 5, **filters: object) -> list[str]:
    found = search_archive(text, SearchFilters(**filters))  # type: ignore[arg-type]  # the facets by name, as the tests pass them
    return [p.title for p in found.projects[:n]]


# -- what a word finds ------------------------------------------------------------------------


def test_ebpf_finds_programs_of_several_years(archive: Program):
    found = search_archive("ebpf", SearchFilters())
    years = {p.term.year for p in found.projects}
    assert len(years) >= 2, years  # of these four pages, eBPF is in 2024's and 2025's
    for project in found.projects:
        assert "ebpf" in project.search_text


def test_a_word_finds_its_other_forms(program: Program):
    _import(program, PAGES[2])
    plural = Project.objects.filter(search_text__contains=" tests").exclude(
        search_text__contains="testing"
    )
    assert plural.exists()  # the page has a project that says "tests" and never "testing"
    found = {p.pk for p in search_archive("testing", SearchFilters()).projects}
    found |= {h.id for h in match(parse("testing"), PUBLIC)}
    assert set(plural.values_list("pk", flat=True)) <= found


def test_every_word_must_match_phrases_keep_order_and_minus_excludes(archive: Program):
    both = {h.id for h in match(parse("kubernetes operator"), PUBLIC)}
    either = {h.id for h in match(parse("kubernetes"), PUBLIC)}
    assert both
    assert both < either
    without = {h.id for h in match(parse("kubernetes -operator"), PUBLIC)}
    assert without == either - both
    phrase = {h.id for h in match(parse('"network policy"'), PUBLIC)}
    assert phrase
    for project in Project.objects.filter(pk__in=phrase):
        assert "network polic" in " ".join(project.search_text.split())


def test_only_excluded_words_or_punctuation_match_nothing(archive: Program):
    assert match(parse("-kubernetes"), PUBLIC) == []
    assert match(parse('"" -- * ( )'), PUBLIC) == []
    # FTS5's operators and PostgreSQL's are words here, not syntax: no error, and what is
    # found has the word (PostgreSQL drops "not", "and" and "or" as stop words).
    hits = match(parse('NOT AND OR NEAR( "edge ! & |" *'), PUBLIC)
    rows = Project.objects.filter(pk__in=[h.id for h in hits])
    assert all("near" in p.search_text and "edge" in p.search_text for p in rows)


def test_words_in_the_title_rank_first(archive: Program):
    for query in ("ebpf", "website"):
        titles = _titles(query, n=100)
        in_title = [query in t.casefold() for t in titles]
        assert True in in_title
        assert False in in_title
        assert in_title == sorted(in_title, reverse=True), titles


def test_hidden_projects_are_never_found(archive: Program):
    project = Project.objects.filter(search_text__contains="ebpf").first()
    assert project is not None
    Project.objects.filter(pk=project.pk).update(status=Project.Status.WITHDRAWN)
    assert project.pk not in {h.id for h in match(parse("ebpf"), PUBLIC)}


# -- the same top results on both databases ---------------------------------------------------

# Read off both databases on these four pages (SQLite FTS5 and PostgreSQL's GIN index); the
# order is `relevance.score`'s, then the newest term, so it does not depend on the database.
EXPECTED_TOP = {
    "ebpf": [
        "Exploring Chaos Engineering with eBPF and Inspektor Gadget",
        "New gadget for detecting deadlocks",
        "Testing Inspektor Gadget gadgets on different kernel versions",
        "[PM Mentorship] Traceloop GTM Strategy and Execution",
    ],
    "testing": [
        "Automatically generate unit tests and e2e tests based on LLM",
        "Enterprise Ready OpenCost: Integration Testing",
        "Mission: Scale Possible! Build Automated Scale Tests for kgateway",
        "Improve Test Coverage and Docs for New Policy Types",
        "Implement Fuzz testing for KubeArmor Components",
    ],
    "kubernetes operator": [
        "Jaeger v2 Kubernetes Operator",
        "Game operation and maintenance API",
        "Prototype multi-cluster service discovery and operations",
        "Interrelating Kubernetes Resources: Identifying relationships between all standard and "
        "custom resources",
        "Kubernetes Headlamp UI: UX Audit and Design Improvements for Plugins",
    ],
    '"service mesh"': [
        "Kubernetes UI Headlamp: Gateway API Service Mesh Visualization",
        "CNCF Project Performance Test Dashboard",
        "Expand testing for Multi-Cluster in Ambient",
        "Adaptive Load Controller II",
    ],
    "rust wasm": [
        "Use Runwasi with WasmEdge runtime to test multiple WASM apps as cloud services",
        "Create a Wasm-based LLM app for financial analysts",
    ],
    "documentation website": [
        "Re-design and implement the KubeEdge website",
        "Develop ORAS Website",
        "Enhance Volcano Official Documentation",
        "Cilium Technical Outcomes",
        "UX/UI Mentorship: Design System Foundations for KubeStellar",
    ],
}


@pytest.mark.parametrize("query", list(EXPECTED_TOP))
def test_the_same_queries_give_the_same_top_results_on_both_databases(archive, query):
    assert _titles(query) == EXPECTED_TOP[query], connection.vendor


# -- facets -------------------------------------------------------------------------------


def test_facet_counts_add_up_to_the_total(archive: Program):
    found = search_archive("kubernetes", SearchFilters())
    assert found.total > 25
    for facet in found.facets:
        if facet.name != "skill":  # a project has several skills
            assert sum(v.count for v in facet.values) == found.total, facet.name
    skills = {v.value: v.count for v in next(f for f in found.facets if f.name == "skill").values}
    assert skills
    assert max(skills.values()) <= found.total


def test_a_facet_narrows_and_its_counts_follow(archive: Program):
    everything = search_archive("kubernetes", SearchFilters())
    years = {v.value: v.count for v in everything.facets[1].values}
    assert len(years) >= 3
    year, count = next(iter(years.items()))
    narrowed = search_archive("kubernetes", SearchFilters(year=int(year)))
    assert narrowed.total == count
    assert [(v.value, v.selected) for v in narrowed.facets[1].values] == [(year, True)]
    assert {p.term.year for p in narrowed.projects} == {int(year)}
    org = narrowed.facets[3].values[0]
    both = search_archive("kubernetes", SearchFilters(year=int(year), organization=org.value))
    assert both.total == org.count
    assert {p.organization.slug for p in both.projects} == {org.value}


def test_the_skill_facet_matches_whole_skills_case_blind(archive: Program):
    found = search_archive("", SearchFilters(skill="GOLANG"))
    assert found.total > 0
    for project in found.projects:
        assert "golang" in queries.skills_of(project.skills)


def test_facets_alone_browse_the_archive_newest_first(archive: Program):
    found = search_archive("", SearchFilters(program=archive.slug))
    assert found.total == Project.objects.filter(status__in=PUBLIC).count()
    years = [p.term.year for p in found.projects]
    assert years == sorted(years, reverse=True)
    assert search_archive("", SearchFilters()).total == 0  # nothing asked, nothing listed


def test_pages_of_25(archive: Program):
    first = search_archive("kubernetes", SearchFilters())
    second = search_archive("kubernetes", SearchFilters(), page=2)
    assert len(first.projects) == queries.SEARCH_PAGE_SIZE
    assert not {p.pk for p in first.projects} & {p.pk for p in second.projects}
    beyond = search_archive("kubernetes", SearchFilters(), page=10_000)
    assert beyond.page == beyond.pages  # the last page, not an empty one


def test_ideas_not_accepted_are_found_and_labelled(archive: Program):
    project = Project.objects.filter(search_text__contains="ebpf").first()
    assert project is not None
    Project.objects.filter(pk=project.pk).update(status=Project.Status.NOT_ACCEPTED)
    found = search_archive("ebpf", SearchFilters())
    statuses = {v.value: v.label for v in found.facets[-1].values}
    assert statuses["not_accepted"] == "Not accepted"
    only = search_archive("ebpf", SearchFilters(status="not_accepted"))
    assert [p.pk for p in only.projects] == [project.pk]


def test_a_result_that_was_not_accepted_links_to_its_term_not_a_missing_page(
    client: Client, archive: Program
):
    project = Project.objects.filter(search_text__contains="ebpf").select_related("term").first()
    assert project is not None
    Project.objects.filter(pk=project.pk).update(status=Project.Status.NOT_ACCEPTED)
    html = client.get(reverse("web:search"), {"q": "ebpf", "status": "not_accepted"}).content
    target = f"{project.term.get_absolute_url()}#not-accepted-heading"
    assert f'href="{target}"'.encode() in html
    assert b"Idea, not accepted" in html
    assert client.get(project.term.get_absolute_url()).status_code == 200


def test_a_fixed_number_of_queries(program: Program, django_assert_num_queries):
    _import(program, PAGES[2])
    with django_assert_num_queries(4):  # the match, then the page's projects, mentors, issues
        small = search_archive("kubernetes", SearchFilters())
    _import(program, *PAGES)
    with django_assert_num_queries(4):
        large = search_archive("kubernetes", SearchFilters())
    assert large.total > small.total


# -- the index follows every write ------------------------------------------------------------


def test_the_index_follows_updates_and_deletes(archive: Program):
    project = Project.objects.filter(search_text__contains="ebpf").first()
    assert project is not None
    assert match(parse("zyzzyva"), PUBLIC) == []
    Project.objects.filter(pk=project.pk).update(title="Zyzzyva", search_text="zyzzyva tracing")
    assert [h.id for h in match(parse("zyzzyva"), PUBLIC)] == [project.pk]
    project.refresh_from_db()
    project.delete()
    assert match(parse("zyzzyva"), PUBLIC) == []


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's FTS5 table")
def test_a_lost_trigger_is_made_again_and_the_index_refilled(archive: Program):
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER projects_project_fts_au")
    project = Project.objects.filter(search_text__contains="ebpf").first()
    assert project is not None
    Project.objects.filter(pk=project.pk).update(search_text="quokka scheduling")
    assert match(parse("quokka"), PUBLIC) == []  # the index missed the write
    assert ensure_index(connection) is True
    assert [h.id for h in match(parse("quokka"), PUBLIC)] == [project.pk]
    assert ensure_index(connection) is False  # nothing left to mend


# -- the page and the API ---------------------------------------------------------------------


def test_the_api_answers_with_results_their_terms_and_facets(client: Client, archive: Program):
    body = client.get("/api/v1/search", {"q": "ebpf"}).json()
    assert body["total"] == search_archive("ebpf", SearchFilters()).total
    first = body["results"][0]
    assert first["term"]["url"].startswith(f"/{archive.slug}/")
    assert first["url"].startswith(first["term"]["url"])
    assert first["score"] > 0
    names = [f["name"] for f in body["facets"]]
    assert names == list(queries.FACETS)
    mentors = Mentorship.objects.filter(project_id__in=[r["id"] for r in body["results"]])
    emails = list(mentors.exclude(email="").values_list("email", flat=True))
    assert emails
    assert not [e for e in emails if e in str(body)]
    year = body["facets"][1]["values"][0]
    narrowed = client.get("/api/v1/search", {"q": "ebpf", "year": year["value"]}).json()
    assert narrowed["total"] == year["count"]


@pytest.mark.parametrize(
    "params", [{"status": "withdrawn"}, {"year": "soon"}, {"page": "0"}, {"q": "x" * 501}]
)
def test_the_api_refuses_what_its_schema_does_not_allow(client: Client, params):
    response = client.get("/api/v1/search", params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_the_page_links_each_result_to_its_term_and_toggles_facets(
    client: Client, archive: Program
):
    html = client.get(reverse("web:search"), {"q": "ebpf"}).content.decode()
    found = search_archive("ebpf", SearchFilters())
    assert f"{found.total} projects match" in html
    for project in found.projects:
        assert f'href="{project.term.get_absolute_url()}"' in html
    year = found.facets[1].values[0]
    link = f"?q=ebpf&amp;year={year.value}"
    assert link in html
    narrowed = client.get(reverse("web:search"), {"q": "ebpf", "year": year.value})
    text = narrowed.content.decode()
    assert f"{year.count} project" in text
    assert f'aria-label="Remove Year: {year.value}"' in text
    assert 'href="/search/?q=ebpf" aria-label="Remove Year' in text

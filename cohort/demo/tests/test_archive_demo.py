"""The demo's archive: three past CNCF term pages beside the reference term, so the archive
search of issue 15 has several years to find, through the page and the API alike; imported
once, on any date without landing on a term the rest of the demo makes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from cohort.core.models import AuditEvent
from cohort.demo.live import LIVE_PROGRAM, live_term_key
from cohort.formats.termpage import parse_term_page
from cohort.projects.demo import (
    ARCHIVE,
    DEMO_DATA,
    DEMO_PROGRAM,
    load_demo,
    load_demo_archive,
)
from cohort.projects.models import Project
from cohort.terms.models import Term
from cohort.web import queries

pytestmark = pytest.mark.django_db


def page_projects(name: str, year: int, number: int) -> int:
    """How many projects the page itself lists, read with the parser the import uses."""
    text = (DEMO_DATA / name).read_text(encoding="utf-8")
    data = parse_term_page(text, source=name, term=f"{year} Term {number}")
    return sum(len(org.projects) for org in data.organizations)


def test_the_archive_is_three_past_terms_of_the_demo_program_with_every_project():
    archive = load_demo_archive()
    assert [(t.program.name, t.year, t.number) for t in archive.terms] == [
        (DEMO_PROGRAM, 2021, 1),
        (DEMO_PROGRAM, 2023, 1),
        (DEMO_PROGRAM, 2025, 2),
    ]
    assert archive.imported == 3
    for (name, year, number), term in zip(ARCHIVE, archive.terms, strict=True):
        assert Project.objects.filter(term=term).count() == page_projects(name, year, number)
    # Every project of these pages is public, so the search and the catalog show them all.
    assert archive.projects == sum(page_projects(*row) for row in ARCHIVE)
    assert archive.projects == Project.objects.visible().count()


def test_loading_the_archive_again_changes_nothing():
    first = load_demo_archive()
    rows = list(Project.objects.order_by("pk").values_list("pk", "status", "updated_at"))
    terms = list(Term.objects.order_by("pk").values_list("pk", "updated_at"))
    audit = AuditEvent.objects.count()
    again = load_demo_archive()
    assert again.imported == 0
    assert [t.pk for t in again.terms] == [t.pk for t in first.terms]
    assert again.projects == first.projects
    assert list(Project.objects.order_by("pk").values_list("pk", "status", "updated_at")) == rows
    assert list(Term.objects.order_by("pk").values_list("pk", "updated_at")) == terms
    assert AuditEvent.objects.count() == audit


def test_ebpf_finds_projects_of_several_years_on_the_page_and_in_the_api():
    load_demo()
    load_demo_archive()
    found = queries.search_archive("ebpf", queries.SearchFilters())
    years = {p.term.year for p in Project.objects.filter(pk__in=[p.pk for p in found.projects])}
    assert {2024, 2025} <= years  # the reference term's and an archive term's
    client = Client()
    api = client.get("/api/v1/search", {"q": "ebpf"}).json()
    assert api["total"] == found.total
    html = client.get("/search/", {"q": "ebpf"}).content.decode()
    for year in years:
        term = Term.objects.get(program__name=DEMO_PROGRAM, year=year)  # one term a year here
        assert f'href="{term.get_absolute_url()}"' in html, term.label
    # The API narrowed to 2025: fewer projects, but some.
    narrowed = client.get("/api/v1/search", {"q": "ebpf", "year": "2025"}).json()
    assert 0 < narrowed["total"] < api["total"]


@pytest.mark.parametrize(
    "today",
    [
        datetime(2025, 6, 15, 12, 0, tzinfo=UTC),  # the live demo's term would be 2025 Term 2
        datetime(2023, 2, 1, 12, 0, tzinfo=UTC),  # ... 2023 Term 1
    ],
)
def test_on_a_day_inside_an_archive_term_the_demo_keeps_it_apart(settings, today):
    settings.COHORT_DEMO_USERS = True
    key = live_term_key(today)
    assert key in {(year, number) for _, year, number in ARCHIVE}
    with time_machine.travel(today, tick=False):
        out = StringIO()
        call_command("demo", "--site", "http://0.0.0.0:9000/", stdout=out)
    archived = Term.objects.get(program__name=DEMO_PROGRAM, year=key[0], number=key[1])
    name = next(row[0] for row in ARCHIVE if row[1:] == key)
    assert Project.objects.filter(term=archived).count() == page_projects(name, *key)
    assert Term.objects.filter(program__name=LIVE_PROGRAM, year=key[0], number=key[1]).exists()
    projects = Project.objects.filter(
        term__year__in=[2021, 2023, 2025], term__program=archived.program
    )
    line = (
        f"Archive: 3 past terms (2021 Term 1, 2023 Term 1, 2025 Term 2), "
        f"{projects.visible().count()} projects; "
        "search them at http://0.0.0.0:9000/search/?q=ebpf"
    )
    assert re.search(rf"^{re.escape(line)}$", out.getvalue(), re.MULTILINE)


def test_without_the_demo_users_the_archive_is_there_too(settings):
    settings.COHORT_DEMO_USERS = False
    out = StringIO()
    call_command("demo", stdout=out)
    assert Term.objects.filter(program__name=DEMO_PROGRAM).count() == 1 + len(ARCHIVE)
    assert "Archive: 3 past terms" in out.getvalue()

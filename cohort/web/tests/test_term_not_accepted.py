"""A term page lists the ideas its README did not accept apart from its projects (issue 15)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from cohort.formats import model as fm
from cohort.projects.models import Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.terms.models import Term

pytestmark = pytest.mark.django_db


def page(kind: str, titles: list[str]) -> fm.TermData:
    status: fm.ProjectStatus = "proposed" if kind == "ideas" else "published"
    projects = [
        fm.Project(title=t, status=status, mentors=[fm.Mentor(name=f"Mentor of {t}")])
        for t in titles
    ]
    return fm.TermData(
        title="Spring 2021",
        year=2021,
        number=1,
        time_zone="UTC",
        organizations=[fm.Organization(name="Antrea", projects=projects)],
        source_kind=kind,  # type: ignore[arg-type]  # the parser's page kinds, as a str
    )


def term_with(not_accepted: int) -> Term:
    program = get_or_create_program("CNCF LFX Mentorship")
    import_term(page("readme", ["Support DNS caches"]), program=program)
    ideas = ["Support DNS caches", *(f"Idea number {n}" for n in range(not_accepted))]
    return import_term(page("ideas", ideas), program=program).term


def section(html: str) -> str:
    found = re.search(r'<section aria-labelledby="not-accepted-heading">.*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_the_ideas_not_accepted_are_listed_apart_and_labelled(client: Client) -> None:
    term = term_with(not_accepted=2)
    html = client.get(term.get_absolute_url()).content.decode()
    apart = section(html)
    assert "Ideas not accepted" in apart
    assert "Idea number 0" in apart
    assert "Mentor of Idea number 1" in apart
    assert "Support DNS caches" not in apart
    # Not among the projects: no card, no link, not counted.
    assert 'id="project-idea-number-0"' not in html
    assert 'id="project-support-dns-caches"' in html
    assert "<dt>Projects</dt><dd>1</dd>" in html
    idea = Project.objects.get(title="Idea number 0")
    assert client.get(idea.get_absolute_url()).status_code == 404


def test_a_term_without_such_ideas_has_no_section(client: Client) -> None:
    term = term_with(not_accepted=0)
    html = client.get(term.get_absolute_url()).content.decode()
    assert "Ideas not accepted" not in html


def test_the_section_takes_no_query_of_its_own(client: Client, django_assert_num_queries) -> None:
    few = term_with(not_accepted=1)
    with django_assert_num_queries(7):  # as test_views' term page
        assert client.get(few.get_absolute_url()).status_code == 200
    Term.objects.all().delete()
    many = term_with(not_accepted=25)
    with django_assert_num_queries(7):
        html = client.get(many.get_absolute_url()).content.decode()
    assert section(html).count("<li>") == 25

"""Open data (issue 15 part 3): Atom feeds of terms and projects, each term's timeline as
iCalendar. Only what the public pages show; a fixed number of queries whatever the size."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from cohort.projects.models import Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.terms.models import Term
from cohort.web.tests.conftest import PRIVATE_STRINGS, bulk_term_data

ATOM = "{http://www.w3.org/2005/Atom}"


def _atom(client: Client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    for private in PRIVATE_STRINGS:
        assert private not in body
    return ET.fromstring(response.content)  # noqa: S314 - the site's own feed, not untrusted input


def _entries(feed: ET.Element) -> list[dict[str, str]]:
    entries = []
    for entry in feed.findall(f"{ATOM}entry"):
        link = entry.find(f"{ATOM}link")
        assert link is not None
        entries.append(
            {
                "title": entry.findtext(f"{ATOM}title", ""),
                "href": link.get("href", ""),
                "id": entry.findtext(f"{ATOM}id", ""),
                "updated": entry.findtext(f"{ATOM}updated", ""),
                "published": entry.findtext(f"{ATOM}published", ""),
                "summary": entry.findtext(f"{ATOM}summary", ""),
            }
        )
    return entries


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text  # an instant, never a local wall time
    return moment


def _calendar(client: Client, term: Term) -> Calendar:
    url = reverse("web:term_calendar", args=[term.program.slug, term.url_key])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


# -- Atom ------------------------------------------------------------------------------


def test_terms_feed_lists_terms_newest_first_with_links_and_instants(
    client: Client, term: Term, other_term: Term
):
    feed = _atom(client, reverse("web:terms_feed"))
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Cohort"
    entries = _entries(feed)
    assert [e["title"] for e in entries] == [
        "CNCF LFX Mentorship 2025 Term 1",
        "CNCF LFX Mentorship 2024 Term 3",
    ]
    assert entries[1]["href"] == f"http://testserver{term.get_absolute_url()}"
    assert entries[1]["id"] == entries[1]["href"]
    assert "Term 03 - 2024 September - November" in entries[1]["summary"]
    assert _instant(entries[1]["updated"]) == term.updated_at
    assert _instant(entries[1]["published"]) == term.created_at
    assert _instant(feed.findtext(f"{ATOM}updated", "")) == max(
        other_term.updated_at, term.updated_at
    )


def test_projects_feed_lists_public_projects_of_all_terms_newest_term_first(
    client: Client, term: Term, other_term: Term
):
    entries = _entries(_atom(client, reverse("web:projects_feed")))
    assert [e["title"] for e in entries] == [
        "Fuzzing the WasmEdge runtime (WasmEdge, 2025 Term 1)",
        "Support application-level DNS caches (Antrea, 2024 Term 3)",
        "Harbor CLI (Harbor, 2024 Term 3)",
        "Harbor Satellite (Harbor, 2024 Term 3)",  # a proposed idea: the catalog shows it
    ]
    cli = Project.objects.get(term=term, title="Harbor CLI")
    assert entries[2]["href"] == f"http://testserver{cli.get_absolute_url()}"
    assert client.get(entries[2]["href"]).status_code == 200  # the public page exists
    assert "Skills: Golang, spf13/cobra" in entries[2]["summary"]
    assert _instant(entries[2]["updated"]) == cli.updated_at
    assert "Proposed idea" in entries[3]["summary"]


def test_term_projects_feed_lists_only_that_terms_projects(
    client: Client, term: Term, other_term: Term
):
    url = reverse("web:term_projects_feed", args=[term.program.slug, term.url_key])
    feed = _atom(client, url)
    assert feed.findtext(f"{ATOM}title") == "CNCF LFX Mentorship 2024 Term 3: projects"
    alternate = [
        link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "alternate"
    ]
    assert alternate == [f"http://testserver{term.get_absolute_url()}"]
    titles = [e["title"] for e in _entries(feed)]
    assert len(titles) == 3
    assert all("2024 Term 3" in t for t in titles)


@pytest.mark.parametrize("status", [Project.Status.DRAFT, Project.Status.WITHDRAWN])
def test_a_project_the_catalog_does_not_show_is_in_no_feed(client: Client, term: Term, status: str):
    cli = Project.objects.get(term=term, title="Harbor CLI")
    Project.objects.filter(pk=cli.pk).update(status=status)
    term_url = reverse("web:term_projects_feed", args=[term.program.slug, term.url_key])
    for url in (reverse("web:projects_feed"), term_url):
        entries = _entries(_atom(client, url))
        assert len(entries) == 2
        assert all("Harbor CLI" not in e["title"] for e in entries)
        assert all(cli.get_absolute_url() not in e["href"] for e in entries)


@pytest.mark.parametrize(
    "path",
    [
        "/cncf-lfx-mentorship/2019-term-1/projects.atom",
        "/cncf-lfx-mentorship/not-a-term/projects.atom",
        "/no-such-program/2024-term-3/projects.atom",
        "/cncf-lfx-mentorship/2019-term-1/calendar.ics",
        "/cncf-lfx-mentorship/not-a-term/calendar.ics",
    ],
)
def test_unknown_term_feed_or_calendar_is_404(client: Client, term: Term, path: str):
    assert client.get(path).status_code == 404


def test_home_and_term_page_link_to_the_feeds_and_calendar(client: Client, term: Term):
    home = client.get(reverse("web:home")).content.decode()
    for title, name in (("terms", "web:terms_feed"), ("projects", "web:projects_feed")):
        assert (
            f'<link rel="alternate" type="application/atom+xml" title="Mentorship {title}" '
            f'href="{reverse(name)}">'
        ) in home
    page = client.get(term.get_absolute_url()).content.decode()
    ics = reverse("web:term_calendar", args=[term.program.slug, term.url_key])
    atom = reverse("web:term_projects_feed", args=[term.program.slug, term.url_key])
    assert f'<a href="{ics}" type="text/calendar">' in page
    assert f'<a href="{atom}" type="application/atom+xml">' in page


# -- iCalendar -------------------------------------------------------------------------


def test_calendar_has_one_event_per_dated_milestone(client: Client, term: Term):
    calendar = _calendar(client, term)
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "CNCF LFX Mentorship 2024 Term 3"
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [
        "project proposals",
        "mentee applications open",
        "Mentorship program begins",
        "Last day of term",
    ]
    term_url = f"http://testserver{term.get_absolute_url()}"
    pks = list(term.milestones.values_list("pk", flat=True))
    for event, pk in zip(events, pks, strict=True):
        assert str(event["UID"]) == f"milestone-{pk}@testserver"
        assert str(event["URL"]) == term_url
        assert event.decoded("DTSTAMP") == term.updated_at.replace(microsecond=0)


def test_calendar_events_are_instants_or_whole_days_in_the_terms_zone(client: Client, term: Term):
    events = {str(e["SUMMARY"]): e for e in _calendar(client, term).walk("VEVENT")}
    proposals = events["project proposals"]
    assert proposals.decoded("DTSTART") == datetime(2024, 7, 3, 7, tzinfo=UTC)
    assert proposals.decoded("DTEND") == datetime(2024, 7, 31, 0, tzinfo=UTC)
    # Whole days: DATE values, the end exclusive. Sept 9 in Los Angeles is one day even
    # though its instants (07:00 UTC to 07:00 UTC) would read as two days in UTC.
    begins = events["Mentorship program begins"]
    assert begins["DTSTART"].params.get("VALUE") == "DATE"
    assert begins.decoded("DTSTART") == date(2024, 9, 9)
    assert begins.decoded("DTEND") == date(2024, 9, 10)
    assert not isinstance(begins.decoded("DTSTART"), datetime)
    last = events["Last day of term"]
    assert (last.decoded("DTSTART"), last.decoded("DTEND")) == (
        date(2024, 11, 29),
        date(2024, 11, 30),
    )


def test_calendar_uids_are_stable_across_requests(client: Client, term: Term):
    first = [str(e["UID"]) for e in _calendar(client, term).walk("VEVENT")]
    second = [str(e["UID"]) for e in _calendar(client, term).walk("VEVENT")]
    assert first == second
    assert len(set(first)) == 4


def test_calendar_leaves_out_undated_milestones(client: Client, term: Term):
    term.milestones.filter(key="last_day").update(start=None, end=None)
    summaries = [str(e["SUMMARY"]) for e in _calendar(client, term).walk("VEVENT")]
    assert "Last day of term" not in summaries
    assert len(summaries) == 3


# -- constant queries --------------------------------------------------------------------


def test_feeds_and_calendar_run_a_constant_number_of_queries(
    client: Client, term: Term, django_assert_num_queries
):
    def urls(t: Term) -> dict[str, tuple[str, int]]:
        key = [t.program.slug, t.url_key]
        return {
            "terms": (reverse("web:terms_feed"), 2),  # terms with program, their timelines
            "projects": (reverse("web:projects_feed"), 1),
            "term projects": (reverse("web:term_projects_feed", args=key), 2),
            "calendar": (reverse("web:term_calendar", args=key), 2),
        }

    small = urls(term)
    for url, count in small.values():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
    big = get_or_create_program("Big Program")
    large_terms = [
        import_term(bulk_term_data(2022 + i, 1, organizations=8, projects=6), program=big).term
        for i in range(3)
    ]
    assert Project.objects.count() > 100
    for url, count in urls(large_terms[0]).values():
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200

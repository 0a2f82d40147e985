"""The program admin's round page at scale (issue 18): the same number of queries for a
term of four mentees and for terms of hundreds, and a page whose size stops growing with
the term: the override chooser searches (at most `OVERRIDE_MATCHES` pairs), and the
placements, the conflicts, who is not placed, the offers and the waitlists come a page at a
time, their filters kept in the query string.

The large terms are written with bulk_create (the per-request services would take minutes
for this many applications); the rounds are then run and confirmed through the services.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.applications.models import Application, MenteeProfile
from cohort.core.models import User
from cohort.projects.models import Organization, Project
from cohort.selection import services
from cohort.selection.models import Override
from cohort.selection.queries import OVERRIDE_MATCHES, PAGE_SIZE
from cohort.selection.tests.conftest import NOTIFY_AT, Selection
from cohort.terms.models import Milestone, Term

Status = Application.Status


def _bulk_term(sel: Selection, number: int, projects: int, mentees: int) -> Term:
    """A second term of the same program (the same admin) with `projects` published
    projects of one slot and `mentees` mentees, each shortlisted and ranked on two of them:
    more mentees than places, so many are not placed and many are on two shortlists."""
    world = sel.world
    term = Term.objects.create(
        program=world.program, year=2025, number=number, title=f"Scale term {number}"
    )
    Milestone.objects.create(
        term=term,
        key=services.NOTIFY_KEY,
        label="Selection notifications",
        raw="Sep 3",
        start=NOTIFY_AT + timedelta(days=365),
        end=NOTIFY_AT + timedelta(days=365),
        has_time=True,
    )
    org = Organization.objects.create(
        program=world.program, name=f"Scale org {number}", slug=f"scale-org-{number}"
    )
    made = Project.objects.bulk_create(
        Project(
            term=term,
            organization=org,
            slug=f"scale-{number}-{i}",
            position=i,
            title=f"Scale project {i:04d}",
            status=Project.Status.PUBLISHED,
            slots=1,
        )
        for i in range(projects)
    )
    users = User.objects.bulk_create(
        User(username=f"scale{number}-{i:04d}", email=f"scale{number}-{i}@example.org")
        for i in range(mentees)
    )
    MenteeProfile.objects.bulk_create(
        MenteeProfile(user=u, name=f"Scale Mentee {number}-{i:04d}", country="DE")
        for i, u in enumerate(users)
    )
    ranks: dict[int, int] = {}
    applications = []
    for i, user in enumerate(users):
        first, second = made[i % projects], made[(i * 7 + 3) % projects]
        if second.pk == first.pk:
            second = made[(i + 1) % projects]
        for rank, project in enumerate((first, second), start=1):
            ranks[project.pk] = ranks.get(project.pk, 0) + 1
            applications.append(
                Application(
                    mentee=user,
                    term=term,
                    project=project,
                    status=Status.SHORTLISTED,
                    submitted_at=NOTIFY_AT - timedelta(days=30),
                    active_slot=rank,
                    mentee_rank=rank,
                    mentor_rank=ranks[project.pk],
                )
            )
    Application.objects.bulk_create(applications)
    return term


def _get(client: Client, term: Term, query: str = "") -> tuple[int, str]:
    url = reverse("selection:term", args=[term.pk]) + query
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def _text(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _pair_options(html: str) -> list[str]:
    """The override chooser's options (not its placeholder), as their text."""
    select = re.search(r'<select name="application".*?</select>', html, flags=re.S)
    if select is None:
        return []
    return [
        _text(o)
        for o in re.findall(r"<option[^>]*>(.*?)</option>", select.group(0), flags=re.S)
        if _text(o) != "Choose a mentee and project"
    ]


def _rows(html: str, table: str) -> int:
    found = re.search(rf'<table class="{table}">.*?<tbody>(.*?)</tbody>', html, flags=re.S)
    assert found is not None, table
    return len(re.findall(r"<tr[ >]", found.group(1)))


def _unplaced(html: str) -> int:
    found = re.search(r'<ul class="unplaced-list">(.*?)</ul>', html, flags=re.S)
    return len(re.findall(r"<li[ >]", found.group(1))) if found else 0


def test_the_draft_page_costs_the_same_queries_and_stops_growing_with_the_term(
    client: Client, ready: Selection
) -> None:
    admin = ready.world.user("admin")
    client.force_login(admin)
    terms = {
        "small": ready.world.term,
        "large": _bulk_term(ready, 4, projects=80, mentees=200),
        "larger": _bulk_term(ready, 5, projects=160, mentees=400),
    }
    for term in terms.values():
        services.run_round(term, actor=admin)
    counts, pages = {}, {}
    for size, term in terms.items():
        counts[size], pages[size] = _get(client, term)
    assert counts["small"] == counts["large"] == counts["larger"], counts
    assert counts["larger"] <= 20

    larger = pages["larger"]
    # No pair is listed until the admin searches (800 applications are in selection).
    assert _pair_options(larger) == []
    assert "Find the mentee and project above to add an override." in _text(larger)
    # One page of each list, and where it is.
    assert _rows(larger, "proposal-table") == PAGE_SIZE
    assert _unplaced(larger) == PAGE_SIZE
    text = _text(larger)
    assert "160 mentees placed, 240 not placed." in text
    assert "Projects with a shortlist or a placement 1–50 of 160 (page 1 of 4)." in text
    assert "Mentees not placed 1–50 of 240 (page 1 of 5)." in text
    # Twice the term, the same page: only the counts in it differ.
    assert len(larger) <= len(pages["large"]) * 1.02, (len(pages["large"]), len(larger))


def test_the_override_chooser_searches_and_adds_through_the_service(
    client: Client, ready: Selection
) -> None:
    admin = ready.world.user("admin")
    client.force_login(admin)
    term = _bulk_term(ready, 4, projects=80, mentees=200)
    round_ = services.run_round(term, actor=admin)

    queries, page = _get(client, term, "?find=scale")
    options = _pair_options(page)
    assert len(options) == OVERRIDE_MATCHES
    assert f"{OVERRIDE_MATCHES} applications match “scale”, and more" in _text(page)
    narrow_queries, page = _get(client, term, "?find=Mentee+4-0007")
    assert narrow_queries == queries
    # Mentee 4-0007 applied to projects 7 and 52: their two applications, found by name.
    assert _pair_options(page) == [
        "Scale Mentee 4-0007 — Scale project 0007 (shortlisted)",
        "Scale Mentee 4-0007 — Scale project 0052 (shortlisted)",
    ]
    _, page = _get(client, term, "?find=project+0052")
    shortlist = Application.objects.filter(term=term, project__position=52).count()
    assert shortlist > 1
    options = _pair_options(page)
    # Every word matches the mentee or the project: the project's shortlist, and mentee
    # 4-0052's other application (to project 0047).
    assert sum("Scale project 0052" in option for option in options) == shortlist
    assert [o for o in options if "Scale project 0052" not in o] == [
        "Scale Mentee 4-0052 — Scale project 0047 (shortlisted)"
    ]
    _, page = _get(client, term, "?find=nobody-by-this-name")
    assert "No application in this term's selection matches “nobody-by-this-name”." in _text(page)

    chosen = Application.objects.get(mentee__username="scale4-0007", project__position=52)
    url = reverse("selection:override_add", args=[round_.pk])
    response = client.post(url, {"application": chosen.pk, "kind": "force", "reason": "Meetup."})
    assert response.status_code == 302
    override = Override.objects.get(round=round_)
    assert (override.application, override.kind) == (chosen, "force")
    # The service's checks still hold: one override per pair, kept input on a refusal.
    response = client.post(url, {"application": chosen.pk, "kind": "forbid", "reason": "Again."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "This pair already has an override; remove it first." in _text(page)
    assert _pair_options(page) == ["Scale Mentee 4-0007 — Scale project 0052 (shortlisted)"]
    # An application of another term is not a choice here.
    other = ready.application("mentee4", "antrea")
    response = client.post(url, {"application": other.pk, "kind": "forbid", "reason": "No."})
    assert response.status_code == 400
    assert "no longer in this term's selection" in _text(response.content.decode())
    assert Override.objects.count() == 1


def test_who_is_not_placed_pages_and_filters_in_the_query_string(
    client: Client, ready: Selection
) -> None:
    admin = ready.world.user("admin")
    client.force_login(admin)
    term = _bulk_term(ready, 4, projects=80, mentees=200)
    services.run_round(term, actor=admin)
    base, page = _get(client, term, "?unplaced_page=3&projects_page=2")
    text = _text(page)
    assert "Mentees not placed 101–120 of 120 (page 3 of 3)." in text
    assert "Projects with a shortlist or a placement 51–80 of 80 (page 2 of 2)." in text
    assert _unplaced(page) == 20
    # Its links keep the other list's page, and drop their own when it is the first.
    assert 'href="?projects_page=2&amp;unplaced_page=2#selection-unplaced" rel="prev"' in page
    assert 'href="?unplaced_page=3#selection-proposal" rel="prev"' in page
    # Every mentee here is on two shortlists, so the filter keeps everyone or no one.
    queries, page = _get(client, term, "?unplaced=shortlisted&unplaced_page=2")
    assert queries == base
    assert "Mentees not placed 51–100 of 120 (page 2 of 3)." in _text(page)
    assert 'href="?unplaced=shortlisted#selection-unplaced" rel="prev"' in page
    _, page = _get(client, term, "?unplaced=not-shortlisted")
    assert "No one not placed is on no shortlist" in _text(page)
    # A page past the end shows the last; nonsense shows the first.
    _, page = _get(client, term, "?unplaced_page=99")
    assert "Mentees not placed 101–120 of 120" in _text(page)
    _, page = _get(client, term, "?unplaced_page=x&unplaced=bogus")
    assert "Mentees not placed 1–50 of 120" in _text(page)


def test_the_confirmed_page_costs_the_same_queries_and_pages_the_offers(
    client: Client, ready: Selection
) -> None:
    admin = ready.world.user("admin")
    client.force_login(admin)
    terms = {"small": ready.world.term, "large": _bulk_term(ready, 4, projects=120, mentees=300)}
    for term in terms.values():
        services.confirm_round(services.run_round(term, actor=admin), actor=admin)
    counts, pages = {}, {}
    for size, term in terms.items():
        counts[size], pages[size] = _get(client, term)
    assert counts["small"] == counts["large"], counts
    assert counts["large"] <= 20
    large = pages["large"]
    assert _rows(large, "offers-table") == PAGE_SIZE
    text = _text(large)
    assert "Offers 1–50 of 120 (page 1 of 3)." in text
    table = large[large.index('class="offers-table"') : large.index("</table>")]
    assert "Scale project 0000" in table
    assert "Scale project 0049" in table
    assert "Scale project 0050" not in table

    # The offer filter stays in the pager's links.
    queries, page = _get(client, terms["large"], "?offers=unannounced&offers_page=3")
    assert queries == counts["large"]
    assert "Showing the offers not announced yet." in _text(page)
    assert "Offers 101–120 of 120 (page 3 of 3)." in _text(page)
    assert _rows(page, "offers-table") == 20
    assert 'href="?offers=unannounced&amp;offers_page=2#selection-offers" rel="prev"' in page
    _, page = _get(client, terms["large"], "?offers=accepted")
    assert "No offer of this round is accepted." in _text(page)
    # The waitlists come a page of projects at a time, the empty ones counted in one line.
    waiting = large[large.index('id="selection-waitlists"') :]
    assert re.search(r"Projects with a waitlist 1–\d+ of \d+", _text(waiting))
    assert 0 < waiting.count("<h3>") <= PAGE_SIZE


def test_the_link_back_to_a_lists_first_page_clears_its_page_number(
    client: Client, ready: Selection
) -> None:
    # With no other parameter kept, "#selection-unplaced" alone would keep the address's
    # ?unplaced_page=2 and so stay on page 2; "?#…" clears the query string.
    admin = ready.world.user("admin")
    client.force_login(admin)
    term = _bulk_term(ready, 4, projects=80, mentees=200)
    services.run_round(term, actor=admin)
    _, page = _get(client, term, "?unplaced_page=2")
    assert 'href="?#selection-unplaced" rel="prev"' in page
    assert 'href="?unplaced_page=3#selection-unplaced" rel="next"' in page

"""A term's statistics (cohort/stats/figures.py), on terms built through the real services:
the stipends scenario (four mentees, mentee1 placed on cilium with a pending midterm
payment) and the selection scenario; each figure, the small-cell rule through the page and
the API, a fixed number of queries, who may see the pages, and the downloads."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.applications.models import COMPLETE, Application
from cohort.applications.tests.conftest import World, complete_application, make_profile
from cohort.core.models import User
from cohort.mentorship.tests.conftest import Placed
from cohort.projects.models import Project
from cohort.selection.tests.conftest import Selection
from cohort.stats import figures, suppress
from cohort.stats.services import close_term
from cohort.stipends.models import Payment
from cohort.terms.models import Term


def _url(term: Term, name: str = "stats:term", *extra: str) -> str:
    return reverse(name, args=[term.program.slug, term.url_key, *extra])


@pytest.fixture
def no_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """Show every cell, to check the figures themselves on a small scenario."""
    monkeypatch.setattr(suppress, "MIN_CELL", 1)


def test_each_figure_of_a_term_with_a_placement_and_a_payment(midterm_paid: Placed, no_threshold):
    term = midterm_paid.world.term
    apps = list(Application.objects.filter(term=term))
    payment = Payment.objects.get(placement=midterm_paid.placement)
    stats = figures.term_statistics(term)
    assert stats.has_applications
    assert (stats.projects, stats.organizations) == (3, 3)
    assert stats.per_organization == [("Antrea", 1), ("Cilium", 1), ("Falco", 1)]
    assert stats.applicants == 4  # mentee1..4
    assert stats.applications == 7  # the selection scenario's choices
    complete = sum(a.status in COMPLETE for a in apps)
    assert stats.complete_applications == complete
    assert stats.complete_share == round(complete / 7, 4)
    assert stats.by_status.cells == dict(Counter(a.status for a in apps))
    assert stats.countries.cells == {"DE": 4}
    assert stats.placements == 1
    assert stats.acceptance_rate == 0.25
    assert stats.by_outcome.cells["active"] == 1
    assert stats.graduated is None  # 0 graduated, hidden (under the threshold of 1)
    assert stats.graduation_rate is None  # no placement has ended
    assert [(m.currency, m.committed, m.paid) for m in stats.stipends] == [
        (payment.currency, payment.total, 0)
    ]


def test_a_cancelled_payment_is_not_committed(midterm_paid: Placed, no_threshold):
    from cohort.stipends.services import cancel_payment

    payment = Payment.objects.get(placement=midterm_paid.placement)
    cancel_payment(payment, actor=midterm_paid.world.user("admin"), reason="Paid by hand.")
    [money] = figures.term_statistics(midterm_paid.world.term).stipends
    assert (money.committed, money.paid) == (0, 0)


def test_four_applicants_from_one_country_are_suppressed(midterm_paid: Placed):
    stats = figures.term_statistics(midterm_paid.world.term)
    assert stats.applicants is None
    assert stats.countries.cells == {"Other": None}
    assert stats.countries.total is None
    assert stats.placements is None
    assert stats.acceptance_rate is None
    assert [(m.committed, m.paid) for m in stats.stipends] == [(None, 0)]


def test_the_api_gives_suppressed_cells_as_null(midterm_paid: Placed, client: Client):
    term = midterm_paid.world.term
    client.force_login(midterm_paid.world.user("admin"))
    body = client.get(f"/api/v1/terms/{term.pk}/statistics").json()
    assert body["public"] is False
    assert body["applicants"] is None
    assert body["projects"] == 3
    assert body["countries"] == {
        "cells": [{"key": "Other", "label": "Other countries", "count": None}],
        "total": None,
    }
    assert body["stipends"][0]["committed"] is None


def _more_applicants(world: World, names: list[str], country: str, project: Project) -> None:
    for name in names:
        user = User.objects.create_user(name, email=f"{name}@example.org", password="x")
        world.users[name] = user
        make_profile(user, country=country)
        complete_application(world, name, project)


def test_the_statistics_take_the_same_queries_for_a_small_and_a_large_term(world: World, in_window):
    _more_applicants(world, ["in0", "in1"], "IN", world.falco)
    with CaptureQueriesContext(connection) as small:
        figures.term_statistics(world.term)
    _more_applicants(world, ["in2", "in3", "in4"], "IN", world.falco)
    _more_applicants(world, [f"br{i}" for i in range(7)], "BR", world.antrea)
    with CaptureQueriesContext(connection) as large:
        large_stats = figures.term_statistics(world.term)
    assert len(small) == len(large) == 6
    assert large_stats.applicants == 12
    assert large_stats.countries.cells == {"BR": 7, "IN": 5}


def test_a_program_page_counts_only_public_terms(ready: Selection, client: Client):
    world = ready.world
    page = client.get(reverse("stats:program", args=[world.program.slug]))
    assert page.status_code == 200
    assert page.context["stats"].terms == []  # open, with applications: not public
    close_term(world.term, actor=world.user("admin"))
    stats = client.get(reverse("stats:program", args=[world.program.slug])).context["stats"]
    assert [t.pk for t in stats.terms] == [world.term.pk]
    assert stats.growth.rows == ((2024, 1, 3, 3, None, None),)  # 4 applicants: hidden


def test_returning_organizations_are_those_in_two_terms(world: World, client: Client):
    later = Term.objects.create(program=world.program, year=2025, number=1, title="Term 1")
    Project.objects.create(
        term=later,
        organization=world.cilium.organization,
        slug="cilium-again",
        title="Cilium again",
        status=Project.Status.PUBLISHED,
    )
    stats = figures.program_statistics(world.program)
    assert stats.returning.rows == (("Cilium", 2, 2),)
    assert stats.growth.rows[-1][:4] == (2025, 1, 1, 1)
    assert ("Cilium", 1, 1) in stats.organizations.rows


# --- who sees the pages ---------------------------------------------------------------------


def test_anyone_cannot_see_an_open_terms_statistics(midterm_paid: Placed, client: Client):
    term = midterm_paid.world.term
    assert client.get(_url(term)).status_code == 404
    assert client.get(f"/api/v1/terms/{term.pk}/statistics").status_code == 404
    client.force_login(midterm_paid.world.user("mentee1"))
    assert client.get(_url(term)).status_code == 404
    assert client.get(_url(term, "stats:term_csv", "summary")).status_code == 404


def test_an_admin_can_see_an_open_terms_statistics_marked_not_public(
    midterm_paid: Placed, client: Client
):
    term = midterm_paid.world.term
    client.force_login(midterm_paid.world.user("admin"))
    page = client.get(_url(term))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Not public until the term is closed" in text
    assert "fewer than 5" in text
    assert "Too few people to draw this chart" in text  # every status under 5 people
    assert text.count('role="img"') == 1  # projects per organization: not people


def test_a_term_with_enough_applicants_draws_its_charts(world: World, in_window, client: Client):
    _more_applicants(world, [f"in{i}" for i in range(5)], "IN", world.falco)
    _more_applicants(world, [f"br{i}" for i in range(7)], "BR", world.antrea)
    client.force_login(world.user("admin"))
    text = client.get(_url(world.term)).content.decode()
    assert text.count('role="img"') == 3  # organizations, statuses, countries; no placement
    assert 'aria-labelledby="chart-countries-title chart-countries-caption"' in text
    assert '<figcaption id="chart-countries-caption">' in text
    assert '<title id="chart-countries-title">Applicants by country of residence</title>' in text
    assert ">Brazil</th><td>7</td>" in text
    assert "<text" in text  # text stays text
    assert " style=" not in text.split("<main", 1)[-1]  # no inline style: the CSP allows none


def test_anyone_can_see_a_closed_terms_statistics(ready: Selection, client: Client):
    term = ready.world.term
    close_term(term, actor=ready.world.user("admin"))
    page = client.get(_url(term))
    assert page.status_code == 200
    assert "Not public until" not in page.content.decode()
    assert client.get(f"/api/v1/terms/{term.pk}/statistics").json()["public"] is True


def test_anyone_can_see_an_imported_terms_projects(world: World, client: Client):
    past = Term.objects.create(program=world.program, year=2021, number=1, title="Term 1")
    Project.objects.create(
        term=past,
        organization=world.antrea.organization,
        slug="old",
        title="Old",
        status=Project.Status.PUBLISHED,
    )
    page = client.get(_url(past))
    assert page.status_code == 200
    assert page.context["stats"].projects == 1
    assert "took no applications" in page.content.decode()
    body = client.get(f"/api/v1/terms/{past.pk}/statistics").json()
    assert (body["projects"], body["applicants"], body["countries"]) == (1, None, None)


def test_the_term_page_links_statistics_only_when_visible(midterm_paid: Placed, client: Client):
    term = midterm_paid.world.term
    link = _url(term)
    assert link not in client.get(term.get_absolute_url()).content.decode()
    client.force_login(midterm_paid.world.user("admin"))
    assert link in client.get(term.get_absolute_url()).content.decode()


# --- downloads --------------------------------------------------------------------------------


def test_the_downloads_equal_the_table(midterm_paid: Placed, client: Client, no_threshold):
    term = midterm_paid.world.term
    client.force_login(midterm_paid.world.user("admin"))
    tables = figures.term_statistics(term).tables()
    for key, table in tables.items():
        as_csv = client.get(_url(term, "stats:term_csv", key))
        assert as_csv["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
        assert rows[0] == [k for k, _ in table.columns]
        assert rows[1:] == [["" if c is None else str(c) for c in row] for row in table.rows]
        as_json = client.get(_url(term, "stats:term_json", key)).json()
        assert as_json["rows"] == table.records()
    assert client.get(_url(term, "stats:term_csv", "nothing")).status_code == 404


def test_the_summary_download_keeps_suppressed_cells_empty(midterm_paid: Placed, client: Client):
    term = midterm_paid.world.term
    client.force_login(midterm_paid.world.user("admin"))
    body = client.get(_url(term, "stats:term_json", "summary")).json()
    values = {row["figure"]: row["value"] for row in body["rows"]}
    assert values["applicants"] is None
    assert values["projects"] == 3


def test_a_graduate_counts_toward_the_graduation_rate(midterm_paid: Placed, no_threshold):
    from cohort.stipends.tests.conftest import settle

    settle(midterm_paid, "final")
    midterm_paid.placement.refresh_from_db()
    assert midterm_paid.placement.status == "graduated"
    stats = figures.term_statistics(midterm_paid.world.term)
    assert (stats.graduated, stats.graduation_rate) == (1, 1.0)
    assert stats.by_outcome.cells["graduated"] == 1


# --- charts ---------------------------------------------------------------------------------


def test_a_chart_is_drawn_once_for_the_same_data():
    from cohort.stats import charts

    first = charts.bar_chart("chart-x", "Test", ("a", "b"), (5, 9), "People")
    hits = charts.bar_chart.cache_info().hits
    assert charts.bar_chart("chart-x", "Test", ("a", "b"), (5, 9), "People") is first
    assert charts.bar_chart.cache_info().hits == hits + 1
    assert first.startswith('<svg role="img" class="chart" aria-labelledby="chart-x-title')
    assert '<title id="chart-x-title">Test</title>' in first
    ids = re.findall(r'\bid="([^"]+)"', first)
    assert ids
    assert all(i.startswith("chart-x-") for i in ids)  # no id shared between charts
    assert "style=" not in first  # the CSP allows no inline style


def test_starting_cohort_does_not_import_matplotlib():
    code = (
        "import django, sys; django.setup(); import config.urls, cohort.stats.charts; "
        "print('matplotlib' in sys.modules)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "False"

"""The review queue with selection's box at its foot, as a mentor reads it: a fixed number
of queries, within issue 18's 20, whether the project has a handful of applicants or more
than a page of them, before selection is confirmed (the slots form) and after (the offers
and the waitlist). The project's roles are read once, by `access_project`, and the queue's
rows and the box reuse them; the offers' and the waitlist's names are read together."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohort.applications.queries import QUEUE_PAGE_SIZE
from cohort.applications.tests.test_review_scale import ROW, add_applicants
from cohort.projects.models import Project
from cohort.selection import services
from cohort.selection.models import Offer
from cohort.selection.tests.conftest import Selection

# The queue page for a mentor: session, user, the project, its roles (program admin,
# maintainer, the mentor's person and mentorship), the filters' counts, a page of
# applications, their tasks, their reviews, the confirmed round, the navigation; once
# confirmed, the project's offers, the round's offers (its waitlist) and their names.
BEFORE_CONFIRMED = 13
CONFIRMED = 17


def _queue(client: Client, project: Project) -> tuple[str, int]:
    url = reverse("applications:queue", args=[project.pk])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def test_the_queue_with_selections_box_costs_the_same_queries_small_or_large(
    client: Client, ready: Selection
) -> None:
    """Bob mentors cilium (2 applicants) and antrea (3, then 130 more)."""
    small, large = ready.project("cilium"), ready.project("antrea")
    add_applicants(large, 130, "many")
    client.force_login(ready.world.user("bob"))
    _queue(client, small)  # warm up (content types, the session)

    small_html, small_queries = _queue(client, small)
    large_html, large_queries = _queue(client, large)
    assert len(ROW.findall(small_html)) == 2
    assert len(ROW.findall(large_html)) == QUEUE_PAGE_SIZE
    assert 'name="slots"' in small_html
    assert 'name="slots"' in large_html
    assert (small_queries, large_queries) == (BEFORE_CONFIRMED, BEFORE_CONFIRMED)

    admin = ready.world.user("admin")
    services.confirm_round(services.run_round(ready.world.term, actor=admin), actor=admin)
    offered = dict(Offer.objects.values_list("project__slug", "mentee__username"))
    small_html, small_queries = _queue(client, small)
    large_html, large_queries = _queue(client, large)
    assert 'name="slots"' not in small_html + large_html
    assert offered["cilium-project"].title() in small_html
    assert offered["antrea-project"].title() in large_html
    assert "Waitlist" in large_html
    assert (small_queries, large_queries) == (CONFIRMED, CONFIRMED)
    assert CONFIRMED <= 20  # issue 18

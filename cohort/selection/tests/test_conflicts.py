"""The admin sees the conflicts a round resolves: mentees on more than one shortlist."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohort.applications.models import Application
from cohort.projects.models import Project
from cohort.selection import services
from cohort.selection.models import Offer, Round
from cohort.selection.plan import Inputs, contested
from cohort.selection.tests.conftest import Selection


def test_contested_lists_mentees_wanted_by_several_projects_in_their_own_order():
    inputs = Inputs(
        applicants={1: [20, 10], 2: [10], 3: [30, 10, 20]},
        projects={10: [1, 2, 3], 20: [1], 30: [2]},
        capacities={10: 1, 20: 1, 30: 1},
    )
    # 2 is on 10's and 30's lists but applied only to 10: 30 does not count (one side only).
    assert contested(inputs) == {1: [20, 10]}


def test_the_round_page_shows_the_two_project_conflict_and_its_resolution(ready: Selection, client):
    w = ready.world
    client.force_login(w.user("admin"))
    services.run_round(w.term, actor=w.user("admin"))
    page = client.get(f"/selection/terms/{w.term.pk}/").content.decode()
    assert "Conflicts: mentees more than one project wants" in page
    # mentee2 is wanted first by Antrea and Falco, ranked Antrea higher, and got it.
    assert (
        "<strong>Mentee2</strong> is wanted by Antrea project (their choice #1, mentors' #1) "
        "and Falco project (their choice #2, mentors' #1):"
    ) in " ".join(page.split())


def test_projects_no_one_shortlisted_are_counted_not_listed(ready: Selection, client):
    w = ready.world
    quiet = Project.objects.create(
        term=w.term,
        organization=w.antrea.organization,
        slug="quiet",
        title="Quiet project",
        status=Project.Status.PUBLISHED,
    )
    client.force_login(w.user("admin"))
    services.run_round(w.term, actor=w.user("admin"))
    page = " ".join(client.get(f"/selection/terms/{w.term.pk}/").content.decode().split())
    assert "1 other project has no shortlisted applicant, so no one is placed there." in page
    assert quiet.title not in page
    assert "Falco project" in page


def test_the_confirmed_round_page_runs_a_fixed_number_of_queries(ready: Selection, client):
    """Waitlists come from one query for the whole round, not one per project."""
    w = ready.world
    admin = w.user("admin")
    client.force_login(admin)

    def queries_for_page() -> int:
        round_ = services.run_round(w.term, actor=admin)
        services.confirm_round(round_, actor=admin)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/selection/terms/{w.term.pk}/").status_code == 200
        Offer.objects.all().delete()  # start over for the second measure
        Round.objects.all().delete()
        Application.objects.filter(status=Application.Status.OFFERED).update(
            status=Application.Status.SHORTLISTED
        )
        return len(captured)

    few = queries_for_page()
    for i in range(6):
        Project.objects.create(
            term=w.term,
            organization=w.antrea.organization,
            slug=f"extra-{i}",
            title=f"Extra {i}",
            status=Project.Status.PUBLISHED,
        )
    assert queries_for_page() == few

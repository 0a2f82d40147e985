from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cohort.core.models import User
from cohort.projects.models import OrganizationMaintainer, Project
from cohort.terms.models import ProgramMembership

pytestmark = pytest.mark.django_db


def test_demo_loads_the_reference_term_and_users_once(settings):
    settings.COHORT_DEMO_USERS = True
    out = StringIO()
    call_command("demo", stdout=out)
    call_command("demo", stdout=StringIO())
    assert Project.objects.filter(term__year=2024).count() == 48
    names = set(User.objects.values_list("username", flat=True))
    # mentee4..mentee10 are the mentorship period's own mentees (cohort/demo/mentorship.py).
    mentees = {f"mentee{n}" for n in range(1, 11)}
    assert names == {"admin", "maintainer", "mentor", *mentees}
    assert User.objects.get(username="mentee2").check_password("demo")
    assert User.objects.get(username="mentee8").check_password("demo")
    assert ProgramMembership.objects.filter(user__username="admin", role="admin").exists()
    maintained = OrganizationMaintainer.objects.filter(user__username="maintainer")
    # Antrea in the reference program, and again in the live demo's (cohort/demo/live.py), in
    # the proposals and review stages' (cohort/demo/phases.py) and in the mentorship period's
    # (cohort/demo/mentorship.py).
    assert sorted(maintained.values_list("organization__program__name", "organization__name")) == [
        ("CNCF LFX Mentorship", "Antrea"),
        ("Cohort demo: accepting proposals", "Antrea"),
        ("Cohort demo: in review", "Antrea"),
        ("Cohort demo: mentorship", "Antrea"),
        ("Cohort live demo", "Antrea"),
    ]
    assert User.objects.get(username="mentor").person.mentorships.exists()
    text = out.getvalue()
    assert "mentee3" in text
    assert "password “demo”" in text


def test_demo_creates_no_users_without_debug(settings):
    settings.COHORT_DEMO_USERS = False
    out = StringIO()
    call_command("demo", stdout=out)
    assert not User.objects.exists()
    # the reference term, and the archive's past terms (cohort.projects.demo.load_demo_archive)
    assert Project.objects.filter(term__year=2024, term__number=3).count() == 48
    assert Project.objects.exclude(term__year=2024, term__number=3).exists()
    assert "only when DEBUG is on" in out.getvalue()


def test_demo_adds_an_open_term_with_one_proposal_in_review(settings):
    from cohort.proposals.review import review
    from cohort.terms.models import Term

    settings.COHORT_DEMO_USERS = True
    out = StringIO()
    call_command("demo", stdout=out)
    call_command("demo", stdout=StringIO())
    upcoming = Term.objects.get(year=2027, number=1)
    proposal = Project.objects.get(term=upcoming)
    assert proposal.status == "submitted"
    state = review(proposal)
    assert state.validation.errors == []
    assert not state.gates.maintainer_approved
    assert state.gates.awaiting == ("antoninbas",)  # tnqn proposed it, so has confirmed
    assert f"/proposals/{proposal.pk}/" in out.getvalue()
    assert Project.objects.filter(term__year=2024).count() == 48  # the catalog is untouched

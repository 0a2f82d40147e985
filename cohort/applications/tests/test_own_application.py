"""No one is on both sides of an application (issue 10 finding 2).

A listed mentor or a maintainer of the project's organization cannot apply to it. Someone who
becomes a mentor of a project they had already applied to keeps their application, but on it
they are only the applicant: they never read its reviews, score, shortlist, rank or decline
it, through the pages or the API (docs/decisions/0008-no-one-reviews-their-own-application.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.test import Client

from cohort.applications import queries, services
from cohort.applications.models import Application, MenteeProfile, Review, Task
from cohort.applications.tests.conftest import World, complete_application, make_profile
from cohort.applications.tests.test_api import Api
from cohort.core.errors import DomainError
from cohort.core.models import Person
from cohort.core.tokens import create_api_token
from cohort.projects.models import Mentorship
from cohort.selection import services as selection
from cohort.selection.models import Override, Round
from cohort.terms.models import ProgramMembership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_window")]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    storage = FileSystemStorage(location=tmp_path, base_url=None)
    monkeypatch.setattr(MenteeProfile._meta.get_field("resume"), "storage", storage)
    monkeypatch.setattr(Task._meta.get_field("file"), "storage", storage)
    cache.clear()
    yield
    cache.clear()


def api(world: World, name: str) -> Api:
    return Api(create_api_token(world.user(name), name="tests")[1])


def become_mentor(world: World, name: str) -> None:
    """`name` is added to Antrea's roster after applying to it."""
    user = world.user(name)
    person, _ = Person.objects.get_or_create(github=name, defaults={"name": name, "user": user})
    Mentorship.objects.create(
        project=world.antrea, person=person, position=9, name=name, github=name
    )


@pytest.fixture
def turned_mentor(world: World) -> Application:
    """mentee1 applied to Antrea (fully), alice scored it, then mentee1 joined Antrea's mentors."""
    application = complete_application(world, "mentee1", world.antrea)
    services.review_application(application, reviewer=world.user("alice"), score=2, notes="weak")
    become_mentor(world, "mentee1")
    return application


# --- applying ------------------------------------------------------------------------------


def test_mentor_cannot_apply_to_their_own_project(world: World) -> None:
    alice = world.user("alice")
    make_profile(alice)
    with pytest.raises(DomainError, match="You are a mentor of this project"):
        services.apply_to_project(alice, world.antrea)
    assert not Application.objects.filter(mentee=alice).exists()


def test_mentor_can_apply_to_a_project_they_do_not_mentor(world: World) -> None:
    alice = world.user("alice")
    make_profile(alice)
    assert services.apply_to_project(alice, world.falco).project == world.falco


def test_maintainer_cannot_apply_to_their_organization_project(world: World) -> None:
    maintainer = world.user("maintainer")
    make_profile(maintainer)
    with pytest.raises(DomainError, match="You are a maintainer of Antrea"):
        services.apply_to_project(maintainer, world.antrea)


def test_mentor_cannot_apply_through_the_api_or_the_page(world: World) -> None:
    make_profile(world.user("alice"))
    response = api(world, "alice")("POST", "/applications", {"project": world.antrea.pk})
    assert response.status_code == 400
    assert "You are a mentor of this project" in response.json()["detail"]
    client = Client()
    client.force_login(world.user("alice"))
    page = client.post(f"/applications/apply/{world.antrea.pk}/")
    assert "You are a mentor of this project" in page.content.decode()
    assert not Application.objects.filter(mentee=world.user("alice")).exists()


def test_mentor_sees_why_on_the_project_page_instead_of_apply(world: World) -> None:
    client = Client()
    client.force_login(world.user("alice"))
    page = client.get(world.antrea.get_absolute_url()).content.decode()
    assert "You are a mentor of this project, so you cannot apply to it." in page
    assert f"/applications/apply/{world.antrea.pk}/" not in page
    other = client.get(world.falco.get_absolute_url()).content.decode()
    assert f"/applications/apply/{world.falco.pk}/" in other


# --- a mentor who applied earlier ----------------------------------------------------------


def test_mentor_cannot_review_their_own_application(
    world: World, turned_mentor: Application
) -> None:
    me = world.user("mentee1")
    own = "This is your own application"
    with pytest.raises(DomainError, match=own):
        services.review_application(turned_mentor, reviewer=me, score=5)
    with pytest.raises(DomainError, match=own):
        services.declare_conflict(turned_mentor, reviewer=me, reason="it is me")
    with pytest.raises(DomainError, match=own):
        services.shortlist_application(turned_mentor, actor=me)
    with pytest.raises(DomainError, match=own):
        services.decline_applications([turned_mentor], actor=me, message="no")
    assert not Review.objects.filter(reviewer=me).exists()
    turned_mentor.refresh_from_db()
    assert turned_mentor.status == Application.Status.SUBMITTED


def test_mentor_cannot_rank_a_shortlist_holding_their_own_application(
    world: World, turned_mentor: Application
) -> None:
    services.shortlist_application(turned_mentor, actor=world.user("alice"))
    with pytest.raises(DomainError, match="This is your own application"):
        services.rank_shortlist(world.antrea, [turned_mentor.pk], actor=world.user("mentee1"))
    turned_mentor.refresh_from_db()
    assert turned_mentor.mentor_rank is None
    client = Client()
    client.force_login(world.user("mentee1"))
    page = client.get(f"/review/projects/{world.antrea.pk}/ranking/").content.decode()
    assert "Your own application is on this shortlist, so you cannot rank it" in page


def test_mentor_cannot_read_the_reviews_of_their_own_application(
    world: World, turned_mentor: Application
) -> None:
    rows = queries.queue(world.antrea, world.user("mentee1"))
    (row,) = (r for r in rows if r.application.pk == turned_mentor.pk)
    assert row.own
    assert row.recused
    assert row.reviews == []
    assert row.scores == []
    # Another mentor still sees alice's score.
    (seen,) = (r for r in queries.queue(world.antrea, world.user("bob")))
    assert seen.scores == [2]


def test_mentor_cannot_open_their_own_application_as_a_reviewer(
    world: World, turned_mentor: Application
) -> None:
    client = Client()
    client.force_login(world.user("mentee1"))
    assert client.get(f"/review/applications/{turned_mentor.pk}/").status_code == 404
    queue = client.get(f"/review/projects/{world.antrea.pk}/").content.decode()
    assert "Your own application: other mentors decide." in queue
    assert f"/review/applications/{turned_mentor.pk}/" not in queue
    assert "weak" not in queue
    posted = client.post(f"/review/applications/{turned_mentor.pk}/review/", {"score": "5"})
    assert posted.status_code == 404
    # Their own side is untouched: the mentee page still opens.
    assert client.get(f"/applications/{turned_mentor.pk}/").status_code == 200


def test_mentor_cannot_act_on_their_own_application_through_the_api(
    world: World, turned_mentor: Application
) -> None:
    me = api(world, "mentee1")
    pk = turned_mentor.pk
    assert me("PUT", f"/applications/{pk}/review", {"score": 5}).status_code == 404
    assert me("POST", f"/applications/{pk}/shortlist").status_code == 404
    assert me("POST", f"/applications/{pk}/conflict", {"reason": "me"}).status_code == 404
    declined = me(
        "POST", f"/projects/{world.antrea.pk}/decline", {"applications": [pk], "message": "x"}
    )
    assert declined.status_code in (400, 404)
    rows = me("GET", f"/projects/{world.antrea.pk}/queue").json()
    (row,) = (r for r in rows if r["application"] == pk)
    assert row["own"] is True
    assert row["scores"] == []
    assert row["my_notes"] == ""
    turned_mentor.refresh_from_db()
    assert turned_mentor.status == Application.Status.SUBMITTED
    assert Review.objects.filter(application=turned_mentor).count() == 1  # alice's only


def test_admin_cannot_override_their_own_application(world: World) -> None:
    """A program admin who applied cannot force themselves onto a project."""
    admin = world.user("admin")
    make_profile(admin)
    application = complete_application(world, "admin", world.falco)
    services.shortlist_application(application, actor=world.user("carol"))
    assert ProgramMembership.objects.filter(user=admin).exists()
    round_ = Round.objects.create(term=world.term, number=1, created_by=admin)
    with pytest.raises(DomainError, match="This is your own application"):
        selection.add_override(
            round_, application, kind=Override.Kind.FORCE, reason="I want it", actor=admin
        )
    assert not Override.objects.exists()

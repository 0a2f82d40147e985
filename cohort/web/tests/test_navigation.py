"""The menu follows the roles a person holds, computed once per request (`nav_roles`), and
flash messages appear once on every page, from base.html."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from cohort.applications.tests import conftest as applications_world
from cohort.applications.tests.conftest import World
from cohort.core.models import Person, User
from cohort.projects.models import Mentorship, Project
from cohort.web.navigation import nav_roles, request_roles

pytestmark = pytest.mark.django_db
world = applications_world.world  # the fixture: one term, three projects, every role


def _menu(client: Client, path: str = "/") -> set[str]:
    """The labels of the main menu's entries on the page at `path`."""
    html = client.get(path).content.decode()
    nav = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
    return {
        re.sub(r"\s+", " ", label).strip()
        for label in re.findall(r"<(?:a|button)\b[^>]*>(.*?)</(?:a|button)>", nav, re.S)
    }


def test_visitor_sees_home_search_log_in_and_sign_up(client: Client, world: World) -> None:
    assert _menu(client) == {"Home", "Search", "Log in", "Sign up"}


def test_visitor_cannot_see_sign_up_when_signup_is_closed(
    client: Client, world: World, settings
) -> None:
    settings.COHORT_SIGNUP_OPEN = False
    assert _menu(client) == {"Home", "Search", "Log in"}


def test_mentee_sees_my_applications_but_not_review_or_proposals(
    client: Client, world: World
) -> None:
    client.force_login(world.user("mentee1"))
    assert _menu(client) == {
        "Home",
        "Search",
        "My applications",
        "Calendar",
        "Your data",
        "Log out",
    }


def test_mentor_sees_review_but_not_proposals_or_my_applications(
    client: Client, world: World
) -> None:
    client.force_login(world.user("carol"))
    assert _menu(client) == {"Home", "Search", "Review", "Calendar", "Your data", "Log out"}


def test_mentor_who_proposes_sees_proposals(client: Client, world: World) -> None:
    Project.objects.filter(pk=world.falco.pk).update(proposer=world.user("carol"))
    client.force_login(world.user("carol"))
    assert _menu(client) == {
        "Home",
        "Search",
        "Proposals",
        "Review",
        "Calendar",
        "Your data",
        "Log out",
    }


def test_maintainer_sees_proposals_and_review_counts(client: Client, world: World) -> None:
    client.force_login(world.user("maintainer"))
    assert _menu(client) == {
        "Home",
        "Search",
        "Proposals",
        "Review",
        "Calendar",
        "Your data",
        "Log out",
    }


def test_program_admin_sees_board_review_and_selection_of_their_newest_term(
    client: Client, world: World
) -> None:
    client.force_login(world.user("admin"))
    assert _menu(client) == {
        "Home",
        "Search",
        "Proposals",
        "Proposals board",
        "Review",
        "Selection",
        "Console",
        "Calendar",
        "Your data",
        "Log out",
    }
    html = client.get("/").content.decode()
    assert f'href="{reverse("console:home")}"' in html
    assert f'href="{reverse("proposals:board", args=[world.term.pk])}"' in html
    assert f'href="{reverse("selection:term", args=[world.term.pk])}"' in html


def test_staff_sees_admin(client: Client, world: World) -> None:
    admin = world.user("admin")
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    assert "Admin" in _menu(client)
    client.force_login(world.user("alice"))
    assert "Admin" not in _menu(client)


def test_current_page_is_marked_in_the_menu(client: Client, world: World) -> None:
    client.force_login(world.user("mentee1"))
    home = reverse("applications:home")
    assert f'href="{home}" aria-current="page"' in client.get(home).content.decode()


def _roles_queries(world: World, name: str) -> int:
    user = User.objects.get(username=name)  # fresh: no relation cached yet
    with CaptureQueriesContext(connection) as captured:
        nav_roles(user)
    return len(captured)


def test_roles_take_a_fixed_number_of_queries_however_many_projects(world: World) -> None:
    assert _roles_queries(world, "carol") == 2  # the GitHub handle, then one EXISTS query
    person = Person.objects.get(github="carol")
    for n in range(19):
        project = Project.objects.create(
            term=world.term,
            organization=world.falco.organization,
            slug=f"more-{n}",
            title=f"More {n}",
            proposer=world.user("carol"),
        )
        Mentorship.objects.create(
            project=project, person=person, position=0, name="Carol", github="carol"
        )
    assert Project.objects.filter(mentorships__github="carol").count() == 20
    assert _roles_queries(world, "carol") == 2
    assert nav_roles(world.user("carol")).proposer


def test_a_request_reads_the_roles_once_and_again_for_another_user(rf, world: World) -> None:
    request = rf.get("/")
    request.user = User.objects.get(username="carol")
    with CaptureQueriesContext(connection) as captured:
        first = request_roles(request)
        assert request_roles(request) is first
    assert len(captured) == 2  # the GitHub handle and the roles, once
    assert first.mentor
    assert not first.mentee
    request.user = world.user("mentee1")  # signed in as someone else within the request
    assert request_roles(request) == nav_roles(world.user("mentee1")) != first
    other = rf.get("/")
    other.user = User.objects.get(username="carol")
    with CaptureQueriesContext(connection) as captured:
        assert request_roles(other) == first
    assert len(captured) == 2  # another request reads them afresh


def test_visitor_roles_take_no_query(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    with CaptureQueriesContext(connection) as captured:
        assert not nav_roles(AnonymousUser()).signed_in
    assert len(captured) == 0


def test_a_message_after_a_redirect_is_shown_exactly_once(client: Client, world: World) -> None:
    client.force_login(world.user("admin"))
    response = client.post(reverse("proposals:publish", args=[world.term.pk]), follow=True)
    assert response.redirect_chain
    html = response.content.decode()
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1
    assert html.count(escape(shown[0])) == 1
    assert html.count('class="messages"') == 1

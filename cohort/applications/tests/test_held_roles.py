"""`access_project` reads a project's roles once and leaves them on the project it returns:
`held_roles` gives them back for that user only, and for no other project instance."""

from __future__ import annotations

from cohort.applications import access
from cohort.applications.tests.conftest import World
from cohort.core.permissions import Perm, Role
from cohort.projects.models import Project


def test_held_roles_are_those_access_read_for_that_user(world: World) -> None:
    bob, admin = world.user("bob"), world.user("admin")
    project = access.access_project(bob, world.antrea.pk, Perm.QUEUE_VIEW)
    assert access.held_roles(bob, project) == {Role.MENTOR}
    assert access.held_roles(admin, project) is None  # read for bob, not for the admin
    assert access.held_roles(bob, Project.objects.get(pk=world.antrea.pk)) is None

    as_admin = access.access_project(admin, world.antrea.pk, Perm.QUEUE_VIEW)
    assert access.held_roles(admin, as_admin) == access.project_roles(admin, as_admin)
    assert Role.PROGRAM_ADMIN in (access.held_roles(admin, as_admin) or set())

from __future__ import annotations

import pytest

from cohort.proposals.tests.conftest import World, world  # noqa: F401  (the fixture)


@pytest.fixture
def people(world: World) -> World:  # noqa: F811
    """The proposals world, with an e-mail address for every user (name@example.org)."""
    for name, user in world.users.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    return world

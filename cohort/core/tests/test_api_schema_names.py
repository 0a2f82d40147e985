"""Every schema of the API has its own name: the OpenAPI document keys its components by class
name, so a second class of the same name silently takes the first one's place (a term set-up
`MilestoneOut` once replaced the catalog's, and the catalog's answers no longer matched)."""

from __future__ import annotations

from collections import defaultdict

from django.test import Client
from ninja import Schema

import config.api  # noqa: F401  # every app's router, and so every schema, imported


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        found |= {sub, *_subclasses(sub)}
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    by_name: defaultdict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith(("cohort.", "config.")):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: where for name, where in by_name.items() if len(where) > 1}
    assert clashes == {}


def test_the_catalog_and_the_set_up_milestones_are_two_components(client: Client) -> None:
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "has_time" not in components["MilestoneOut"]["properties"]  # the catalog's
    assert "has_time" in components["TimelineMilestoneOut"]["properties"]

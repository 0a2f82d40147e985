"""A program admin chooses the program's evaluation policy through the API: the presets and
the program's own, the default first; placements made afterwards take the new rounds, those
made before keep theirs."""

from __future__ import annotations

from typing import Any

import pytest

from cohort.mentorship.models import EvaluationRound, Placement
from cohort.mentorship.tests.conftest import Placed, accept
from cohort.mentorship.tests.test_api import Api, ok, refused

pytestmark = pytest.mark.django_db


def slugs(body: list[dict[str, Any]]) -> list[tuple[str, bool, bool]]:
    return [(c["slug"], c["installed"], c["default"]) for c in body]


def test_the_admin_switches_the_program_to_the_part_time_policy(placed: Placed) -> None:
    program = placed.world.term.program
    api = Api(placed.world.user("admin"))
    path = f"/programs/{program.slug}/evaluation-policies"
    listed = ok(api("GET", path))
    # mentee1's placement installed the default (LFX full-time) when it was made.
    assert slugs(listed) == [
        ("lfx-full-time", True, True),
        ("gsoc", False, False),
        ("lfx-part-time", False, False),
        ("outreachy", False, False),
    ]
    assert [r["week"] for r in listed[2]["rounds"]] == [6, 12, 18, 24]
    assert listed[0]["rounds"][0]["milestone"] == "midterm_evals"
    chosen = ok(
        api("PUT", f"/programs/{program.slug}/evaluation-policy", {"policy": "lfx-part-time"})
    )
    assert slugs(chosen)[0] == ("lfx-part-time", True, True)
    assert ("lfx-full-time", True, False) in slugs(chosen)
    detail = refused(
        api("PUT", f"/programs/{program.slug}/evaluation-policy", {"policy": "weekly"})
    )
    assert "not a known policy" in detail
    later = Placement.objects.get(offer=accept(placed.sel, "mentee2", "antrea"))
    keys = lambda p: list(  # noqa: E731
        EvaluationRound.objects.filter(placement=p).values_list("key", flat=True)
    )
    assert keys(later) == ["week-6", "week-12", "week-18", "week-24"]
    assert keys(placed.placement) == ["midterm", "final"]


def test_a_program_that_never_chose_shows_the_default_preset(ready: Any) -> None:
    program = ready.world.term.program
    listed = ok(
        Api(ready.world.user("admin"))("GET", f"/programs/{program.slug}/evaluation-policies")
    )
    assert slugs(listed)[0] == ("lfx-full-time", False, True)
    assert len(listed) == 4

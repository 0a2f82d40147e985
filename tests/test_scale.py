"""bench/scale.py: the small preset builds the expected rows and a draft round, and the
measurement gives one row per page, API list and job of issue 18."""

from __future__ import annotations

import importlib.util
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import LazySettings
from django.urls import clear_url_caches

from cohort.applications.models import Application
from cohort.selection.models import Offer, Round

pytestmark = pytest.mark.django_db


def _scale() -> ModuleType:
    if "bench_scale" in sys.modules:
        return sys.modules["bench_scale"]
    path = Path(__file__).resolve().parents[1] / "bench" / "scale.py"
    spec = importlib.util.spec_from_file_location("bench_scale", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_scale"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_small_preset_builds_its_counts_and_a_draft_round() -> None:
    scale = _scale()
    start = time.perf_counter()
    built = scale.build(scale.PRESETS["small"])
    assert time.perf_counter() - start < 30  # a few seconds; generous for a loaded machine

    counts = built.counts
    assert counts["organizations"] == 3
    assert counts["published projects"] == 8 + 3  # the term's, and the open ones to apply to
    assert counts["submitted proposals"] == 8
    assert counts["applications"] == 68
    assert counts["tasks"] == 68
    assert counts["mentee profiles"] == 30 + 12
    assert counts["offers"] == 0
    assert counts["reviews"] > 0
    assert counts["mentor-ranked applications"] > 0
    assert counts["mentee-ranked applications"] > 0
    statuses = {k.strip(): v for k, v in counts.items() if k.startswith("  applications")}
    assert sum(statuses.values()) == 68
    assert {"applications submitted", "applications shortlisted"} <= set(statuses)

    # 1-3 applications per mentee, each within the program's cap of active slots.
    mentees = Application.objects.filter(term_id=built.term_id).values_list("mentee_id", flat=True)
    assert set(Counter(mentees).values()) == {1, 2, 3}

    # The draft round was computed by run_round from these rankings: it places some mentees.
    round_ = Round.objects.get(pk=built.round_id)
    assert round_.status == Round.Status.DRAFT
    assert round_.term_id == built.term_id
    assert round_.proposal.assignment
    shortlisted = Application.objects.filter(term_id=built.term_id, status="shortlisted")
    placed = {(a.mentee_id, a.project_id) for a in shortlisted}
    assert set(round_.proposal.assignment.items()) <= placed


def test_measuring_the_small_preset_gives_a_row_per_page_and_job(settings: LazySettings) -> None:
    scale = _scale()
    settings.ROOT_URLCONF = settings.ROOT_URLCONF  # restored after the test
    scale.build(scale.PRESETS["small"])
    scene = scale.find_scene("small")
    try:
        rows = scale.measure_scene(scene, scale.OneDatabaseStages(scene), runs=1, job_runs=1)
    finally:
        clear_url_caches()

    whats = [row.what.split(" (")[0] for row in rows]
    assert whats == [
        "proposal board",
        "selection page, draft round",
        "term catalog page",
        "catalog API",
        "admin term overview",
        "review queue",
        "Django admin: applications",
        "apply",
        "minimal authenticated insert",
        "confirm_round",
        "selection page, confirmed round",
        "Django admin: offers",
        "notify_round",
        "run-periodic, nothing to do",
    ]
    for row in rows:
        assert row.queries > 0, row
        assert row.ms > 0, row
        if row.kb is not None:  # a page or an API call: answered, with a body
            assert row.status in (200, 201), row
            assert row.kb > 0, row
    # confirm_round ran in a rolled-back copy; the confirmed stage made the offers for real.
    assert Offer.objects.filter(term_id=scene.term_id).exists()
    assert Application.objects.filter(mentee_id__in=scene.applicant_ids).count() == 0

    table = scale.table({"now": {"small": [vars(r) for r in rows]}}, ["small"])
    lines = table.splitlines()
    assert len(lines) == 2 + len(rows)
    assert lines[2].startswith("| proposal board | ")

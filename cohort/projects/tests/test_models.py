from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import IntegrityError

from cohort.projects.models import Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.projects.tests.conftest import make_term

ARCHITECTURE = Path(__file__).resolve().parents[3] / "docs" / "architecture.md"


def test_the_documented_state_diagram_matches_the_transition_table():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    diagram = text.split("stateDiagram-v2", 1)[1].split("```", 1)[0]
    edges = set(re.findall(r"^\s*(\w+) --> (\w+)\s*$", diagram, re.MULTILINE))
    table = {(a, b) for a, targets in Project.TRANSITIONS.items() for b in targets}
    assert edges == table


@pytest.mark.django_db
def test_the_database_refuses_an_unknown_project_status():
    term = import_term(make_term(), program=get_or_create_program("P")).term
    with pytest.raises(IntegrityError):
        Project.objects.filter(term=term).update(status="lost")


@pytest.mark.django_db
def test_project_numbers_are_unique_within_a_term():
    term = import_term(make_term(), program=get_or_create_program("P")).term
    first, second = Project.objects.filter(term=term)[:2]
    Project.objects.filter(pk=first.pk).update(number=7)
    with pytest.raises(IntegrityError):
        Project.objects.filter(pk=second.pk).update(number=7)

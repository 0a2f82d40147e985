from __future__ import annotations

import re
from pathlib import Path

from cohort.applications.models import Application

ARCHITECTURE = Path(__file__).resolve().parents[3] / "docs" / "architecture.md"


def test_the_documented_application_diagram_matches_the_transition_table():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    section = text.split("## Application workflow", 1)[1]
    diagram = section.split("stateDiagram-v2", 1)[1].split("```", 1)[0]
    edges = set(re.findall(r"^\s*(\w+) --> (\w+)\s*$", diagram, re.MULTILINE))
    table = {(a, b) for a, targets in Application.TRANSITIONS.items() for b in targets}
    assert edges == table
    assert len(table) == 17

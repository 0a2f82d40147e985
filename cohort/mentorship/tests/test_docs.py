"""docs/architecture.md draws the placement and evaluation state machines; each must match
its table."""

from __future__ import annotations

import re
from pathlib import Path

from cohort.mentorship.models import Evaluation, Placement

ARCHITECTURE = Path(__file__).resolve().parents[3] / "docs" / "architecture.md"


def diagrams() -> list[set[tuple[str, str]]]:
    section = ARCHITECTURE.read_text(encoding="utf-8").split("\n## Mentorship\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    return [
        set(re.findall(r"^\s*(\w+) --> (\w+)\s*$", block.split("```", 1)[0], re.MULTILINE))
        for block in section.split("stateDiagram-v2")[1:]
    ]


def test_the_placement_diagram_matches_its_transition_table() -> None:
    placements, _ = diagrams()
    table = {(a, b) for a, targets in Placement.TRANSITIONS.items() for b in targets}
    assert placements == table
    assert len(placements) == 9


def test_the_evaluation_diagram_matches_its_transition_table() -> None:
    _, evaluations = diagrams()
    table = {(a, b) for a, targets in Evaluation.TRANSITIONS.items() for b in targets}
    assert evaluations == table
    assert len(evaluations) == 7

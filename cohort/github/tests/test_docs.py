"""docs/architecture.md draws the states of a write owed to GitHub; they must match the table."""

from __future__ import annotations

import re
from pathlib import Path

from cohort.github.models import Write

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_the_write_diagram_matches_the_transition_table() -> None:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    section = text.split("\n## GitHub\n", 1)[1].split("\n## ", 1)[0]
    (block,) = [b.split("```", 1)[0] for b in section.split("stateDiagram-v2")[1:]]
    drawn = set(re.findall(r"^\s*(\w+) --> (\w+)\s*$", block, re.MULTILINE))
    table = {(a, b) for a, targets in Write.TRANSITIONS.items() for b in targets}
    assert drawn == table
    assert set(Write.TRANSITIONS) == set(Write.Status.values)
    assert "[*] --> pending" in block
    assert Write._meta.get_field("status").default == Write.Status.PENDING

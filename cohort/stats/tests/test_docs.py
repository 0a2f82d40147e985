"""docs/architecture.md draws the term's close; the diagram must match `Term.TRANSITIONS`."""

from __future__ import annotations

import re
from pathlib import Path

from cohort.terms.models import Term

DOCS = Path(__file__).resolve().parents[3] / "docs"


def diagrams() -> list[set[tuple[str, str]]]:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    section = text.split("\n## Closing a term\n", 1)[1].split("\n## ", 1)[0]
    return [
        set(re.findall(r"^\s*(\w+) --> (\w+)\s*$", block.split("```", 1)[0], re.MULTILINE))
        for block in section.split("stateDiagram-v2")[1:]
    ]


def test_the_term_diagram_matches_its_transition_table() -> None:
    (terms,) = diagrams()
    table = {(a, b) for a, targets in Term.TRANSITIONS.items() for b in targets}
    assert terms == table
    assert terms == {("open", "closed")}

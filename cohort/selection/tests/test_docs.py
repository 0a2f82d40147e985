"""docs/architecture.md draws the selection state machines; they must match the tables."""

from __future__ import annotations

import re
from pathlib import Path

from cohort.selection.models import Offer, Round

ARCHITECTURE = Path(__file__).resolve().parents[3] / "docs" / "architecture.md"


def diagrams() -> list[set[tuple[str, str]]]:
    section = ARCHITECTURE.read_text(encoding="utf-8").split("## Selection", 1)[1]
    section = section.split("\n## ", 1)[0]
    return [
        set(re.findall(r"^\s*(\w+) --> (\w+)\s*$", block.split("```", 1)[0], re.MULTILINE))
        for block in section.split("stateDiagram-v2")[1:]
    ]


def edges(table: dict[str, frozenset[str]]) -> set[tuple[str, str]]:
    return {(a, b) for a, targets in table.items() for b in targets}


def test_the_round_and_offer_diagrams_match_their_transition_tables():
    rounds, offers = diagrams()
    assert rounds == edges(Round.TRANSITIONS)
    assert offers == edges(Offer.TRANSITIONS)
    assert len(offers) == 4

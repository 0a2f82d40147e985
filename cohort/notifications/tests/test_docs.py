"""docs/architecture.md draws the outbox's delivery states; they must match the table."""

from __future__ import annotations

import re
from pathlib import Path

from cohort.notifications.models import Notification

DOCS = Path(__file__).resolve().parents[3] / "docs"


def test_the_delivery_diagram_matches_the_transition_table() -> None:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    section = text.split("\n## E-mail\n", 1)[1].split("\n## ", 1)[0]
    (block,) = [b.split("```", 1)[0] for b in section.split("stateDiagram-v2")[1:]]
    drawn = set(re.findall(r"^\s*(\w+) --> (\w+)\s*$", block, re.MULTILINE))
    table = {(a, b) for a, targets in Notification.TRANSITIONS.items() for b in targets}
    assert drawn == table
    assert set(Notification.TRANSITIONS) == set(Notification.Status.values)
    assert ("failed", "sent") in drawn
    assert "[*] --> queued" in block  # every row starts queued
    assert Notification._meta.get_field("status").default == Notification.Status.QUEUED

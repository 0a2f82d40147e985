"""docs/architecture.md draws the payment state machine; it must match its table, and
docs/money.md must state the figures the code uses."""

from __future__ import annotations

import re
from pathlib import Path

from cohort.stipends.models import Payment
from cohort.stipends.presets import GSOC_SIZES, LF_2026_EFFECTIVE
from cohort.stipends.services import PAYOUT_BUSINESS_DAYS

DOCS = Path(__file__).resolve().parents[3] / "docs"


def diagrams() -> list[set[tuple[str, str]]]:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    section = text.split("\n## Stipends\n", 1)[1].split("\n## ", 1)[0]
    return [
        set(re.findall(r"^\s*(\w+) --> (\w+)\s*$", block.split("```", 1)[0], re.MULTILINE))
        for block in section.split("stateDiagram-v2")[1:]
    ]


def test_the_payment_diagram_matches_its_transition_table() -> None:
    (payments,) = diagrams()
    table = {(a, b) for a, targets in Payment.TRANSITIONS.items() for b in targets}
    assert payments == table
    assert payments == {
        ("pending", "approved"),
        ("pending", "cancelled"),
        ("approved", "sent"),
        ("approved", "cancelled"),
        ("sent", "paid"),
        ("sent", "failed"),
        ("failed", "approved"),
        ("failed", "cancelled"),
    }


def test_money_md_states_the_figures_the_code_uses() -> None:
    text = " ".join((DOCS / "money.md").read_text(encoding="utf-8").split())
    assert f"{PAYOUT_BUSINESS_DAYS} US business days" in text
    assert LF_2026_EFFECTIVE.isoformat() in text
    for base, low, high in GSOC_SIZES.values():
        assert f"{base:,} USD ({low:,}..{high:,})" in text
    assert "PA.NUS.PPPC.RF" in text
    assert "2024-06-28" in text
    factors = (Path(__file__).resolve().parents[1] / "data" / "ppp-factors.csv").read_text()
    assert "PA.NUS.PPPC.RF" in factors
    assert "2024-06-28" in factors

"""The evaluation policies a program can start from (facts, with their sources): plain data,
no Django. A program's policy is stored as rows (`EvaluationPolicy`, `PolicyRound`) that its
admins can change; these presets are what `services.install_policy` writes.

Weeks count from the day the mentorship begins. A round with a `milestone` is due at the close
of the term's milestone of that key when the term's timeline has one (the CNCF's terms date
their midterm and final evaluations: "Oct 15 5:00 PM PDT"), else `week` weeks after the start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class RoundPreset:
    key: str
    label: str
    week: int
    milestone: str = ""
    final: bool = False
    ends_on_fail: bool = True
    opens_days_before: int = 14


@dataclass(frozen=True)
class PolicyPreset:
    slug: str
    name: str
    weeks: int
    source: str
    rounds: tuple[RoundPreset, ...]


LFX_FULL_TIME: Final = PolicyPreset(
    slug="lfx-full-time",
    name="LFX Mentorship, full-time (12 weeks)",
    weeks=12,
    source=(
        "LFX Mentorship: a midterm evaluation at week 6 and a final one at week 12; the CNCF's "
        "term pages date both (cncf/mentoring programs/lfx-mentorship, 2021 onwards)."
    ),
    rounds=(
        RoundPreset("midterm", "Midterm evaluation", 6, milestone="midterm_evals"),
        RoundPreset("final", "Final evaluation", 12, milestone="final_evals", final=True),
    ),
)

LFX_PART_TIME: Final = PolicyPreset(
    slug="lfx-part-time",
    name="LFX Mentorship, part-time (24 weeks)",
    weeks=24,
    source=(
        "The Linux Foundation's part-time variant of LFX Mentorship: 24 weeks, with "
        "evaluations at weeks 6, 12, 18 and 24 (docs.linuxfoundation.org/lfx/mentorship)."
    ),
    rounds=(
        RoundPreset("week-6", "Week 6 evaluation", 6),
        RoundPreset("week-12", "Week 12 evaluation", 12),
        RoundPreset("week-18", "Week 18 evaluation", 18),
        RoundPreset("week-24", "Final evaluation (week 24)", 24, final=True),
    ),
)

GSOC: Final = PolicyPreset(
    slug="gsoc",
    name="Google Summer of Code (12 weeks)",
    weeks=12,
    source=(
        "Google Summer of Code: midterm and final evaluations by the mentor; failing one ends "
        "the project (developers.google.com/open-source/gsoc, program rules)."
    ),
    rounds=(
        RoundPreset("midterm", "Midterm evaluation", 6),
        RoundPreset("final", "Final evaluation", 12, final=True),
    ),
)

OUTREACHY: Final = PolicyPreset(
    slug="outreachy",
    name="Outreachy internship (13 weeks)",
    weeks=13,
    source=(
        "Outreachy: initial, midpoint and final feedback from mentor and intern "
        "(outreachy.org/docs/internship, internship feedback schedule)."
    ),
    rounds=(
        RoundPreset("initial", "Initial feedback", 2, opens_days_before=7),
        RoundPreset("midpoint", "Midpoint feedback", 7),
        RoundPreset("final", "Final feedback", 13, final=True),
    ),
)

PRESETS: Final[dict[str, PolicyPreset]] = {
    preset.slug: preset for preset in (LFX_FULL_TIME, LFX_PART_TIME, GSOC, OUTREACHY)
}
# What a program that never chose one starts with: the CNCF's.
DEFAULT_PRESET: Final = LFX_FULL_TIME.slug

"""The stipend policies a program can start from (facts, with their sources; pure: no Django).
A program's policy is stored as rows its admins can change (`services.install_preset`); these
are what it starts with. docs/money.md explains each and cites its source.

The PPP factors are the World Bank's price level ratios (`data/ppp-factors.csv`, which says
where they come from and when).
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from pathlib import Path
from typing import Final

from cohort.stipends.money import Installment, Kind, Rule, factor_e4, quote

FACTORS_FILE: Final = Path(__file__).with_name("data") / "ppp-factors.csv"

LF_SOURCE: Final = (
    "LFX Mentorship mentee stipends (docs.linuxfoundation.org/lfx/mentorship/mentee-stipends): "
    "a PPP-based calculation from a base of 6,000 USD, with a maximum of 6,600 USD and a "
    "minimum of 3,000 USD; the minimum is 1,000 USD for programs starting on or after "
    "2026-07-01 (cncf/mentoring discussion #1896; the LF's blog post 'Strengthening LFX "
    "Mentoring: A Fairer Stipend Model'). Paid 50% after the midterm evaluation and 50% after "
    "the final one (the CNCF's 2020 term pages). PPP factors: the World Bank's PA.NUS.PPPC.RF "
    "(World Development Indicators, updated 2024-06-28)."
)
GSOC_SOURCE: Final = (
    "Google Summer of Code contributor stipends (developers.google.com/open-source/gsoc/help/"
    "student-stipends, 2024): a PPP-based amount per project size, small from a base of "
    "1,500 USD (750..1,650), medium from 3,000 USD (1,500..3,300), large from 6,000 USD "
    "(3,000..6,600); 45% after the first evaluation and 55% after the final one. The table is "
    "computed from the World Bank's PA.NUS.PPPC.RF factors with those bases and bounds; "
    "Google's published table uses its own factors and may differ."
)
OUTREACHY_SOURCE: Final = (
    "Outreachy internships pay a flat 7,000 USD stipend, the same in every country "
    "(outreachy.org, 'Internship stipend'). The split over the midpoint and final feedback "
    "is Cohort's default; change it to the program's schedule."
)

LF_EFFECTIVE: Final = date(2019, 1, 1)
# "for programs starting on or after 2026-07-01 the minimum is $1,000"
LF_2026_EFFECTIVE: Final = date(2026, 7, 1)
CENTS: Final = 100


@cache
def ppp_factors() -> dict[str, int]:
    """Country (ISO 3166-1 alpha-2) → PPP factor in ten-thousandths, from the shipped file."""
    with FACTORS_FILE.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        return {row["country"]: factor_e4(row["factor"]) for row in csv.DictReader(lines)}


def lf(minimum_usd: int, effective_from: date) -> Rule:
    return Rule(
        kind=Kind.PPP,
        currency="USD",
        effective_from=effective_from,
        installments=(Installment("midterm", 5_000), Installment("final", 5_000)),
        name=f"LFX Mentorship (PPP, minimum {minimum_usd:,} USD)",
        source=LF_SOURCE,
        base=6_000 * CENTS,
        minimum=minimum_usd * CENTS,
        maximum=6_600 * CENTS,
        rounding=CENTS,  # whole dollars
        fallback=minimum_usd * CENTS,
        factors=ppp_factors(),
    )


# GSoC's sizes: (base, minimum, maximum) in USD.
GSOC_SIZES: Final = {
    "small": (1_500, 750, 1_650),
    "medium": (3_000, 1_500, 3_300),
    "large": (6_000, 3_000, 6_600),
}


def gsoc(effective_from: date = LF_EFFECTIVE) -> Rule:
    table: dict[tuple[str, str], int] = {}
    for column, (base, low, high) in GSOC_SIZES.items():
        sized = Rule(
            kind=Kind.PPP,
            currency="USD",
            effective_from=effective_from,
            installments=(),
            base=base * CENTS,
            minimum=low * CENTS,
            maximum=high * CENTS,
            rounding=CENTS,
            factors=ppp_factors(),
        )
        for country in ppp_factors():
            table[(country, column)] = quote(sized, country).total
    return Rule(
        kind=Kind.TABLE,
        currency="USD",
        effective_from=effective_from,
        installments=(Installment("midterm", 4_500), Installment("final", 5_500)),
        name="Google Summer of Code (table by project size)",
        source=GSOC_SOURCE,
        rounding=CENTS,
        fallback=GSOC_SIZES["small"][1] * CENTS,
        columns=tuple(GSOC_SIZES),
        table=table,
    )


def outreachy(effective_from: date = LF_EFFECTIVE) -> Rule:
    return Rule(
        kind=Kind.FLAT,
        currency="USD",
        effective_from=effective_from,
        installments=(Installment("midpoint", 5_000), Installment("final", 5_000)),
        name="Outreachy (flat)",
        source=OUTREACHY_SOURCE,
        flat=7_000 * CENTS,
        rounding=CENTS,
        fallback=7_000 * CENTS,
    )


def presets() -> dict[str, tuple[Rule, ...]]:
    """Each preset's slug → the policies it installs, oldest first (a preset can change its
    rule on a date, as the LF's minimum did)."""
    return {
        "lfx": (lf(3_000, LF_EFFECTIVE), lf(1_000, LF_2026_EFFECTIVE)),
        "gsoc": (gsoc(),),
        "outreachy": (outreachy(),),
    }


DEFAULT_PRESET: Final = "lfx"
# What each preset is called where an admin picks one.
PRESET_NAMES: Final = {
    "lfx": "LFX Mentorship: PPP, 3,000 USD minimum, 1,000 USD from July 2026",
    "gsoc": "Google Summer of Code: a table by country and project size",
    "outreachy": "Outreachy: a flat 7,000 USD",
}

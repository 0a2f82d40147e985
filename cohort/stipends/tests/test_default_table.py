"""The shipped default table, computed for every country it lists, against an independent
computation with `fractions.Fraction` (issue 14's bar: "an amount computed for each country of
the default table matches the table exactly")."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from fractions import Fraction
from math import floor

import pytest

from cohort.applications.tests.conftest import World
from cohort.mentorship.models import Placement
from cohort.stipends import presets, services
from cohort.stipends.money import Kind, quote

ROWS = list(
    csv.DictReader(
        line
        for line in presets.FACTORS_FILE.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    )
)


def dollars(base: int, factor: str, low: int, high: int) -> int:
    """`base` × factor rounded half-up to whole dollars and clamped, in cents."""
    exact = base * Fraction(factor)
    rounded = floor(exact + Fraction(1, 2))
    return min(max(rounded, low), high) * 100


def test_the_file_has_a_row_per_country_and_every_one_is_read() -> None:
    countries = [row["country"] for row in ROWS]
    assert len(ROWS) >= 200
    assert len(set(countries)) == len(countries)
    assert len(presets.ppp_factors()) == len(ROWS)


@pytest.mark.parametrize(
    ("minimum", "effective"), [(3_000, date(2019, 1, 1)), (1_000, date(2026, 7, 1))]
)
def test_the_lf_rule_for_every_country_of_the_table(minimum: int, effective: date) -> None:
    rule = presets.lf(minimum, effective)
    checked = 0
    for row in ROWS:
        expected = dollars(6_000, row["factor"], minimum, 6_600)
        got = quote(rule, row["country"])
        assert (row["country"], got.total, got.currency) == (row["country"], expected, "USD")
        checked += 1
    assert checked == len(ROWS)


@pytest.mark.parametrize(
    ("country", "old", "new"),
    [
        ("US", 600_000, 600_000),  # factor 1.0000
        ("CH", 645_200, 645_200),  # 1.0754 × 6,000 = 6,452.40 → 6,452
        ("IN", 300_000, 146_500),  # 0.2442 × 6,000 = 1,465.20 → 1,465; 3,000 before 2026-07
        ("ZZ", 300_000, 100_000),  # not in the file: the fallback, the minimum
    ],
)
def test_hand_checked_anchors(country: str, old: int, new: int) -> None:
    lfx_2019, lfx_2026 = presets.presets()["lfx"]
    assert quote(lfx_2019, country).total == old
    assert quote(lfx_2026, country).total == new


def test_a_country_missing_from_the_file_is_paid_the_fallback() -> None:
    assert "ZZ" not in presets.ppp_factors()
    got = quote(presets.lf(3_000, date(2019, 1, 1)), "ZZ")
    assert (got.total, got.basis) == (300_000, "no PPP factor for ZZ: fallback")


@pytest.mark.parametrize(
    ("country", "small", "medium", "large"),
    [
        ("US", 150_000, 300_000, 600_000),
        ("CH", 161_300, 322_600, 645_200),  # 1,613.10 → 1,613; 3,226.20 → 3,226
        ("IN", 75_000, 150_000, 300_000),  # 366.30, 732.60, 1,465.20: all below the minimum
        ("DE", 114_100, 228_200, 456_400),  # 0.7607: 1,141.05 → 1,141; 2,282.10; 4,564.20
    ],
)
def test_the_gsoc_table(country: str, small: int, medium: int, large: int) -> None:
    (rule,) = presets.presets()["gsoc"]
    assert rule.kind is Kind.TABLE
    assert rule.columns == ("small", "medium", "large")
    assert [quote(rule, country, size).total for size in rule.columns] == [small, medium, large]
    assert quote(rule, country).total == small  # no size: the first column
    assert [i.share for i in rule.installments] == [4_500, 5_500]


def test_the_gsoc_table_for_every_country() -> None:
    (rule,) = presets.presets()["gsoc"]
    for row in ROWS:
        for size, (base, low, high) in presets.GSOC_SIZES.items():
            assert rule.table[(row["country"], size)] == dollars(base, row["factor"], low, high)
    assert len(rule.table) == 3 * len(ROWS)


@pytest.mark.parametrize("country", ["US", "IN", "CH", "ZZ", ""])
def test_outreachy_is_flat(country: str) -> None:
    (rule,) = presets.presets()["outreachy"]
    assert quote(rule, country).total == 700_000


def test_the_factors_are_the_files_figures() -> None:
    factors = presets.ppp_factors()
    assert (factors["US"], factors["CH"], factors["IN"], factors["DE"]) == (
        10_000,
        10_754,
        2_442,
        7_607,
    )


@pytest.mark.django_db
def test_the_policy_in_effect_is_chosen_by_the_terms_start_in_its_zone(world: World) -> None:
    services.install_preset(world.program, "lfx", actor=world.user("admin"))
    world.term.time_zone = "America/Los_Angeles"
    world.term.save()
    # 2026-07-01 07:00 UTC is midnight of July 1 in Los Angeles; a second earlier is June 30.
    july = Placement(term=world.term, starts_at=datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    june = Placement(term=world.term, starts_at=datetime(2026, 7, 1, 6, 59, 59, tzinfo=UTC))
    assert services._starts_on(july) == date(2026, 7, 1)
    assert services._starts_on(june) == date(2026, 6, 30)
    new = services.policy_in_effect(world.program, services._starts_on(july))
    old = services.policy_in_effect(world.program, services._starts_on(june))
    assert new is not None
    assert old is not None
    assert (new.minimum, new.effective_from) == (100_000, date(2026, 7, 1))
    assert (old.minimum, old.effective_from) == (300_000, date(2019, 1, 1))
    assert services.policy_in_effect(world.program, date(2018, 12, 31)) is None


def test_every_preset_is_named_for_the_admins_choice() -> None:
    assert list(presets.PRESET_NAMES) == list(presets.presets())
    assert presets.DEFAULT_PRESET in presets.PRESET_NAMES

"""Money as integer minor units: reading, writing and splitting amounts (pure)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cohort.stipends.money import (
    ALL_SHARES,
    MoneyError,
    display,
    factor_e4,
    from_minor,
    share_bp,
    signed_to_minor,
    split,
    to_minor,
)


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("6000", "USD", 600_000),
        ("6000.5", "USD", 600_050),
        ("6000.50", "USD", 600_050),
        (" 0.01 ", "USD", 1),
        (".5", "USD", 50),
        ("3000", "JPY", 3_000),
        ("10000000", "USD", 1_000_000_000),
    ],
)
def test_to_minor(text: str, currency: str, minor: int) -> None:
    assert to_minor(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("1e3", "USD"),
        ("-5", "USD"),
        ("+5", "USD"),
        ("1.234", "USD"),
        ("1.5", "JPY"),
        ("", "USD"),
        ("   ", "USD"),
        (".", "USD"),
        ("1,000", "USD"),
        ("1.0.0", "USD"),
        ("²", "USD"),  # a digit to str.isdigit, not to int
        ("٣", "USD"),  # an Arabic-Indic three: int would read it
        ("10000000.01", "USD"),
        ("5", "XXQ"),
    ],
)
def test_to_minor_refuses(text: str, currency: str) -> None:
    with pytest.raises(MoneyError):
        to_minor(text, currency)


def test_signed_to_minor() -> None:
    assert signed_to_minor("-12.50", "USD") == -1_250
    assert signed_to_minor("+12.50", "USD") == 1_250
    with pytest.raises(MoneyError):
        signed_to_minor("--1", "USD")


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (600_050, "USD", "6000.50"),
        (5, "USD", "0.05"),
        (-1_250, "USD", "-12.50"),
        (3_000, "JPY", "3000"),
    ],
)
def test_from_minor(minor: int, currency: str, text: str) -> None:
    assert from_minor(minor, currency) == text


@given(st.integers(min_value=0, max_value=10_000_000 * 100))
def test_from_minor_reads_back(minor: int) -> None:
    assert to_minor(from_minor(minor, "USD"), "USD") == minor


def test_display() -> None:
    assert display(228_200, "USD") == "$2,282.00"
    assert display(3_000, "JPY") == "¥3,000"


@pytest.mark.parametrize(("text", "e4"), [("0.2442", 2_442), ("1", 10_000), ("1.0754", 10_754)])
def test_factor_e4(text: str, e4: int) -> None:
    assert factor_e4(text) == e4


@pytest.mark.parametrize("text", ["0", "-1", "0.00001", "abc", "NaN", "Infinity", "101"])
def test_factor_e4_refuses(text: str) -> None:
    with pytest.raises(MoneyError):
        factor_e4(text)


@pytest.mark.parametrize(("text", "bp"), [("45", 4_500), ("33.33", 3_333), ("100", 10_000)])
def test_share_bp(text: str, bp: int) -> None:
    assert share_bp(text) == bp


@pytest.mark.parametrize("text", ["0", "100.01", "33.333", "x", "NaN", "sNaN", "1e999999", "-5"])
def test_share_bp_refuses(text: str) -> None:
    with pytest.raises(MoneyError):
        share_bp(text)


def test_split_examples() -> None:
    assert split(456_400, [5_000, 5_000]) == [228_200, 228_200]
    assert split(100, [3_333, 3_333, 3_334]) == [33, 33, 34]
    assert split(1, [4_500, 5_500]) == [0, 1]
    assert split(0, [10_000]) == [0]


@st.composite
def shares(draw: st.DrawFn) -> list[int]:
    """Basis points adding up to 10,000: cut points in 1..9,999."""
    cuts = sorted(draw(st.sets(st.integers(1, ALL_SHARES - 1), max_size=8)))
    bounds = [0, *cuts, ALL_SHARES]
    return [b - a for a, b in pairwise(bounds)]


@given(total=st.integers(min_value=0, max_value=10**12), parts=shares())
def test_split_sums_to_the_total(total: int, parts: list[int]) -> None:
    got = split(total, parts)
    assert sum(got) == total
    assert len(got) == len(parts)
    assert all(p >= 0 for p in got)
    # each part is within one minor unit of its exact share
    for part, share in zip(got, parts, strict=True):
        assert abs(part * ALL_SHARES - total * share) < ALL_SHARES

"""The small-cell rule (cohort/stats/suppress.py), without a database: every published count
of people is 5 or more, and no hidden cell can be worked out from what is shown, even by
someone who knows the rule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort.stats import suppress
from cohort.stats.suppress import MIN_CELL, Breakdown, breakdown, count, grouped, rate


@pytest.mark.parametrize(("n", "shown"), [(0, None), (1, None), (4, None), (5, 5), (120, 120)])
def test_a_count_under_five_is_suppressed(n: int, shown: int | None):
    assert count(n) == shown


def test_a_rate_of_a_suppressed_count_is_suppressed():
    assert rate(None, 10) is None
    assert rate(7, None) is None
    assert rate(5, 0) is None
    assert rate(5, 20) == 0.25
    assert rate(2, 3) == 0.6667


def test_one_small_cell_hides_the_next_smallest_too():
    result = breakdown({"graduated": 12, "failed": 3, "withdrawn": 6, "active": 9})
    assert result.cells == {"graduated": 12, "failed": None, "withdrawn": None, "active": 9}
    assert result.total == 30
    assert result.withheld == {"withdrawn"}


def test_two_small_cells_need_no_complement():
    result = breakdown({"a": 2, "b": 4, "c": 9})
    assert result.cells == {"a": None, "b": None, "c": 9}
    assert result.total == 15
    assert result.withheld == frozenset()


def test_a_tie_hides_the_first_in_order():
    assert breakdown({"a": 1, "b": 7, "c": 7}).cells == {"a": None, "b": None, "c": 7}


def test_a_lone_small_cell_hides_the_total():
    result = breakdown({"a": 3, "b": 0}, total=8)
    # 8 people, only 3 of them in the cells: someone outside; nothing to subtract from.
    assert result.cells == {"a": None, "b": None}
    assert breakdown({"only": 3, "none": 6}).total == 9
    lone = breakdown({"only": 7, "zero": 0}, total=7)
    assert lone.cells == {"only": 7, "zero": None}  # a hidden 0 singles nobody out
    assert lone.total == 7


def test_a_single_cell_breakdown_under_five_hides_the_total():
    result = breakdown({"DE": 3})
    assert result.cells == {"DE": None}
    assert result.total is None


def test_a_small_total_hides_everything():
    result = breakdown({"a": 2, "b": 1})
    assert result == Breakdown({"a": None, "b": None}, None, frozenset())


def test_cells_cannot_be_negative_or_exceed_the_total():
    with pytest.raises(ValueError, match="negative"):
        breakdown({"a": -1})
    with pytest.raises(ValueError, match="more than the total"):
        breakdown({"a": 6, "b": 6}, total=10)


def test_countries_group_the_small_ones_as_other():
    result = grouped({"IN": 12, "DE": 6, "BR": 2, "NG": 1, "US": 5})
    assert list(result.cells) == ["IN", "DE", "US", "Other"]
    # Other is 3: hidden, and the smallest country beside it.
    assert result.cells == {"IN": 12, "DE": 6, "US": None, "Other": None}
    assert result.total == 26
    assert grouped({"IN": 12, "BR": 3, "NG": 2}).cells == {"IN": 12, "Other": 5}
    assert grouped({"IN": 12, "DE": 7}).cells == {"IN": 12, "DE": 7}  # nobody in Other


def test_three_applicants_from_one_country_are_not_shown():
    result = grouped({"DE": 3})
    assert result.cells == {"Other": None}
    assert result.total is None


# --- properties -----------------------------------------------------------------------------

cells_strategy = st.dictionaries(
    st.sampled_from("abcd"), st.integers(min_value=0, max_value=11), min_size=1, max_size=4
)


def _splits(rest: int, parts: int) -> list[tuple[int, ...]]:
    """Every way to write `rest` as `parts` counts (0 or more), in order."""
    if parts == 0:
        return [()] if rest == 0 else []
    return [
        (first, *more) for first in range(rest + 1) for more in _splits(rest - first, parts - 1)
    ]


def _candidates(published: Breakdown, keys: list[str]) -> list[dict[str, int]]:
    """Every breakdown that publishes exactly `published`: what someone who knows the rule,
    the shown cells and the total could take the truth to be."""
    hidden = [k for k in keys if published.cells[k] is None]
    assert published.total is not None
    rest = published.total - sum(v for v in published.cells.values() if v is not None)
    found = []
    for values in _splits(rest, len(hidden)):
        guess = {k: published.cells[k] for k in keys}
        guess.update(dict(zip(hidden, values, strict=True)))
        full = {k: v for k, v in guess.items() if v is not None}
        candidate = breakdown(full)
        # The pages show a withheld cell as they show a small one: only cells and total.
        if (candidate.cells, candidate.total) == (published.cells, published.total):
            found.append(full)
    return found


@settings(max_examples=300, deadline=None)
@given(cells_strategy)
def test_no_published_cell_counts_fewer_than_five_people(cells: dict[str, int]):
    result = breakdown(cells)
    assert all(v is None or v >= MIN_CELL for v in result.cells.values())
    assert result.total is None or result.total >= MIN_CELL
    for key, value in result.cells.items():
        assert value is None or value == cells[key]  # shown cells are true


@settings(max_examples=300, deadline=None)
@given(cells_strategy)
def test_a_shown_total_never_leaves_exactly_one_hidden_cell(cells: dict[str, int]):
    result = breakdown(cells)
    if result.total is not None:
        assert (
            len([k for k in result.suppressed if cells[k] > 0]) != 1 or len(result.suppressed) > 1
        )


@settings(max_examples=1000, deadline=None)
@given(cells_strategy)
def test_no_hidden_cell_with_people_in_it_can_be_recovered(cells: dict[str, int]):
    result = breakdown(cells)
    if result.total is None:
        return  # nothing to subtract from
    keys = list(cells)
    candidates = _candidates(result, keys)
    assert cells in candidates  # the truth is among them: the search is right
    for key in result.suppressed:
        if cells[key] == 0:
            continue  # a cell nobody is in singles nobody out
        assert len({c[key] for c in candidates}) > 1, (cells, key, candidates)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text("ABCDEFGHIJ", min_size=2, max_size=2), st.integers(0, 30)))
def test_grouping_countries_keeps_every_person(cells: dict[str, int]):
    big, rest = suppress.top_and_other(cells)
    assert sum(big.values()) + rest == sum(cells.values())
    assert all(v >= MIN_CELL for v in big.values())
    result = grouped(cells)
    assert all(v is None or v >= MIN_CELL for v in result.cells.values())


@given(st.integers(0, 50), st.integers(0, 50))
def test_a_rate_is_shown_only_from_shown_counts(numerator: int, denominator: int):
    shown = rate(count(numerator), count(denominator))
    if numerator < MIN_CELL or denominator < MIN_CELL:
        assert shown is None
    else:
        assert shown == round(numerator / denominator, 4)

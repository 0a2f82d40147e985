"""Small-cell suppression for public statistics (issue 16). Pure: the standard library only.

Public statistics are aggregates. A cell that counts people and is under `MIN_CELL` is
suppressed (None), so no one can be singled out of a small group; a rate whose numerator
or denominator is suppressed is suppressed too. A breakdown whose total is shown also needs
*complementary* suppression: if only one of its cells were hidden, the total less the shown
cells would give it back, so the next smallest cell is hidden as well (and when there is no
other cell to hide, the total). A complementary cell may be 5 or more, so the pages call it
"withheld", not "fewer than 5".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

MIN_CELL: Final = 5


def count(n: int | None) -> int | None:
    """A count of people as published: None when under `MIN_CELL` (or already None)."""
    if n is None or n < MIN_CELL:
        return None
    return n


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """numerator / denominator of published counts, rounded to 4 places; None when either is
    suppressed or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return round(numerator / denominator, 4)


@dataclass(frozen=True)
class Breakdown:
    """A total split into cells, as published: `cells` keep the input's order; a suppressed
    cell is None; `withheld` names the cells hidden only to protect another one."""

    cells: dict[str, int | None]
    total: int | None
    withheld: frozenset[str] = field(default_factory=frozenset)

    @property
    def suppressed(self) -> frozenset[str]:
        return frozenset(key for key, value in self.cells.items() if value is None)


def breakdown(cells: Mapping[str, int], total: int | None = None) -> Breakdown:
    """Suppress a breakdown of people whose cells add up to `total` (their sum if None).

    Primary: every cell under `MIN_CELL`, and the total if it is. Complementary, while the
    total is shown and the hidden cells could be worked out from it (`_recoverable`): hide
    the smallest shown cell too (the first in order on a tie); if no cell is left to hide,
    hide the total."""
    if any(value < 0 for value in cells.values()):
        raise ValueError("A count of people cannot be negative.")
    whole = sum(cells.values()) if total is None else total
    if whole < sum(cells.values()):
        raise ValueError("The cells add up to more than the total.")
    shown_total = count(whole)
    hidden = {key for key, value in cells.items() if value < MIN_CELL}
    withheld: set[str] = set()
    complete = whole == sum(cells.values())  # else people lie outside the cells
    while shown_total is not None and complete and _recoverable(cells, hidden):
        shown = sorted(
            (value, i, key) for i, (key, value) in enumerate(cells.items()) if key not in hidden
        )
        if not shown:
            shown_total = None
            break
        key = shown[0][2]
        hidden.add(key)
        withheld.add(key)
    published = {key: (None if key in hidden else value) for key, value in cells.items()}
    return Breakdown(published, shown_total, frozenset(withheld))


def _recoverable(cells: Mapping[str, int], hidden: set[str]) -> bool:
    """Whether the total less the shown cells pins a hidden cell with people in it down to one
    value. Someone who knows the rule knows a small cell is 0 to 4, and a complementary one
    5 to the smallest shown cell; with the hidden cells' sum, each cell lies between what the
    others leave at their most and at their least. (A cell pinned at 0 singles nobody out.)"""
    rest = sum(cells[key] for key in hidden)
    shown = [value for key, value in cells.items() if key not in hidden]
    ceiling = min(shown, default=rest)
    bounds = {
        key: (0, MIN_CELL - 1) if cells[key] < MIN_CELL else (MIN_CELL, ceiling) for key in hidden
    }
    low_sum = sum(lo for lo, _ in bounds.values())
    high_sum = sum(hi for _, hi in bounds.values())
    for key, (lo, hi) in bounds.items():
        least = max(lo, rest - (high_sum - hi))
        most = min(hi, rest - (low_sum - lo))
        if least == most and cells[key] > 0:
            return True
    return False


def top_and_other(cells: Mapping[str, int], *, other: str = "Other") -> tuple[dict[str, int], int]:
    """Split cells into those of `MIN_CELL` or more (largest first, then by key) and the sum
    of the rest, for breakdowns with many small groups (countries)."""
    big = sorted(
        ((key, value) for key, value in cells.items() if value >= MIN_CELL and key != other),
        key=lambda item: (-item[1], item[0]),
    )
    rest = sum(value for key, value in cells.items() if value < MIN_CELL or key == other)
    return dict(big), rest


def grouped(cells: Mapping[str, int], *, other: str = "Other") -> Breakdown:
    """`top_and_other`, then `breakdown`: the groups of 5 or more, and "Other" for the rest
    (left out when nobody is in it; hidden, with a complementary cell, when under 5)."""
    big, rest = top_and_other(cells, other=other)
    if rest:
        big[other] = rest
    return breakdown(big)

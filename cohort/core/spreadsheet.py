"""Text bound for a CSV file that people open in a spreadsheet."""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection): a leading `'`
    before text that starts like one."""
    return f"'{value}" if value[:1] in _FORMULA_STARTS else value

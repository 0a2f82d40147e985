"""What a term's values may be, checked by every reader so bad input fails with its line.

A term page or a JSON file can say anything: `# Term 0 - 2024`, a proposal number of 10^30, a
`javascript:` link. Each reader calls these checks where it reads the value, so the error
names the line, and nothing out of range ever reaches the database (whose constraints would
otherwise be the first to notice, without a line). Each function returns "" when the value is
fine, else what is wrong, for the reader to raise as a `FormatError`.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import cache
from typing import Final
from urllib.parse import urlsplit

MIN_YEAR: Final = 2000  # the first LFX Mentorship term was in 2019; also a DB constraint
MAX_YEAR: Final = 9999
TERM_NUMBERS: Final = (1, 2, 3)  # a CNCF year has three terms
MAX_NUMBER: Final = 2_147_483_647  # the largest proposal number a database column holds
URL_SCHEMES: Final = ("http", "https")

_CONTROL = re.compile(r"[\x00-\x20\x7f]")  # a URL holds no spaces or control characters


def term_problem(year: int, number: int) -> str:
    """What is wrong with the term "<year> Term <number>", or ""."""
    if number not in TERM_NUMBERS:
        return f"term number {number} is not 1, 2 or 3"
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"year {year} is not between {MIN_YEAR} and {MAX_YEAR}"
    return ""


def number_problem(number: int) -> str:
    """What is wrong with a proposal (issue) number, or ""."""
    if not 1 <= number <= MAX_NUMBER:
        return f"number {number} is not between 1 and {MAX_NUMBER}"
    return ""


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())  # scans the disk; once per process


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone name this system knows, such as "Europe/Berlin"."""
    return name in _time_zones()


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA time zone name this system knows, sorted (for a form's choices)."""
    return tuple(sorted(_time_zones()))


def is_web_url(url: str) -> bool:
    """Whether `url` is an absolute http(s) URL with a host: the only links Cohort stores."""
    if _CONTROL.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return False
    return parts.scheme.lower() in URL_SCHEMES and bool(parts.hostname)


def url_problem(url: str, what: str) -> str:
    """What is wrong with a stored URL (`what` names it), or "". An empty URL is fine."""
    if not url or is_web_url(url):
        return ""
    return f"{what} {url!r} is not an http(s) URL"

"""Term timelines: free-text dates -> aware UTC instants, and milestone keys.

The CNCF pages write dates by hand (spec/term-pages.md §7.2): bullet lists with prose dates,
`| activity | date |` tables, `| **Activity** | **Dates (2025)** |` tables with bold cells, en
dashes, weekday prefixes, `Sept`, `(18:00 UTC)` parentheticals and a mix of PDT/PST/UTC.

Rules (`parse_date_text`):

* A clock time is read in the literal offset of its abbreviation: `PDT` is always UTC-7 and
  `PST` always UTC-8, even on a date where the other one was in force, because that is what the
  page says. `PT`/`ET`/… follow the zone's rules. A time without abbreviation is in the term zone.
* A range `A - B <time>` starts at A 00:00 in the same offset (or at A's own time) and ends at B
  at the time. A single date with a time starts and ends at that instant.
* Date-only values are whole days in the term zone: start = 00:00 of the first day,
  end = 00:00 of the day after the last day.
* A date without a year takes the year of the other end of its range, else the term year.
* Parenthesised remarks are ignored: `11AM PDT (18:00 UTC)` is read as `11AM PDT`.
* Text that cannot be read gives start = end = None, never an exception.

`implied_time_zone` picks the IANA zone a timeline implies: any Pacific abbreviation
(PDT/PST/PT) -> "America/Los_Angeles", only UTC/GMT -> "UTC", and, when the timeline gives no
zone at all, "America/Los_Angeles", where the CNCF has always run its deadlines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cohort.formats.model import Milestone

DEFAULT_TIME_ZONE: Final = "America/Los_Angeles"

_MONTHS: Final[dict[str, int]] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
)
_MONTH_DAY = re.compile(
    rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s*(\d{{4}})\b)?", re.IGNORECASE
)
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?![a-z])(?:,?\s*(\d{{4}})\b)?", re.IGNORECASE
)
_BARE_DAY = re.compile(
    r"^\s*(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?::|[ap]\.?\s*m\b))(?:,?\s*(\d{4})\b)?", re.IGNORECASE
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_TIME_12 = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m\b\.?", re.IGNORECASE)
_TIME_24 = re.compile(r"\b([01]?\d|2[0-3])[:h]([0-5]\d)\b")
_ZONE = re.compile(
    r"\b(UTC|GMT|PDT|PST|PT|EDT|EST|ET|CDT|CST|CT|MDT|MST|MT|CEST|CET|BST|IST|JST|KST|AEST"
    r"|AEDT|SGT|HKT|WEST|WET|EEST|EET)\b"
)
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_STRIKE = re.compile(r"~~.*?~~")
_RANGE_SEPARATORS = (
    re.compile(r"\s*[–—]\s*"),
    re.compile(r"\s+-+\s+"),
    re.compile(r"\s+(?:to|through|until|till)\s+", re.IGNORECASE),
    re.compile(r"(?<=[0-9a-z])-(?=\s*[A-Za-z0-9])", re.IGNORECASE),
)

# Fixed offsets in minutes: the abbreviation is read literally.
_OFFSETS: Final[dict[str, int]] = {
    "UTC": 0, "GMT": 0, "PDT": -420, "PST": -480, "MDT": -360, "MST": -420, "CDT": -300,
    "CST": -360, "EDT": -240, "EST": -300, "CEST": 120, "CET": 60, "BST": 60, "IST": 330,
    "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660, "SGT": 480, "HKT": 480, "WEST": 60,
    "WET": 0, "EEST": 180, "EET": 120,
}  # fmt: skip
# Generic abbreviations follow the zone's daylight-saving rules.
_GENERIC: Final[dict[str, str]] = {
    "PT": "America/Los_Angeles",
    "MT": "America/Denver",
    "CT": "America/Chicago",
    "ET": "America/New_York",
}
# Which IANA zone a page implies, by the abbreviations it uses (first match wins).
_IMPLIED: Final[tuple[tuple[frozenset[str], str], ...]] = (
    (frozenset({"PDT", "PST", "PT"}), "America/Los_Angeles"),
    (frozenset({"MDT", "MST", "MT"}), "America/Denver"),
    (frozenset({"CDT", "CST", "CT"}), "America/Chicago"),
    (frozenset({"EDT", "EST", "ET"}), "America/New_York"),
    (frozenset({"CEST", "CET"}), "Europe/Berlin"),
    (frozenset({"BST"}), "Europe/London"),
    (frozenset({"IST"}), "Asia/Kolkata"),
    (frozenset({"JST"}), "Asia/Tokyo"),
    (frozenset({"UTC", "GMT"}), "UTC"),
)


@dataclass(frozen=True)
class DateRange:
    start: datetime | None
    end: datetime | None
    has_time: bool


UNPARSED: Final = DateRange(None, None, False)


@dataclass
class _Point:
    month: int | None
    day: int
    year: int | None
    hour: int | None = None
    minute: int = 0
    zone: str = ""


def zone_info(name: str) -> tzinfo:
    """The tzinfo of an IANA name; UTC for names the system does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _clean(raw: str) -> str:
    text = raw.replace("\\(", "(").replace("\\)", ")").replace("\\", "")
    text = _STRIKE.sub(" ", text).replace("*", " ").replace("\u00a0", " ")
    previous = None
    while previous != text:
        previous = text
        text = _PARENTHETICAL.sub(" ", text)
    if "(" in text:  # an unclosed remark runs to the end
        text = text[: text.index("(")]
    return text.replace(")", " ")


def _parse_point(text: str, *, allow_bare_day: bool) -> _Point | None:
    candidates = [m for m in (_MONTH_DAY.search(text), _DAY_MONTH.search(text)) if m]
    point: _Point | None = None
    date_span = (0, 0)
    if candidates:
        match = min(candidates, key=lambda m: m.start())
        date_span = match.span()
        if match.re is _MONTH_DAY:
            month, day = _MONTHS[match.group(1).lower()], int(match.group(2))
        else:
            month, day = _MONTHS[match.group(2).lower()], int(match.group(1))
        point = _Point(month, day, int(match.group(3)) if match.group(3) else None)
    elif allow_bare_day:
        bare = _BARE_DAY.match(text)
        if bare:
            date_span = bare.span()
            point = _Point(None, int(bare.group(1)), int(bare.group(2)) if bare.group(2) else None)
    if point is None:
        return None
    rest = text[: date_span[0]] + " " + text[date_span[1] :]
    time12 = _TIME_12.search(rest)
    if time12:
        hour = int(time12.group(1)) % 12 + (12 if time12.group(3).lower() == "p" else 0)
        point.hour, point.minute = hour, int(time12.group(2) or 0)
    else:
        time24 = _TIME_24.search(rest)
        if time24:
            point.hour, point.minute = int(time24.group(1)), int(time24.group(2))
    zone = _ZONE.search(rest)
    if zone:
        point.zone = zone.group(1)
    if point.hour is not None and point.hour > 23:
        return None
    return point


def _split_range(text: str) -> list[str]:
    for separator in _RANGE_SEPARATORS:
        parts = separator.split(text, maxsplit=1)
        if len(parts) == 2 and parts[0].strip() and parts[1].strip():
            return parts
    return [text]


def _tz(point: _Point, fallback: tzinfo) -> tzinfo:
    if point.zone in _OFFSETS:
        return timezone(timedelta(minutes=_OFFSETS[point.zone]))
    if point.zone in _GENERIC:
        return zone_info(_GENERIC[point.zone])
    return fallback


def _at(day: date, hour: int, minute: int, tz: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(UTC)


def _iso_range(text: str, term_zone: tzinfo) -> DateRange | None:
    found = list(_ISO_DATE.finditer(text))
    if not found or len(found) > 2:
        return None
    try:
        days = [date(int(m.group(1)), int(m.group(2)), int(m.group(3))) for m in found]
    except ValueError:
        return UNPARSED
    start = _at(days[0], 0, 0, term_zone)
    end = _at(days[-1] + timedelta(days=1), 0, 0, term_zone)
    return DateRange(start, end, False) if end > start else UNPARSED


def parse_date_text(raw: str, *, year: int | None, zone: str = DEFAULT_TIME_ZONE) -> DateRange:
    """Start, end and whether a clock time was given (see the module docstring)."""
    term_zone = zone_info(zone)
    text = _clean(raw)
    iso = _iso_range(text, term_zone)
    if iso is not None:
        return iso
    halves = _split_range(text)
    first = _parse_point(halves[0], allow_bare_day=False)
    if first is None or first.month is None:
        return UNPARSED
    last = first
    if len(halves) == 2:
        second = _parse_point(halves[1], allow_bare_day=True)
        if second is None:
            return UNPARSED
        last = second
        if last.month is None:
            last.month = first.month
    first_year = first.year or last.year or year
    last_year = last.year or first_year
    if first_year is None or last_year is None or last.month is None:
        return UNPARSED
    try:
        first_day = date(first_year, first.month, first.day)
        last_day = date(last_year, last.month, last.day)
        if last_day < first_day and last.year is None:
            last_day = date(last_year + 1, last.month, last.day)  # Dec 20 - Jan 5
        return _resolve(first, last, first_day, last_day, term_zone)
    except ValueError:  # e.g. February 30
        return UNPARSED


def _resolve(
    first: _Point, last: _Point, first_day: date, last_day: date, term_zone: tzinfo
) -> DateRange:
    if last.hour is not None:
        end = _at(last_day, last.hour, last.minute, _tz(last, term_zone))
        if first is last:
            return DateRange(end, end, True)
        start_tz = _tz(first, _tz(last, term_zone)) if first.zone else _tz(last, term_zone)
        start = _at(
            first_day, first.hour or 0, first.minute if first.hour is not None else 0, start_tz
        )
        return DateRange(start, end, True)
    if first.hour is not None:  # `Aug 3, 18:00 UTC - Aug 18`: the end is a whole day
        first_tz = _tz(first, term_zone)
        start = _at(first_day, first.hour, first.minute, first_tz)
        end = _at(last_day + timedelta(days=1), 0, 0, first_tz)
        return DateRange(start, end, True)
    start = _at(first_day, 0, 0, term_zone)
    end = _at(last_day + timedelta(days=1), 0, 0, term_zone)
    return DateRange(start, end, False)


def zone_tokens(raw: str) -> list[str]:
    return _ZONE.findall(raw)


def implied_time_zone(raws: list[str]) -> str:
    """The IANA zone the timeline implies (see the module docstring)."""
    main = {token for raw in raws for token in zone_tokens(_clean(raw))}
    tokens = main or {token for raw in raws for token in zone_tokens(raw)}
    for abbreviations, name in _IMPLIED:
        if tokens & abbreviations:
            return name
    return DEFAULT_TIME_ZONE


# --- keys -------------------------------------------------------------------------------------

# (key, every word that must occur in the lower-cased label); the first match wins.
_KEYWORDS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("candidate_info_sessions", ("info session",)),
    ("kickoff_call", ("kick off",)),
    ("kickoff_call", ("kick-off",)),
    ("kickoff_call", ("kickoff",)),
    ("proposals_open", ("proposal",)),
    ("proposals_open", ("project application",)),
    ("proposals_open", ("project idea",)),
    ("application_review", ("review",)),
    ("applications_open", ("application",)),
    ("selection_notify", ("selection",)),
    ("selection_notify", ("notif",)),
    ("selection_notify", ("admission decision",)),
    ("midterm_evals", ("midterm",)),
    ("midterm_evals", ("mid-term",)),
    ("first_stipends", ("first", "stipend")),
    ("final_evals", ("final", "evaluation")),
    ("second_stipends", ("second", "stipend")),
    ("second_stipends", ("final", "stipend")),
    ("term_start", ("program begins",)),
    ("term_start", ("mentorship begins",)),
    ("term_start", ("term begins",)),
    ("term_start", ("begins",)),
    ("term_start", ("start",)),
    ("term_end", ("last day",)),
    ("term_end", ("end of term",)),
    ("term_end", ("term ends",)),
    ("term_end", ("program ends",)),
)
_SLUG = re.compile(r"[^a-z0-9]+")


def slug_key(label: str) -> str:
    return _SLUG.sub("_", label.lower()).strip("_") or "milestone"


def milestone_key(label: str) -> str:
    """The cncf-process.md §4.4 key of an activity label, else a slug of the label."""
    lowered = " ".join(label.lower().split())
    for key, words in _KEYWORDS:
        if all(word in lowered for word in words):
            return key
    return slug_key(label)


def unique_keys(keys: list[str]) -> list[str]:
    """Number repeated keys: `x`, `x_2`, `x_3`."""
    seen: dict[str, int] = {}
    taken = set(keys)
    out: list[str] = []
    for key in keys:
        count = seen.get(key, 0) + 1
        seen[key] = count
        if count == 1:
            out.append(key)
            continue
        candidate = f"{key}_{count}"
        while candidate in taken:
            count += 1
            candidate = f"{key}_{count}"
        seen[key] = count
        taken.add(candidate)
        out.append(candidate)
    return out


# --- rows --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    label: str
    raw: str
    start: str | None = None  # canonical tables only: the literal "Start (UTC)" cell
    end: str | None = None


_BOLD = re.compile(r"\*\*|__")


def strip_emphasis(text: str) -> str:
    return _BOLD.sub("", text).strip()


def split_table_row(line: str) -> list[str]:
    """Cells of a `| a | b |` row; `\\|` does not split."""
    text = line.strip()
    text = text.removeprefix("|")
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", text)]


_SEPARATOR_CELL = re.compile(r"^:?-{1,}:?$")


def is_separator_row(cells: list[str]) -> bool:
    return bool(cells) and all(_SEPARATOR_CELL.match(c.replace(" ", "")) for c in cells if c)


def rows_from_table(table: list[str], *, literal_cells: bool = False) -> list[TimelineRow]:
    """Rows of a timeline table whose header names the activity and the dates.

    `literal_cells` (Cohort's canonical table) reads `\\|` in a cell as `|`.
    """
    if not table:
        return []
    header = [strip_emphasis(c).lower() for c in split_table_row(table[0])]
    label_col = next((i for i, c in enumerate(header) if "activit" in c), 0)
    date_col = next((i for i, c in enumerate(header) if c.startswith("date")), 1)
    start_col = next((i for i, c in enumerate(header) if c.startswith("start")), None)
    end_col = next((i for i, c in enumerate(header) if c.startswith("end")), None)
    rows: list[TimelineRow] = []
    for line in table[1:]:
        cells = split_table_row(line)
        if is_separator_row(cells):
            continue

        def cell(index: int | None, cells: list[str] = cells) -> str:
            return cells[index] if index is not None and index < len(cells) else ""

        label, raw = strip_emphasis(cell(label_col)), cell(date_col)
        if literal_cells:
            label, raw = label.replace("\\|", "|"), raw.replace("\\|", "|")
        if not label and not raw:
            continue
        rows.append(
            TimelineRow(
                label,
                raw,
                cell(start_col) if start_col is not None else None,
                cell(end_col) if end_col is not None else None,
            )
        )
    return rows


_BULLET = re.compile(r"^[-*+][ \t]+(.*)$")
_LOOKS_DATED = re.compile(
    rf"^\s*(?:[A-Za-z]+,?\s+)?(?:{_MONTH}\s+\d|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH})", re.IGNORECASE
)


def rows_from_bullets(lines: list[str]) -> list[TimelineRow]:
    """Top-level `- label: date` or `- date: label` bullets (2020 to 2022 pages)."""
    rows: list[TimelineRow] = []
    for line in lines:
        match = _BULLET.match(line)
        if not match:
            continue
        text = match.group(1).strip()
        left, sep, right = text.partition(": ")
        if not sep:
            left, sep, right = text.partition(":")
        if not sep or not right.strip():
            continue
        left, right = left.strip(), right.strip().rstrip(";").strip()
        if _LOOKS_DATED.match(left):
            rows.append(TimelineRow(strip_emphasis(right), left))
        else:
            rows.append(TimelineRow(strip_emphasis(left), right))
    return rows


def format_instant(value: datetime | None) -> str:
    """`2024-07-31T00:00:00Z`, or "" for None (the canonical table cell)."""
    if value is None:
        return ""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(cell: str) -> datetime | None:
    """The inverse of `format_instant`; None for an empty or unreadable cell."""
    text = cell.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def build_milestones(
    rows: list[TimelineRow], *, year: int | None, zone: str, literal: bool = False
) -> list[Milestone]:
    """Milestones from timeline rows; `literal` takes Start/End cells as written."""
    keys = unique_keys([milestone_key(row.label) for row in rows])
    milestones: list[Milestone] = []
    for key, row in zip(keys, rows, strict=True):
        parsed = parse_date_text(row.raw, year=year, zone=zone)
        start, end = parsed.start, parsed.end
        if literal:
            start, end = parse_instant(row.start or ""), parse_instant(row.end or "")
        milestones.append(
            Milestone(
                key=key,
                label=row.label,
                raw=row.raw,
                start=start,
                end=end,
                has_time=parsed.has_time,
            )
        )
    return milestones


# --- writing dates --------------------------------------------------------------------------


def _day_text(day: date, year: int | None) -> str:
    """`Jul 3`, with `, 2026` when the year is not `year` (the term's; None: always)."""
    text = f"{day:%b} {day.day}"
    return text if day.year == year else f"{text}, {day.year}"


def clock_text(moment: datetime, *, abbreviation: str | None) -> str:
    """`5:00 PM PDT` (a 12-hour clock, as the CNCF pages write it); no abbreviation for None."""
    hour = moment.hour % 12 or 12
    text = f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    return f"{text} {abbreviation}" if abbreviation else text


def date_text(
    start: datetime | None, end: datetime | None, *, has_time: bool, year: int, zone: str
) -> str:
    """The timeline's date text for instants entered in a form: what `parse_date_text` reads
    back as exactly `start`, `end` and `has_time` (with `year` the term's and `zone` its zone).

    Written the way the CNCF pages write it where that reads back exactly ("Jul 31 - Aug 13
    5:00 PM PDT", "Sep 3 5:00 PM PDT", "Sep 9"); else with the start's own time, else in UTC,
    so the text never says something other than the instants (an abbreviation such as IST
    means one offset to the reader, whatever the zone). "" when there is nothing to write.
    """
    first = start or end
    last = end or start
    if first is None or last is None:
        return ""
    for candidate in _date_candidates(first, last, has_time=has_time, year=year, zone=zone):
        parsed = parse_date_text(candidate, year=year, zone=zone)
        if (parsed.start, parsed.end, parsed.has_time) == (first, last, has_time):
            return candidate
    raise ValueError(f"No date text reads back as {first.isoformat()} – {last.isoformat()}.")


def _zone_name(moment: datetime) -> str | None:
    """The abbreviation to write after a time: "PDT", "UTC"; None for "+03" and the like."""
    name = moment.tzname()
    return name if name and name.isalpha() else None


def _date_candidates(
    first: datetime, last: datetime, *, has_time: bool, year: int, zone: str
) -> list[str]:
    """Texts for `date_text` to try, the CNCF pages' compact form first."""
    tz = zone_info(zone)
    if not has_time:  # whole days: the end is the midnight after the last day
        opens = first.astimezone(tz).date()
        last_day = (last.astimezone(tz) - timedelta(days=1)).date()
        if last_day <= opens:
            return [_day_text(opens, year)]
        # A date without a year takes the other end's: a range across New Year names both.
        given = year if opens.year == last_day.year else None
        return [f"{_day_text(opens, given)} - {_day_text(last_day, given)}"]
    candidates: list[str] = []
    for local in (tz, UTC):
        opens, closes = first.astimezone(local), last.astimezone(local)
        given = year if opens.year == closes.year else None
        for named in (True, False):
            clock = clock_text(closes, abbreviation=_zone_name(closes) if named else None)
            end_text = f"{_day_text(closes.date(), given)} {clock}"
            if first == last:
                candidates.append(end_text)
                continue
            start_day = _day_text(opens.date(), given)
            if opens.time() == datetime.min.time():
                candidates.append(f"{start_day} - {end_text}")
            clock = clock_text(opens, abbreviation=_zone_name(opens) if named else None)
            candidates.append(f"{start_day} {clock} - {end_text}")
    return candidates

"""`date_text` writes what `parse_date_text` reads back as exactly the same instants."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cohort.formats.timeline import date_text, parse_date_text

ZONES = ["America/Los_Angeles", "UTC", "Asia/Kolkata", "Europe/Dublin", "Europe/Istanbul"]


def test_the_reference_terms_rows_are_written_as_the_page_writes_them():
    la = zoneinfo.ZoneInfo("America/Los_Angeles")
    start = datetime(2024, 7, 31, tzinfo=la).astimezone(UTC)
    end = datetime(2024, 8, 13, 17, tzinfo=la).astimezone(UTC)
    text = date_text(start, end, has_time=True, year=2024, zone="America/Los_Angeles")
    assert text == "Jul 31 - Aug 13 5:00 PM PDT"
    day = datetime(2024, 9, 9, tzinfo=la).astimezone(UTC)
    assert (
        date_text(day, day + timedelta(days=1), has_time=False, year=2024, zone=la.key) == "Sep 9"
    )
    assert date_text(None, None, has_time=False, year=2024, zone=la.key) == ""


def test_an_abbreviation_that_means_another_offset_is_not_written():
    # Dublin's summer "IST" would be read as India's +05:30: the text leaves it out.
    dublin = zoneinfo.ZoneInfo("Europe/Dublin")
    end = datetime(2027, 7, 1, 17, tzinfo=dublin).astimezone(UTC)
    text = date_text(end, end, has_time=True, year=2027, zone="Europe/Dublin")
    assert "IST" not in text
    parsed = parse_date_text(text, year=2027, zone="Europe/Dublin")
    assert (parsed.start, parsed.end) == (end, end)


@given(
    zone=st.sampled_from(ZONES),
    first=st.datetimes(
        min_value=datetime(2024, 1, 1),  # noqa: DTZ001  # naive bounds: hypothesis's API
        max_value=datetime(2028, 12, 31),  # noqa: DTZ001
    ),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 60),
    whole_days=st.booleans(),
)
def test_the_text_reads_back_as_the_instants(zone, first, minutes, whole_days):
    tz = zoneinfo.ZoneInfo(zone)
    if whole_days:
        opens = datetime.combine(first.date(), datetime.min.time(), tzinfo=tz)
        closes = datetime.combine(
            first.date() + timedelta(days=1 + minutes // (60 * 24 * 2)),
            datetime.min.time(),
            tzinfo=tz,
        )
    else:
        opens = first.replace(second=0, microsecond=0, tzinfo=tz)
        closes = opens + timedelta(minutes=minutes)
    start, end = opens.astimezone(UTC), closes.astimezone(UTC)
    text = date_text(start, end, has_time=not whole_days, year=first.year, zone=zone)
    parsed = parse_date_text(text, year=first.year, zone=zone)
    assert (parsed.start, parsed.end, parsed.has_time) == (start, end, not whole_days), text

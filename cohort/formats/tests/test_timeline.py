"""Timeline dates -> aware UTC instants, milestone keys, timeline rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cohort.formats.timeline import (
    TimelineRow,
    build_milestones,
    format_instant,
    implied_time_zone,
    milestone_key,
    parse_date_text,
    parse_instant,
    rows_from_bullets,
    rows_from_table,
    unique_keys,
)

LA = "America/Los_Angeles"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def dates(
    raw: str, year: int | None = 2024, zone: str = LA
) -> tuple[datetime | None, datetime | None, bool]:
    parsed = parse_date_text(raw, year=year, zone=zone)
    return parsed.start, parsed.end, parsed.has_time


def test_reference_proposal_range_ends_at_the_literal_pdt_time() -> None:
    assert dates("Jul 3 - Jul 30 5:00 PM PDT") == (utc(2024, 7, 3, 7), utc(2024, 7, 31), True)


def test_pdt_and_pst_are_read_literally_on_both_sides_of_dst() -> None:
    # summer date, PDT: UTC-7
    assert dates("Sept 3, 2024 5:00 PM PDT") == (utc(2024, 9, 4), utc(2024, 9, 4), True)
    # winter date, PST: UTC-8
    assert dates("Dec 3, 2024 5:00 PM PST") == (utc(2024, 12, 4, 1), utc(2024, 12, 4, 1), True)
    # the page says PDT on a November date (after DST ended): the abbreviation wins
    assert dates("Nov 26, 2024 5:00 PM PDT (Giving some time after KubeCon NA)")[0] == utc(
        2024, 11, 27
    )
    # a PST deadline in May is still UTC-8
    assert dates("May 24, 5:00 PM PST (Week 12)", year=2023)[0] == utc(2023, 5, 25, 1)


def test_generic_pacific_time_follows_daylight_saving() -> None:
    assert dates("Jul 1, 2025 9:00 AM PT")[0] == utc(2025, 7, 1, 16)
    assert dates("Jan 6, 2025 9:00 AM PT")[0] == utc(2025, 1, 6, 17)


def test_date_only_values_are_whole_days_in_the_term_zone_across_dst() -> None:
    # September 9 in Los Angeles is PDT
    assert dates("Sept 9, 2024") == (utc(2024, 9, 9, 7), utc(2024, 9, 10, 7), False)
    # November 29 is PST
    assert dates("November 29, 2024") == (utc(2024, 11, 29, 8), utc(2024, 11, 30, 8), False)
    # a range of days ends at 00:00 of the day after the last day; DST changes in between
    assert dates("Mar 1 - Mar 31") == (utc(2024, 3, 1, 8), utc(2024, 4, 1, 7), False)
    assert dates(
        "Wed, Sep 2 – Fri, Sep 4 *(notifications may take a few days)*", year=2026, zone="UTC"
    ) == (
        utc(2026, 9, 2),
        utc(2026, 9, 5),
        False,
    )


def test_eleven_am_pdt_with_utc_parenthetical() -> None:
    assert dates("Tues, July 15, 2025 11AM PDT (18:00 UTC)") == (
        utc(2025, 7, 15, 18),
        utc(2025, 7, 15, 18),
        True,
    )
    assert dates("Wed, April 16 – Tue, May 13, 2025 11AM PDT (18:00 UTC)") == (
        utc(2025, 4, 16, 7),
        utc(2025, 5, 13, 18),
        True,
    )
    assert dates(
        "Thurs, May 15, 2025 11AM PDT (18:00 UTC) – Tue, May 27 2025 11AM PDT (18:00 UTC)"
    ) == (
        utc(2025, 5, 15, 18),
        utc(2025, 5, 27, 18),
        True,
    )
    assert dates("Wed, May 28 – Tue, June 3, 2025 11 AM PDT (18:00 UTC)")[1] == utc(2025, 6, 3, 18)


def test_ranges_take_month_and_year_from_the_other_end() -> None:
    assert dates("January 16 - 31, 5:00 PM PDT", year=2023) == (
        utc(2023, 1, 16, 7),
        utc(2023, 2, 1),
        True,
    )
    assert dates("February 22 - March 7, 5:00 PM PDT", year=2023)[1] == utc(2023, 3, 8)
    # the start has no year of its own: it takes the range's year, not the term year
    assert dates("Wed, April 16 – Tue, May 13, 2025 11AM PDT", year=1999)[0] == utc(2025, 4, 16, 7)
    assert dates("December 5 2019 - December 15 2019", year=2020) == (
        utc(2019, 12, 5, 8),
        utc(2019, 12, 16, 8),
        False,
    )
    assert dates("Dec 20 - Jan 5") == (utc(2024, 12, 20, 8), utc(2025, 1, 6, 8), False)


def test_utc_times_on_both_ends_and_weekday_prefixes() -> None:
    assert dates("Mon, Aug 3, 00:00 UTC – Tue, Aug 18, 23:59 UTC", year=2026) == (
        utc(2026, 8, 3),
        utc(2026, 8, 18, 23, 59),
        True,
    )
    assert dates("Wed, Jul 1 – Tue, Jul 28, 18:00 UTC", year=2026) == (
        utc(2026, 7, 1),
        utc(2026, 7, 28, 18),
        True,
    )
    assert dates("Wednesday, July 16, 2025") == (utc(2025, 7, 16, 7), utc(2025, 7, 17, 7), False)


def test_prose_dates_of_old_pages() -> None:
    assert dates("Jan 20th - Jan 31st \\(1.5 weeks\\)", year=2021) == (
        utc(2021, 1, 20, 8),
        utc(2021, 2, 1, 8),
        False,
    )
    assert dates("April 12 (End of Week 6)", year=2021) == (
        utc(2021, 4, 12, 7),
        utc(2021, 4, 13, 7),
        False,
    )
    assert dates("April 1 (deadline extended) ~~March 20~~ 2020") == (
        utc(2020, 4, 1, 7),
        utc(2020, 4, 2, 7),
        False,
    )
    assert dates("12 March 2024")[0] == utc(2024, 3, 12, 7)


@pytest.mark.parametrize(
    "raw",
    ["TBD", "", "Times TBD", "week 3", "Febtember 40", "February 30", "Jul 3 - TBD", "25:00 UTC"],
)
def test_unparseable_dates_give_none_never_an_exception(raw: str) -> None:
    assert dates(raw) == (None, None, False)


def test_a_date_without_any_year_needs_the_term_year() -> None:
    assert dates("Jul 3", year=None) == (None, None, False)
    assert dates("Jul 3, 2024", year=None)[0] == utc(2024, 7, 3, 7)


def test_time_without_zone_uses_the_term_zone_and_unknown_zone_names_fall_back_to_utc() -> None:
    assert dates("Jul 3, 5:00 PM")[0] == utc(2024, 7, 4)
    assert dates("Jul 3, 5:00 PM", zone="Not/A_Zone")[0] == utc(2024, 7, 3, 17)


def test_implied_time_zone() -> None:
    assert implied_time_zone(["Jul 3 - Jul 30 5:00 PM PDT", "Sept 9, 2024"]) == LA
    assert implied_time_zone(["May 24, 5:00 PM PST"]) == LA
    assert implied_time_zone(["Tue, Jul 15, 2025 11AM PDT (18:00 UTC)"]) == LA
    assert implied_time_zone(["Wed, Jul 1 – Tue, Jul 28, 18:00 UTC", "Fri, Nov 27"]) == "UTC"
    assert implied_time_zone(["March 1 (Week 1)"]) == LA  # no zone at all: the CNCF's zone
    assert implied_time_zone([]) == LA


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("project proposals", "proposals_open"),
        ("Project Proposals Open", "proposals_open"),
        ("project applications open", "proposals_open"),
        ("Mentee Candidate Info Sessions", "candidate_info_sessions"),
        ("mentee applications open", "applications_open"),
        ("Mentee Applications Open", "applications_open"),
        ("application review/admission decisions", "application_review"),
        ("Application Review Period (2 weeks)", "application_review"),
        ("selection notifications", "selection_notify"),
        ("Mentorship program begins with the initial work assignments", "term_start"),
        ("Mentorship Program Begins", "term_start"),
        ("Mentorship Kick Off Call", "kickoff_call"),
        ("Midterm mentee evaluations and first stipend payments", "midterm_evals"),
        ("First Stipend Payments", "first_stipends"),
        (
            "Final mentee evaluations and mentee feedback/blog submission due, second and final "
            "stipend payment approvals",
            "final_evals",
        ),
        ("Second Stipend Payments", "second_stipends"),
        ("Last day of term", "term_end"),
        ("5 projects/slots are announced by CNCF", "5_projects_slots_are_announced_by_cncf"),
        ("!!!", "milestone"),
    ],
)
def test_milestone_keys(label: str, key: str) -> None:
    assert milestone_key(label) == key


def test_duplicate_keys_are_numbered() -> None:
    assert unique_keys(["term_start", "term_start", "x", "term_start"]) == [
        "term_start",
        "term_start_2",
        "x",
        "term_start_3",
    ]
    assert len(set(unique_keys(["a", "a", "a_2"]))) == 3


def test_rows_from_tables_strip_bold_labels_and_keep_raw_cells() -> None:
    rows = rows_from_table(
        [
            "| **Activity** | **Dates (2025)** |",
            "|---|---|",
            "| **Project Proposals Open** |  Wed, April 16 – Tue, May 13  |",
            "|  |  |",
        ]
    )
    assert rows == [TimelineRow("Project Proposals Open", "Wed, April 16 – Tue, May 13")]
    canonical = rows_from_table(
        [
            "| Activity | Dates | Start (UTC) | End (UTC) |",
            "|---|---|---|---|",
            "| a \\| b | x | 2024-07-03T07:00:00Z |  |",
        ],
        literal_cells=True,
    )
    assert canonical == [TimelineRow("a | b", "x", "2024-07-03T07:00:00Z", "")]


def test_rows_from_bullets_either_side_of_the_colon() -> None:
    rows = rows_from_bullets(
        [
            "- project applications open: Jan 20th - Jan 31st \\(1.5 weeks\\)",
            "- March 1 (Week 1): Mentorship program begins",
            "  - nested: ignored",
            "not a bullet: ignored",
            "-\tDecember 16 2019: 5 projects/slots are announced by CNCF;",
        ]
    )
    assert rows == [
        TimelineRow("project applications open", "Jan 20th - Jan 31st \\(1.5 weeks\\)"),
        TimelineRow("Mentorship program begins", "March 1 (Week 1)"),
        TimelineRow("5 projects/slots are announced by CNCF", "December 16 2019"),
    ]


def test_build_milestones_computed_or_literal() -> None:
    rows = [
        TimelineRow("project proposals", "Jul 3 - Jul 30 5:00 PM PDT", "2024-07-03T07:00:00Z", "")
    ]
    (computed,) = build_milestones(rows, year=2024, zone=LA)
    assert (computed.key, computed.start, computed.end, computed.has_time) == (
        "proposals_open",
        utc(2024, 7, 3, 7),
        utc(2024, 7, 31),
        True,
    )
    (literal,) = build_milestones(rows, year=2024, zone=LA, literal=True)
    assert (literal.start, literal.end, literal.has_time) == (utc(2024, 7, 3, 7), None, True)


def test_instants_format_and_parse() -> None:
    assert format_instant(utc(2024, 7, 31)) == "2024-07-31T00:00:00Z"
    assert format_instant(None) == ""
    assert parse_instant("2024-07-31T00:00:00Z") == utc(2024, 7, 31)
    assert parse_instant("2024-07-31T00:00:00.5Z") == datetime(
        2024, 7, 31, 0, 0, 0, 500000, tzinfo=UTC
    )
    assert parse_instant("") is None
    assert parse_instant("soon") is None
    assert parse_instant("2024-07-31T00:00:00+02:00") == utc(2024, 7, 30, 22)

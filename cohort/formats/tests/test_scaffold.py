"""The scaffold's README, against cncf-process.md §4.4-§4.5 (the 2026 Term 3 example config)."""

from __future__ import annotations

from datetime import date

from cohort.formats.scaffold import ScheduleEntry, dates_cell, long_date, scaffold_readme

EXAMPLE = [
    ScheduleEntry("Project Proposals Open", date(2026, 7, 1), date(2026, 7, 28), "18:00 UTC"),
    ScheduleEntry("Mentee Candidate Info Sessions", None),
    ScheduleEntry("Mentee Applications Open", date(2026, 8, 3), date(2026, 8, 18), "18:00 UTC"),
    ScheduleEntry(
        "Application Review Period (2 weeks)", date(2026, 8, 19), date(2026, 9, 1), "18:00 UTC"
    ),
    ScheduleEntry(
        "Selection Notifications",
        date(2026, 9, 2),
        date(2026, 9, 4),
        note="*(notifications may take a few days to reach all mentees)*",
    ),
    ScheduleEntry("Mentorship Program Begins", date(2026, 9, 7)),
    ScheduleEntry("Board only", date(2026, 9, 8), timeline=False),
]


def test_the_dates_cell_of_the_spec_example():
    assert dates_cell(EXAMPLE[0]) == "Wed, Jul 1 \u2013 Tue, Jul 28, 18:00 UTC"
    assert dates_cell(EXAMPLE[4]) == (
        "Wed, Sep 2 \u2013 Fri, Sep 4 *(notifications may take a few days to reach all mentees)*"
    )
    assert long_date(date(2026, 7, 28)) == "July 28, 2026"


def test_the_generated_readme_line_by_line():
    text = scaffold_readme("Term 03 - 2026 September - November", 2026, EXAMPLE, date(2026, 7, 28))
    assert text.endswith("\n\n---\n")
    lines = text.split("\n")
    assert lines[:14] == [
        "# Term 03 - 2026 September - November",
        "",
        "Status: Planning",
        "",
        "Mentorship duration - three months (full-time schedule)",
        "",
        "### Timeline",
        "",
        "| Activity | Dates (2026) |",
        "|----------|--------------|",
        "| Project Proposals Open | Wed, Jul 1 \u2013 Tue, Jul 28, 18:00 UTC |",
        "| Mentee Applications Open | Mon, Aug 3 \u2013 Tue, Aug 18, 18:00 UTC |",
        "| Application Review Period (2 weeks) | Wed, Aug 19 \u2013 Tue, Sep 1, 18:00 UTC |",
        "| Selection Notifications | Wed, Sep 2 \u2013 Fri, Sep 4 *(notifications may take a "
        "few days to reach all mentees)* |",
    ]
    assert lines[14:18] == [
        "| Mentorship Program Begins | Mon, Sep 7 |",
        "",
        "### Project instructions",
        "",
    ]
    assert ", by July 28, 2026. Submit one issue per program" in lines[18]
    assert "Board only" not in text

"""The pure schedule: deadlines by week in the term's calendar, moves by local days, across
DST (America/Los_Angeles leaves PDT on 2024-11-03, Europe/Berlin leaves CEST on 2024-10-27)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cohort.mentorship.policies import GSOC, LFX_FULL_TIME, LFX_PART_TIME, OUTREACHY, PRESETS
from cohort.mentorship.schedule import (
    due_by_week,
    local_days_later,
    plan_rounds,
    whole_days,
)

LA = ZoneInfo("America/Los_Angeles")
BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2024, 9, 9, 7, 0, tzinfo=UTC)  # Sep 9, 2024, midnight in Los Angeles


def test_a_week_deadline_is_5_pm_in_the_terms_zone_before_and_after_the_dst_change() -> None:
    # Week 6: Oct 21, 5:00 PM PDT (UTC-7); week 12: Dec 2, 5:00 PM PST (UTC-8).
    assert due_by_week(START, 6, LA) == datetime(2024, 10, 22, 0, 0, tzinfo=UTC)
    assert due_by_week(START, 12, LA) == datetime(2024, 12, 3, 1, 0, tzinfo=UTC)
    assert due_by_week(START, 12, LA).astimezone(LA).hour == 17


def test_moving_by_local_days_keeps_the_wall_clock_time_not_24_hour_blocks() -> None:
    due = datetime(2024, 10, 22, 0, 0, tzinfo=UTC)  # Oct 21 5:00 PM PDT
    moved = local_days_later(due, 14, LA)  # Nov 4, after the change: 5:00 PM PST
    assert moved == datetime(2024, 11, 5, 1, 0, tzinfo=UTC)
    assert moved - due == timedelta(days=14, hours=1)
    assert local_days_later(moved, -14, LA) == due
    # Berlin, across the end of summer time: 18:00 CEST, then 18:00 CET.
    berlin = datetime(2024, 10, 25, 16, 0, tzinfo=UTC)
    assert local_days_later(berlin, 3, BERLIN) == datetime(2024, 10, 28, 17, 0, tzinfo=UTC)


def test_a_wall_clock_time_the_zone_skips_resolves_forward() -> None:
    # 2:30 AM on 2024-03-10 does not exist in Los Angeles: it reads as 3:30 AM PDT.
    before = datetime(2024, 3, 9, 10, 30, tzinfo=UTC)  # Mar 9, 2:30 AM PST
    assert local_days_later(before, 1, LA) == datetime(2024, 3, 10, 10, 30, tzinfo=UTC)
    assert local_days_later(before, 1, LA).astimezone(LA).hour == 3


def test_rounds_come_from_milestones_when_the_term_has_them_else_from_weeks() -> None:
    midterm = datetime(2024, 10, 16, 0, 0, tzinfo=UTC)
    planned = plan_rounds(
        LFX_FULL_TIME.rounds, start=START, zone=LA, milestone_closes={"midterm_evals": midterm}
    )
    assert [(r.key, r.position, r.final) for r in planned] == [
        ("midterm", 1, False),
        ("final", 2, True),
    ]
    assert planned[0].due_at == midterm
    assert planned[1].due_at == due_by_week(START, 12, LA)  # no final_evals milestone given
    # Each opens 14 days of the local calendar before it is due.
    assert planned[0].opens_at == datetime(2024, 10, 2, 0, 0, tzinfo=UTC)
    assert planned[1].opens_at == datetime(2024, 11, 19, 1, 0, tzinfo=UTC)


def test_a_round_never_opens_before_the_mentorship_begins() -> None:
    (initial, *_rest) = plan_rounds(OUTREACHY.rounds, start=START, zone=LA, milestone_closes={})
    assert initial.due_at == due_by_week(START, 2, LA)
    assert initial.opens_at == local_days_later(initial.due_at, -7, LA)
    early = plan_rounds(
        (LFX_FULL_TIME.rounds[0],),
        start=START,
        zone=LA,
        milestone_closes={"midterm_evals": START + timedelta(days=3)},
    )
    assert early[0].opens_at == START


def test_the_presets_say_what_their_programs_document() -> None:
    assert set(PRESETS) == {"lfx-full-time", "lfx-part-time", "gsoc", "outreachy"}
    assert [(r.key, r.week) for r in LFX_FULL_TIME.rounds] == [("midterm", 6), ("final", 12)]
    assert [r.week for r in LFX_PART_TIME.rounds] == [6, 12, 18, 24]
    assert LFX_PART_TIME.weeks == 24
    assert [r.key for r in GSOC.rounds] == ["midterm", "final"]
    assert [r.key for r in OUTREACHY.rounds] == ["initial", "midpoint", "final"]
    for preset in PRESETS.values():
        assert [r.final for r in preset.rounds] == [False] * (len(preset.rounds) - 1) + [True]
        assert preset.rounds[-1].week == preset.weeks
        assert preset.source


def test_a_pause_counts_whole_days_any_part_counting() -> None:
    assert whole_days(timedelta(0)) == 0
    assert whole_days(timedelta(seconds=1)) == 1
    assert whole_days(timedelta(days=10)) == 10
    assert whole_days(timedelta(days=10, minutes=1)) == 11
    assert whole_days(timedelta(seconds=-5)) == 0

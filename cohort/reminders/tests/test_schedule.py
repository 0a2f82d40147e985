"""When a rule fires (cohort.reminders.schedule, pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cohort.reminders.schedule import Anchor, Rule, current, fires_at, upcoming

DEADLINE = datetime(2024, 8, 14, 0, 0, tzinfo=UTC)
H72, H24 = Rule(1, 72), Rule(2, 24)


def at(hours_before: float) -> datetime:
    return DEADLINE - timedelta(hours=hours_before)


def test_a_before_rule_fires_its_hours_before_the_deadline() -> None:
    assert fires_at(H72, Anchor(DEADLINE)) == at(72)
    assert fires_at(Rule(3, 2), Anchor(DEADLINE, after=True)) == DEADLINE + timedelta(hours=2)


def test_of_one_audiences_rules_the_one_that_fired_last_is_current() -> None:
    rules = [H72, H24]
    assert current(rules, Anchor(DEADLINE), at(72.01)) is None
    assert current(rules, Anchor(DEADLINE), at(72)) == H72
    assert current(rules, Anchor(DEADLINE), at(30)) == H72
    assert current(rules, Anchor(DEADLINE), at(24)) == H24
    assert current(rules, Anchor(DEADLINE), at(0.01)) == H24  # a late run: the last one only
    assert current(rules, Anchor(DEADLINE), DEADLINE) is None  # too late for any
    assert current([], Anchor(DEADLINE), at(1)) is None


def test_a_rule_before_the_thing_can_be_done_is_left_out() -> None:
    opens = at(48)  # an evaluation round that opens two days before it is due
    anchor = Anchor(DEADLINE, not_before=opens)
    assert fires_at(H72, anchor) is None
    assert current([H72, H24], anchor, at(30)) is None
    assert current([H72, H24], anchor, at(20)) == H24


def test_an_after_rule_stays_current_until_a_later_one_fires() -> None:
    made = DEADLINE
    rules = [Rule(1, 48), Rule(2, 168)]
    anchor = Anchor(made, after=True)
    assert current(rules, anchor, made + timedelta(hours=47)) is None
    assert current(rules, anchor, made + timedelta(hours=48)) == rules[0]
    assert current(rules, anchor, made + timedelta(days=30)) == rules[1]


def test_upcoming_lists_the_rules_to_fire_in_the_window_in_time_order() -> None:
    anchor = Anchor(DEADLINE)
    assert upcoming([H24, H72], anchor, at(100), at(0)) == [(at(72), H72), (at(24), H24)]
    assert upcoming([H24, H72], anchor, at(100), at(50)) == [(at(72), H72)]
    assert upcoming([H24, H72], anchor, at(72), at(0)) == [(at(24), H24)]  # 72 h is current

"""Who may apply: the four attestations (pure: no database)."""

from __future__ import annotations

import pytest

from cohort.applications.eligibility import ATTESTATIONS, FIELDS, refusals, unanswered

YES = dict.fromkeys(FIELDS, True)


def test_fields_are_the_four_attestations() -> None:
    assert FIELDS == ("is_adult", "can_work", "first_mentorship", "no_coc_violation")


def test_all_yes_is_eligible() -> None:
    assert refusals(YES) == []
    assert unanswered(YES) == []


@pytest.mark.parametrize("attestation", ATTESTATIONS, ids=lambda a: a.field)
def test_each_no_gives_its_own_refusal(attestation) -> None:
    answers = {**YES, attestation.field: False}
    assert refusals(answers) == [attestation.refusal]
    assert unanswered(answers) == []


def test_the_refusal_texts_say_why() -> None:
    answers = {**YES, "is_adult": False, "no_coc_violation": False}
    assert refusals(answers) == [
        "Mentees must be 18 or older when the term starts.",
        "Someone with a Code of Conduct violation in the last 12 months cannot apply.",
    ]


def test_unanswered_is_not_a_refusal() -> None:
    answers = {**YES, "can_work": None}
    assert refusals(answers) == []
    assert unanswered(answers) == ["I am eligible to work in the country where I will take part."]


def test_missing_keys_count_as_unanswered() -> None:
    assert refusals({}) == []
    assert unanswered({}) == [a.statement for a in ATTESTATIONS]

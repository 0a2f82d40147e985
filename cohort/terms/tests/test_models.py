from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError

from cohort.core.errors import DomainError
from cohort.terms.labels import parse_term_label
from cohort.terms.models import Milestone, Program, Term

pytestmark = pytest.mark.django_db


@pytest.fixture
def term() -> Term:
    program = Program.objects.create(name="P", slug="p")
    return Term.objects.create(program=program, year=2024, number=3, title="T")


def test_phase_at_follows_the_milestones_to_the_second(term):
    Milestone.objects.create(
        term=term,
        key="applications_open",
        label="mentee applications open",
        raw="Jul 31 - Aug 13 5:00 PM PDT",
        start=datetime(2024, 7, 31, 7, tzinfo=UTC),
        end=datetime(2024, 8, 14, 0, tzinfo=UTC),
        has_time=True,
    )
    assert (
        term.phase_at(datetime(2024, 8, 13, 23, 59, 59, tzinfo=UTC)) == "mentee applications open"
    )
    assert term.phase_at(datetime(2024, 8, 14, 0, 0, 0, tzinfo=UTC)) == ""
    assert term.phase_at(datetime(2024, 7, 31, 6, 59, 59, tzinfo=UTC)) == ""


def test_a_milestone_cannot_end_before_it_starts(term):
    with pytest.raises(IntegrityError):
        Milestone.objects.create(
            term=term,
            key="x",
            label="x",
            raw="x",
            start=datetime(2024, 8, 2, tzinfo=UTC),
            end=datetime(2024, 8, 1, tzinfo=UTC),
        )


def test_terms_are_unique_per_program_year_and_number(term):
    with pytest.raises(IntegrityError):
        Term.objects.create(program=term.program, year=2024, number=3, title="again")


def test_terms_are_found_by_label(term):
    assert Term.objects.by_label("2024 Term 3").get() == term
    assert Term.objects.by_label("2024 term 3 (Sep-Nov)").get() == term
    assert parse_term_label(" 2021 Term 1 ") == (2021, 1)
    with pytest.raises(DomainError, match="write it like"):
        parse_term_label("Term 3")

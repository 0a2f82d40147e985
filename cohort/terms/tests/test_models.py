from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError

from cohort.core.errors import DomainError
from cohort.terms.labels import parse_term_label
from cohort.terms.models import Milestone, Program, Term, TermStage

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


# 2024 Term 3 as the CNCF page dated it, in the term's zone (PDT is UTC-7).
PDT = zoneinfo.ZoneInfo("America/Los_Angeles")
TIMELINE = [
    ("proposals_open", datetime(2024, 7, 3, tzinfo=PDT), datetime(2024, 7, 30, 17, tzinfo=PDT)),
    ("applications_open", datetime(2024, 7, 31, tzinfo=PDT), datetime(2024, 8, 13, 17, tzinfo=PDT)),
    (
        "application_review",
        datetime(2024, 8, 14, tzinfo=PDT),
        datetime(2024, 8, 27, 17, tzinfo=PDT),
    ),
    ("selection_notify", datetime(2024, 8, 28, tzinfo=PDT), datetime(2024, 8, 29, tzinfo=PDT)),
    ("term_start", datetime(2024, 9, 9, tzinfo=PDT), datetime(2024, 9, 10, tzinfo=PDT)),
    ("term_end", datetime(2024, 11, 29, tzinfo=PDT), datetime(2024, 11, 30, tzinfo=PDT)),
]


@pytest.fixture
def dated_term(term: Term) -> Term:
    for position, (key, start, end) in enumerate(TIMELINE):
        Milestone.objects.create(
            term=term, position=position, key=key, label=key, raw="", start=start, end=end
        )
    return term


def _just_before(when: datetime) -> datetime:
    return when - timedelta(seconds=1)


@pytest.mark.parametrize(
    ("when", "stage"),
    [
        (_just_before(datetime(2024, 7, 3, tzinfo=PDT)), TermStage.UPCOMING),
        (datetime(2024, 7, 3, tzinfo=PDT), TermStage.ACCEPTING_PROPOSALS),
        (_just_before(datetime(2024, 7, 30, 17, tzinfo=PDT)), TermStage.ACCEPTING_PROPOSALS),
        (datetime(2024, 7, 31, 0, tzinfo=UTC), TermStage.UPCOMING),  # 5 PM PDT: proposals shut
        (datetime(2024, 7, 31, tzinfo=PDT), TermStage.ACCEPTING_APPLICATIONS),
        (_just_before(datetime(2024, 8, 14, 0, tzinfo=UTC)), TermStage.ACCEPTING_APPLICATIONS),
        (datetime(2024, 8, 14, 0, tzinfo=UTC), TermStage.IN_REVIEW),  # applications closed
        (datetime(2024, 8, 14, tzinfo=PDT), TermStage.IN_REVIEW),
        (datetime(2024, 8, 27, 17, tzinfo=PDT), TermStage.SELECTION),
        (datetime(2024, 8, 28, tzinfo=PDT), TermStage.SELECTION),
        (datetime(2024, 9, 5, tzinfo=PDT), TermStage.SELECTION),
        (_just_before(datetime(2024, 9, 9, tzinfo=PDT)), TermStage.SELECTION),
        (datetime(2024, 9, 9, tzinfo=PDT), TermStage.IN_PROGRESS),
        (datetime(2024, 10, 15, tzinfo=PDT), TermStage.IN_PROGRESS),
        (_just_before(datetime(2024, 11, 30, tzinfo=PDT)), TermStage.IN_PROGRESS),
        (datetime(2024, 11, 30, tzinfo=PDT), TermStage.COMPLETED),  # every date has passed
        (datetime(2026, 12, 6, tzinfo=UTC), TermStage.COMPLETED),
    ],
)
def test_stage_at_follows_the_timeline_at_each_boundary(dated_term, when, stage):
    assert dated_term.stage_at(when) == stage


def test_stage_at_reads_the_prefetched_timeline_without_a_query(
    dated_term, django_assert_num_queries
):
    term = Term.objects.prefetch_related("milestones").get(pk=dated_term.pk)
    with django_assert_num_queries(0):
        assert term.stage_at(datetime(2024, 8, 1, tzinfo=UTC)) == TermStage.ACCEPTING_APPLICATIONS


def test_a_term_without_a_timeline_is_upcoming_whatever_its_page_said(term):
    Term.objects.filter(pk=term.pk).update(status="Planning")
    term.refresh_from_db()
    assert term.stage_at(datetime(2030, 1, 1, tzinfo=UTC)) == TermStage.UPCOMING
    assert term.status == "Planning"  # the page's words stay for the export

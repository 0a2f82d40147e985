"""The purge of a closed term's personal data, end to end on a term built through the
services: files leave the disk, the purged fields are empty, the aggregates are unchanged, one
audit row, a second run does nothing, and the dry run said what the purge did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.storage import storages

from cohort.applications.models import Application, ApplicationEvent, MenteeProfile, Review, Task
from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent
from cohort.core.periodic import run_periodic_jobs
from cohort.mentorship.models import Evaluation, Feedback
from cohort.retention import services
from cohort.retention.services import PURGED, plan_purge, purge_term
from cohort.retention.tests.conftest import (
    AFTER_DUE,
    DUE_AT,
    Closed,
    aggregates,
    close,
)
from cohort.terms.models import Term


def on_disk(name: str) -> bool:
    return storages["private"].exists(name) or MenteeProfile.resume.field.storage.exists(name)


def resume_of(closed: Closed, mentee: str) -> str:
    return str(MenteeProfile.objects.get(user=closed.world.user(mentee)).resume)


def test_the_plan_counts_each_kind_of_personal_data(closed: Closed) -> None:
    plan = plan_purge(closed.term, now=AFTER_DUE)
    assert plan.is_due
    assert plan.due_at == DUE_AT
    # mentee1..4 applied 7 times, each with a résumé task, a cover letter and a link.
    assert plan.counts == {
        "profiles": 3,  # mentee2, 3, 4: not placed; mentee1 is
        "resumes": 4,
        "task_files": 7,
        "task_answers": 14,
        "reviews": 3,  # alice scored antrea's 3 applicants
        "decision_reasons": 2,  # mentee4 declined; mentee1 placed elsewhere
        "evaluations": 1,
        "feedback": 1,
        "outcome_notes": 0,
    }
    assert len(plan.files) == 4


def test_the_purge_removes_personal_data_and_keeps_the_aggregates(
    closed: Closed, django_capture_on_commit_callbacks
) -> None:
    term = closed.term
    resumes = {name: resume_of(closed, name) for name in ("mentee1", "mentee2", "mentee3")}
    assert all(on_disk(name) for name in resumes.values())
    before = aggregates(term)
    plan = plan_purge(term, now=AFTER_DUE)
    named = AuditEvent.objects.filter(object_repr__in=["Mentee3", "Mentee4"])
    assert named.exists()  # the profiles' audit rows, named after the person

    with django_capture_on_commit_callbacks(execute=True):
        done = purge_term(term, actor=None, now=AFTER_DUE)

    assert done.counts == plan.counts
    assert done.files == plan.files
    assert aggregates(term) == before
    assert not any(on_disk(name) for name in resumes.values())
    # Profiles of people not selected are gone; the placed mentee keeps theirs, without résumé.
    left = MenteeProfile.objects.filter(user__applications__term=term).distinct()
    assert [p.user.username for p in left] == ["mentee1"]
    assert left[0].resume == ""
    assert left[0].resume_name == ""
    tasks = Task.objects.filter(application__term=term)
    assert {(t.text, t.url, str(t.file), t.file_name) for t in tasks if t.is_done} == {
        (PURGED, "", "", "")
    }
    assert not Review.objects.filter(application__term=term, score__isnull=False).exists()
    assert set(Review.objects.filter(application__term=term).values_list("notes", flat=True)) == {
        ""
    }
    assert not ApplicationEvent.objects.filter(application__term=term).exclude(reason="").exists()
    evaluation = Evaluation.objects.get(placement=closed.placement)
    assert (evaluation.comments_for_mentee, evaluation.private_comments) == ("", "")
    assert evaluation.passed is True
    feedback = Feedback.objects.get(placement=closed.placement)
    assert (feedback.mentor_comments, feedback.program_comments) == ("", "")
    assert (feedback.mentor_rating, feedback.program_rating) == (4, 5)
    assert Term.objects.get(pk=term.pk).purged_at == AFTER_DUE
    event = AuditEvent.objects.get(action="retention.term.purged")
    assert event.object_id == str(term.pk)
    assert event.data["counts"] == plan.counts
    assert event.data["files"] == 4
    assert not named.exists()  # they keep who, what and when, not the name


def test_a_second_purge_changes_nothing(closed: Closed, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        purge_term(closed.term, actor=None, now=AFTER_DUE)
    after = aggregates(closed.term)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = purge_term(closed.term, actor=None, now=AFTER_DUE + timedelta(days=1))
    assert callbacks == []
    assert again.total == 0
    assert again.purged_at == AFTER_DUE
    assert aggregates(closed.term) == after
    assert AuditEvent.objects.filter(action="retention.term.purged").count() == 1
    assert services.purge_job(AFTER_DUE + timedelta(days=2)) == []


def test_a_term_not_yet_due_is_refused_and_untouched(closed: Closed) -> None:
    before = aggregates(closed.term)
    answers = sorted(Task.objects.values_list("text", flat=True))
    with pytest.raises(DomainError, match="kept until 2026-01-15"):
        purge_term(closed.term, actor=None, now=DUE_AT - timedelta(seconds=1))
    assert services.due_terms(DUE_AT - timedelta(seconds=1)) == []
    assert aggregates(closed.term) == before
    assert sorted(Task.objects.values_list("text", flat=True)) == answers
    assert Term.objects.get(pk=closed.term.pk).purged_at is None


def test_an_open_term_is_never_purged(closed: Closed) -> None:
    Term.objects.filter(pk=closed.term.pk).update(state=Term.State.OPEN, closed_at=None)
    plan = plan_purge(closed.term, now=AFTER_DUE)
    assert plan.due_at is None
    assert not plan.is_due
    with pytest.raises(DomainError, match="still open"):
        purge_term(closed.term, actor=None, now=AFTER_DUE)
    assert services.due_terms(AFTER_DUE + timedelta(days=3650)) == []
    assert Task.objects.exclude(text="").exclude(text=PURGED).exists()


def test_the_periodic_job_purges_due_terms_once(
    closed: Closed, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        lines = run_periodic_jobs(AFTER_DUE)
    assert "Terms purged of personal data: 1" in lines
    assert Term.objects.get(pk=closed.term.pk).purged_at == AFTER_DUE
    assert not any("purged" in line for line in run_periodic_jobs(AFTER_DUE))


def test_a_profile_in_use_by_a_live_term_is_kept(
    closed: Closed, django_capture_on_commit_callbacks
) -> None:
    """mentee2 applied in a later term that is still open: the profile and résumé stay, and
    so does the résumé file, which the purged term's résumé task pointed at too."""
    world = closed.world
    later = Term.objects.create(program=world.program, year=2025, number=1, title="2025 T1")
    project = world.antrea
    project.pk = None
    project.term = later
    project.slug = "antrea-2025"
    project.save()
    Application.objects.create(
        mentee=world.user("mentee2"), term=later, project=project, active_slot=1
    )
    resume = resume_of(closed, "mentee2")
    plan = plan_purge(closed.term, now=AFTER_DUE)
    assert plan.counts["profiles"] == 2
    assert plan.counts["resumes"] == 3
    assert resume not in plan.files
    with django_capture_on_commit_callbacks(execute=True):
        purge_term(closed.term, actor=None, now=AFTER_DUE)
    assert resume_of(closed, "mentee2") == resume
    assert on_disk(resume)
    # Once that term is closed and purged too, the profile goes.
    close(later, datetime(2025, 6, 1, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        purge_term(later, actor=None, now=datetime(2026, 6, 2, tzinfo=UTC))
    assert not MenteeProfile.objects.filter(user=world.user("mentee2")).exists()
    assert not on_disk(resume)


def test_retention_months_move_the_due_date(closed: Closed) -> None:
    admin = closed.world.user("admin")
    services.set_retention(closed.term.program, 3, actor=admin)
    assert plan_purge(closed.term).due_at == datetime(2025, 4, 15, 12, 0, tzinfo=UTC)
    event = AuditEvent.objects.get(action="retention.program.retention_changed")
    assert event.data == {"before": 12, "after": 3}
    services.set_retention(closed.term.program, 3, actor=admin)  # unchanged: no second row
    assert AuditEvent.objects.filter(action="retention.program.retention_changed").count() == 1
    for months in (0, 121):
        with pytest.raises(DomainError):
            services.set_retention(closed.term.program, months, actor=admin)


def test_add_months_clamps_to_the_month_s_end() -> None:
    start = datetime(2024, 1, 31, 8, 0, tzinfo=UTC)
    assert services.add_months(start, 1) == datetime(2024, 2, 29, 8, 0, tzinfo=UTC)
    assert services.add_months(start, 13) == datetime(2025, 2, 28, 8, 0, tzinfo=UTC)
    assert services.add_months(start, 120) == datetime(2034, 1, 31, 8, 0, tzinfo=UTC)


def test_the_plan_takes_as_many_queries_for_an_empty_term_as_for_a_full_one(
    closed: Closed,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    empty = Term.objects.create(program=closed.world.program, year=2020, number=1, title="Empty")
    close(empty)
    empty = Term.objects.select_related("program").get(pk=empty.pk)
    full = closed.term
    with CaptureQueriesContext(connection) as small:
        assert plan_purge(empty, now=AFTER_DUE).total == 0
    with CaptureQueriesContext(connection) as large:
        assert plan_purge(full, now=AFTER_DUE).total > 20
    assert len(small) == len(large) == 6

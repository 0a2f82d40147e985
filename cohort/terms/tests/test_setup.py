"""Setting up a term: the calendar template, the timeline rules, the settings, the audit."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time

import pytest

from cohort.core.errors import ConflictError, DomainError, NotAllowedError
from cohort.core.models import AuditEvent, User
from cohort.formats.timeline import parse_date_text
from cohort.terms import services
from cohort.terms.models import Program, ProgramMembership, Term, TermStage
from cohort.terms.queries import term_setup
from cohort.terms.services import MilestoneInput, SettingsChange, TimelineError

pytestmark = pytest.mark.django_db
LA = zoneinfo.ZoneInfo("America/Los_Angeles")


@pytest.fixture
def program() -> Program:
    return Program.objects.create(name="CNCF LFX Mentorship", slug="lfx")


@pytest.fixture
def admin(program: Program) -> User:
    user = User.objects.create_user("admin", "admin@example.org", "pw")
    ProgramMembership.objects.create(program=program, user=user)
    return user


def _rows(term: Term) -> list[MilestoneInput]:
    return [
        MilestoneInput(
            key=m.key,
            label=m.label,
            start=m.start_date,
            start_time=m.start_time,
            end=m.end_date,
            end_time=m.end_time,
        )
        for m in term_setup(term).milestones
    ]


def test_a_new_term_has_the_calendar_title_and_the_reference_terms_eight_milestones(program, admin):
    term = services.create_term(program, year=2024, number=3, actor=admin)
    assert term.title == "Term 03 - 2024 September - November"
    assert term.time_zone == "America/Los_Angeles"
    milestones = list(term.milestones.order_by("position"))
    # The reference term's page, 2024 Term 3 (../shared/corpus), row for row.
    assert [m.raw for m in milestones] == [
        "Jul 3 - Jul 30 5:00 PM PDT",
        "Jul 31 - Aug 13 5:00 PM PDT",
        "Aug 14 - Aug 27 5:00 PM PDT",
        "Sep 3 5:00 PM PDT",
        "Sep 9",
        "Oct 15 5:00 PM PDT",
        "Nov 26 5:00 PM PST",
        "Nov 29",
    ]
    assert [m.key for m in milestones] == [
        "proposals_open",
        "applications_open",
        "application_review",
        "selection_notify",
        "term_start",
        "midterm_evals",
        "final_evals",
        "term_end",
    ]
    applications = milestones[1]
    assert applications.start == datetime(2024, 7, 31, 7, tzinfo=UTC)
    assert applications.end == datetime(2024, 8, 14, 0, tzinfo=UTC)
    # Each text reads back as exactly its instants.
    for m in milestones:
        parsed = parse_date_text(m.raw, year=2024, zone=term.time_zone)
        assert (parsed.start, parsed.end, parsed.has_time) == (m.start, m.end, m.has_time)
    event = AuditEvent.objects.get(action="terms.term.created")
    assert event.actor == admin
    assert len(event.data["timeline"]) == 8


def test_2027_term_2_falls_in_june_on_the_reference_weekdays(program, admin):
    term = services.create_term(program, year=2027, number=2, actor=admin)
    assert term.title == "Term 02 - 2027 June - August"
    begins = term.milestones.get(key="term_start")
    assert begins.start is not None
    assert begins.start.astimezone(LA).date() == date(2027, 6, 7)  # a Monday, as Sep 9, 2024
    assert term.stage_at(datetime(2027, 4, 10, tzinfo=UTC)) == TermStage.ACCEPTING_PROPOSALS
    assert term.stage_at(datetime(2027, 9, 1, tzinfo=UTC)) == TermStage.COMPLETED


def test_the_cncf_refusals_for_a_term_number_and_a_year(program, admin):
    with pytest.raises(DomainError, match=r"^Invalid term number: 4 \(expected 1, 2 or 3\)$"):
        services.create_term(program, year=2027, number=4, actor=admin)
    with pytest.raises(DomainError, match=r"Invalid year: 1999"):
        services.create_term(program, year=1999, number=1, actor=admin)
    services.create_term(program, year=2027, number=1, actor=admin)
    with pytest.raises(ConflictError, match="already has 2027 Term 1"):
        services.create_term(program, year=2027, number=1, actor=admin)
    assert Term.objects.count() == 1


def test_only_a_program_admin_sets_up_terms(program, admin):
    outsider = User.objects.create_user("someone", "s@example.org", "pw")
    with pytest.raises(NotAllowedError):
        services.create_term(program, year=2027, number=1, actor=outsider)
    term = services.create_term(program, year=2027, number=1, actor=admin)
    with pytest.raises(NotAllowedError):
        services.set_timeline(term, _rows(term), actor=outsider)
    with pytest.raises(NotAllowedError):
        services.update_settings(term, SettingsChange(proposal_quota=9), actor=outsider)


def test_a_new_term_takes_the_settings_of_the_programs_latest_term(program, admin):
    first = services.create_term(program, year=2027, number=1, actor=admin, time_zone="UTC")
    services.update_settings(
        first,
        SettingsChange(
            proposal_quota=5,
            quota_overrides={"Kubernetes": 10, "envoy": 6},
            max_applications=2,
            default_prerequisites=["Cover Letter", "Resume"],
        ),
        actor=admin,
    )
    second = services.create_term(program, year=2027, number=2, actor=admin)
    assert second.time_zone == "UTC"
    assert second.proposal_quota == 5
    assert second.quota_overrides == {"kubernetes": 10, "envoy": 6}
    assert second.max_applications == 2
    assert second.default_prerequisites == ["Resume", "Cover Letter"]  # the form's order


def test_editing_the_timeline_moves_the_instants_and_writes_the_text(program, admin):
    term = services.create_term(program, year=2027, number=2, actor=admin)
    rows = _rows(term)
    rows[1] = MilestoneInput(
        key="applications_open",
        label="Mentee applications open",
        start=date(2027, 4, 28),
        start_time=time(9, 0),
        end=date(2027, 5, 11),
        end_time=time(18, 30),
    )
    services.set_timeline(term, rows, actor=admin)
    m = term.milestones.get(key="applications_open")
    assert m.start == datetime(2027, 4, 28, 16, 0, tzinfo=UTC)
    assert m.end == datetime(2027, 5, 12, 1, 30, tzinfo=UTC)
    assert m.raw == "Apr 28 9:00 AM PDT - May 11 6:30 PM PDT"
    untouched = term.milestones.get(key="proposals_open")
    assert untouched.raw == "Mar 31 - Apr 27 5:00 PM PDT"  # as created: kept
    event = AuditEvent.objects.get(action="terms.term.timeline_changed")
    before = {row["key"]: row for row in event.data["before"]}
    after = {row["key"]: row for row in event.data["after"]}
    assert before["applications_open"]["raw"] != after["applications_open"]["raw"]


def _refusal(term: Term, rows: list[MilestoneInput], admin: User) -> list[tuple[int | None, str]]:
    with pytest.raises(TimelineError) as refused:
        services.set_timeline(term, rows, actor=admin)
    return refused.value.problems


def test_phases_run_in_order_without_overlapping(program, admin):
    term = services.create_term(program, year=2027, number=2, actor=admin)
    before = [(m.key, m.start, m.end) for m in term.milestones.all()]
    rows = _rows(term)
    review = rows[2]
    rows[2] = MilestoneInput(
        key=review.key,
        label=review.label,
        start=date(2027, 5, 1),  # before the applications close (May 11)
        start_time=time(0, 0),
        end=review.end,
        end_time=review.end_time,
    )
    problems = _refusal(term, rows, admin)
    assert problems == [
        (
            2,
            "Application review/admission decisions starts (Sat May 1, 2027 12:00 AM PDT) "
            "before Mentee applications open ends (Tue May 11, 2027 5:00 PM PDT): the phases "
            "run in order, without overlapping.",
        )
    ]
    # Nothing was saved, nothing audited.
    assert [(m.key, m.start, m.end) for m in term.milestones.all()] == before
    assert not AuditEvent.objects.filter(action="terms.term.timeline_changed").exists()


def test_a_deadline_is_an_exact_instant(program, admin):
    term = services.create_term(program, year=2027, number=2, actor=admin)
    rows = _rows(term)
    deadline = rows[0]
    rows[0] = MilestoneInput(
        key=deadline.key, label=deadline.label, start=deadline.start, end=deadline.end
    )  # no time
    problems = _refusal(term, rows, admin)
    assert problems[0][0] == 0
    assert "is a deadline: give the time it closes" in problems[0][1]


def test_a_local_time_the_clocks_skip_or_repeat_is_refused(program, admin):
    term = services.create_term(program, year=2027, number=1, actor=admin)
    rows = _rows(term)
    # 2027-03-14 02:30 does not exist in Los Angeles; 2027-11-07 01:30 happens twice.
    rows[5] = MilestoneInput(
        key="midterm_evals", label="Midterm", end=date(2027, 3, 14), end_time=time(2, 30)
    )
    problems = _refusal(term, rows, admin)
    assert any("does not exist in America/Los_Angeles" in p for _, p in problems)
    rows[5] = MilestoneInput(
        key="midterm_evals", label="Midterm", end=date(2027, 11, 7), end_time=time(1, 30)
    )
    problems = _refusal(term, rows, admin)
    assert any("happens twice in America/Los_Angeles" in p for _, p in problems)


def test_end_before_start_and_missing_labels_are_named_per_row(program, admin):
    term = services.create_term(program, year=2027, number=2, actor=admin)
    rows = _rows(term)
    rows.append(MilestoneInput(label="", end=date(2027, 6, 20)))
    rows.append(
        MilestoneInput(label="Kick-off call", start=date(2027, 6, 20), end=date(2027, 6, 19))
    )
    problems = dict(_refusal(term, rows, admin))
    assert problems[8].startswith("Milestone 9: give it a label")
    assert problems[9] == "Kick-off call ends before it starts (Sun Jun 20, 2027 12:00 AM PDT)."


def test_an_extra_undated_milestone_is_kept_and_a_removed_one_deleted(program, admin):
    term = services.create_term(program, year=2027, number=2, actor=admin)
    rows = [r for r in _rows(term) if r.key != "midterm_evals"]
    rows.insert(4, MilestoneInput(label="Mentee candidate info sessions", end=None))
    services.set_timeline(term, rows, actor=admin)
    keys = list(term.milestones.order_by("position").values_list("key", flat=True))
    assert "midterm_evals" not in keys
    assert keys[4] == "candidate_info_sessions"
    info = term.milestones.get(key="candidate_info_sessions")
    assert (info.start, info.end, info.raw) == (None, None, "")


def test_a_new_zone_keeps_instants_and_whole_days(program, admin):
    term = services.create_term(program, year=2027, number=2, actor=admin)
    deadline = term.milestones.get(key="proposals_open")
    services.update_settings(term, SettingsChange(time_zone="Asia/Kolkata"), actor=admin)
    term.refresh_from_db()
    assert term.time_zone == "Asia/Kolkata"
    moved = term.milestones.get(key="proposals_open")
    assert (moved.start, moved.end) == (deadline.start, deadline.end)
    assert moved.raw == deadline.raw  # "… 5:00 PM PDT" still says the same instant
    begins = term.milestones.get(key="term_start")
    kolkata = zoneinfo.ZoneInfo("Asia/Kolkata")
    assert begins.start is not None
    assert begins.end is not None
    assert begins.start.astimezone(kolkata) == datetime(2027, 6, 7, tzinfo=kolkata)
    assert begins.end.astimezone(kolkata) == datetime(2027, 6, 8, tzinfo=kolkata)
    assert begins.raw == "Jun 7"
    event = AuditEvent.objects.get(action="terms.term.settings_changed")
    assert event.data == {"time_zone": {"before": "America/Los_Angeles", "after": "Asia/Kolkata"}}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (SettingsChange(time_zone="Mars/Olympus"), "is not an IANA time zone"),
        (SettingsChange(proposal_quota=0), "The default quota must be a whole number from 1"),
        (SettingsChange(quota_overrides={"Bad Key!": 3}), "is not an organization key"),
        (SettingsChange(quota_overrides={"envoy": 100}), "The quota of envoy must be"),
        (SettingsChange(max_applications=21), "The applications cap must be from 1 to 20"),
        (SettingsChange(default_prerequisites=["Haiku"]), "“Haiku” is not a prerequisite"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(program, admin, change, message):
    term = services.create_term(program, year=2027, number=2, actor=admin)
    with pytest.raises(DomainError, match=message):
        services.update_settings(term, change, actor=admin)
    term.refresh_from_db()
    assert (term.time_zone, term.proposal_quota, term.quota_overrides) == (
        "America/Los_Angeles",
        4,
        {"kubernetes": 8},
    )
    assert not AuditEvent.objects.filter(action="terms.term.settings_changed").exists()


def test_the_applications_cap_falls_back_to_the_programs(program, admin):
    term = services.create_term(program, year=2027, number=2, actor=admin)
    assert term.applications_cap == 3
    services.update_settings(term, SettingsChange(max_applications=1), actor=admin)
    term.refresh_from_db()
    assert term.applications_cap == 1
    services.update_settings(term, SettingsChange(max_applications=0), actor=admin)
    term.refresh_from_db()
    assert (term.max_applications, term.applications_cap) == (None, 3)


def test_the_form_values_read_back_as_the_same_instants(program, admin):
    term = services.create_term(program, year=2027, number=3, actor=admin)
    saved = [(m.key, m.start, m.end, m.has_time, m.raw) for m in term.milestones.all()]
    services.set_timeline(term, _rows(term), actor=admin)  # saved as shown, unchanged
    assert [(m.key, m.start, m.end, m.has_time, m.raw) for m in term.milestones.all()] == saved


def test_a_date_far_from_the_term_is_refused(program, admin):
    term = services.create_term(program, year=2027, number=2, actor=admin)
    rows = _rows(term)
    rows[7] = MilestoneInput(key="term_end", label="Last day of term", end=date(1, 1, 1))
    problems = dict(_refusal(term, rows, admin))
    assert problems[7] == (
        "Last day of term: Jan 1, 0001 is not a date of this term; its dates fall between "
        "2026 and 2028."
    )


def test_a_new_term_starts_with_the_scaffolds_readme_head_and_keeps_it_in_step(program, admin):
    term = services.create_term(program, year=2027, number=2, actor=admin)
    lines = term.frontmatter.split("\n")
    assert lines[:9] == [
        "# Term 02 - 2027 June - August",
        "",
        "Status: Planning",
        "",
        "Mentorship duration - three months (full-time schedule)",
        "",
        "### Timeline",
        "",
        "| Activity | Dates (2027) |",
    ]
    assert "| Project proposals | Wed, Mar 31 \u2013 Tue, Apr 27, 5:00 PM PDT |" in lines
    assert "| Selection notifications | Tue, Jun 1, 5:00 PM PDT |" in lines
    assert "| Mentorship program begins with the initial work assignments | Mon, Jun 7 |" in lines
    assert ", by April 27, 2027. Submit one issue per program" in term.frontmatter
    assert lines[-1] == "---"
    # A moved deadline moves in the head too, while the head is the one Cohort wrote.
    rows = _rows(term)
    first = rows[0]
    rows[0] = MilestoneInput(
        key=first.key,
        label=first.label,
        start=first.start,
        start_time=first.start_time,
        end=date(2027, 4, 26),
        end_time=time(12, 0),
    )
    services.set_timeline(term, rows, actor=admin)
    term.refresh_from_db()
    assert (
        "| Project proposals | Wed, Mar 31 \u2013 Mon, Apr 26, 12:00 PM PDT |" in term.frontmatter
    )
    assert ", by April 26, 2027." in term.frontmatter
    services.update_settings(term, SettingsChange(time_zone="UTC"), actor=admin)
    term.refresh_from_db()
    assert "| Project proposals | Wed, Mar 31 \u2013 Mon, Apr 26, 7:00 PM UTC |" in term.frontmatter
    # A head someone wrote by hand is theirs: it is never written over.
    term.frontmatter = "# Our own page\n\n---"
    term.save()
    services.set_timeline(term, _rows(term), actor=admin)
    term.refresh_from_db()
    assert term.frontmatter == "# Our own page\n\n---"

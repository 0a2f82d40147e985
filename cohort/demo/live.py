"""The live demo: a term whose applications are open now, so every role has something to do.

The reference term (2024 Term 3) is history: its windows closed long ago, and its demo
applications are dated back into them. This module adds a term dated from the moment the demo
is first loaded, in its own, clearly labelled program, "Cohort live demo":

- Identity. Terms are identified by program, year and number (cncf-process.md §4.2). The live
  term lives in its own program, so it can never collide with a term imported into "CNCF LFX
  Mentorship" (the reference term, or a real term a user imports later). Its year is the
  current year (UTC) and its number the third of the year that holds today: Jan–Apr is Term 1,
  May–Aug Term 2, Sep–Dec Term 3 (every month belongs to one, unlike the CNCF's Mar–Nov terms).
- Timeline. In UTC, to the minute, with the CNCF's milestone keys (`formats.timeline`):
  `proposals_open` closed a week ago, `applications_open` opened two days ago and closes in
  5 days at 18:00 UTC (so the program's reminders page shows, in its next 7 days, the
  72-hour and 24-hour reminders to mentee3, whose application is in progress), then
  `application_review` for a week, `selection_notify`, and the mentorship (`term_start`,
  `term_end`, 12 weeks). A database kept longer simply sees the
  term move on through review and selection.
- Projects. Four published projects, imported through `import_term` like any page, asking for
  a résumé and a cover letter (the program also requires LFC102, as the CNCF does). The demo
  `mentor` user mentors two of them (through the Person it already is in the reference term),
  `maintainer` maintains their organization, and `admin` is the program's admin.
- Mentees. `mentee1` has no application in the live term: log in and apply now (the profile
  and résumé are there already, so it takes a cover letter and the LFC102 certificate).
  `mentee2` has submitted an application to the `mentor` user's first project, `mentee3` has
  started one (the certificate is missing), so the mentor's live queue is not empty.

Idempotent: the term is created (and dated) once, for the third of the year it is first
loaded in; a later run in the same third changes nothing, and each (mentee, project)
application is made once. A run in a later third adds that third's term beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import transaction

from cohort.applications import services
from cohort.applications.models import Application, MenteeProfile
from cohort.core.errors import DomainError
from cohort.core.models import Person, User
from cohort.demo.applications import pdf_file
from cohort.formats import model as fm
from cohort.projects.models import Organization, OrganizationMaintainer, Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.terms.models import ProgramMembership, Term

LIVE_PROGRAM = "Cohort live demo"
WINDOW_DAYS = 5  # the applications window closes this many days after the first load


@dataclass
class LiveDemo:
    term: Term | None = None
    term_created: bool = False
    created: int = 0  # applications made by this run
    projects: list[Project] = field(default_factory=list)
    mentor_projects: list[Project] = field(default_factory=list)  # the `mentor` user's
    skipped: list[str] = field(default_factory=list)
    # Each demo mentee's application to the mentor's first live project: "" for none.
    statuses: dict[str, str] = field(default_factory=dict)


def live_term_key(now: datetime) -> tuple[int, int]:
    """(year, number) of the live term for `now`: the third of the year that holds it, in UTC."""
    today = now.astimezone(UTC)
    return today.year, 1 + (today.month - 1) // 4


@transaction.atomic
def load_live_demo(now: datetime) -> LiveDemo:
    """The live program, its term open at `now`, and the demo mentees' applications in it."""
    result = LiveDemo()
    users = {u.username: u for u in User.objects.filter(username__in=_USERS)}
    mentor_person = Person.objects.filter(user__username="mentor").first()
    if set(users) != set(_USERS) or mentor_person is None:
        return result  # without DEBUG's demo users there is no one to show it to
    program = get_or_create_program(LIVE_PROGRAM)
    year, number = live_term_key(now)
    term = Term.objects.filter(program=program, year=year, number=number).first()
    if term is None:
        term = import_term(_term_data(year, number, now, mentor_person), program=program).term
        result.term_created = True
    result.term = term
    ProgramMembership.objects.get_or_create(program=program, user=users["admin"])
    for org in Organization.objects.filter(program=program, name="Antrea"):
        OrganizationMaintainer.objects.get_or_create(organization=org, user=users["maintainer"])

    projects = list(Project.objects.filter(term=term).select_related("term").order_by("position"))
    result.projects = projects
    mine = Project.objects.filter(term=term, mentorships__person=mentor_person).order_by("position")
    result.mentor_projects = list(mine.distinct())
    if not result.mentor_projects:
        return result
    first = result.mentor_projects[0]
    _apply(result, users["mentee2"], first, now, certificate=True)
    _apply(result, users["mentee3"], first, now, certificate=False)
    made = dict(Application.objects.filter(project=first).values_list("mentee__username", "status"))
    result.statuses = {name: made.get(name, "") for name in ("mentee1", "mentee2", "mentee3")}
    return result


_USERS = ("admin", "maintainer", "mentor", "mentee1", "mentee2", "mentee3")


def _apply(
    result: LiveDemo, user: User, project: Project, now: datetime, *, certificate: bool
) -> None:
    """Apply with a cover letter (the résumé comes from the profile) and, if `certificate`,
    hand in LFC102 too, which submits the application. Made once; a scenario the mentee's
    changed profile makes impossible is skipped and reported."""
    if Application.objects.filter(mentee=user, project=project).exists():
        return
    profile = MenteeProfile.objects.filter(user=user).first()
    if profile is None:
        result.skipped.append(f"{user.username} → {project.title}: no mentee profile")
        return
    letter = (
        f"Hello, I am {profile.name}. “{project.title}” is the project I most want to work on "
        "this term: I have built it locally and read the upstream issue.\n\n(Demo application.)"
    )
    try:
        with transaction.atomic():
            application = services.apply_to_project(
                user, project, answers={"cover_letter": {"text": letter}}, now=now
            )
            if certificate:
                services.hand_in_task(
                    application,
                    "lfc102",
                    actor=user,
                    file=pdf_file(
                        "LFC102-certificate.pdf",
                        ["Certificate of Completion", profile.name, "LFC102", "Demo document."],
                    ),
                    now=now,
                )
    except DomainError as error:
        result.skipped.append(f"{user.username} → {project.title}: {error}")
        return
    result.created += 1


def _span(a: datetime, b: datetime) -> str:
    return f"{a:%a, %b %-d, %Y %H:%M} – {b:%a, %b %-d, %Y %H:%M} UTC"


def timeline_milestones(
    *,
    proposals: tuple[datetime, datetime],
    applications: tuple[datetime, datetime],
    review_ends: datetime,
    notify: datetime,
    begins: datetime,
) -> list[fm.Milestone]:
    """A demo term's timeline in UTC with the CNCF's milestone keys: proposals, applications,
    review until `review_ends`, the notifications at `notify`, and a 12-week mentorship from
    the day `begins` (the live term and the later-stage terms of `demo.phases` share it)."""
    opens, closes = applications
    ends = begins + timedelta(weeks=12)
    return [
        fm.Milestone(
            "proposals_open", "Project proposals open", _span(*proposals), *proposals, True
        ),
        fm.Milestone(
            "applications_open",
            "Mentee applications open",
            _span(opens, closes),
            opens,
            closes,
            True,
        ),
        fm.Milestone(
            "application_review",
            "Application review/admission decisions",
            _span(closes, review_ends),
            closes,
            review_ends,
            True,
        ),
        fm.Milestone(
            "selection_notify",
            "Selected mentees notified",
            f"{notify:%a, %b %-d, %Y %H:%M} UTC",
            notify,
            notify,
            True,
        ),
        fm.Milestone(
            "term_start",
            "Mentorship program begins",
            f"{begins:%a, %b %-d, %Y}",
            begins,
            begins + timedelta(days=1),
        ),
        fm.Milestone(
            "term_end", "Last day of term", f"{ends:%a, %b %-d, %Y}", ends, ends + timedelta(days=1)
        ),
    ]


def _term_data(year: int, number: int, now: datetime, mentor: Person) -> fm.TermData:
    start = now.astimezone(UTC).replace(second=0, microsecond=0)

    def day(days: int, hour: int = 18) -> datetime:
        return (start + timedelta(days=days)).replace(hour=hour, minute=0)

    opens = start - timedelta(days=2)
    closes = day(WINDOW_DAYS)
    review_ends = day(WINDOW_DAYS + 7)
    notify = day(WINDOW_DAYS + 8)
    begins = day(WINDOW_DAYS + 14, 0)

    milestones = timeline_milestones(
        proposals=(day(-21), day(-7)),
        applications=(opens, closes),
        review_ends=review_ends,
        notify=notify,
        begins=begins,
    )
    you = fm.Mentor(mentor.name, github=mentor.github, email=mentor.email, role="primary")
    co = fm.Mentor("Jordan Demo", github="jordan-demo", email="jordan@example.org")
    lee = fm.Mentor("Sam Lee", github="sam-lee-demo", email="sam@example.org", role="primary")
    kim = fm.Mentor("Ana Kim", github="ana-kim-demo", email="ana@example.org", role="primary")
    asks = fm.Prerequisites(resume=True, cover_letter=True)

    def project(title: str, n: int, what: str, skills: str, mentors: list[fm.Mentor]) -> fm.Project:
        return fm.Project(
            title=title,
            lfx_title=f"CNCF - {title} ({year} Term {number})",
            description=what,
            expected_outcome="A merged pull request with tests and documentation.",
            skills=skills,
            technologies=skills,
            mentors=mentors,
            number=n,
            prerequisites=asks,
        )

    antrea = fm.Organization(
        "Antrea",
        projects=[
            project(
                "Antrea: Egress policy status in antctl",
                1,
                "Show which Egress policies apply to a Pod, and the traffic they matched.",
                "Go, Kubernetes",
                [you, co],
            ),
            project(
                "Antrea: Flow export dashboard",
                2,
                "A Grafana dashboard for the flows Antrea's FlowExporter sends.",
                "Go, Grafana, Kubernetes networking",
                [you],
            ),
        ],
    )
    coredns = fm.Organization(
        "CoreDNS",
        projects=[
            project(
                "CoreDNS: DNS-over-QUIC plugin",
                3,
                "Serve DNS over QUIC (RFC 9250) from a new plugin.",
                "Go, DNS, QUIC",
                [lee],
            )
        ],
    )
    kyverno = fm.Organization(
        "Kyverno",
        projects=[
            project(
                "Kyverno: Policy test coverage report",
                4,
                "Report which rules of a policy set the `kyverno test` cases exercise.",
                "Go, Kubernetes admission control",
                [kim],
            )
        ],
    )
    return fm.TermData(
        title=f"Term {number:02d} - {year} (live demo)",
        year=year,
        number=number,
        status="Accepting applications",
        time_zone="UTC",
        duration="12 weeks",
        milestones=milestones,
        organizations=[antrea, coredns, kyverno],
        source_kind="json",
    )

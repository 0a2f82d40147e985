"""The demo's later phases: a term at each stage after "accepting applications", dated from now.

The live term (`cohort.demo.live`) is open for applications. Every other stage a term goes
through has a demo term too, so every role has something real to click:

- **Cohort demo: accepting proposals.** The proposals window opened a week ago and closes in
  30 days. Three proposals by the `mentor` user, one per step of the approval: #1 waits for
  the maintainer's approval (and a co-mentor's confirmation), #2 holds both gates and waits
  for the program admin's final approval, #3 holds the admin's approval and waits to be
  published: `admin` publishes it from the term's proposal board, and it joins the catalog.
- **Cohort demo: in review.** Applications closed two days ago; mentors review, shortlist
  and rank until the review phase ends in a week. `mentor` has two applicants to review
  (mentee1, mentee3) and one reviewed (mentee2, scored 4).
- **Cohort demo: selection.** Applications closed 20 days ago, selection notifications went
  out yesterday. `admin` ran and confirmed round 1 through the selection services: mentee1
  holds an offer on the `mentor` user's project, to accept or decline within 14 days (if
  declined, the place goes to mentee2, next on the mentor's ranking); mentee3 has accepted an
  offer on another project.

Identity. Terms are unique by (program, year, number) (cncf-process.md §4.2). Each of these
terms lives in its own, clearly labelled program ("Cohort demo: <stage>"), numbered like the
live term (`live_term_key`: the current year and the third of it that holds now). So they
never collide with each other, with the live term, with the CNCF reference term, or with a
real term a user imports; each program's page shows the one stage its name says.

Timelines are in UTC, with the CNCF's milestone keys (`formats.timeline`), built from whole
days around the first load (at 18:00 UTC, the mentorship's start and end at midnight), so
`Term.stage_at(now)` reads the stage the program's name says. Everything is written through
the services (`import_term`, `apply_to_project`, `hand_in_task`, `review_application`,
`shortlist_application`, `rank_shortlist`, `run_round`, `confirm_round`, `accept_offer`,
`create_proposal`, `submit_proposal`, `approve_proposal`, `approve_proposal_as_admin`), with
`now=` inside the window a rule checks (an application made while applications were open).
The rows keep the real time of the first load as their timestamps: unlike the reference
term's (`cohort.demo.applications`), nothing here is restamped.

Idempotent: each term is created once per third of the year; each application, proposal and
selection round is made once (a round only if the term has none), so a second run changes
nothing. A database kept longer sees each term move on to its next stage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction

from cohort.applications import services as applications
from cohort.applications.models import Application, MenteeProfile
from cohort.core.errors import DomainError
from cohort.core.models import Person, User
from cohort.demo.applications import complete_application
from cohort.demo.live import live_term_key, timeline_milestones
from cohort.formats import model as fm
from cohort.formats.issueform import PREREQUISITE_COVER_LETTER, PREREQUISITE_RESUME, IssueForm
from cohort.formats.lfx import term_dropdown_label
from cohort.projects.models import Organization, OrganizationMaintainer, Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.proposals import services as proposals
from cohort.selection import services as selection
from cohort.selection.models import Offer, Round
from cohort.terms.models import ProgramMembership, Term, TermStage

PROPOSALS_PROGRAM = "Cohort demo: accepting proposals"
REVIEW_PROGRAM = "Cohort demo: in review"
SELECTION_PROGRAM = "Cohort demo: selection"
RESPONSE_DAYS = 14  # how long the selection term's mentees have to answer their offers

_USERS = ("admin", "maintainer", "mentor", "mentee1", "mentee2", "mentee3")


@dataclass
class PhaseTerm:
    """One demo term at a stage, and what each demo user can do there."""

    stage: TermStage
    term: Term
    created: bool = False
    # (username, what they can do, the path where they do it), in the order printed.
    todo: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class PhaseDemo:
    terms: list[PhaseTerm] = field(default_factory=list)
    created: int = 0  # applications, proposals and rounds made by this run
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Timeline:
    """Whole days from the first load (negative: before it)."""

    proposals: tuple[int, int]
    applications: tuple[int, int]
    review_end: int
    notify: int
    begins: int


_TIMELINES = {
    TermStage.ACCEPTING_PROPOSALS: _Timeline((-7, 30), (37, 51), 58, 59, 66),
    TermStage.IN_REVIEW: _Timeline((-60, -45), (-21, -2), 7, 8, 14),
    TermStage.SELECTION: _Timeline((-100, -85), (-40, -20), -5, -1, 13),
}


@transaction.atomic
def load_phase_demo(now: datetime) -> PhaseDemo:
    """The proposals, review and selection demo terms at `now`, each with its scenario."""
    result = PhaseDemo()
    users = {u.username: u for u in User.objects.filter(username__in=_USERS)}
    mentor = Person.objects.filter(user__username="mentor").first()
    if set(users) != set(_USERS) or mentor is None:
        return result  # without DEBUG's demo users there is no one to show it to
    demo = _Demo(now=now, users=users, mentor=mentor, result=result)
    demo.proposals_term()
    demo.review_term()
    demo.selection_term()
    return result


@dataclass
class _Demo:
    now: datetime
    users: dict[str, User]
    mentor: Person
    result: PhaseDemo

    # --- the terms ---------------------------------------------------------------------------

    def term(
        self, program_name: str, stage: TermStage, organizations: list[fm.Organization]
    ) -> PhaseTerm:
        program = get_or_create_program(program_name)
        year, number = live_term_key(self.now)
        term = Term.objects.filter(program=program, year=year, number=number).first()
        created = term is None
        if term is None:
            data = fm.TermData(
                title=f"Term {number:02d} - {year} (demo: {stage.label.lower()})",
                year=year,
                number=number,
                status=stage.label,
                time_zone="UTC",
                duration="12 weeks",
                milestones=_milestones(self.now, _TIMELINES[stage]),
                organizations=organizations,
                source_kind="json",
            )
            term = import_term(data, program=program).term
        ProgramMembership.objects.get_or_create(program=program, user=self.users["admin"])
        for org in Organization.objects.filter(program=program, name="Antrea"):
            OrganizationMaintainer.objects.get_or_create(
                organization=org, user=self.users["maintainer"]
            )
        phase = PhaseTerm(stage=stage, term=term, created=created)
        self.result.terms.append(phase)
        return phase

    def proposals_term(self) -> None:
        orgs = [fm.Organization(name) for name in ("Antrea", "CoreDNS", "Kyverno")]
        phase = self.term(PROPOSALS_PROGRAM, TermStage.ACCEPTING_PROPOSALS, orgs)
        term = phase.term
        maintainer, admin = self.users["maintainer"], self.users["admin"]
        handle = self.mentor.github
        co = "Jordan Demo | @jordan-demo | jordan@example.org | jordan-demo"
        waiting = self.proposal(
            term,
            "Antrea",
            "Traceflow for multicast traffic",
            "https://github.com/antrea-io/antrea/issues/7001",
            co_mentor=co,
        )
        ready = self.proposal(
            term,
            "Antrea",
            "NodePortLocal metrics in Prometheus",
            "https://github.com/antrea-io/antrea/issues/7002",
            then=lambda p: proposals.approve_proposal(p, actor=maintainer),
        )

        def approved(project: Project) -> None:
            proposals.approve_proposal(project, actor=admin)  # as program admin, for CoreDNS
            proposals.approve_proposal_as_admin(project, actor=admin)

        publish = self.proposal(
            term,
            "CoreDNS",
            "Zone transfer metrics plugin",
            "https://github.com/coredns/coredns/issues/7003",
            then=approved,
        )
        if waiting is not None:
            phase.todo.append(
                ("maintainer", f"approve proposal #{waiting.number}", f"/proposals/{waiting.pk}/")
            )
        if ready is not None:
            phase.todo.append(
                ("admin", f"give #{ready.number} the final approval", f"/proposals/{ready.pk}/")
            )
        if publish is not None:
            phase.todo.append(
                (
                    "admin",
                    f"publish #{publish.number} from the board",
                    f"/proposals/board/{term.pk}/",
                )
            )
        phase.todo.append(("mentor", f"propose a project (as @{handle})", "/proposals/"))

    def review_term(self) -> None:
        you = self.you()
        lee = fm.Mentor("Sam Lee", github="sam-lee-demo", email="sam@example.org", role="primary")
        orgs = [
            fm.Organization(
                "Antrea",
                projects=[
                    _project(1, "Antrea: NetworkPolicy audit log viewer", "Go, React", [you]),
                    _project(2, "Antrea: IPv6 support for Egress", "Go, IPv6, Linux", [you]),
                ],
            ),
            fm.Organization(
                "CoreDNS",
                projects=[_project(3, "CoreDNS: Prometheus exemplars", "Go, Prometheus", [lee])],
            ),
        ]
        phase = self.term(REVIEW_PROGRAM, TermStage.IN_REVIEW, orgs)
        first, second, third = self.projects(phase.term)[:3]
        mentor = self.users["mentor"]
        self.apply("mentee1", first, phase.term)
        self.apply(
            "mentee2",
            first,
            phase.term,
            then=lambda a: applications.review_application(
                a, reviewer=mentor, score=4, notes="Clear plan; has contributed to Antrea docs."
            ),
        )
        self.apply("mentee3", second, phase.term)
        self.apply("mentee2", third, phase.term)
        phase.todo += [
            (
                "mentor",
                f"review the applicants of “{first.title}”",
                f"/review/projects/{first.pk}/",
            ),
            ("admin", "every applicant of the term", f"/review/terms/{phase.term.pk}/"),
            ("mentee1", "a submitted application, waiting for the mentors", "/applications/"),
        ]

    def selection_term(self) -> None:
        you = self.you()
        kim = fm.Mentor("Ana Kim", github="ana-kim-demo", email="ana@example.org", role="primary")
        orgs = [
            fm.Organization(
                "Kyverno",
                projects=[
                    _project(1, "Kyverno: Policy exceptions report", "Go, Kubernetes", [you]),
                    _project(2, "Kyverno: CEL policy playground", "TypeScript, CEL", [kim]),
                ],
            )
        ]
        phase = self.term(SELECTION_PROGRAM, TermStage.SELECTION, orgs)
        term = phase.term
        first, second = self.projects(term)[:2]
        mentor, admin = self.users["mentor"], self.users["admin"]
        made = [
            self.apply("mentee1", first, term, then=self.shortlist(mentor)),
            self.apply("mentee2", first, term, then=self.shortlist(mentor)),
            self.apply("mentee3", second, term, then=self.shortlist(admin)),
        ]
        if not Round.objects.filter(term=term).exists() and all(made):
            try:
                with transaction.atomic():
                    # The mentor's order: mentee1 first, mentee2 on the waitlist.
                    order = [a.pk for a in made[:2] if a is not None]
                    applications.rank_shortlist(first, order, actor=mentor)
                    round_ = selection.run_round(term, actor=admin, now=self.now)
                    selection.confirm_round(
                        round_, actor=admin, response_days=RESPONSE_DAYS, now=self.now
                    )
                    offer = Offer.objects.get(round=round_, mentee=self.users["mentee3"])
                    selection.accept_offer(offer, actor=self.users["mentee3"], now=self.now)
            except DomainError as error:
                self.result.skipped.append(f"selection in {term}: {error}")
            else:
                self.result.created += 1
        phase.todo += [
            ("mentee1", f"answer the offer on “{first.title}”", "/applications/"),
            ("mentee3", "an accepted offer", "/applications/"),
            ("mentor", "the offer made and the waitlist", f"/review/projects/{first.pk}/"),
            ("admin", "the confirmed round", f"/selection/terms/{term.pk}/"),
        ]

    # --- the steps ---------------------------------------------------------------------------

    def you(self) -> fm.Mentor:
        m = self.mentor
        return fm.Mentor(m.name, github=m.github, email=m.email, role="primary")

    def projects(self, term: Term) -> list[Project]:
        return list(Project.objects.filter(term=term).select_related("term").order_by("position"))

    def shortlist(self, actor: User) -> Callable[[Application], Any]:
        return lambda application: applications.shortlist_application(application, actor=actor)

    def applied_at(self, term: Term) -> datetime:
        """An instant inside the term's applications window: the day after it opened."""
        window = applications.applications_window(term)
        if window.start is None:
            return self.now
        return window.start + timedelta(days=1)

    def apply(
        self,
        username: str,
        project: Project,
        term: Term,
        *,
        then: Callable[[Application], Any] | None = None,
    ) -> Application | None:
        """A complete application (cover letter with the request, LFC102 handed in), then
        `then`. Made once: an existing application is returned as it is. A scenario the
        mentee's changed profile makes impossible is skipped and reported, never half-made."""
        user = self.users[username]
        existing = Application.objects.filter(mentee=user, project=project).first()
        if existing is not None:
            return existing
        profile = MenteeProfile.objects.filter(user=user).first()
        if profile is None:
            self.result.skipped.append(f"{username} → {project.title}: no mentee profile")
            return None
        at = self.applied_at(term)
        try:
            with transaction.atomic():
                application = complete_application(user, project, profile.name, at)
                if then is not None:
                    then(application)
                    application.refresh_from_db()
        except DomainError as error:
            self.result.skipped.append(f"{username} → {project.title}: {error}")
            return None
        self.result.created += 1
        return application

    def proposal(
        self,
        term: Term,
        organization: str,
        name: str,
        issue: str,
        *,
        co_mentor: str = "",
        then: Callable[[Project], Any] | None = None,
    ) -> Project | None:
        """A proposal by the `mentor` user, submitted, then `then`; made once (by title)."""
        existing = Project.objects.filter(term=term, title=name).first()
        if existing is not None:
            return existing
        m = self.mentor
        mentors = f"{m.name} | @{m.github} | {m.email or 'mentor@example.org'} | {m.github}"
        form = IssueForm.build(
            project=organization,
            term=term_dropdown_label(term.year, term.number),
            program_name=name,
            description=(
                f"## Description\n\n{name} for {organization}: a demo proposal.\n\n"
                "## Expected outcomes\n\n- The feature, with tests\n- User documentation"
            ),
            technologies="Go, Kubernetes",
            skills_same=True,
            mentors="\n".join(line for line in (mentors, co_mentor) if line),
            upstream_issue_url=issue,
            prerequisites=[PREREQUISITE_RESUME, PREREQUISITE_COVER_LETTER],
        )
        mentor = self.users["mentor"]
        try:
            with transaction.atomic():
                project = proposals.create_proposal(term, form, actor=mentor, now=self.now)
                proposals.submit_proposal(project, actor=mentor, now=self.now)
                if then is not None:
                    then(project)
        except DomainError as error:
            self.result.skipped.append(f"proposal “{name}” in {term}: {error}")
            return None
        self.result.created += 1
        return project


def _project(number: int, title: str, skills: str, mentors: list[fm.Mentor]) -> fm.Project:
    return fm.Project(
        title=title,
        lfx_title=f"CNCF - {title}",
        description=f"{title}: a demo project.",
        expected_outcome="A merged pull request with tests and documentation.",
        skills=skills,
        technologies=skills,
        mentors=mentors,
        number=number,
        prerequisites=fm.Prerequisites(resume=True, cover_letter=True),
    )


def _milestones(now: datetime, days: _Timeline) -> list[fm.Milestone]:
    start = now.astimezone(UTC).replace(second=0, microsecond=0)

    def day(n: int, hour: int = 18) -> datetime:
        return (start + timedelta(days=n)).replace(hour=hour, minute=0)

    return timeline_milestones(
        proposals=(day(days.proposals[0]), day(days.proposals[1])),
        applications=(day(days.applications[0]), day(days.applications[1])),
        review_ends=day(days.review_end),
        notify=day(days.notify),
        begins=day(days.begins, 0),
    )

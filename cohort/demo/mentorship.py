"""The demo's mentorship period (issue 13): a term whose mentees are at work, and a finished
term with a graduate, dated from the first load, so every role has a placement to open.

- **Cohort demo: mentorship.** The mentorship began six weeks ago (`term_start`); the
  midterm evaluations were due two days ago at 17:00 UTC (`midterm_evals`), the final ones
  are due in five weeks. The `mentor` user mentors five of its six projects:
  - `mentee4` (Mei Tanaka): the placement was extended by one week (a program admin, with
    a reason), so its midterm is open now: `mentor` evaluates it in the browser, then
    `mentee4` reads the result and gives their feedback;
  - `mentee5` (Diego Alvarez): the midterm was passed, locked at its close (settled), and
    the feedback given;
  - `mentee6` (Sofia Rossi): the midterm was not passed, so the placement failed when the
    evaluation locked; their feedback came a day after the due date (marked late);
  - `mentee7` (Kwame Mensah), on the project of Sam Lee (a mentor without a login): no
    evaluation by the due date, so it is on the term's overdue list, for `admin` to decide;
  - `mentee9` (Priya Raman) and `mentee10` (Chinedu Okafor), on the two Jaeger projects:
    the midterm was passed and settled, like `mentee5`'s; their stipends are further along
    (`cohort.demo.stipends`).
- **Cohort demo: completed.** A term whose mentorship ended two months ago: `mentee8`
  (Lena Fischer) passed the midterm and the final on the `mentor` user's project, graduated,
  and shares their completion page.

Every row is written through the services, as it would be by hand: the mentees' profiles,
their applications (`apply_to_project`, `hand_in_task`), the shortlists and the selection
(`shortlist_application`, `rank_shortlist`, `run_round`, `confirm_round`, `accept_offer`,
whose hook makes the placement), the start (`activate_due_placements`), the extension
(`extend_placement`), the evaluations (`submit_evaluation`, `lock_evaluation`), the
feedback (`submit_feedback`) and the completion page (`share_completion`), each with `now=`
the instant it happened in the term's story (the services check their windows against it).
As in `cohort.demo.phases`, the rows' own timestamps are the real time of the first load.

Loaded before the live and later-stage demo terms (`manage.py demo`): all of them share the
live term's number (`live_term_key`), and lists of terms put the newest first, then, within
a number, the first made first; so the terms the other demo pages point at keep their places
at the end of those lists.

The mentees are demo users of their own (`mentee4`..`mentee10`, password "demo"): a live
placement bars applying in an overlapping term (one mentorship at a time), and `mentee1`
must stay free to apply in the live term.

Idempotent: each term is created once per third of the year (`live_term_key`), each step is
taken once (an application, a round, an extension, an evaluation, a lock, a feedback, a
share), each dated from the term's own timeline, so a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Final

from django.contrib.auth.hashers import make_password
from django.db import transaction

from cohort.applications import services as applications
from cohort.applications.models import Application, MenteeProfile
from cohort.core.errors import DomainError
from cohort.core.models import Person, User
from cohort.demo.applications import complete_application, pdf_file
from cohort.demo.live import live_term_key, timeline_milestones
from cohort.formats import model as fm
from cohort.mentorship import services as mentorship
from cohort.mentorship.models import Evaluation, EvaluationRound, Feedback, Placement
from cohort.projects.demo import DEMO_PASSWORD
from cohort.projects.models import Organization, OrganizationMaintainer, Project
from cohort.projects.services import get_or_create_program, import_term
from cohort.selection import services as selection
from cohort.selection.models import Offer, Round
from cohort.terms.models import ProgramMembership, Term

MENTORSHIP_PROGRAM: Final = "Cohort demo: mentorship"
COMPLETED_PROGRAM: Final = "Cohort demo: completed"
MIDTERM: Final = "midterm"
FINAL: Final = "final"
EXTENSION_WEEKS: Final = 1
RESPONSE_DAYS: Final = 14

# The scenarios, by the mentee who lives them.
OPEN, PASSED, FAILED, OVERDUE, GRADUATED = "open", "passed", "failed", "overdue", "graduated"
# Passed too, for the stipends demo: their first installment is approved, or sent to the payer.
PASSED_APPROVED, PASSED_SENT = "passed, stipend approved", "passed, stipend sent"
SCENARIOS: Final = {
    "mentee4": OPEN,
    "mentee5": PASSED,
    "mentee6": FAILED,
    "mentee7": OVERDUE,
    "mentee8": GRADUATED,
    "mentee9": PASSED_APPROVED,
    "mentee10": PASSED_SENT,
}
PASSING: Final = frozenset({PASSED, PASSED_APPROVED, PASSED_SENT})

_STAFF = ("admin", "maintainer", "mentor")
# What the printed list of demo users says of each.
ROLES: Final = {
    "mentee4": f"mentee placed in {MENTORSHIP_PROGRAM}, midterm open now",
    "mentee5": f"mentee placed in {MENTORSHIP_PROGRAM}, midterm passed",
    "mentee6": f"mentee placed in {MENTORSHIP_PROGRAM}, failed at the midterm",
    "mentee7": f"mentee placed in {MENTORSHIP_PROGRAM}, midterm overdue",
    "mentee8": f"mentee graduated in {COMPLETED_PROGRAM}",
    "mentee9": f"mentee placed in {MENTORSHIP_PROGRAM}, midterm passed, stipend approved",
    "mentee10": f"mentee placed in {MENTORSHIP_PROGRAM}, midterm passed, stipend sent",
}


def _profile(
    name: str, country: str, zone: str, github: str, skills: str
) -> applications.ProfileData:
    return applications.ProfileData(
        name=name,
        country=country,
        time_zone=zone,
        github=github,
        links=f"https://example.org/{github}",
        skills=skills,
        is_adult=True,
        can_work=True,
        first_mentorship=True,
        no_coc_violation=True,
    )


PROFILES: Final = {
    "mentee4": _profile("Mei Tanaka", "JP", "Asia/Tokyo", "mei-demo", "Go, eBPF, networking"),
    "mentee5": _profile(
        "Diego Alvarez", "MX", "America/Mexico_City", "diego-demo", "Go, Kubernetes, Python"
    ),
    "mentee6": _profile("Sofia Rossi", "IT", "Europe/Rome", "sofia-demo", "Go, DNS"),
    "mentee7": _profile(
        "Kwame Mensah", "GH", "Africa/Accra", "kwame-demo", "TypeScript, React, Kubernetes"
    ),
    "mentee8": _profile(
        "Lena Fischer", "DE", "Europe/Berlin", "lena-demo", "Go, Kubernetes admission control"
    ),
    "mentee9": _profile("Priya Raman", "IN", "Asia/Kolkata", "priya-demo", "Go, DNS, testing"),
    "mentee10": _profile(
        "Chinedu Okafor", "NG", "Africa/Lagos", "chinedu-demo", "Go, Kubernetes, CLI tools"
    ),
}

# What the mentors wrote.
PASSED_COMMENTS: Final = (
    "Great first half: the design document is merged and the first pull request is in "
    "review. Keep posting your weekly notes in the channel."
)
PASSED_PRIVATE: Final = "Solid and independent; no concerns."
FAIL_COMMENTS: Final = (
    "We did not see the progress the plan asked for, and we lost contact for most of the "
    "last three weeks. Thank you for the work you did on the cache tests."
)
FAIL_PRIVATE: Final = "Three weekly check-ins missed without a word; tried e-mail and Slack."
FINAL_COMMENTS: Final = "Everything in the plan shipped, with docs. Congratulations!"
EXTENSION_REASON: Final = (
    "The mentee's start was delayed by a week (university exams); the mentors agreed."
)


@dataclass
class MentorshipTerm:
    """A demo term of the mentorship period, its placements by scenario, and what each
    demo user can do there: (username, what, path), in the order printed."""

    term: Term
    created: bool = False
    placements: dict[str, Placement] = field(default_factory=dict)
    todo: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class MentorshipDemo:
    terms: list[MentorshipTerm] = field(default_factory=list)
    users: list[tuple[str, str]] = field(default_factory=list)  # (username, role) made here
    created: int = 0  # steps taken by this run
    skipped: list[str] = field(default_factory=list)

    def placement(self, scenario: str) -> Placement | None:
        for phase in self.terms:
            if scenario in phase.placements:
                return phase.placements[scenario]
        return None


@transaction.atomic
def load_mentorship_demo(now: datetime) -> MentorshipDemo:
    """The term in its mentorship period and the finished term, at `now`."""
    result = MentorshipDemo()
    staff = {u.username: u for u in User.objects.filter(username__in=_STAFF)}
    person = Person.objects.filter(user__username="mentor").first()
    if set(staff) != set(_STAFF) or person is None:
        return result  # without DEBUG's demo users there is no one to show it to
    demo = _Demo(now=now, staff=staff, mentor=person, result=result)
    demo.mentees()
    demo.mentorship_term()
    demo.completed_term()
    return result


@dataclass(frozen=True)
class _Days:
    """Whole days from the first load (negative: before it); the mentorship runs 12 weeks
    from `begins`, its evaluations are due at 17:00 UTC on `midterm` and `final`."""

    proposals: tuple[int, int]
    applications: tuple[int, int]
    review_end: int
    notify: int
    begins: int
    midterm: int
    final: int


_MENTORSHIP_DAYS = _Days((-140, -125), (-110, -90), -83, -80, -44, -2, 37)
_COMPLETED_DAYS = _Days((-260, -245), (-230, -210), -203, -200, -190, -148, -109)


@dataclass
class _Demo:
    now: datetime
    staff: dict[str, User]
    mentor: Person
    result: MentorshipDemo
    mentees_by_name: dict[str, User] = field(default_factory=dict)

    # --- the people ----------------------------------------------------------------------

    def mentees(self) -> None:
        """The demo mentees of the mentorship period, with an eligible profile and a résumé
        (made once: an existing user or profile is left as it is)."""
        hashed = ""  # the demo password hashed once (it is public): hashing costs ~0.5 s
        for username, data in PROFILES.items():
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            if created:
                hashed = hashed or make_password(DEMO_PASSWORD)
                user.password = hashed
                user.save(update_fields=["password"])
            self.mentees_by_name[username] = user
            self.result.users.append((username, ROLES[username]))
            if MenteeProfile.objects.filter(user=user).exists():
                continue
            profile = applications.save_profile(user, data)
            applications.upload_resume(
                profile,
                pdf_file(
                    f"{data.name.replace(' ', '-')}-resume.pdf",
                    [data.name, "Resume", f"GitHub: @{data.github}", f"Skills: {data.skills}"],
                ),
                actor=user,
            )

    # --- the terms -----------------------------------------------------------------------

    def term(
        self, program_name: str, label: str, days: _Days, organizations: list[fm.Organization]
    ) -> MentorshipTerm:
        program = get_or_create_program(program_name)
        year, number = live_term_key(self.now)
        term = Term.objects.filter(program=program, year=year, number=number).first()
        created = term is None
        if term is None:
            data = fm.TermData(
                title=f"Term {number:02d} - {year} (demo: {label})",
                year=year,
                number=number,
                status=label.capitalize(),
                time_zone="UTC",
                duration="12 weeks",
                milestones=_milestones(self.now, days),
                organizations=organizations,
                source_kind="json",
            )
            term = import_term(data, program=program).term
        ProgramMembership.objects.get_or_create(program=program, user=self.staff["admin"])
        for org in Organization.objects.filter(program=program, name="Antrea"):
            OrganizationMaintainer.objects.get_or_create(
                organization=org, user=self.staff["maintainer"]
            )
        phase = MentorshipTerm(term=term, created=created)
        self.result.terms.append(phase)
        return phase

    def mentorship_term(self) -> None:
        you = self.you()
        jordan = fm.Mentor("Jordan Demo", github="jordan-demo", email="jordan@example.org")
        lee = fm.Mentor("Sam Lee", github="sam-lee-demo", email="sam@example.org", role="primary")
        orgs = [
            fm.Organization(
                "Antrea",
                projects=[
                    _project(1, "Antrea: Multicast traffic statistics in antctl", [you, jordan]),
                    _project(2, "Antrea: NetworkPolicy recommendation export", [you]),
                ],
            ),
            fm.Organization(
                "CoreDNS",
                projects=[_project(3, "CoreDNS: Prefetch metrics for the cache plugin", [you])],
            ),
            fm.Organization(
                "Kyverno",
                projects=[_project(4, "Kyverno: Background scan reports in the UI", [lee])],
            ),
            fm.Organization(
                "Jaeger",
                projects=[
                    _project(5, "Jaeger: Sampling strategies from the UI", [you, jordan]),
                    _project(6, "Jaeger: Trace comparison for the CLI", [you]),
                ],
            ),
        ]
        phase = self.term(MENTORSHIP_PROGRAM, "mentorship", _MENTORSHIP_DAYS, orgs)
        order = ("mentee4", "mentee5", "mentee6", "mentee7", "mentee9", "mentee10")
        placed = self.place(phase, order)
        for username, placement in placed.items():
            scenario = SCENARIOS[username]
            phase.placements[scenario] = placement
            self.step(placement, self.activate)
            if scenario == OPEN:
                self.step(placement, self.extend)
            elif scenario in PASSING:
                self.step(placement, lambda p: self.evaluate(p, MIDTERM, passed=True))
                self.step(placement, lambda p: self.lock(p, MIDTERM))
                self.step(placement, lambda p: self.feedback(p, MIDTERM, late=False))
            elif scenario == FAILED:
                self.step(placement, lambda p: self.evaluate(p, MIDTERM, passed=False))
                self.step(placement, lambda p: self.lock(p, MIDTERM))
                self.step(placement, lambda p: self.feedback(p, MIDTERM, late=True))
        term = phase.term
        if OPEN in phase.placements:
            p = phase.placements[OPEN]
            name = PROFILES["mentee4"].name
            phase.todo += [
                (
                    "mentor",
                    f"evaluate {name}'s midterm (open now)",
                    f"/mentorship/placements/{p.pk}/evaluations/{MIDTERM}/",
                ),
                (
                    "mentee4",
                    "read the midterm result, then give your feedback",
                    f"/mentorship/placements/{p.pk}/",
                ),
            ]
        phase.todo += [
            ("mentor", "My mentees (open, passed, failed and graduated)", "/mentorship/mentees/"),
            ("mentee5", "a midterm passed, with the mentors' comments", "/mentorship/"),
            ("mentee6", "a midterm not passed: the placement failed", "/mentorship/"),
            ("admin", "the term's placements", f"/mentorship/terms/{term.pk}/"),
            ("admin", "who is overdue (mentee7)", f"/mentorship/terms/{term.pk}/overdue/"),
        ]

    def completed_term(self) -> None:
        orgs = [
            fm.Organization(
                "Kyverno",
                projects=[_project(1, "Kyverno: Policy exceptions dashboard", [self.you()])],
            )
        ]
        phase = self.term(COMPLETED_PROGRAM, "completed", _COMPLETED_DAYS, orgs)
        placed = self.place(phase, ("mentee8",))
        placement = placed.get("mentee8")
        if placement is None:
            return
        phase.placements[GRADUATED] = placement
        self.step(placement, self.activate)
        for key in (MIDTERM, FINAL):
            self.step(placement, partial(self.evaluate, key=key, passed=True))
            self.step(placement, partial(self.feedback, key=key, late=False))
            self.step(placement, partial(self.lock, key=key))
        self.step(placement, self.share)
        placement.refresh_from_db()
        if placement.share_token:
            phase.todo.append(
                ("anyone", "mentee8's completion page", f"/completed/{placement.share_token}/")
            )
        phase.todo.append(("mentee8", "graduated: the outcome and the comments", "/mentorship/"))

    # --- selection: applications, shortlists, the round and the accepted offers ----------

    def place(self, phase: MentorshipTerm, mentees: tuple[str, ...]) -> dict[str, Placement]:
        """Each mentee applies to the project of the same position and is placed there
        (once: the round only if the term has none). The placements by mentee."""
        term = phase.term
        projects = list(Project.objects.filter(term=term).order_by("position"))
        made = {
            name: self.apply(self.mentees_by_name[name], project, term)
            for name, project in zip(mentees, projects, strict=False)
        }
        ready = [a for a in made.values() if a is not None]
        if not Round.objects.filter(term=term).exists() and len(ready) == len(made):
            notify = term.window("selection_notify").start or self.now
            try:
                with transaction.atomic():
                    admin = self.staff["admin"]
                    for application in ready:
                        applications.shortlist_application(application, actor=admin)
                        applications.rank_shortlist(
                            application.project, [application.pk], actor=admin
                        )
                    round_ = selection.run_round(term, actor=admin, now=notify)
                    selection.confirm_round(
                        round_, actor=admin, response_days=RESPONSE_DAYS, now=notify
                    )
                    for offer in Offer.objects.filter(round=round_).select_related("mentee"):
                        selection.accept_offer(
                            offer, actor=offer.mentee, now=notify + timedelta(days=1)
                        )
            except DomainError as error:
                self.result.skipped.append(f"selection in {term}: {error}")
            else:
                self.result.created += 1
        by_user = {
            p.mentee.username: p
            for p in Placement.objects.filter(term=term).select_related("mentee", "term")
        }
        return {name: by_user[name] for name in mentees if name in by_user}

    def apply(self, user: User, project: Project, term: Term) -> Application | None:
        """A complete application (cover letter, LFC102 handed in) made the day after the
        applications opened; made once."""
        existing = Application.objects.filter(mentee=user, project=project).first()
        if existing is not None:
            return existing
        window = applications.applications_window(term)
        at = (window.start or self.now) + timedelta(days=1)
        try:
            application = complete_application(user, project, PROFILES[user.username].name, at)
        except DomainError as error:
            self.result.skipped.append(f"{user.username} → {project.title}: {error}")
            return None
        self.result.created += 1
        return application

    # --- the mentorship: each step once, at its instant in the term's story -------------

    def step(self, placement: Placement, action: Callable[[Placement], bool]) -> None:
        """Take one step of a placement's story (`action` says whether it did anything); a
        step the placement's state refuses is skipped and reported."""
        placement.refresh_from_db()
        try:
            with transaction.atomic():
                done = action(placement)
        except DomainError as error:
            self.result.skipped.append(f"placement {placement.pk}: {error}")
            return
        if done:
            self.result.created += 1

    def activate(self, placement: Placement) -> bool:
        if placement.status != Placement.Status.UPCOMING or placement.starts_at is None:
            return False
        # What the periodic job did when the mentorship began.
        return mentorship.activate_due_placements(placement.starts_at) > 0

    def extend(self, placement: Placement) -> bool:
        if placement.extended_weeks:
            return False
        midterm = self.round(placement, MIDTERM)
        mentorship.extend_placement(
            placement,
            actor=self.staff["admin"],
            weeks=EXTENSION_WEEKS,
            reason=EXTENSION_REASON,
            now=midterm.due_at - timedelta(days=8),
        )
        return True

    def evaluate(self, placement: Placement, key: str, *, passed: bool) -> bool:
        round_ = self.round(placement, key)
        if Evaluation.objects.filter(round=round_).exists():
            return False
        if passed:
            comments = FINAL_COMMENTS if round_.final else PASSED_COMMENTS
            answers = mentorship.Answers(
                passed=True,
                progress="on_track",
                communication="excellent",
                hours_per_week=30,
                comments_for_mentee=comments,
                private_comments=PASSED_PRIVATE,
            )
        else:
            answers = mentorship.Answers(
                passed=False,
                progress="far_behind",
                communication="poor",
                hours_per_week=8,
                comments_for_mentee=FAIL_COMMENTS,
                private_comments=FAIL_PRIVATE,
            )
        mentorship.submit_evaluation(
            placement,
            actor=self.staff["mentor"],
            round_key=key,
            answers=answers,
            now=round_.due_at - timedelta(days=2),
        )
        return True

    def lock(self, placement: Placement, key: str) -> bool:
        """Lock the round's evaluation at its close, as the periodic job did then."""
        round_ = self.round(placement, key)
        evaluation = Evaluation.objects.filter(round=round_).first()
        if evaluation is None or evaluation.status not in Evaluation.EDITABLE:
            return False
        if round_.closes_at > self.now:
            return False  # still open: the mentors may change it
        mentorship.lock_evaluation(evaluation, now=round_.closes_at)
        return True

    def feedback(self, placement: Placement, key: str, *, late: bool) -> bool:
        round_ = self.round(placement, key)
        if Feedback.objects.filter(round=round_).exists():
            return False
        at = round_.due_at + timedelta(days=1) if late else round_.due_at - timedelta(days=1)
        if at > self.now:
            return False
        final = round_.final
        answers = mentorship.FeedbackAnswers(
            mentor_rating=4 if not late else 3,
            program_rating=5 if not late else 4,
            mentor_comments="Weekly calls and quick reviews helped a lot.",
            program_comments="The onboarding docs were clear.",
            blog_url="https://example.org/lena-demo/my-lfx-mentorship" if final else "",
            work_links=(
                [
                    "https://github.com/kyverno/kyverno/pull/10001",
                    "https://github.com/kyverno/kyverno/issues/10000",
                ]
                if final
                else []
            ),
        )
        mentorship.submit_feedback(
            placement, actor=placement.mentee, round_key=key, answers=answers, now=at
        )
        return True

    def share(self, placement: Placement) -> bool:
        if placement.status != Placement.Status.GRADUATED or placement.share_token:
            return False
        mentorship.share_completion(placement, actor=placement.mentee)
        return True

    # --- helpers -------------------------------------------------------------------------

    def you(self) -> fm.Mentor:
        m = self.mentor
        return fm.Mentor(m.name, github=m.github, email=m.email, role="primary")

    def round(self, placement: Placement, key: str) -> EvaluationRound:
        found = EvaluationRound.objects.filter(placement=placement, key=key).first()
        if found is None:
            raise DomainError(f"placement {placement.pk} has no {key} round")
        return found


def _project(number: int, title: str, mentors: list[fm.Mentor]) -> fm.Project:
    return fm.Project(
        title=title,
        lfx_title=f"CNCF - {title}",
        description=f"{title}: a demo project.",
        expected_outcome="A merged pull request with tests and documentation.",
        skills="Go, Kubernetes",
        technologies="Go, Kubernetes",
        mentors=mentors,
        number=number,
        prerequisites=fm.Prerequisites(resume=True, cover_letter=True),
    )


def _milestones(now: datetime, days: _Days) -> list[fm.Milestone]:
    """The six milestones of `timeline_milestones`, and the two evaluation deadlines the
    CNCF's terms date (the rounds of the program's policy are due at them)."""
    start = now.astimezone(UTC).replace(second=0, microsecond=0)

    def day(n: int, hour: int = 18) -> datetime:
        return (start + timedelta(days=n)).replace(hour=hour, minute=0)

    six = timeline_milestones(
        proposals=(day(days.proposals[0]), day(days.proposals[1])),
        applications=(day(days.applications[0]), day(days.applications[1])),
        review_ends=day(days.review_end),
        notify=day(days.notify),
        begins=day(days.begins, 0),
    )
    midterm, final = day(days.midterm, 17), day(days.final, 17)
    evaluations = [
        fm.Milestone(
            "midterm_evals",
            "Midterm mentee evaluations and first stipend payments",
            f"{midterm:%a, %b %-d, %Y %H:%M} UTC",
            midterm,
            midterm,
            True,
        ),
        fm.Milestone(
            "final_evals",
            "Final mentee evaluations and mentee feedback/blog submission due",
            f"{final:%a, %b %-d, %Y %H:%M} UTC",
            final,
            final,
            True,
        ),
    ]
    return [*six[:-1], *evaluations, six[-1]]

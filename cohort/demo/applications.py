"""Demo applications: the three demo mentees apply to reference-term projects (DEBUG only).

With the demo users present, mentee1..mentee3 get eligible profiles with a résumé, then
apply to 2024 Term 3 projects through the services, as if during that term's applications
window (Jul 31 – Aug 13, 2024, 5:00 PM PDT): every state a mentee or a mentor meets is there.

- mentee1: shortlisted on the first project (the `mentor` user's), ranked 2nd; in progress
  on a second (the LFC102 certificate is missing); withdrawn from a third;
- mentee2: shortlisted on the first project, ranked 1st, with the mentor's score and note;
  also shortlisted, 1st, on the fifth project, which mentee2 ranks above the first;
- mentee3: declined on the first project with a message from the mentor; shortlisted on
  the fourth.

So the `mentor` user's review queue holds three applicants, one of each kind, and selection
has a conflict to resolve: the first and the fifth project both want mentee2 most. A round
(run by `admin` on /selection/terms/<id>/) gives mentee2 the fifth, which they ranked first,
and the first project its next choice, mentee1: no mentee and project would both rather
trade. The other projects' shortlists are the program admin's (they have no demo mentor).

The services stamp their rows with the real clock (only the window check takes `now=`).
Afterwards the demo rows' timestamps are moved into the 2024 window with queryset updates,
so histories read as they would have then. This is demo data only: nothing else in Cohort
ever rewrites a timestamp or the audit log.

Idempotent: each (mentee, project) application is made once; a profile that exists is
left as it is, so running `cohort demo` again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cohort.applications import queries, services
from cohort.applications.access import is_mentor_of
from cohort.applications.models import Application, ApplicationEvent, MenteeProfile, Review, Task
from cohort.applications.services import ProfileData
from cohort.core.errors import DomainError
from cohort.core.models import AuditEvent, User
from cohort.projects.models import Project
from cohort.selection import services as selection
from cohort.terms.models import Term

MENTEES = ("mentee1", "mentee2", "mentee3")
MENTOR = "mentor"
ADMIN = "admin"  # shortlists the projects that have no demo mentor

# What a mentee's own page calls each status, shortly.
SHORT = {
    Application.Status.DRAFT: "in progress",
    Application.Status.SUBMITTED: "submitted",
    Application.Status.SHORTLISTED: "shortlisted",
    Application.Status.REJECTED: "declined",
    Application.Status.WITHDRAWN: "withdrawn",
    Application.Status.OFFERED: "offered",
    Application.Status.ACCEPTED: "accepted",
    Application.Status.OFFER_DECLINED: "offer declined",
}


def _eligible(name: str, country: str, time_zone: str, github: str, skills: str) -> ProfileData:
    return ProfileData(
        name=name,
        country=country,
        time_zone=time_zone,
        github=github,
        links=f"https://example.org/{github}",
        skills=skills,
        is_adult=True,
        can_work=True,
        first_mentorship=True,
        no_coc_violation=True,
    )


PROFILES = {
    "mentee1": _eligible(
        "Priya Raman", "IN", "Asia/Kolkata", "priya-demo", "Go, Kubernetes networking, eBPF"
    ),
    "mentee2": _eligible(
        "Lucas Oliveira", "BR", "America/Sao_Paulo", "lucas-demo", "Go, DNS, Linux networking"
    ),
    "mentee3": _eligible(
        "Amara Okafor", "NG", "Africa/Lagos", "amara-demo", "Python, Go, technical writing"
    ),
}

DECLINE_MESSAGE = (
    "Thank you for your thoughtful application and the time you put into it. We had many "
    "strong applicants for a single slot and chose someone with more Kubernetes networking "
    "experience. We hope to see you apply again, and our community meetings are open to you."
)
MENTOR_NOTE = (
    "Strong cover letter: already read the FQDN policy code and proposed a cache design. "
    "First choice."
)


def _utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


@dataclass
class MenteeSummary:
    username: str
    statuses: list[str]  # short status of each application, oldest first

    @property
    def line(self) -> str:
        n = len(self.statuses)
        return f"{n} application{'s' if n != 1 else ''} ({', '.join(self.statuses)})"


@dataclass
class DemoApplications:
    created: int = 0  # applications made by this run
    window: str = ""  # the applications window, as the term page writes it
    mentees: list[MenteeSummary] = field(default_factory=list)
    queue_project: Project | None = None  # the `mentor` user's first project
    queue_size: int = 0  # applicants the mentor sees in its queue
    mentor_sees_queue: bool = False
    skipped: list[str] = field(default_factory=list)  # why a scenario was not loaded


@transaction.atomic
def load_demo_applications(term: Term) -> DemoApplications:
    """Profiles and applications of the demo mentees in `term` (the reference term)."""
    result = DemoApplications()
    users = {u.username: u for u in User.objects.filter(username__in=(*MENTEES, MENTOR, ADMIN))}
    mentor = users.get(MENTOR)
    if mentor is None or any(name not in users for name in MENTEES):
        return result
    projects = list(Project.objects.filter(term=term).select_related("term").order_by("position"))
    if len(projects) < 5:
        return result
    first, second, third, fourth, fifth = projects[:5]
    milestone = term.milestone(services.WINDOW_KEY)
    result.window = f"{milestone.raw}, {term.year}" if milestone is not None else ""
    demo = _Demo(term=term, users=users, result=result)

    for name, when in (
        ("mentee1", _utc(7, 31, 16, 20)),
        ("mentee2", _utc(8, 1, 9, 5)),
        ("mentee3", _utc(8, 2, 14, 30)),
    ):
        demo.profile(users[name], when)

    m1, m2, m3 = (users[name] for name in MENTEES)

    admin = users.get(ADMIN, mentor)

    def mentee1_first(app: Application) -> None:
        demo.hand_in_lfc102(app, _utc(8, 2, 10, 0))
        with demo.at(_utc(8, 9, 16, 50)):
            services.shortlist_application(app, actor=mentor)

    def mentee1_third(app: Application) -> None:
        with demo.at(_utc(8, 6, 18, 10)):
            services.withdraw_application(
                app,
                actor=m1,
                reason="I want to give my time to two projects, not three.",
            )

    def mentee2_first(app: Application) -> None:
        demo.hand_in_lfc102(app, _utc(8, 1, 9, 40))
        with demo.at(_utc(8, 9, 17, 0)):
            services.review_application(app, reviewer=mentor, score=5, notes=MENTOR_NOTE)
        with demo.at(_utc(8, 9, 17, 5)):
            services.shortlist_application(app, actor=mentor)
        others = (
            Application.objects.filter(project=first, status=Application.Status.SHORTLISTED)
            .exclude(pk=app.pk)
            .order_by("mentor_rank", "id")
            .values_list("pk", flat=True)
        )
        with demo.at(_utc(8, 12, 16, 0)):
            services.rank_shortlist(first, [app.pk, *others], actor=mentor)

    def mentee3_first(app: Application) -> None:
        demo.hand_in_lfc102(app, _utc(8, 2, 15, 20))
        with demo.at(_utc(8, 12, 16, 30)):
            services.decline_applications([app], actor=mentor, message=DECLINE_MESSAGE)

    def shortlisted(when: datetime, by: datetime) -> Callable[[Application], None]:
        """Handed in at `when`, shortlisted and ranked first by the admin at `by`."""

        def then(app: Application) -> None:
            demo.hand_in_lfc102(app, when)
            with demo.at(by):
                services.shortlist_application(app, actor=admin)
                services.rank_shortlist(app.project, [app.pk], actor=admin)

        return then

    # In the order the applications were started, so their ids follow time.
    demo.apply(m1, first, _utc(7, 31, 16, 45), then=mentee1_first)
    demo.apply(m2, first, _utc(8, 1, 9, 30), then=mentee2_first)
    demo.apply(m3, first, _utc(8, 2, 15, 0), then=mentee3_first)
    demo.apply(m1, second, _utc(8, 3, 12, 0))  # in progress: no LFC102 certificate yet
    demo.apply(m1, third, _utc(8, 4, 9, 30), then=mentee1_third)
    demo.apply(
        m2, fifth, _utc(8, 5, 11, 15), then=shortlisted(_utc(8, 5, 11, 35), _utc(8, 13, 9, 0))
    )
    demo.apply(
        m3, fourth, _utc(8, 7, 11, 0), then=shortlisted(_utc(8, 7, 11, 25), _utc(8, 13, 9, 30))
    )
    demo.rank(m2, [fifth, first], _utc(8, 13, 20, 0))

    for name in MENTEES:
        statuses = (
            Application.objects.filter(mentee=users[name], term=term)
            .order_by("created_at", "id")
            .values_list("status", flat=True)
        )
        result.mentees.append(MenteeSummary(name, [SHORT[Application.Status(s)] for s in statuses]))
    result.queue_project = first
    result.mentor_sees_queue = is_mentor_of(mentor, first)
    result.queue_size = len(queries.queue(first, mentor)) if result.mentor_sees_queue else 0
    return result


@dataclass
class _Demo:
    term: Term
    users: dict[str, User]
    result: DemoApplications

    def profile(self, user: User, when: datetime) -> None:
        """An eligible profile with a résumé, unless the mentee has a profile already."""
        if MenteeProfile.objects.filter(user=user).exists():
            return
        data = PROFILES[user.username]
        with self.at(when):
            profile = services.save_profile(user, data)
            services.upload_resume(
                profile,
                pdf_file(
                    f"{data.name.replace(' ', '-')}-resume.pdf",
                    [
                        data.name,
                        "Resume",
                        f"GitHub: @{data.github}",
                        f"Skills: {data.skills}",
                        "Demo document generated by Cohort.",
                    ],
                ),
                actor=user,
            )

    def apply(
        self,
        user: User,
        project: Project,
        when: datetime,
        *,
        then: Callable[[Application], None] | None = None,
    ) -> None:
        """Apply with the cover letter (the résumé comes from the profile), then `then`.

        Made once: an existing application to `project` is left alone. A scenario that a
        changed profile makes impossible is skipped and reported, never half-made.
        """
        if Application.objects.filter(mentee=user, project=project).exists():
            return
        try:
            with transaction.atomic():
                with self.at(when):
                    application = services.apply_to_project(
                        user,
                        project,
                        answers={"cover_letter": {"text": _cover_letter(user, project)}},
                        now=when,
                    )
                if then is not None:
                    then(application)
        except DomainError as error:
            self.result.skipped.append(f"{user.username} → {project.title}: {error}")
            return
        self.result.created += 1

    def rank(self, user: User, projects: list[Project], when: datetime) -> None:
        """The mentee's own order for selection, if all those applications are complete."""
        mine = Application.objects.filter(
            mentee=user, term=self.term, status__in=selection.IN_SELECTION
        )
        by_project = {a.project_id: a.pk for a in mine}
        if set(by_project) != {p.pk for p in projects} or mine.filter(mentee_rank__isnull=False):
            return  # changed since, or ranked already
        try:
            with self.at(when):
                selection.rank_my_applications(
                    user, self.term, [by_project[p.pk] for p in projects]
                )
        except DomainError as error:
            self.result.skipped.append(f"{user.username} ranking: {error}")

    def hand_in_lfc102(self, application: Application, when: datetime) -> None:
        profile = MenteeProfile.objects.get(user=application.mentee_id)
        with self.at(when):
            services.hand_in_task(
                application,
                "lfc102",
                actor=application.mentee,
                file=pdf_file(
                    "LFC102-certificate.pdf",
                    [
                        "Certificate of Completion",
                        profile.name,
                        "LFC102: Inclusive Open Source Community Orientation",
                        f"{when:%B %-d, %Y}",
                        "Demo document generated by Cohort.",
                    ],
                ),
                now=when,
            )

    @contextmanager
    def at(self, when: datetime) -> Iterator[None]:
        """Whatever the demo users write inside is restamped to `when` (demo data only)."""
        mark = timezone.now()
        yield
        _restamp(list(self.users.values()), mark, when)


def _restamp(users: list[User], mark: datetime, when: datetime) -> None:
    """Move the timestamps the demo users' rows got at or after `mark` to `when`."""
    applications = Application.objects.filter(mentee__in=users)
    targets: list[tuple[QuerySet[Any], tuple[str, ...]]] = [
        (MenteeProfile.objects.filter(user__in=users), _PROFILE_TIMES),
        (applications, ("created_at", "updated_at", "status_changed_at", "submitted_at")),
        (Task.objects.filter(application__in=applications), ("completed_at",)),
        (ApplicationEvent.objects.filter(application__in=applications), ("at",)),
        (Review.objects.filter(application__in=applications), ("created_at", "updated_at")),
        (AuditEvent.objects.filter(actor__in=users, action__startswith="applications."), ("at",)),
    ]
    for queryset, names in targets:
        for name in names:
            queryset.filter(**{f"{name}__gte": mark}).update(**{name: when})


_PROFILE_TIMES = ("created_at", "updated_at", "attested_at", "resume_uploaded_at")


def _cover_letter(user: User, project: Project) -> str:
    name = PROFILES[user.username].name
    return (
        f"Hello, I am {name}. I would like to work on “{project.title}” because it matches "
        "what I have been learning, and I would like to contribute to a CNCF project for "
        "the long term.\n\nI have read the upstream issue and the contributor guide, built "
        "the project locally, and I can give the full 12 weeks to it.\n\n(Demo application.)"
    )


# --- a small PDF, written by hand ------------------------------------------------------------


def pdf_bytes(lines: list[str]) -> bytes:
    """A valid one-page PDF (ISO 32000-1) showing `lines` in Helvetica: header, five objects,
    a cross-reference table with each object's byte offset, and the trailer."""
    text = ["BT", "/F1 14 Tf", "72 720 Td", "20 TL"]
    for line in lines:
        safe = line.encode("latin-1", "replace").decode("latin-1")
        safe = safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text.append(f"({safe}) Tj T*")
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf_file(name: str, lines: list[str]) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(lines), content_type="application/pdf")


def complete_application(user: User, project: Project, name: str, at: datetime) -> Application:
    """`user`'s complete application to `project` at `at`, in one transaction: a cover letter
    that asks for the project, then the LFC102 certificate (a demo PDF with `name` on it).
    A rule that refuses it raises `DomainError` and leaves nothing behind."""
    letter = (
        f"Hello, I am {name}. I would like to work on “{project.title}”: I have built the "
        "project and read the upstream issue.\n\n(Demo application.)"
    )
    with transaction.atomic():
        application = services.apply_to_project(
            user, project, answers={"cover_letter": {"text": letter}}, now=at
        )
        services.hand_in_task(
            application,
            "lfc102",
            actor=user,
            file=pdf_file(
                "LFC102-certificate.pdf",
                ["Certificate of Completion", name, "LFC102", "Demo document."],
            ),
            now=at,
        )
        application.refresh_from_db()
    return application

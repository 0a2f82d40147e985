"""A GSoC-size term, built in seconds, and every page and job measured on it (issue 18).

    # build one preset into the (migrated) database of DATABASE_URL
    DEBUG=0 TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \\
        .venv/bin/python bench/scale.py build --preset gsoc [--confirmed]

    # measure today's code at demo size and GSoC size (builds its own databases NAME_now_*)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/scale.py measure
    # ... and an older revision beside it, in the same run (NAME_before_*)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/scale.py \\
        measure --baseline 2a8a103
    # options: --at REV (a revision instead of the working tree), --runs 5, --job-runs 3,
    # --presets small,gsoc, --json PATH (the figures, written as they come; `report PATH`
    # prints that file's table again)

`build --preset gsoc` makes, in the current database, a program "Scale: gsoc" shaped like
Google Summer of Code 2024; `--preset small` makes a demo-size one ("Scale: small"). Both
may live in one database (their usernames and slugs are prefixed with the preset).

- **The term** (number 1 of this year): 195 organizations, 1,220 published projects, each with
  1-3 mentors (a User per mentor, linked to the Person the import made), asking for a cover
  letter; a timeline dated so that applications closed 20 days ago, review ended 3 days ago
  and the selection notifications go out in 4 days (stage "selection"). 4,016 mentees with
  eligible profiles; 9,107 applications (1-3 per mentee, more to popular projects), spread
  over submitted / shortlisted / in progress (draft) / declined / withdrawn; a cover-letter
  task each, their history, mentors' reviews on about two thirds, the mentors' ranking of
  every shortlist, the mentees' own ranking for about 60 % of them, 1-3 slots per project;
  then selection round 1 in DRAFT, computed by `run_round`. `--confirmed` also confirms it
  (`confirm_round`, so the offers exist).
- **A sibling term** (number 2, same program) in its proposals window: 1,220 SUBMITTED
  proposals with their ProposalEvents (every one submitted; about half approved by a
  maintainer, a third confirmed by a co-mentor, a fifth approved by the admins), so the
  proposal board is GSoC-size. Its applications window is open too, with 20 published
  projects and 12 eligible mentees who have applied nowhere: what `measure` applies with.
- Users: `<preset>-admin` (program admin), `<preset>-root` (superuser, for Django's admin),
  one maintainer per organization, the mentors, the mentees; one password for all of them,
  "scale" (hashed once).

Through the services: the program (`get_or_create_program`), both terms with their
organizations, projects, mentorships and mentors' Persons (`import_term`, which writes in
bulk itself), one proposal (`create_proposal`, `submit_proposal`), the selection round
(`run_round`, and `confirm_round` with `--confirmed`). In bulk (`bulk_create`/`bulk_update`,
because the per-request services would take minutes for ~9,000 applications and ~1,200
proposals): users, the Person → User links, program membership, maintainers, mentee
profiles, applications with their tasks, events, reviews, both rankings and slots, the other
proposals with their mentorships and events. The rows keep every CheckConstraint and unique
constraint of the models (the database checks them on insert).

`measure` runs each side (this checkout; with `--baseline REV` also REV, checked out by
`git worktree add` into a temporary directory and run with the same virtualenv) in its own
PostgreSQL databases: `NAME_<side>_empty` is migrated by that side's `manage.py migrate`,
then cloned (`CREATE DATABASE ... TEMPLATE`) into `NAME_<side>_small` and `NAME_<side>_gsoc`,
and each is built by THIS file's builder running on that side's code (the side's root first
on sys.path, `SCALE_ROOT`), so both sides measure the same rows. Then, per database, in one
process with production settings (DEBUG=0; TESTING=1 only so cookies and plain HTTP work in
the test client; the production task backend, django_tasks_db, and the locmem mail backend)
it measures through Django's test client, signed in as the role each page is for: queries
(CaptureQueriesContext), the median of N runs after one warm-up, and the response's size.
Jobs that write run on a fresh clone of the database for every run: `confirm_round` on the
draft round, `notify_round` on the confirmed and announced round, an idle `run-periodic`
after everything was sent. It prints one Markdown table and the load average.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parents[1]
# The checkout whose code runs (a baseline's worktree when measuring a revision).
ROOT = Path(os.environ.get("SCALE_ROOT", str(HERE))).resolve()
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "scale"  # noqa: S105  # every generated user's password, as the docstring says
SEED = 2024


@dataclass(frozen=True)
class Preset:
    name: str
    organizations: int
    projects: int
    mentees: int
    applications: int
    proposals: int
    apply_projects: int = 20
    applicants: int = 12  # eligible mentees with no application, for measuring apply

    @property
    def program(self) -> str:
        return f"Scale: {self.name}"


PRESETS = {
    "gsoc": Preset(
        "gsoc", organizations=195, projects=1220, mentees=4016, applications=9107, proposals=1220
    ),
    "small": Preset(
        "small",
        organizations=3,
        projects=8,
        mentees=30,
        applications=68,
        proposals=8,
        apply_projects=3,
    ),
}

# How a term's applications end up (weights), like a real term once applications closed.
STATUS_WEIGHTS = {
    "submitted": 42,
    "shortlisted": 30,
    "draft": 13,
    "rejected": 12,
    "withdrawn": 3,
}


def log(message: str) -> None:
    print(message, flush=True)


@contextlib.contextmanager
def step(name: str, timings: dict[str, float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start
    log(f"  {name:<52} {timings[name]:7.2f} s")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The builder's services queue e-mail (a proposal submitted); keep it in memory.
    os.environ.setdefault("MAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()


# --- build -------------------------------------------------------------------------------


def _day(now: datetime, days: int, hour: int = 18) -> datetime:
    start = now.astimezone(UTC).replace(second=0, microsecond=0)
    return (start + timedelta(days=days)).replace(hour=hour, minute=0)


def _milestones(
    now: datetime,
    proposals: tuple[int, int],
    applications: tuple[int, int],
    review_end: int,
    notify: int,
    begins: int,
) -> list[Any]:
    from cohort.formats import model as fm

    def span(a: datetime, b: datetime) -> str:
        return f"{a:%b %-d, %Y %H:%M} - {b:%b %-d, %Y %H:%M} UTC"

    p0, p1 = _day(now, proposals[0]), _day(now, proposals[1])
    a0, a1 = _day(now, applications[0]), _day(now, applications[1])
    review, note = _day(now, review_end), _day(now, notify)
    start = _day(now, begins, 0)
    end = start + timedelta(weeks=12)
    return [
        fm.Milestone("proposals_open", "Project proposals open", span(p0, p1), p0, p1, True),
        fm.Milestone("applications_open", "Mentee applications open", span(a0, a1), a0, a1, True),
        fm.Milestone(
            "application_review",
            "Application review/admission decisions",
            span(a1, review),
            a1,
            review,
            True,
        ),
        fm.Milestone(
            "selection_notify",
            "Selected mentees notified",
            f"{note:%b %-d, %Y %H:%M} UTC",
            note,
            note,
            True,
        ),
        fm.Milestone(
            "term_start",
            "Mentorship program begins",
            f"{start:%b %-d, %Y}",
            start,
            start + timedelta(days=1),
        ),
        fm.Milestone(
            "term_end", "Last day of term", f"{end:%b %-d, %Y}", end, end + timedelta(days=1)
        ),
    ]


SKILLS = [
    "Go",
    "Kubernetes",
    "Rust",
    "Python",
    "TypeScript",
    "eBPF",
    "Prometheus",
    "gRPC",
    "React",
    "WebAssembly",
    "Linux",
    "C++",
    "Java",
    "SQL",
    "Helm",
    "OpenTelemetry",
]


@dataclass
class Built:
    preset: str
    program_id: int
    term_id: int
    proposals_term_id: int
    round_id: int
    confirmed: bool
    timings: dict[str, float]
    counts: dict[str, int]


def build(preset: Preset, *, confirmed: bool = False, now: datetime | None = None) -> Built:
    """Build `preset` into the current database (see the module docstring)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from cohort.applications.models import (
        Application,
        ApplicationEvent,
        MenteeProfile,
        Review,
        Task,
    )
    from cohort.core.models import Person, User
    from cohort.formats import issueform
    from cohort.formats import model as fm
    from cohort.formats.lfx import term_dropdown_label
    from cohort.projects.models import (
        Mentorship,
        Organization,
        OrganizationMaintainer,
        Project,
    )
    from cohort.projects.services import get_or_create_program, import_term
    from cohort.proposals import gates
    from cohort.proposals import services as proposal_services
    from cohort.proposals.models import ProposalEvent
    from cohort.selection import services as selection
    from cohort.terms.models import Program, ProgramMembership

    now = now or timezone.now()
    rng = random.Random(f"{SEED}-{preset.name}")  # noqa: S311  # seeded data, not a secret
    p = preset.name
    timings: dict[str, float] = {}
    if Program.objects.filter(name=preset.program).exists():
        raise SystemExit(f"{preset.program!r} exists in this database already: use a fresh one.")
    password = make_password(PASSWORD)

    def users(names: list[str], **extra: Any) -> list[Any]:
        made = [
            User(
                username=n,
                email=f"{n}@scale.example.org",
                password=password,
                first_name=n.split("-")[-2].title(),
                last_name=n.split("-")[-1],
                **extra,
            )
            for n in names
        ]
        return User.objects.bulk_create(made, batch_size=2000)

    log(
        f"Building {preset.program}: {preset.organizations} organizations, "
        f"{preset.projects} projects, {preset.mentees} mentees, {preset.applications} "
        f"applications, {preset.proposals} proposals"
    )
    with transaction.atomic():
        with step("program, admin, maintainers (bulk)", timings):
            program = get_or_create_program(preset.program)
            Program.objects.filter(pk=program.pk).update(require_lfc102=False, max_applications=3)
            program.refresh_from_db()
            (admin,) = users([f"{p}-admin-user"])
            users([f"{p}-root-user"], is_staff=True, is_superuser=True)
            ProgramMembership.objects.create(program=program, user=admin)
            maintainers = users([f"{p}-maint-{o:04d}" for o in range(preset.organizations)])

        # Projects per organization: a few big ones, most with a handful (sums to `projects`).
        weights = [rng.paretovariate(1.3) for _ in range(preset.organizations)]
        per_org = [1] * preset.organizations
        for _ in range(preset.projects - preset.organizations):
            per_org[rng.choices(range(preset.organizations), weights)[0]] += 1
        mentor_pool: dict[int, list[str]] = {}
        handles: list[str] = []
        for o, n in enumerate(per_org):
            pool = [f"{p}-mentor-{o:03d}-{i:02d}" for i in range(max(2, round(n * 1.4)))]
            mentor_pool[o] = pool
            handles += pool

        def mentor(handle: str, role: str) -> Any:
            return fm.Mentor(
                f"Mentor {handle.split('-', 2)[2]}",
                github=handle,
                email=f"{handle}@scale.example.org",
                role="primary" if role == "primary" else "co-mentor",
            )

        with step("term: organizations, projects, mentors (import_term)", timings):
            orgs = []
            number = 0
            for o, n in enumerate(per_org):
                projects = []
                for _ in range(n):
                    number += 1
                    chosen = rng.sample(mentor_pool[o], min(len(mentor_pool[o]), rng.randint(1, 3)))
                    skills = ", ".join(rng.sample(SKILLS, 3))
                    title = f"Org {o:03d}: project {number} on {skills.split(',')[0]}"
                    projects.append(
                        fm.Project(
                            title=title,
                            lfx_title=f"CNCF - {title}",
                            description=f"{title}. " + "A description of the work. " * 12,
                            expected_outcome="A merged pull request with tests and docs.",
                            skills=skills,
                            technologies=skills,
                            mentors=[
                                mentor(h, "primary" if i == 0 else "co-mentor")
                                for i, h in enumerate(chosen)
                            ],
                            upstream_issues=[f"https://github.com/scale/org{o}/issues/{number}"],
                            number=number,
                            prerequisites=fm.Prerequisites(cover_letter=True),
                        )
                    )
                orgs.append(fm.Organization(f"{p.title()} Org {o:03d}", projects=projects))
            data = fm.TermData(
                title=f"Term 01 - {now.year} (scale: {p})",
                year=now.year,
                number=1,
                status="Selection",
                time_zone="UTC",
                duration="12 weeks",
                milestones=_milestones(now, (-100, -85), (-40, -20), -3, 4, 12),
                organizations=orgs,
                source_kind="json",
            )
            term = import_term(data, program=program, actor=admin).term
            projects_by_number = {
                pr.number: pr
                for pr in Project.objects.filter(term=term).select_related("organization")
            }

        with step("mentor users, linked to their Persons (bulk)", timings):
            mentor_users = {u.username: u for u in users(handles)}
            persons = list(Person.objects.filter(github__in=handles))
            for person in persons:
                person.user = mentor_users[person.github]
            Person.objects.bulk_update(persons, ["user"], batch_size=2000)
            # Mentors of the pool the term does not name yet (they mentor proposals only).
            named = {person.github for person in persons}
            Person.objects.bulk_create(
                [
                    Person(
                        name=f"Mentor {h.split('-', 2)[2]}",
                        github=h,
                        email=f"{h}@scale.example.org",
                        user=mentor_users[h],
                    )
                    for h in handles
                    if h not in named
                ],
                batch_size=2000,
            )
            org_ids = dict(Organization.objects.filter(program=program).values_list("name", "pk"))
            OrganizationMaintainer.objects.bulk_create(
                [
                    OrganizationMaintainer(
                        organization_id=org_ids[f"{p.title()} Org {o:03d}"], user=u
                    )
                    for o, u in enumerate(maintainers)
                ]
            )
            project_mentors: dict[int, list[Any]] = defaultdict(list)
            for m in Mentorship.objects.filter(project__term=term).order_by("project", "position"):
                project_mentors[m.project_id].append(mentor_users[m.github])

        with step("mentees and their profiles (bulk)", timings):
            mentees = users([f"{p}-mentee-{i:05d}" for i in range(preset.mentees)])
            applicants = users([f"{p}-applicant-{i:03d}" for i in range(preset.applicants)])
            countries = ["IN", "US", "NG", "BR", "DE", "CN", "ID", "KE", "PK", "VN"]
            zones = [
                "Asia/Kolkata",
                "America/New_York",
                "Africa/Lagos",
                "America/Sao_Paulo",
                "Europe/Berlin",
                "Asia/Shanghai",
                "Asia/Jakarta",
                "Africa/Nairobi",
                "Asia/Karachi",
                "Asia/Ho_Chi_Minh",
            ]
            profiles = []
            for u in mentees + applicants:
                c = rng.randrange(len(countries))
                profiles.append(
                    MenteeProfile(
                        user=u,
                        name=f"{u.first_name} {u.last_name}",
                        github=u.username,
                        skills=", ".join(rng.sample(SKILLS, 3)),
                        country=countries[c],
                        time_zone=zones[c],
                        is_adult=True,
                        can_work=True,
                        first_mentorship=True,
                        no_coc_violation=True,
                        attested_at=_day(now, -45),
                    )
                )
            MenteeProfile.objects.bulk_create(profiles, batch_size=2000)

        with step("applications, tasks, history, reviews, rankings (bulk)", timings):
            stored = sorted(projects_by_number.values(), key=lambda x: x.number or 0)
            cum: list[float] = []
            total = 0.0
            for _ in stored:
                total += rng.paretovariate(1.1)
                cum.append(total)
            counts = [1] * preset.mentees
            spare = preset.applications - preset.mentees
            while spare > 0:
                i = rng.randrange(preset.mentees)
                if counts[i] < 3:
                    counts[i] += 1
                    spare -= 1
            statuses, status_weights = zip(*STATUS_WEIGHTS.items(), strict=True)
            opened, closed = _day(now, -40), _day(now, -20)
            window = (closed - opened).total_seconds()
            apps: list[Any] = []
            for mentee, n in zip(mentees, counts, strict=True):
                picked: list[Any] = []
                while len(picked) < n:
                    choice = rng.choices(stored, cum_weights=cum)[0]
                    if choice not in picked:
                        picked.append(choice)
                slot = 0
                complete = []
                for pr in picked:
                    status = rng.choices(statuses, status_weights)[0]
                    applied = opened + timedelta(seconds=rng.uniform(0, window * 0.9))
                    submitted = None
                    if status != "draft":
                        submitted = applied + timedelta(hours=rng.uniform(0.1, 48))
                        submitted = min(submitted, closed - timedelta(minutes=1))
                    active = status != "withdrawn"
                    if active:
                        slot += 1
                    app = Application(
                        mentee=mentee,
                        term=term,
                        project=pr,
                        status=status,
                        status_changed_at=submitted or applied,
                        submitted_at=submitted,
                        active_slot=slot if active else None,
                    )
                    apps.append(app)
                    if status in ("submitted", "shortlisted"):
                        complete.append(app)
                if complete and rng.random() < 0.6:
                    rng.shuffle(complete)
                    for rank, app in enumerate(complete, 1):
                        app.mentee_rank = rank
            shortlists: dict[int, list[Any]] = defaultdict(list)
            for app in apps:
                if app.status == "shortlisted":
                    shortlists[app.project.pk].append(app)
            for listed in shortlists.values():
                if rng.random() < 0.9:
                    rng.shuffle(listed)
                    for rank, app in enumerate(listed, 1):
                        app.mentor_rank = rank
            Application.objects.bulk_create(apps, batch_size=2000)
            tasks, events, reviews = [], [], []
            for app in apps:
                done = app.submitted_at
                tasks.append(
                    Task(
                        application=app,
                        kind="cover_letter",
                        position=0,
                        title="Cover letter",
                        text="Why I want to work on this project. " * 8 if done else "",
                        completed_at=done,
                    )
                )
                if done:
                    events.append(
                        ApplicationEvent(
                            application=app, kind="task", actor=app.mentee, task="cover_letter"
                        )
                    )
                    events.append(
                        ApplicationEvent(
                            application=app, kind="status", actor=app.mentee, status="submitted"
                        )
                    )
                mentors = project_mentors[app.project.pk]
                if app.status in ("shortlisted", "rejected", "withdrawn"):
                    actor = app.mentee if app.status == "withdrawn" else mentors[0]
                    reason = "Not this time: thank you." if app.status == "rejected" else ""
                    events.append(
                        ApplicationEvent(
                            application=app,
                            kind="status",
                            actor=actor,
                            status=app.status,
                            reason=reason,
                        )
                    )
                if app.status in ("submitted", "shortlisted", "rejected") and rng.random() < 0.68:
                    for reviewer in rng.sample(mentors, min(len(mentors), rng.randint(1, 2))):
                        low = 3 if app.status == "shortlisted" else 1
                        reviews.append(
                            Review(
                                application=app,
                                reviewer=reviewer,
                                score=rng.randint(low, 5),
                                notes="Clear plan; some open-source contributions.",
                            )
                        )
            Task.objects.bulk_create(tasks, batch_size=2000)
            ApplicationEvent.objects.bulk_create(events, batch_size=2000)
            Review.objects.bulk_create(reviews, batch_size=2000)
            for x in stored:
                x.slots = rng.choices([1, 2, 3], [88, 10, 2])[0]
            Project.objects.bulk_update(stored, ["slots"], batch_size=2000)

        with step("selection round 1, draft (run_round)", timings):
            round_ = selection.run_round(term, actor=admin, now=now)
        if confirmed:
            with step("selection round 1 confirmed (confirm_round)", timings):
                selection.confirm_round(round_, actor=admin, response_days=7, now=now)

        with step("proposals term: apply projects (import_term)", timings):
            apply_projects = [
                fm.Project(
                    title=f"Open project {i}",
                    lfx_title=f"CNCF - Open project {i}",
                    description="Applications are open.",
                    skills="Go",
                    technologies="Go",
                    mentors=[mentor(mentor_pool[0][0], "primary")],
                    number=i + 1,
                    prerequisites=fm.Prerequisites(cover_letter=True),
                )
                for i in range(preset.apply_projects)
            ]
            sibling = import_term(
                fm.TermData(
                    title=f"Term 02 - {now.year} (scale: {p}, proposals)",
                    year=now.year,
                    number=2,
                    status="Accepting proposals",
                    time_zone="UTC",
                    milestones=_milestones(now, (-10, 20), (-5, 25), 30, 32, 40),
                    organizations=[fm.Organization(orgs[0].name, projects=apply_projects)],
                    source_kind="json",
                ),
                program=program,
                actor=admin,
            ).term

        label = term_dropdown_label(sibling.year, sibling.number)

        def form(o: int, i: int, chosen: list[str]) -> Any:
            lines = [
                f"Mentor {h.split('-', 2)[2]} | @{h} | {h}@scale.example.org | {h}" for h in chosen
            ]
            skills = ", ".join(rng.sample(SKILLS, 3))
            return issueform.IssueForm.build(
                project=f"{p.title()} Org {o:03d}",
                term=label,
                program_name=f"Proposal {i} of org {o:03d}: {skills.split(',')[0]} work",
                description=(
                    f"## Description\n\nProposal {i}: "
                    + "What and why. " * 20
                    + "\n\n## Expected outcomes\n\n- The feature, with tests\n- Docs"
                ),
                technologies=skills,
                skills_same=True,
                mentors="\n".join(lines),
                upstream_issue_url=f"https://github.com/scale/org{o}/issues/{10000 + i}",
                prerequisites=[issueform.PREREQUISITE_RESUME, issueform.PREREQUISITE_COVER_LETTER],
            )

        with step("one proposal through the services", timings):
            first_mentors = mentor_pool[0][:2]
            first = proposal_services.create_proposal(
                sibling, form(0, 0, first_mentors), actor=mentor_users[first_mentors[0]], now=now
            )
            proposal_services.submit_proposal(first, actor=mentor_users[first_mentors[0]], now=now)

        with step("the other proposals, mentorships, events (bulk)", timings):
            org_pks = [org_ids[f"{p.title()} Org {o:03d}"] for o in range(preset.organizations)]
            org_weights = list(per_org)
            next_number = (first.number or 0) + 1
            taken = set(Project.objects.filter(term=sibling).values_list("slug", flat=True))
            made: list[tuple[Any, Any, list[str], int]] = []
            for i in range(1, preset.proposals):
                o = rng.choices(range(preset.organizations), org_weights)[0]
                chosen = rng.sample(mentor_pool[o], min(len(mentor_pool[o]), rng.randint(1, 3)))
                f = form(o, i, chosen)
                slug = slugify(f.program_name)[:100]
                while slug in taken:
                    slug += "-x"
                taken.add(slug)
                proposal = Project(
                    term=sibling,
                    organization_id=org_pks[o],
                    number=next_number,
                    slug=slug,
                    position=next_number,
                    status=Project.Status.SUBMITTED,
                    status_changed_at=now,
                    title=f.program_name,
                    lfx_title=f"CNCF - {p.title()} Org {o:03d}: {f.program_name} ({label})",
                    description=f.description,
                    technologies=f.technologies,
                    skills=f.technologies,
                    form_fields={**f.sections, issueform.LABEL_TERM: label},
                    prerequisites={"resume": True, "cover_letter": True},
                    proposer=mentor_users[chosen[0]],
                    search_text=f"{f.program_name}\n{f.technologies}".casefold(),
                )
                made.append((proposal, f, chosen, o))
                next_number += 1
            Project.objects.bulk_create([m[0] for m in made], batch_size=2000)
            person_ids = dict(Person.objects.filter(github__in=handles).values_list("github", "pk"))
            mentorships, proposal_events = [], []
            for pr, _f, chosen, o in made:
                for pos, h in enumerate(chosen):
                    mentorships.append(
                        Mentorship(
                            project=pr,
                            person_id=person_ids[h],
                            position=pos,
                            role="primary" if pos == 0 else "co-mentor",
                            name=f"Mentor {h.split('-', 2)[2]}",
                            github=h,
                            email=f"{h}@scale.example.org",
                            lfid=h,
                        )
                    )
                author = mentor_users[chosen[0]]
                proposal_events.append(
                    ProposalEvent(project=pr, kind=gates.SUBMITTED, actor=author)
                )
                if rng.random() < 0.5:
                    proposal_events.append(
                        ProposalEvent(
                            project=pr,
                            kind=gates.MAINTAINER_APPROVED,
                            actor=maintainers[o],
                            data={"source": "maintainer"},
                        )
                    )
                if len(chosen) > 1 and rng.random() < 0.6:
                    proposal_events.append(
                        ProposalEvent(
                            project=pr,
                            kind=gates.MENTOR_CONFIRMED,
                            actor=mentor_users[chosen[1]],
                            handle=chosen[1],
                        )
                    )
                if rng.random() < 0.2:
                    proposal_events.append(
                        ProposalEvent(project=pr, kind=gates.ADMIN_APPROVED, actor=admin)
                    )
            Mentorship.objects.bulk_create(mentorships, batch_size=2000)
            ProposalEvent.objects.bulk_create(proposal_events, batch_size=2000)

    built = Built(
        preset=preset.name,
        program_id=program.pk,
        term_id=term.pk,
        proposals_term_id=sibling.pk,
        round_id=round_.pk,
        confirmed=confirmed,
        timings=timings,
        counts=row_counts(program.pk),
    )
    return built


def row_counts(program_id: int) -> dict[str, int]:
    """How many rows of each kind the program holds."""
    from cohort.applications.models import (
        Application,
        ApplicationEvent,
        MenteeProfile,
        Review,
        Task,
    )
    from cohort.core.models import Person, User
    from cohort.projects.models import Mentorship, Organization, Project
    from cohort.proposals.models import ProposalEvent
    from cohort.selection.models import Offer, Round

    apps = Application.objects.filter(term__program_id=program_id)
    projects = Project.objects.filter(term__program_id=program_id)
    counts = {
        "organizations": Organization.objects.filter(program_id=program_id).count(),
        "published projects": projects.filter(status="published").count(),
        "submitted proposals": projects.filter(status="submitted").count(),
        "proposal events": ProposalEvent.objects.filter(project__in=projects).count(),
        "mentorships": Mentorship.objects.filter(project__in=projects).count(),
        "mentor people with users": Person.objects.filter(
            mentorships__project__in=projects, user__isnull=False
        )
        .distinct()
        .count(),
        "mentee profiles": MenteeProfile.objects.filter(
            user__username__startswith=_prefix(program_id)
        ).count(),
        "users": User.objects.filter(username__startswith=_prefix(program_id)).count(),
        "applications": apps.count(),
        "tasks": Task.objects.filter(application__in=apps).count(),
        "application events": ApplicationEvent.objects.filter(application__in=apps).count(),
        "reviews": Review.objects.filter(application__in=apps).count(),
        "mentee-ranked applications": apps.filter(mentee_rank__isnull=False).count(),
        "mentor-ranked applications": apps.filter(mentor_rank__isnull=False).count(),
        "slots": sum(projects.filter(status="published").values_list("slots", flat=True)),
        "rounds": Round.objects.filter(term__program_id=program_id).count(),
        "offers": Offer.objects.filter(term__program_id=program_id).count(),
    }
    for status, n in Counter(apps.values_list("status", flat=True)).most_common():
        counts[f"  applications {status}"] = n
    return counts


def _prefix(program_id: int) -> str:
    from cohort.terms.models import Program

    return Program.objects.get(pk=program_id).name.removeprefix("Scale: ") + "-"


def print_summary(built: Built) -> None:
    log(
        f"\nScale: {built.preset}, built in {sum(built.timings.values()):.1f} s "
        f"(term {built.term_id}, proposals term {built.proposals_term_id}, "
        f"round {built.round_id}{', confirmed' if built.confirmed else ', draft'})\n"
    )
    log("| rows | count |\n|---|---:|")
    for name, n in built.counts.items():
        log(f"| {name} | {n:,} |")


# --- measure: one database, in this process ---------------------------------------------------


@dataclass
class Row:
    what: str
    queries: int
    ms: float
    kb: float | None
    status: int | None = None


@dataclass
class Scene:
    """What the pages are measured on: ids read from a built preset."""

    preset: str
    term_id: int
    proposals_term_id: int
    admin_id: int
    root_id: int
    mentor_id: int
    queue_project_id: int
    applicant_ids: list[int]
    apply_project_ids: list[int]


def find_scene(preset: str) -> Scene:
    from django.db.models import Count

    from cohort.core.models import User
    from cohort.projects.models import Mentorship, Project
    from cohort.terms.models import Program, Term

    program = Program.objects.get(name=PRESETS[preset].program)
    term = Term.objects.get(program=program, number=1)
    sibling = Term.objects.get(program=program, number=2)
    busiest = (
        Project.objects.filter(term=term)
        .annotate(n=Count("applications"))
        .order_by("-n", "pk")
        .first()
    )
    assert busiest is not None
    mentor = Mentorship.objects.filter(project=busiest).order_by("position").first()
    assert mentor is not None
    assert mentor.person is not None
    assert mentor.person.user_id
    return Scene(
        preset=preset,
        term_id=term.pk,
        proposals_term_id=sibling.pk,
        admin_id=User.objects.get(username=f"{preset}-admin-user").pk,
        root_id=User.objects.get(username=f"{preset}-root-user").pk,
        mentor_id=mentor.person.user_id,
        queue_project_id=busiest.pk,
        applicant_ids=list(
            User.objects.filter(username__startswith=f"{preset}-applicant-")
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        apply_project_ids=list(
            Project.objects.filter(term=sibling, status="published")
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    )


def _minimal_urlconf() -> None:
    """Serve `POST /bench/minimal-insert`: the API's token auth and one INSERT (an audit row),
    the floor an apply is compared with. Added in front of the site's own URLs."""
    import types

    from django.conf import settings
    from django.http import HttpRequest
    from django.urls import clear_url_caches, path
    from ninja import NinjaAPI

    from cohort.core.api_auth import token_auth
    from cohort.core.models import AuditEvent

    if "scale_bench_urls" in sys.modules:  # made before in this process
        settings.ROOT_URLCONF = "scale_bench_urls"
        clear_url_caches()
        return
    api = NinjaAPI(urls_namespace="scale_bench", docs_url=None, openapi_url=None)

    @api.post("/minimal-insert", auth=token_auth)
    def minimal(request: HttpRequest) -> dict[str, int]:
        row = AuditEvent.objects.create(
            actor=getattr(request, "auth", None),
            action="bench.minimal",
            object_type="bench",
            object_id="0",
            object_repr="bench",
        )
        return {"id": row.pk}

    module = types.ModuleType("scale_bench_urls")
    module.urlpatterns = [path("bench/", api.urls)]  # type: ignore[attr-defined]
    site = __import__(settings.ROOT_URLCONF, fromlist=["urlpatterns"])
    module.urlpatterns += list(site.urlpatterns)  # type: ignore[attr-defined]
    sys.modules["scale_bench_urls"] = module
    settings.ROOT_URLCONF = "scale_bench_urls"
    clear_url_caches()


def _unbounded_query_log() -> None:
    """CaptureQueriesContext reads the connection's query log, which keeps the last 9,000
    queries only: past that a job would count 0. Keep them all while measuring."""
    from collections import deque

    from django.db import connection

    connection.queries_limit = 10**7
    connection.queries_log = deque(maxlen=connection.queries_limit)


def _timed(
    fn: Callable[[], Any], runs: int, warmup: int = 1, after: Callable[[], None] | None = None
) -> tuple[int, float, Any]:
    """(queries of the last run, median ms, the last result) of `fn`; `after` runs after each
    call, outside the figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result: Any = None
    for _ in range(warmup):
        fn()
        if after is not None:
            after()
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
        if after is not None:
            after()
    return queries, statistics.median(times), result


def _page(client: Any, what: str, url: str, runs: int) -> Row:
    def get() -> Any:
        response = client.get(url)
        if getattr(response, "streaming", False):
            response.body = b"".join(response.streaming_content)
        else:
            response.body = response.content
        return response

    queries, ms, response = _timed(get, runs)
    return Row(what, queries, ms, len(response.body) / 1024, response.status_code)


class Stages:
    """The database states a measurement needs, in order: the draft round, then the round
    confirmed and announced, then everything sent. `fresh(stage)` is a throwaway copy of a
    stage for a job that writes."""

    def draft(self) -> contextlib.AbstractContextManager[None]:
        raise NotImplementedError

    def confirmed(self) -> contextlib.AbstractContextManager[None]:
        raise NotImplementedError

    def notified(self) -> contextlib.AbstractContextManager[None]:
        raise NotImplementedError

    def fresh(self, stage: str) -> contextlib.AbstractContextManager[None]:
        raise NotImplementedError


def advance_to_confirmed(scene: Scene) -> None:
    from cohort.core.models import User
    from cohort.selection import services as selection
    from cohort.terms.models import Term

    term = Term.objects.get(pk=scene.term_id)
    round_ = selection.draft_round(term)
    assert round_ is not None
    round_ = selection.confirm_round(round_, actor=User.objects.get(pk=scene.admin_id))
    selection.announce_round(round_)


def notify(round_id: int) -> int:
    """`notify_round` wherever this checkout keeps it."""
    try:
        from cohort.selection.notifications import notify_round
    except ImportError:  # moved by a later change: the task runs the same service
        from cohort.selection.tasks import notify_round_task

        return int(notify_round_task.call(round_id))
    return int(notify_round(round_id))


def run_periodic() -> None:
    from django.core.management import call_command

    call_command("run_periodic", "--quiet")


def _round_id(scene: Scene) -> int:
    from cohort.selection.models import Round

    return (
        Round.objects.filter(term_id=scene.term_id)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
        or 0
    )


def advance_to_notified(scene: Scene) -> None:
    notify(_round_id(scene))
    run_periodic()


def measure_scene(scene: Scene, stages: Stages, *, runs: int, job_runs: int) -> list[Row]:
    """Every page, API list and job of issue 18 on one built preset."""
    from django.contrib.sessions.models import Session  # noqa: F401 (sessions are rows)
    from django.test import Client

    from cohort.applications.models import Application
    from cohort.core.models import User
    from cohort.core.tokens import create_api_token
    from cohort.selection import services as selection
    from cohort.terms.models import Term

    _minimal_urlconf()
    _unbounded_query_log()
    rows: list[Row] = []

    def client_for(user_id: int | None) -> Any:
        client = Client()
        if user_id is not None:
            client.force_login(User.objects.get(pk=user_id))
        return client

    with stages.draft():
        term = Term.objects.select_related("program").get(pk=scene.term_id)
        admin, mentor, root = (
            client_for(scene.admin_id),
            client_for(scene.mentor_id),
            client_for(scene.root_id),
        )
        anonymous = Client()
        rows.append(
            _page(admin, "proposal board", f"/proposals/board/{scene.proposals_term_id}/", runs)
        )
        rows.append(
            _page(admin, "selection page, draft round", f"/selection/terms/{term.pk}/", runs)
        )
        rows.append(_page(anonymous, "term catalog page", term.get_absolute_url(), runs))
        rows.append(
            _page(
                anonymous,
                "catalog API (term's projects)",
                f"/api/v1/terms/{term.pk}/projects",
                runs,
            )
        )
        rows.append(_page(admin, "admin term overview", f"/review/terms/{term.pk}/", runs))
        rows.append(
            _page(
                mentor,
                "review queue (busiest project)",
                f"/review/projects/{scene.queue_project_id}/",
                runs,
            )
        )
        rows.append(
            _page(root, "Django admin: applications", "/admin/applications/application/", runs)
        )

        # Apply and the minimal insert, with the same token auth: one applicant per run.
        tokens = []
        for pk in scene.applicant_ids[: runs + 1]:
            _token, raw = create_api_token(User.objects.get(pk=pk), name="scale bench")
            tokens.append(raw)
        api = Client()
        for raw in tokens:  # the first use of a token records it; do that before timing
            api.post("/bench/minimal-insert", HTTP_AUTHORIZATION=f"Bearer {raw}")
        turn = iter(range(10**6))
        body = {"cover_letter": {"text": "I would like to work on this. " * 10}}

        def apply() -> Any:
            i = next(turn) % len(tokens)
            project = scene.apply_project_ids[i % len(scene.apply_project_ids)]
            return api.post(
                "/api/v1/applications",
                {"project": project, "answers": body},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {tokens[i]}",
            )

        def clean_up() -> None:  # so every run applies afresh; not part of the figure
            Application.objects.filter(mentee_id__in=scene.applicant_ids).delete()

        q, ms, response = _timed(apply, runs, after=clean_up)
        rows.append(
            Row(
                "apply (POST /api/v1/applications)",
                q,
                ms,
                len(response.content) / 1024,
                response.status_code,
            )
        )
        turn2 = iter(range(10**6))

        def minimal() -> Any:
            return api.post(
                "/bench/minimal-insert",
                HTTP_AUTHORIZATION=f"Bearer {tokens[next(turn2) % len(tokens)]}",
            )

        q, ms, response = _timed(minimal, runs)
        rows.append(
            Row(
                "minimal authenticated insert",
                q,
                ms,
                len(response.content) / 1024,
                response.status_code,
            )
        )

    def job(what: str, stage: str, fn: Callable[[], Any]) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        times, queries = [], 0
        for _ in range(job_runs):
            with stages.fresh(stage):
                with CaptureQueriesContext(connection) as ctx:
                    start = time.perf_counter()
                    fn()
                    times.append((time.perf_counter() - start) * 1000)
                queries = len(ctx.captured_queries)
        rows.append(Row(what, queries, statistics.median(times), None))

    def confirm() -> None:
        term = Term.objects.get(pk=scene.term_id)
        round_ = selection.draft_round(term)
        assert round_ is not None
        selection.confirm_round(round_, actor=User.objects.get(pk=scene.admin_id))

    job("confirm_round", "draft", confirm)
    with stages.confirmed():
        from cohort.selection.models import Offer

        offers = Offer.objects.filter(term_id=scene.term_id).count()
        rows[-1].what = f"confirm_round ({offers:,} offers)"
        root = client_for(scene.root_id)
        admin = client_for(scene.admin_id)
        rows.append(
            _page(
                admin, "selection page, confirmed round", f"/selection/terms/{scene.term_id}/", runs
            )
        )
        rows.append(_page(root, "Django admin: offers", "/admin/selection/offer/", runs))
    sent: list[int] = []
    job("notify_round", "confirmed", lambda: sent.append(notify(_round_id(scene))))
    rows[-1].what = f"notify_round ({sent[-1]:,} e-mails)" if sent else "notify_round"
    with stages.notified():
        pass
    job("run-periodic, nothing to do", "notified", run_periodic)
    return rows


# --- PostgreSQL: databases and clones ---------------------------------------------------------


def _admin_sql(url: str, *statements: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        for sql in statements:
            conn.execute(sql.encode())


def _with_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _clone(url: str, template: str, name: str) -> None:
    _admin_sql(
        url, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}" TEMPLATE "{template}"'
    )


class PostgresStages(Stages):
    """Each stage is its own database, cloned from the one before and advanced once; a job
    runs on a fresh clone of its stage every time."""

    def __init__(self, url: str, scene_for: Callable[[], Scene]) -> None:
        self.url = url
        self.base = urlsplit(url).path.lstrip("/")
        self.scene_for = scene_for
        self.made: set[str] = set()

    @contextlib.contextmanager
    def using(self, name: str) -> Iterator[None]:
        from django.db import connections

        conn = connections["default"]
        old = conn.settings_dict["NAME"]
        conn.close()
        conn.settings_dict["NAME"] = name
        try:
            yield
        finally:
            conn.close()
            conn.settings_dict["NAME"] = old

    def name(self, stage: str) -> str:
        return self.base if stage == "draft" else f"{self.base}_{stage}"

    def _ensure(self, stage: str) -> None:
        if stage == "draft" or stage in self.made:
            return
        before = "draft" if stage == "confirmed" else "confirmed"
        self._ensure(before)
        from django.db import connections

        connections["default"].close()
        _clone(self.url, self.name(before), self.name(stage))
        with self.using(self.name(stage)):
            scene = self.scene_for()
            (advance_to_confirmed if stage == "confirmed" else advance_to_notified)(scene)
        self.made.add(stage)

    def draft(self) -> contextlib.AbstractContextManager[None]:
        return self.using(self.name("draft"))

    def confirmed(self) -> contextlib.AbstractContextManager[None]:
        self._ensure("confirmed")
        return self.using(self.name("confirmed"))

    def notified(self) -> contextlib.AbstractContextManager[None]:
        self._ensure("notified")
        return self.using(self.name("notified"))

    @contextlib.contextmanager
    def fresh(self, stage: str) -> Iterator[None]:
        from django.db import connections

        self._ensure(stage)
        copy = f"{self.base}_run"
        connections["default"].close()
        _clone(self.url, self.name(stage), copy)
        try:
            with self.using(copy):
                yield
        finally:
            connections["default"].close()
            _admin_sql(self.url, f'DROP DATABASE IF EXISTS "{copy}"')


class OneDatabaseStages(Stages):
    """For the test suite: one database moved forward in place; a job runs in a transaction
    that is rolled back (so each job's figure includes savepoint queries)."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.stage = "draft"

    @contextlib.contextmanager
    def _at(self, stage: str) -> Iterator[None]:
        order = ["draft", "confirmed", "notified"]
        while order.index(self.stage) < order.index(stage):
            self.stage = order[order.index(self.stage) + 1]
            (advance_to_confirmed if self.stage == "confirmed" else advance_to_notified)(self.scene)
        yield

    def draft(self) -> contextlib.AbstractContextManager[None]:
        return self._at("draft")

    def confirmed(self) -> contextlib.AbstractContextManager[None]:
        return self._at("confirmed")

    def notified(self) -> contextlib.AbstractContextManager[None]:
        return self._at("notified")

    @contextlib.contextmanager
    def fresh(self, stage: str) -> Iterator[None]:
        from django.db import transaction

        with self._at(stage), transaction.atomic():
            yield
            transaction.set_rollback(True)


# --- measure: the orchestration ---------------------------------------------------------------


def _env(url: str, root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "SCALE_ROOT": str(root),
            "DEBUG": "0",
            "TESTING": "1",  # only so the test client's plain-HTTP cookies work (no SSL redirect)
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "MAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "RATE_LIMIT_APPLY": "100000/h/user,100000/h/ip",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _run(args: list[str], env: dict[str, str], cwd: Path) -> str:
    # our own interpreter and manage.py or this file, fixed arguments
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-6000:])
        raise SystemExit(f"failed ({done.returncode}): {' '.join(args)}")
    return done.stdout


def migrate_side(url: str, side: str, root: Path) -> str:
    """A migrated empty database for `side` (its own migrations): the template of its builds."""
    empty = f"{urlsplit(url).path.lstrip('/')}_{side}_empty"
    _admin_sql(url, f'DROP DATABASE IF EXISTS "{empty}"', f'CREATE DATABASE "{empty}"')
    start = time.perf_counter()
    _run([sys.executable, "manage.py", "migrate", "-v0"], _env(_with_name(url, empty), root), root)
    log(f"[{side}] {root}: {empty} migrated in {time.perf_counter() - start:.1f} s")
    return empty


def measure_preset(
    url: str, side: str, root: Path, empty: str, preset: str, *, runs: int, job_runs: int
) -> list[dict[str, Any]]:
    """Build `preset` with `side`'s code in a clone of its empty database, and measure it."""
    name = f"{urlsplit(url).path.lstrip('/')}_{side}_{preset}"
    _clone(url, empty, name)
    env = _env(_with_name(url, name), root)
    me = str(Path(__file__).resolve())
    start = time.perf_counter()
    _run([sys.executable, me, "build", "--preset", preset], env, root)
    log(f"[{side}] built {preset} in {time.perf_counter() - start:.1f} s; measuring")
    fd, out = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    start = time.perf_counter()
    command = [sys.executable, me, "_measure", "--preset", preset, "--runs", str(runs)]
    _run([*command, "--job-runs", str(job_runs), "--out", out], env, root)
    log(f"[{side}] measured {preset} in {time.perf_counter() - start:.1f} s")
    rows: list[dict[str, Any]] = json.loads(Path(out).read_text())
    Path(out).unlink()
    return rows


def _cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "—"
    text = (
        f"{row['queries']:,} q · {row['ms']:,.0f} ms"
        if row["ms"] >= 10
        else (f"{row['queries']:,} q · {row['ms']:.1f} ms")
    )
    if row["kb"] is not None:
        text += f" · {row['kb']:,.0f} KB" if row["kb"] >= 10 else f" · {row['kb']:.1f} KB"
    if row.get("status") not in (None, 200, 201):
        text += f" (HTTP {row['status']})"
    return text


def _key(what: str) -> str:
    return what.split(" (")[0] if what.startswith(("confirm_round", "notify_round")) else what


def table(results: dict[str, dict[str, list[dict[str, Any]]]], presets: list[str]) -> str:
    sides = list(results)
    labels = {"small": "demo", "gsoc": "GSoC"}
    head = ["what"] + [
        f"{labels.get(p, p)} {s}" if len(sides) > 1 else f"{labels.get(p, p)} q / ms / KB"
        for p in presets
        for s in sides
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    order: list[str] = []
    by: dict[tuple[str, str, str], dict[str, Any]] = {}
    names: dict[str, str] = {}
    for side, per in results.items():
        for preset, rows in per.items():
            for row in rows:
                k = _key(row["what"])
                if k not in order:
                    order.append(k)
                if preset == presets[-1] or k not in names:
                    names[k] = row["what"]
                by[(side, preset, k)] = row
    for k in order:
        cells = [_cell(by.get((s, p, k))) for p in presets for s in sides]
        lines.append("| " + " | ".join([names[k], *cells]) + " |")
    return "\n".join(lines)


def ratios(results: dict[str, dict[str, list[dict[str, Any]]]]) -> list[str]:
    out = []
    for side, per in results.items():
        for preset, rows in per.items():
            by = {_key(r["what"]): r for r in rows}
            a, m = (
                by.get("apply (POST /api/v1/applications)"),
                by.get("minimal authenticated insert"),
            )
            if a and m and m["ms"]:
                out.append(
                    f"- {side}, {preset}: apply takes {a['ms'] / m['ms']:.1f}× the minimal "
                    f"authenticated insert ({a['ms']:.1f} ms vs {m['ms']:.1f} ms)."
                )
    return out


def _git(*args: str) -> str:
    command = ["git", *args]
    done = subprocess.run(command, cwd=HERE, capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout.strip()


def measure(args: argparse.Namespace) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("measure needs DATABASE_URL=postgres://…/NAME (it makes NAME_* databases)")
    presets = args.presets.split(",")
    load_before = os.getloadavg()
    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    worktrees: list[Path] = []

    def checkout(rev: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix="scale-")) / "checkout"
        _git("worktree", "add", "--detach", str(path), rev)
        worktrees.append(path)
        return path

    try:
        sides: list[tuple[str, str, Path]] = []  # (label, database side, code root)
        if args.baseline:
            rev = _git("rev-parse", "--short", args.baseline)
            sides.append((f"before ({rev})", "before", checkout(rev)))
        if args.at:
            rev = _git("rev-parse", "--short", args.at)
            sides.append((f"{'after' if args.baseline else 'at'} ({rev})", "now", checkout(rev)))
        else:
            head = _git("rev-parse", "--short", "HEAD")
            dirty = _git("status", "--porcelain", "--untracked-files=no")
            label = f"{head}{' + uncommitted changes' if dirty else ''}"
            sides.append((f"{'after' if args.baseline else 'now'} ({label})", "now", HERE))
        empties = {side: migrate_side(url, side, root) for _, side, root in sides}
        for preset in presets:  # the sides take turns, so both see the same machine load
            for label, side, root in sides:
                results.setdefault(label, {})[preset] = measure_preset(
                    url, side, root, empties[side], preset, runs=args.runs, job_runs=args.job_runs
                )
                if args.json:  # kept as it comes, so a long run's figures survive a failure
                    Path(args.json).write_text(json.dumps(results, indent=1))
    finally:
        for path in worktrees:
            subprocess.run(  # noqa: S603  # git, fixed arguments
                ["git", "worktree", "remove", "--force", str(path)],  # noqa: S607
                cwd=HERE,
                check=False,
            )
            shutil.rmtree(path.parent, ignore_errors=True)
    load_after = os.getloadavg()
    log("")
    log(table(results, presets))
    log("")
    for line in ratios(results):
        log(line)
    log(
        f"\nSides: {', '.join(results)}. Pages: median of {args.runs} runs after 1 warm-up; "
        f"jobs: median of {args.job_runs} runs, each on a fresh clone."
    )
    log(
        f"Load average (1, 5, 15 min): before {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after {', '.join(f'{x:.2f}' for x in load_after)}; {os.cpu_count()} CPUs."
    )


def measure_here(args: argparse.Namespace) -> None:
    """`_measure`: one built database (DATABASE_URL), in this process; JSON to --out."""
    import cohort

    url = os.environ["DATABASE_URL"]
    log(f"  measuring {args.preset} with {Path(cohort.__file__).parent}")
    scene = find_scene(args.preset)
    stages = PostgresStages(url, lambda: find_scene(args.preset))
    rows = measure_scene(scene, stages, runs=args.runs, job_runs=args.job_runs)
    for name in ("confirmed", "notified"):
        if name in stages.made:
            _admin_sql(url, f'DROP DATABASE IF EXISTS "{stages.name(name)}"')
    Path(args.out).write_text(json.dumps([asdict(r) for r in rows]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build a preset into DATABASE_URL's (migrated) database")
    b.add_argument("--preset", choices=sorted(PRESETS), default="gsoc")
    b.add_argument("--confirmed", action="store_true", help="also confirm the round")
    m = sub.add_parser("measure", help="build and measure in NAME_* databases, print the table")
    m.add_argument("--baseline", help="a git revision to measure beside this checkout")
    m.add_argument("--at", help="measure this git revision instead of the working tree")
    m.add_argument("--runs", type=int, default=5, help="runs per page (after 1 warm-up)")
    m.add_argument("--job-runs", type=int, default=3, help="runs per job (each on a fresh clone)")
    m.add_argument("--presets", default="small,gsoc")
    m.add_argument("--json", help="also write the figures to this file, as they come")
    r = sub.add_parser("report", help="print the table of a `measure --json` file again")
    r.add_argument("path")
    one = sub.add_parser("_measure")  # internal: one database, in this process
    one.add_argument("--preset", choices=sorted(PRESETS), required=True)
    one.add_argument("--runs", type=int, default=5)
    one.add_argument("--job-runs", type=int, default=3)
    one.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    if args.command == "measure":
        measure(args)
        return
    if args.command == "report":
        saved = json.loads(Path(args.path).read_text())
        presets = list(dict.fromkeys(p for per in saved.values() for p in per))
        log(table(saved, presets))
        for line in ratios(saved):
            log(line)
        return
    setup_django()
    if args.command == "build":
        start = time.perf_counter()
        built = build(PRESETS[args.preset], confirmed=args.confirmed)
        print_summary(built)
        log(f"\nTotal wall time {time.perf_counter() - start:.1f} s.")
    else:
        measure_here(args)


if __name__ == "__main__":
    main()

"""A small program for application tests: one term in America/Los_Angeles whose applications
window is open at WINDOW_OPEN, two published projects with their mentors, and every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cohort.applications import services
from cohort.applications.models import Application, MenteeProfile
from cohort.core.models import Person, User
from cohort.projects.models import Mentorship, Organization, OrganizationMaintainer, Project
from cohort.terms.models import Milestone, Program, ProgramMembership, Term

# "Jul 31 - Aug 13 5:00 PM PDT", as the reference term writes it.
WINDOW_START = datetime(2024, 7, 31, 7, 0, tzinfo=UTC)
DEADLINE = datetime(2024, 8, 14, 0, 0, tzinfo=UTC)
WINDOW_OPEN = datetime(2024, 8, 1, 12, 0, tzinfo=UTC)

PREREQS = {
    "resume": True,
    "cover_letter": True,
    "coding_challenge": True,
    "coding_challenge_url": "https://example.org/challenge",
}


def pdf(
    name: str = "cv.pdf", size: int = 2048, *, content: bytes | None = None
) -> SimpleUploadedFile:
    body = content if content is not None else b"%PDF-1.7\n" + b"0" * max(0, size - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


@dataclass
class World:
    program: Program
    term: Term
    antrea: Project  # mentored by alice (primary) and bob
    cilium: Project  # mentored by bob
    falco: Project  # mentored by carol
    users: dict[str, User]

    def user(self, name: str) -> User:
        return self.users[name]


def make_profile(user: User, **overrides: object) -> MenteeProfile:
    data = services.ProfileData(
        name=user.username.title(),
        country="DE",
        time_zone="Europe/Berlin",
        github=user.username,
        is_adult=True,
        can_work=True,
        first_mentorship=True,
        no_coc_violation=True,
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    return services.save_profile(user, data)


@pytest.fixture
def world(db) -> World:
    program = Program.objects.create(name="CNCF LFX Mentorship", slug="cncf", require_lfc102=False)
    term = Term.objects.create(
        program=program, year=2024, number=3, title="Term 03 - 2024 September - November"
    )
    Milestone.objects.create(
        term=term,
        key="applications_open",
        label="Mentee applications open",
        raw="Jul 31 - Aug 13 5:00 PM PDT",
        start=WINDOW_START,
        end=DEADLINE,
        has_time=True,
    )
    users = {
        name: User.objects.create_user(name, email=f"{name}@example.org", password="x")
        for name in (
            "admin",
            "maintainer",
            "alice",
            "bob",
            "carol",
            "mentee1",
            "mentee2",
            "mentee3",
            "mentee4",
            "outsider",
        )
    }
    ProgramMembership.objects.create(program=program, user=users["admin"])
    projects = []
    for slug, mentors in (("antrea", ["alice", "bob"]), ("cilium", ["bob"]), ("falco", ["carol"])):
        org = Organization.objects.create(program=program, name=slug.title(), slug=slug)
        project = Project.objects.create(
            term=term,
            organization=org,
            slug=f"{slug}-project",
            title=f"{slug.title()} project",
            status=Project.Status.PUBLISHED,
            prerequisites=PREREQS,
        )
        for position, handle in enumerate(mentors):
            person, _ = Person.objects.get_or_create(
                github=handle, defaults={"name": handle.title(), "user": users[handle]}
            )
            Mentorship.objects.create(
                project=project, person=person, position=position, name=person.name, github=handle
            )
        projects.append(project)
    OrganizationMaintainer.objects.create(
        organization=projects[0].organization, user=users["maintainer"]
    )
    for name in ("mentee1", "mentee2", "mentee3", "mentee4"):
        make_profile(users[name])
    return World(program, term, projects[0], projects[1], projects[2], users)


@pytest.fixture
def in_window():
    with time_machine.travel(WINDOW_OPEN, tick=False) as traveller:
        yield traveller


def complete_application(world: World, mentee: str, project: Project) -> Application:
    """Apply with every task handed in: résumé, cover letter and a challenge link."""
    user = world.user(mentee)
    profile = MenteeProfile.objects.get(user=user)
    if not profile.resume:
        services.upload_resume(profile, pdf(), actor=user)
    return services.apply_to_project(
        user,
        project,
        answers={
            "cover_letter": {"text": f"I am {mentee} and I want to work on {project.title}."},
            "coding_challenge": {"url": f"https://github.com/{mentee}/challenge"},
        },
    )

"""The demo a newcomer sees after `make run`: the reference term, a user per role, and past
terms to search (the archive)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from cohort.core.models import User
from cohort.formats.termpage import parse_term_page
from cohort.projects.models import Mentorship, OrganizationMaintainer, Project
from cohort.projects.services import ImportResult, get_or_create_program, import_term
from cohort.terms.models import ProgramMembership, Term

DEMO_PROGRAM = "CNCF LFX Mentorship"
DEMO_DATA = Path(__file__).parent / "demo_data"
DEMO_PAGE = DEMO_DATA / "2024-03-Sep-Nov-README.planning.md"
# Past CNCF term pages, unmodified (demo_data/README.md), each with the term it is (the 2021
# page names none). None of these (year, number) is the reference term's or the upcoming demo
# term's (cohort.proposals.demo.UPCOMING) in this program, and the live and later-stage demo
# terms, dated from today, are in programs of their own (cohort.demo.live), so no demo term
# can land on one, whatever the date.
ARCHIVE = (
    ("2021-01-Spring-README.md", 2021, 1),
    ("2023-01-Mar-May-README.md", 2023, 1),
    ("2025-02-Jun-Aug-README.md", 2025, 2),
)
DEMO_PASSWORD = "demo"  # noqa: S105  # documented demo password; users exist only with DEBUG


@dataclass
class DemoUser:
    username: str
    role: str


@dataclass
class DemoResult:
    imported: ImportResult
    users: list[DemoUser] = field(default_factory=list)


@dataclass
class DemoArchive:
    terms: list[Term] = field(default_factory=list)
    imported: int = 0  # how many of them this run imported
    projects: int = 0  # their projects that the public pages and the search show


@transaction.atomic
def load_demo_archive() -> DemoArchive:
    """The past terms of ARCHIVE in the demo program, each imported once: a later run leaves
    a stored term as it is (unlike the reference term, whose page is read again)."""
    program = get_or_create_program(DEMO_PROGRAM)
    archive = DemoArchive()
    for name, year, number in ARCHIVE:
        term = Term.objects.filter(program=program, year=year, number=number).first()
        if term is None:
            text = (DEMO_DATA / name).read_text(encoding="utf-8")
            data = parse_term_page(text, source=name, term=f"{year} Term {number}")
            term = import_term(data, program=program).term
            archive.imported += 1
        archive.terms.append(term)
    archive.projects = Project.objects.filter(term__in=archive.terms).visible().count()
    return archive


@transaction.atomic
def load_demo() -> DemoResult:
    """Import the reference term and, with DEBUG on, create the demo users. Idempotent."""
    program = get_or_create_program(DEMO_PROGRAM)
    data = parse_term_page(DEMO_PAGE.read_text(encoding="utf-8"), source=DEMO_PAGE.name)
    result = DemoResult(imported=import_term(data, program=program))
    if not settings.COHORT_DEMO_USERS:
        return result

    term = result.imported.term
    first = Project.objects.filter(term=term).select_related("organization").order_by("position")[0]
    mentorship = (
        Mentorship.objects.filter(project=first, person__isnull=False)
        .select_related("person")
        .order_by("position")
        .first()
    )

    admin = _user("admin", is_staff=True, is_superuser=True)
    ProgramMembership.objects.get_or_create(program=program, user=admin)
    result.users.append(DemoUser("admin", f"program admin of {program.name} (and superuser)"))

    maintainer = _user("maintainer")
    OrganizationMaintainer.objects.get_or_create(organization=first.organization, user=maintainer)
    result.users.append(DemoUser("maintainer", f"maintainer of {first.organization.name}"))

    mentor = _user("mentor")
    if mentorship is not None and mentorship.person is not None:
        person = mentorship.person
        if person.user_id is None:
            person.user = mentor
            person.save(update_fields=["user", "updated_at"])
        result.users.append(
            DemoUser("mentor", f"mentor of “{first.title}” (as {person.name}, @{person.github})")
        )
    for n in (1, 2, 3):
        _user(f"mentee{n}")
        result.users.append(DemoUser(f"mentee{n}", "mentee (applicant)"))
    return result


def _user(username: str, *, is_staff: bool = False, is_superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "email": f"{username}@example.org",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user

"""Fixtures for the public site: terms built the way real data arrives, through import_term."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cohort.core.models import User
from cohort.formats import model as fm
from cohort.projects.services import get_or_create_program, import_term
from cohort.terms.models import Program, Term

PROGRAM_NAME = "CNCF LFX Mentorship"

# Everything a visitor must never see: mentors' e-mails, LFIDs and unrecoverable contact text.
PRIVATE_STRINGS = (
    "tianquan23@example.com",
    "antonin.bas@example.org",
    "vb@example.com",
    "orlin@example.net",
    "rustacean@example.com",
    "qtian-lfid",
    "orlin AT example DOT net",
)


def _utc(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def reference_term_data() -> fm.TermData:
    """A small 2024 Term 3: 2 organizations, 3 projects (one proposed), a PDT timeline."""
    antrea = fm.Organization(
        name="Antrea",
        slug="antrea",
        maturity="sandbox",
        projects=[
            fm.Project(
                title="Support application-level DNS caches",
                lfx_title="CNCF - Antrea: Application-Level DNS Caches (2024 Term 3)",
                description="Antrea provides [Network Policy APIs](https://antrea.io/docs).",
                expected_outcome="A new `minTTL` parameter for the **Antrea Agent**.",
                skills="Golang, Kubernetes, DNS",
                mentors=[
                    fm.Mentor(
                        name="Quan Tian",
                        github="tnqn",
                        email="tianquan23@example.com",
                        lfid="qtian-lfid",
                        role="primary",
                    ),
                    fm.Mentor(
                        name="Antonin Bas", github="antoninbas", email="antonin.bas@example.org"
                    ),
                ],
                upstream_issues=["https://github.com/antrea-io/antrea/issues/6229"],
                lfx_url="https://mentorship.lfx.linuxfoundation.org/project/99e8e0a0",
                number=101,
            ),
        ],
    )
    harbor = fm.Organization(
        name="Harbor",
        slug="harbor",
        maturity="graduated",
        projects=[
            fm.Project(
                title="Harbor CLI",
                description="Extend the Harbor CLI.",
                skills="Golang, spf13/cobra",
                technologies="REST, OpenAPI",
                mentors=[fm.Mentor(name="Vadim Bauer", github="vad1mo", email="vb@example.com")],
                upstream_issues=["https://github.com/goharbor/harbor-cli/issues/142"],
                lfx_url="https://mentorship.lfx.linuxfoundation.org/project/11beb7c5",
                number=102,
                prerequisites=fm.Prerequisites(
                    resume=True,
                    coding_challenge=True,
                    coding_challenge_url="https://github.com/goharbor/harbor-cli/issues/1",
                ),
            ),
            fm.Project(
                title="Harbor Satellite",
                status="proposed",
                description="Decentralize container registries for edge devices.",
                skills="Rust, Containers",
                mentors=[
                    fm.Mentor(
                        name="Orlin Vasilev",
                        github="OrlinVasilev",
                        contact="orlin AT example DOT net",
                        flags=[fm.FLAG_EMAIL_OBFUSCATED],
                    ),
                    fm.Mentor(name="Orlin's Colleague", email="orlin@example.net"),
                ],
                number=103,
            ),
        ],
    )
    return fm.TermData(
        title="Term 03 - 2024 September - November",
        year=2024,
        number=3,
        status="Planning",
        time_zone="America/Los_Angeles",
        duration="three months (12 weeks - full-time schedule)",
        milestones=[
            fm.Milestone(
                key="proposals",
                label="project proposals",
                raw="Jul 3 - Jul 30 5:00 PM PDT",
                start=_utc(2024, 7, 3, 7),
                end=_utc(2024, 7, 31, 0),
                has_time=True,
            ),
            fm.Milestone(
                key="applications",
                label="mentee applications open",
                raw="Jul 31 - Aug 13 5:00 PM PDT",
                start=_utc(2024, 7, 31, 0),
                end=_utc(2024, 8, 14, 0),
                has_time=True,
            ),
            fm.Milestone(
                key="program_begins",
                label="Mentorship program begins",
                raw="Sept 9, 2024",
                start=_utc(2024, 9, 9, 7),
                end=_utc(2024, 9, 10, 7),
                has_time=False,
            ),
            fm.Milestone(
                key="last_day",
                label="Last day of term",
                raw="November 29, 2024",
                start=_utc(2024, 11, 29, 8),
                end=_utc(2024, 11, 30, 8),
                has_time=False,
            ),
        ],
        organizations=[antrea, harbor],
    )


def other_term_data() -> fm.TermData:
    """2025 Term 1, with one project, to search across terms."""
    return fm.TermData(
        title="Term 01 - 2025 March - May",
        year=2025,
        number=1,
        status="Completed",
        time_zone="America/Los_Angeles",
        organizations=[
            fm.Organization(
                name="WasmEdge",
                projects=[
                    fm.Project(
                        title="Fuzzing the WasmEdge runtime",
                        skills="Rust, C++",
                        mentors=[
                            fm.Mentor(
                                name="Ferris", github="ferris-crab", email="rustacean@example.com"
                            )
                        ],
                    )
                ],
            )
        ],
    )


def bulk_term_data(year: int, number: int, *, organizations: int, projects: int) -> fm.TermData:
    """A larger term: `organizations` × `projects`, each with 3 mentors and 2 issues."""
    return fm.TermData(
        title=f"Term {number} - {year}",
        year=year,
        number=number,
        time_zone="America/Los_Angeles",
        milestones=reference_term_data().milestones,
        organizations=[
            fm.Organization(
                name=f"Org {o}",
                projects=[
                    fm.Project(
                        title=f"Project {o}-{p} in {year}",
                        skills="Golang, Kubernetes",
                        mentors=[
                            fm.Mentor(
                                name=f"Mentor {o}-{p}-{k}", github=f"m{year}{number}-{o}-{p}-{k}"
                            )
                            for k in range(3)
                        ],
                        upstream_issues=[
                            f"https://github.com/org{o}/repo/issues/{p}{k}" for k in range(2)
                        ],
                    )
                    for p in range(projects)
                ],
            )
            for o in range(organizations)
        ],
    )


@pytest.fixture
def program(db: None) -> Program:
    return get_or_create_program(PROGRAM_NAME)


@pytest.fixture
def term(program: Program) -> Term:
    return import_term(reference_term_data(), program=program).term


@pytest.fixture
def other_term(program: Program) -> Term:
    return import_term(other_term_data(), program=program).term


@pytest.fixture
def staff_user(db: None) -> User:
    return User.objects.create_user("staff", password="pw", is_staff=True)

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from cohort.core.models import Person, User
from cohort.formats.issueform import PREREQUISITE_RESUME, IssueForm
from cohort.projects.models import Organization, OrganizationMaintainer
from cohort.terms.models import Milestone, Program, ProgramMembership, Term

WINDOW_START = datetime(2026, 7, 1, tzinfo=UTC)
DEADLINE = datetime(2026, 7, 28, 18, 0, tzinfo=UTC)  # "Tue, Jul 28, 18:00 UTC"
# The clock while a `world` test runs: inside the proposals window, which the services
# enforce (a draft needs the window not closed, a submission needs it open).
IN_WINDOW = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)


def make_form(**overrides: Any) -> IssueForm:
    fields: dict[str, Any] = {
        "project": "Jaeger",
        "term": "2026 Term 3 (Sep-Nov)",
        "program_name": "Jaeger v2 Helm Chart",
        "description": "## Description\n\nShip a Helm chart for Jaeger v2.",
        "technologies": "Go, Helm, Kubernetes",
        "skills_same": True,
        "mentors": (
            "Alice Doe | @alice | alice@example.org | alicelf\n"
            "Bob Roe | @bob | bob@example.org | boblf"
        ),
        "upstream_issue_url": "https://github.com/jaegertracing/helm-charts/issues/1",
        "prerequisites": [PREREQUISITE_RESUME],
    }
    fields.update(overrides)
    return IssueForm.build(**fields)


@dataclass
class World:
    program: Program
    term: Term
    jaeger: Organization
    kubernetes: Organization
    users: dict[str, User]


@pytest.fixture
def world(db) -> Iterator[World]:
    """The program, inside its proposals window: a test that has not set the clock inside it
    already runs from IN_WINDOW, the clock ticking."""
    if WINDOW_START <= datetime.now(UTC) < DEADLINE:
        yield _world()
        return
    with time_machine.travel(IN_WINDOW, tick=True):
        yield _world()


def _world() -> World:
    program = Program.objects.create(name="CNCF LFX Mentorship", slug="cncf")
    term = Term.objects.create(
        program=program,
        year=2026,
        number=3,
        title="Term 03 - 2026 September - November",
        time_zone="UTC",
    )
    Milestone.objects.create(
        term=term,
        key="proposals_open",
        label="Project Proposals Open",
        raw="Wed, Jul 1 – Tue, Jul 28, 18:00 UTC",
        start=WINDOW_START,
        end=DEADLINE,
        has_time=True,
    )
    jaeger = Organization.objects.create(program=program, name="Jaeger", slug="jaeger")
    kubernetes = Organization.objects.create(
        program=program, name="Kubernetes", slug="kubernetes", maintainers_can_approve=False
    )
    users = {
        name: User.objects.create_user(name, password="x")
        for name in ("admin", "maintainer", "delegate", "alice", "bob", "carol", "outsider", "k8s")
    }
    ProgramMembership.objects.create(program=program, user=users["admin"])
    OrganizationMaintainer.objects.create(organization=jaeger, user=users["maintainer"])
    OrganizationMaintainer.objects.create(
        organization=kubernetes, user=users["delegate"], kind=OrganizationMaintainer.Kind.DELEGATE
    )
    OrganizationMaintainer.objects.create(organization=kubernetes, user=users["k8s"])
    for handle in ("alice", "bob", "carol"):
        Person.objects.create(name=handle.title(), github=handle, user=users[handle])
    return World(program, term, jaeger, kubernetes, users)

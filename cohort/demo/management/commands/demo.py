"""cohort demo: the reference term, the demo users, a proposal in review and applications
(idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cohort.demo.applications import load_demo_applications
from cohort.projects.demo import DEMO_PASSWORD, load_demo
from cohort.proposals.demo import load_demo_proposals

SITE = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Load the demo: the CNCF 2024 Term 3 catalog and, with DEBUG on, one user per role, "
        "a proposal in review in an upcoming term, and the demo mentees' applications to "
        "2024 Term 3 projects in every state."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        term = result.imported.term
        self.stdout.write(f"Demo program {term.program}: {result.imported.summary()}")
        self.stdout.write(f"  http://127.0.0.1:8000{term.get_absolute_url()}")
        if not result.users:
            self.stdout.write("Demo users are created only when DEBUG is on.")
            return
        proposals = load_demo_proposals(term.program)
        if proposals.proposal is not None:
            self.stdout.write(
                f"Demo proposal #{proposals.proposal.number} in {proposals.term.label}, awaiting "
                "the maintainer's approval and a mentor's confirmation:"
            )
            self.stdout.write(f"  http://127.0.0.1:8000/proposals/{proposals.proposal.pk}/")
        applications = load_demo_applications(term)
        login = f"{SITE}/accounts/login/"
        self.stdout.write(f"Demo users (password “{DEMO_PASSWORD}”); log in at {login}")
        for user in result.users:
            self.stdout.write(f"  {user.username:<11} {user.role}")
        if applications.mentees:
            self.stdout.write(
                f"Demo applications in {term.label}, dated as if made in its applications "
                f"window ({applications.window}); who sees what:"
            )
        for mentee in applications.mentees:
            self.stdout.write(f"  {mentee.username:<11} {mentee.line}: {SITE}/applications/")
        project = applications.queue_project
        if project is not None and applications.mentor_sees_queue:
            self.stdout.write(
                f"  {'mentor':<11} review queue of “{project.title}” with "
                f"{applications.queue_size} applicants: {SITE}/review/projects/{project.pk}/"
            )
            self.stdout.write(
                f"  {'maintainer':<11} how many applied to the organization's projects, not who: "
                f"{SITE}/review/"
            )
            self.stdout.write(
                f"  {'admin':<11} every project's applicants: {SITE}/review/terms/{term.pk}/"
            )
            self.stdout.write(
                f"  {'admin':<11} selection (two projects want mentee2 most): "
                f"{SITE}/selection/terms/{term.pk}/"
            )
        for problem in applications.skipped:
            self.stdout.write(f"  skipped: {problem}")

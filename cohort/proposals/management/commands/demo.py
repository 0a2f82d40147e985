"""cohort demo: the reference term, the demo users and a proposal in review (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cohort.projects.demo import DEMO_PASSWORD, load_demo
from cohort.proposals.demo import load_demo_proposals


class Command(BaseCommand):
    help = (
        "Load the demo: the CNCF 2024 Term 3 catalog and, with DEBUG on, one user per role "
        "and a proposal in review in an upcoming term."
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
        login = "http://127.0.0.1:8000/accounts/login/"
        self.stdout.write(f"Demo users (password “{DEMO_PASSWORD}”); log in at {login}")
        for user in result.users:
            self.stdout.write(f"  {user.username:<11} {user.role}")

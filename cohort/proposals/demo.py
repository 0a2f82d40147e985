"""Demo proposals: an upcoming term whose proposal window is open, with one proposal in review.

The reference term's window closed in 2024, so without this a newcomer could not try the
proposal workflow. The upcoming term is created once (its window is set from the day the demo
is first loaded: open now, closing in 45 days) and never changed by later runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cohort.core.models import User
from cohort.formats.issueform import PREREQUISITE_COVER_LETTER, PREREQUISITE_RESUME, IssueForm
from cohort.projects.models import Project
from cohort.proposals import services
from cohort.terms.models import Milestone, Program, Term

UPCOMING = (2027, 1)
UPCOMING_TITLE = "Term 01 - 2027 March - May (demo)"


@dataclass
class DemoProposals:
    term: Term
    proposal: Project | None


@transaction.atomic
def load_demo_proposals(program: Program) -> DemoProposals:
    """The upcoming demo term and one submitted Antrea proposal, each made once."""
    year, number = UPCOMING
    term, created = Term.objects.get_or_create(
        program=program,
        year=year,
        number=number,
        defaults={"title": UPCOMING_TITLE, "status": "Accepting proposals", "time_zone": "UTC"},
    )
    if created:
        now = timezone.now().replace(second=0, microsecond=0)
        closes = (now + timedelta(days=45)).replace(hour=18, minute=0)
        Milestone.objects.create(
            term=term,
            key="proposals_open",
            label="Project Proposals Open",
            raw=f"{now:%a, %b %-d} – {closes:%a, %b %-d, %Y}, 18:00 UTC",
            start=now,
            end=closes,
            has_time=True,
        )
    mentor = User.objects.filter(username="mentor").first()
    existing = Project.objects.filter(term=term).order_by("number").first()
    if existing is not None or mentor is None:
        return DemoProposals(term, existing)
    proposal = services.create_proposal(term, _form(term), actor=mentor)
    services.submit_proposal(proposal, actor=mentor)
    return DemoProposals(term, proposal)


def _form(term: Term) -> IssueForm:
    fields: dict[str, Any] = {
        "project": "Antrea",
        "term": f"{term.year} Term {term.number} (Mar-May)",
        "program_name": "Egress policy dashboard",
        "description": (
            "## Description\n\nAdd a dashboard page to the Antrea UI that shows which Egress "
            "policies apply to a workload and the traffic they matched.\n\n"
            "## Expected outcomes\n\n- A dashboard page with tests\n- User documentation"
        ),
        "technologies": "Go, TypeScript, React, Kubernetes",
        "skills_same": True,
        "mentors": (
            "Quan Tian | @tnqn | tianquan23@gmail.com | tnqn\n"
            "Antonin Bas | @antoninbas | antonin.bas@gmail.com | antoninbas"
        ),
        "upstream_issue_url": "https://github.com/antrea-io/antrea/issues/6229",
        "prerequisites": [PREREQUISITE_RESUME, PREREQUISITE_COVER_LETTER],
    }
    return IssueForm.build(**fields)

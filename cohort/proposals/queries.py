"""The proposal read models the pages and the API share (DESIGN §5 `queries.py`).

A proposal's state (its validation, gates and board column, `Review`) is derived from its
stored fields, its events, its mentors, its proposer and the term's other open proposals of
the same project (cncf-process.md §2.2, §3.4–§3.5). Deriving it one proposal at a time costs
a few queries each; here every input is loaded for all the listed proposals at once, so a
list, the board or one proposal take a fixed number of queries whatever the number of
proposals (tests/test_queries.py counts them). The derivation is the pure code the services
use (`rules.validate_proposal`, `gates.derive_gates`, `gates.board_column`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from cohort.core.actors import Viewer
from cohort.core.models import User
from cohort.projects.models import (
    Mentorship,
    Organization,
    OrganizationMaintainer,
    Project,
)
from cohort.proposals import gates
from cohort.proposals.access import proposals_visible_to
from cohort.proposals.context import OPEN_STATUSES
from cohort.proposals.models import ProposalEvent
from cohort.proposals.review import Review, derive_review, proposal_form
from cohort.proposals.rules import OtherProposal
from cohort.proposals.services import accepts_proposals
from cohort.terms.access import is_program_admin
from cohort.terms.models import ProgramMembership, Term

__all__ = [
    "AwaitingDecision",
    "Board",
    "BoardColumn",
    "ProposalRow",
    "Review",
    "TermProposals",
    "awaiting_decision",
    "board",
    "proposal_list",
    "proposal_row",
]


@dataclass(frozen=True)
class ProposalRow:
    """One proposal and its derived state."""

    project: Project
    review: Review

    @property
    def column(self) -> str:
        return self.review.column


@dataclass(frozen=True)
class TermProposals:
    """One term's proposals that a user may see (the "My proposals" page, the API list)."""

    term: Term
    accepts_proposals: bool
    is_admin: bool  # may open the term's board
    rows: list[ProposalRow]


@dataclass(frozen=True)
class BoardColumn:
    name: str
    rows: list[ProposalRow]


@dataclass(frozen=True)
class Board:
    """A term's proposals by board column, every column in `gates.BOARD_COLUMNS` order."""

    term: Term
    columns: list[BoardColumn]
    organizations: list[Organization]  # of every proposal of the term, by name
    total: int  # proposals in the term, before any organization filter


# --- read models ---------------------------------------------------------------------------


def proposal_list(
    user: Viewer, *, now: datetime, term_pk: int | None = None
) -> list[TermProposals]:
    """The proposals `user` may see, by term (newest first), each by number.

    A term appears when it has such proposals or takes new ones at `now`. `term_pk` limits
    the list to one term. Queries: the terms and their milestones, two per term for the
    user's roles, then a fixed number for every proposal of every term together.
    """
    terms = Term.objects.select_related("program").prefetch_related("milestones")
    if term_pk is not None:
        terms = terms.filter(pk=term_pk)
    visible = Project.objects.none()
    admin_of: dict[int, bool] = {}
    for term in terms:
        if term.program_id not in admin_of:
            admin_of[term.program_id] = is_program_admin(user, term.program)
        visible = visible | proposals_visible_to(user, term)
    by_term: dict[int, list[ProposalRow]] = defaultdict(list)
    for row in _rows(visible.order_by("-term__year", "-term__number", "number", "pk")):
        by_term[row.project.term_id].append(row)
    groups = []
    for term in terms:
        accepts = accepts_proposals(term, now)
        if by_term[term.pk] or accepts:
            groups.append(TermProposals(term, accepts, admin_of[term.program_id], by_term[term.pk]))
    return groups


def board(term: Term, *, organization: str = "") -> Board:
    """The term's proposal board; `organization` (a slug) keeps only its proposals."""
    rows = _rows(Project.objects.filter(term=term).order_by("number", "pk"))
    organizations = {row.project.organization_id: row.project.organization for row in rows}
    shown = [r for r in rows if not organization or r.project.organization.slug == organization]
    by_column: dict[str, list[ProposalRow]] = {name: [] for name in gates.BOARD_COLUMNS}
    for row in shown:
        by_column.setdefault(row.column, []).append(row)
    return Board(
        term,
        [BoardColumn(name, column) for name, column in by_column.items()],
        sorted(organizations.values(), key=lambda o: o.name.casefold()),
        len(rows),
    )


def proposal_row(pk: int) -> ProposalRow:
    """One proposal and its state (`Project.DoesNotExist` if there is none)."""
    rows = _rows(Project.objects.filter(pk=pk))
    if not rows:
        raise Project.DoesNotExist(f"No proposal {pk}.")
    return rows[0]


@dataclass(frozen=True)
class AwaitingDecision:
    """The open proposals waiting for one person's decision (the home page's next steps)."""

    approve: list[ProposalRow]  # need their maintainer approval (organizations they approve for)
    final: list[ProposalRow]  # hold both gates: need their final approval as program admin
    publish: list[ProposalRow]  # hold the admin approval: ready to publish


def awaiting_decision(user: User) -> AwaitingDecision:
    """The submitted proposals that wait for `user`: as an approver of their organization
    (a delegate, or a maintainer where maintainers approve: `permissions.approver_source`),
    the maintainer approval; as a program admin, the final approval and publishing. The
    column says which (`gates.board_column`), as on the board. Queries: two for the user's
    organizations and programs, then the rows' own (`_rows`), whatever the number."""
    if not user.is_authenticated:
        return AwaitingDecision([], [], [])
    approves = OrganizationMaintainer.objects.filter(user=user).filter(
        Q(kind=OrganizationMaintainer.Kind.DELEGATE)
        | Q(
            kind=OrganizationMaintainer.Kind.MAINTAINER,
            organization__maintainers_can_approve=True,
        )
    )
    approved_orgs = set(approves.values_list("organization_id", flat=True))
    admin_programs = set(
        ProgramMembership.objects.filter(user=user, role=ProgramMembership.Role.ADMIN).values_list(
            "program_id", flat=True
        )
    )
    mine = Q(organization_id__in=approved_orgs) | Q(term__program_id__in=admin_programs)
    if user.is_superuser:  # administers every program
        mine = Q()
    rows = _rows(
        Project.objects.filter(mine, status=Project.Status.SUBMITTED).order_by(
            "-term__year", "-term__number", "term_id", "number", "pk"
        )
    )
    approve, final, publish = [], [], []
    for row in rows:
        is_admin = user.is_superuser or row.project.term.program_id in admin_programs
        if row.column == gates.AWAITING and not row.review.gates.maintainer_approved:
            if row.project.organization_id in approved_orgs:
                approve.append(row)
        elif row.column == gates.APPROVED_CONFIRMED and is_admin:
            final.append(row)
        elif row.column == gates.CNCF_APPROVED and is_admin:
            publish.append(row)
    return AwaitingDecision(approve, final, publish)


# --- every input of the derivation, for many proposals at once ------------------------------


def _rows(projects: QuerySet[Project]) -> list[ProposalRow]:
    """The proposals of `projects`, in its order, with their state: six queries at most."""
    loaded = list(
        projects.select_related(
            "term__program", "organization", "proposer__person"
        ).prefetch_related(
            Prefetch("events", queryset=ProposalEvent.objects.order_by("id")),
            Prefetch("mentorships", queryset=Mentorship.objects.order_by("position")),
        )
    )
    if not loaded:
        return []
    others = _OpenProposals(loaded)
    maintainers = _maintainer_kinds(loaded)
    return [ProposalRow(p, _review(p, others, maintainers)) for p in loaded]


class _OpenProposals:
    """The other open proposals of a project in a term (`context.open_proposals_for`)."""

    def __init__(self, projects: list[Project]) -> None:
        program_ids = {p.term.program_id for p in projects}
        self.names: dict[tuple[int, str], set[int]] = defaultdict(set)  # (program, name) → orgs
        organizations = Organization.objects.filter(program_id__in=program_ids)
        for organization in organizations.prefetch_related("aliases"):
            for name in (organization.name, *(a.name for a in organization.aliases.all())):
                self.names[organization.program_id, name.casefold()].add(organization.pk)
        self.by_term: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        candidates = (
            Project.objects.filter(
                term_id__in={p.term_id for p in projects}, status__in=OPEN_STATUSES, number__gt=0
            )
            .prefetch_related("upstream_issues")
            .order_by("number")
        )
        for project in candidates:
            issues = sorted(project.upstream_issues.all(), key=lambda issue: issue.position)
            if project.number is not None:  # always, by the filter; narrows the type
                entry = (project.organization_id, project.number, issues[0].url if issues else "")
                self.by_term[project.term_id].append(entry)

    def of(self, project: Project, project_name: str) -> list[OtherProposal]:
        name = project_name.strip().casefold()
        organizations = self.names.get((project.term.program_id, name), set()) if name else set()
        return [
            OtherProposal(number, url)
            for organization, number, url in self.by_term[project.term_id]
            if organization in organizations and number != project.number
        ]


def _maintainer_kinds(projects: Iterable[Project]) -> dict[tuple[int, int], str]:
    """(organization, user) → maintainer kind, for each proposer and their organization."""
    rows = OrganizationMaintainer.objects.filter(
        organization_id__in={p.organization_id for p in projects},
        user_id__in={p.proposer_id for p in projects if p.proposer_id is not None},
    ).values_list("organization_id", "user_id", "kind")
    return {(organization, user): kind for organization, user, kind in rows}


def _review(
    project: Project, others: _OpenProposals, maintainers: dict[tuple[int, int], str]
) -> Review:
    """`review(project)` from inputs loaded beforehand for the whole list."""
    form = proposal_form(project)
    proposer = project.proposer
    organization = project.organization
    return derive_review(
        project,
        form,
        others=others.of(project, form.project),
        events=[event.as_gate_event() for event in project.events.all()],
        roster=[m.github for m in project.mentorships.all() if m.github],
        proposer_is_maintainer=proposer is not None
        and organization.maintainers_can_approve
        and maintainers.get((organization.pk, proposer.pk))
        == OrganizationMaintainer.Kind.MAINTAINER,
    )

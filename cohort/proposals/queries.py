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
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from cohort.core.actors import Viewer
from cohort.core.models import Person, User
from cohort.projects.models import (
    Mentorship,
    Organization,
    OrganizationAlias,
    OrganizationMaintainer,
    Project,
    UpstreamIssue,
)
from cohort.proposals import gates
from cohort.proposals.access import proposals_visible_to
from cohort.proposals.context import OPEN_STATUSES
from cohort.proposals.models import ProposalEvent
from cohort.proposals.permissions import github_handle
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
    """The term's proposal board; `organization` (a slug) keeps only its proposals.

    Every proposal shown is derived (its column needs its validation and gates), so the
    columns and their counts are exact; the page shows a part of a column at a time
    (`views.term_board`). Queries: the term's organizations, `_rows`' nine at most, and
    with `organization` the term's total, whatever the number of proposals.
    """
    projects = Project.objects.filter(term=term)
    if organization:
        projects = projects.filter(organization__slug=organization)
    organizations = _organizations_of(term)
    rows = _rows(projects.order_by("number", "pk"), term=term, organizations=organizations)
    total = Project.objects.filter(term=term).count() if organization else len(rows)
    by_column: dict[str, list[ProposalRow]] = {name: [] for name in gates.BOARD_COLUMNS}
    for row in rows:
        by_column.setdefault(row.column, []).append(row)
    return Board(
        term,
        [BoardColumn(name, column) for name, column in by_column.items()],
        sorted(organizations.values(), key=lambda o: o.name.casefold()),
        total,
    )


def _organizations_of(term: Term) -> dict[int, Organization]:
    """The organizations of the term's proposals, by id."""
    named = Organization.objects.filter(projects__term=term).distinct()
    return {organization.pk: organization for organization in named}


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

# Text the derivation and the lists never read: left in the database, so a list does not
# carry every description and raw body. (Reading one of these on a row costs a query.)
_UNREAD = ("raw", "search_text", "description", "expected_outcome", "prerequisites")
# All a board's project carries: what the derivation reads (the sections in `form_fields`),
# what a card shows, and what the term dashboard reads of the board (`console.queries`).
_ON_THE_BOARD = (
    "term_id",
    "organization_id",
    "number",
    "status",
    "title",
    "proposer_id",
    "form_fields",
    "slots",
)


def _rows(
    projects: QuerySet[Project],
    *,
    term: Term | None = None,
    organizations: dict[int, Organization] | None = None,
) -> list[ProposalRow]:
    """The proposals of `projects`, in its order, with their state: eight queries at most
    (nine for the board, which reads the proposers' handles apart), whatever the number.

    The events and mentors are read as plain values (no model per row). With `term` and its
    `organizations` (the board), every project is of that term and carries `_ON_THE_BOARD`
    alone, and its proposer's handle is read as a value; else the term, the organization and
    the proposer come with it, and the project without `_UNREAD`."""
    if term is None or organizations is None:
        lean = False
        selected = projects.select_related("term__program", "organization", "proposer__person")
        loaded = list(selected.defer(*_UNREAD))
    else:
        lean = True
        loaded = list(projects.only(*_ON_THE_BOARD))
        term_field, organization_field = Project.term.field, Project.organization.field
        for project in loaded:
            term_field.set_cached_value(project, term)
            # One made since `organizations` was read is left to load itself.
            if project.organization_id in organizations:
                organization = organizations[project.organization_id]
                organization_field.set_cached_value(project, organization)
    if not loaded:
        return []
    # The ids as a subquery, never as a list: 1,220 parameters cost more to send than the
    # rows they select.
    ids = projects.values("pk")
    events: dict[int, list[gates.Event]] = defaultdict(list)
    for project_id, kind, handle in (
        ProposalEvent.objects.filter(project_id__in=ids)
        .order_by("id")
        .values_list("project_id", "kind", "handle")
    ):
        events[project_id].append(gates.Event(kind, handle))
    rosters: dict[int, list[str]] = defaultdict(list)
    for project_id, github in (
        Mentorship.objects.filter(project_id__in=ids)
        .exclude(github="")
        .order_by("project_id", "position", "id")
        .values_list("project_id", "github")
    ):
        rosters[project_id].append(github)
    if not lean:  # the proposers came with the projects
        handles = {p.proposer_id: github_handle(p.proposer) for p in loaded if p.proposer_id}
    else:
        proposers = projects.values("proposer_id")
        handles = dict(
            Person.objects.filter(user_id__in=proposers).values_list("user_id", "github")
        )
    others = _OpenProposals(loaded)
    maintainers = _maintainer_kinds(projects)
    return [
        ProposalRow(
            p,
            _review(
                p,
                events[p.pk],
                rosters[p.pk],
                handles.get(p.proposer_id, "") if p.proposer_id is not None else "",
                others,
                maintainers,
            ),
        )
        for p in loaded
    ]


class _OpenProposals:
    """The other open proposals of a project in a term (`context.open_proposals_for`)."""

    def __init__(self, projects: list[Project]) -> None:
        program_ids = {p.term.program_id for p in projects}
        self.names: dict[tuple[int, str], set[int]] = defaultdict(set)  # (program, name) → orgs
        names = Organization.objects.filter(program_id__in=program_ids).values_list(
            "pk", "program_id", "name"
        )
        aliases = OrganizationAlias.objects.filter(
            organization__program_id__in=program_ids
        ).values_list("organization_id", "organization__program_id", "name")
        for organization, program, name in (*names, *aliases):
            self.names[program, name.casefold()].add(organization)
        open_ones = Project.objects.filter(
            term_id__in={p.term_id for p in projects}, status__in=OPEN_STATUSES, number__gt=0
        )
        first_issue: dict[int, str] = {}
        for project_id, url in (
            UpstreamIssue.objects.filter(project__in=open_ones)
            .order_by("project_id", "-position", "-id")
            .values_list("project_id", "url")
        ):
            first_issue[project_id] = url  # the last one written wins: the lowest position
        # (term, organization) → its open proposals: (number, first upstream issue URL)
        self.by_organization: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
        for pk, term_id, organization, number in open_ones.order_by("number").values_list(
            "pk", "term_id", "organization_id", "number"
        ):
            if number is not None:  # always, by the filter; narrows the type
                entry = (number, first_issue.get(pk, ""))
                self.by_organization[term_id, organization].append(entry)

    def of(self, project: Project, project_name: str) -> list[OtherProposal]:
        name = project_name.strip().casefold()
        organizations = self.names.get((project.term.program_id, name), ()) if name else ()
        found = [
            (number, url)
            for organization in organizations
            for number, url in self.by_organization[project.term_id, organization]
            if number != project.number
        ]
        return [OtherProposal(number, url) for number, url in sorted(found)]


def _maintainer_kinds(projects: QuerySet[Project]) -> dict[tuple[int, int], str]:
    """(organization, user) → maintainer kind, for each proposer and their organization."""
    rows = OrganizationMaintainer.objects.filter(
        organization_id__in=projects.values("organization_id"),
        user_id__in=projects.values("proposer_id"),
    ).values_list("organization_id", "user_id", "kind")
    return {(organization, user): kind for organization, user, kind in rows}


def _review(
    project: Project,
    events: list[gates.Event],
    roster: list[str],
    proposer_handle: str,
    others: _OpenProposals,
    maintainers: dict[tuple[int, int], str],
) -> Review:
    """`review(project)` from inputs loaded beforehand for the whole list."""
    form = proposal_form(project)
    proposer_id = project.proposer_id
    organization = project.organization
    return derive_review(
        project,
        form,
        others=others.of(project, form.project),
        events=events,
        roster=roster,
        proposer_handle=proposer_handle,
        proposer_is_maintainer=proposer_id is not None
        and organization.maintainers_can_approve
        and maintainers.get((organization.pk, proposer_id))
        == OrganizationMaintainer.Kind.MAINTAINER,
    )

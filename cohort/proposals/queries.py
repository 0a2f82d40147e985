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

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.db.models import Count, Q, QuerySet, TextField, Value
from django.db.models.functions import Cast

from cohort.core.actors import Viewer
from cohort.core.models import User
from cohort.core.paging import Paging
from cohort.formats.issueform import IssueForm, form_from_fields
from cohort.projects.models import (
    Mentorship,
    Organization,
    OrganizationAlias,
    OrganizationMaintainer,
    Project,
    UpstreamIssue,
)
from cohort.proposals import gates
from cohort.proposals.access import admin_program_ids, visible_proposals
from cohort.proposals.context import OPEN_STATUSES
from cohort.proposals.models import ProposalEvent
from cohort.proposals.permissions import github_handle
from cohort.proposals.review import Review, derive_review, proposal_form
from cohort.proposals.rules import OtherProposal, validate_proposal
from cohort.proposals.services import accepts_proposals
from cohort.terms.models import ProgramMembership, Term

__all__ = [
    "AwaitingDecision",
    "Board",
    "BoardColumn",
    "BoardEntry",
    "Paging",
    "ProposalPage",
    "ProposalRow",
    "Review",
    "TermProposals",
    "awaiting_decision",
    "board",
    "column_counts",
    "proposal_list",
    "proposal_page",
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
    rows: list[ProposalRow]  # those of the list or of its page
    total: int  # the term's proposals the user may see, on every page


@dataclass(frozen=True)
class BoardEntry:
    """One proposal as the board files it: its column, from its validation and its gates."""

    pk: int
    number: int | None
    organization_id: int
    column: str
    errors: int  # validation errors (warnings do not count)


@dataclass(frozen=True)
class BoardColumn:
    name: str
    entries: list[BoardEntry]  # every proposal in the column (within the filter), by number
    rows: list[ProposalRow]  # the ones derived in full: the cards asked for (`board`'s `cards`)

    @property
    def count(self) -> int:
        return len(self.entries)


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
    """The proposals `user` may see, by term (newest first), each by number: every one (the
    API; the page shows `proposal_page`).

    A term appears when it has such proposals or takes new ones at `now`. `term_pk` limits
    the list to one term. Queries: the programs the user administers, the terms and their
    milestones, the counts by term, then `_rows`' for every proposal of every term together,
    whatever the number of terms and proposals.
    """
    listing = _Listing(user, term_pk)
    rows = _rows(listing.visible.order_by(*_LIST_ORDER))
    return listing.groups(rows, now=now, every_term=True)


# Proposals a page of "My proposals" shows.
LIST_PAGE = 50


@dataclass(frozen=True)
class ProposalPage:
    """One page of "My proposals": the page's proposals by term, and where the page is."""

    groups: list[TermProposals]
    paging: Paging


def proposal_page(
    user: Viewer, *, now: datetime, page: str | None, params: Mapping[str, str] | None = None
) -> ProposalPage:
    """The page `page` (as asked in the query string) of `proposal_list`'s proposals,
    `LIST_PAGE` a page in the same order; its links keep `params` (the query string, whose
    `page` the pager leaves out). A term appears with its proposals on the page; the first
    page also shows every term that takes proposals (for its "New proposal" link), with or
    without any there.
    The same queries as `proposal_list` and one for the page's ids, whatever the number."""
    listing = _Listing(user, None)
    paging = Paging.of(page, listing.total, size=LIST_PAGE, params=params or {})
    ids = list(
        listing.visible.order_by(*_LIST_ORDER).values_list("pk", flat=True)[
            paging.start : paging.start + LIST_PAGE
        ]
    )
    rows = _rows(Project.objects.filter(pk__in=ids).order_by(*_LIST_ORDER)) if ids else []
    return ProposalPage(listing.groups(rows, now=now, every_term=paging.number == 1), paging)


_LIST_ORDER = ("-term__year", "-term__number", "term_id", "number", "pk")


class _Listing:
    """What the proposal lists read before their rows: the programs `user` administers (once,
    not once per term), the terms, and how many proposals of each they may see."""

    def __init__(self, user: Viewer, term_pk: int | None) -> None:
        admin = admin_program_ids(user)
        terms = Term.objects.select_related("program").prefetch_related("milestones")
        if term_pk is not None:
            terms = terms.filter(pk=term_pk)
        self.terms = list(terms)
        self.admin_of = {t.program_id: admin is None or t.program_id in admin for t in self.terms}
        visible = visible_proposals(user, admin)
        if term_pk is not None:
            visible = visible.filter(term_id=term_pk)
        self.visible = visible
        self.counts: dict[int, int] = (
            dict(
                visible.order_by()
                .values("term_id")
                .annotate(n=Count("pk"))
                .values_list("term_id", "n")
            )
            if user.is_authenticated
            else {}
        )
        self.total = sum(self.counts.values())

    def groups(
        self, rows: list[ProposalRow], *, now: datetime, every_term: bool
    ) -> list[TermProposals]:
        """`rows` by term, newest term first; with `every_term`, each term that has
        proposals or takes them at `now` appears, else only the terms of `rows`."""
        by_term: dict[int, list[ProposalRow]] = defaultdict(list)
        for row in rows:
            by_term[row.project.term_id].append(row)
        groups = []
        for term in self.terms:
            accepts = accepts_proposals(term, now)
            if by_term[term.pk] or (every_term and (accepts or self.counts.get(term.pk))):
                groups.append(
                    TermProposals(
                        term,
                        accepts,
                        self.admin_of[term.program_id],
                        by_term[term.pk],
                        self.counts.get(term.pk, 0),
                    )
                )
        return groups


def board(
    term: Term, *, organization: str = "", cards: Callable[[str, int], slice] | None = None
) -> Board:
    """The term's proposal board; `organization` (a slug) keeps only its proposals.

    Every proposal is filed in its column (`column_counts`' reads), so the columns and their
    counts are exact. `cards(name, count)` says which of a column's proposals to derive in
    full, as `ProposalRow`s (a slice of its entries): a page shows a few cards of each column,
    or a page of one (`views.term_board`), and the API none. Without it, every proposal is.
    Queries: `column_counts`' four, the program's organizations, and with cards three more
    (the cards' projects, the organizations' other names, the upstream issues of the open
    proposals they may duplicate), whatever the number of proposals.
    """
    filed = _filed(term)
    entries = filed.entries
    total = len(entries)
    by_id = {o.pk: o for o in Organization.objects.filter(program_id=term.program_id)}
    organizations = sorted(
        (by_id[pk] for pk in {e.organization_id for e in entries} if pk in by_id),
        key=lambda o: o.name.casefold(),
    )
    if organization:
        slugs = {pk: o.slug for pk, o in by_id.items()}
        entries = [e for e in entries if slugs.get(e.organization_id) == organization]
    by_column: dict[str, list[BoardEntry]] = {name: [] for name in gates.BOARD_COLUMNS}
    for entry in entries:
        by_column.setdefault(entry.column, []).append(entry)
    wanted = {
        name: column if cards is None else column[cards(name, len(column))]
        for name, column in by_column.items()
    }
    rows = _cards(term, filed, [e for column in wanted.values() for e in column], by_id)
    return Board(
        term,
        [
            BoardColumn(name, column, [rows[e.pk] for e in wanted[name] if e.pk in rows])
            for name, column in by_column.items()
        ],
        organizations,
        total,
    )


def column_counts(term: Term) -> dict[str, int]:
    """How many of the term's proposals each board column holds, every column in
    `gates.BOARD_COLUMNS` order: the board's counts without its cards (the term dashboard).
    Four queries, whatever the number of proposals: the projects, their events, their mentors
    and their proposers who are maintainers of their organization."""
    counts = dict.fromkeys(gates.BOARD_COLUMNS, 0)
    for entry in _filed(term).entries:
        counts[entry.column] = counts.get(entry.column, 0) + 1
    return counts


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
    column says which (`gates.board_column`), as on the board.

    The submitted proposals of the user's organizations and programs are filed in their
    columns as the board files them (`_file`, the cheap reading `column_counts` uses), and
    only those in a column that waits for the user are derived in full. Queries: one for the
    user's organizations and programs, four to file, and five for the rows (none without
    rows), whatever the number of proposals and terms."""
    if not user.is_authenticated:
        return AwaitingDecision([], [], [])
    scope = _Scope(user)
    submitted = Project.objects.filter(scope.mine(), status=Project.Status.SUBMITTED)
    filed = _file(
        submitted,
        ProposalEvent.objects.filter(project__in=submitted),
        Mentorship.objects.filter(project__in=submitted),
    )
    candidates = [
        e.pk
        for e in filed.entries
        if (e.column == gates.AWAITING and e.organization_id in scope.approved_orgs)
        or (
            e.column in (gates.APPROVED_CONFIRMED, gates.CNCF_APPROVED)
            and scope.administers(filed.programs[e.pk])
        )
    ]
    approve, final, publish = [], [], []
    for row in _derived(filed, candidates):
        is_admin = scope.administers(row.project.term.program_id)
        if row.column == gates.AWAITING and not row.review.gates.maintainer_approved:
            if row.project.organization_id in scope.approved_orgs:
                approve.append(row)
        elif row.column == gates.APPROVED_CONFIRMED and is_admin:
            final.append(row)
        elif row.column == gates.CNCF_APPROVED and is_admin:
            publish.append(row)
    return AwaitingDecision(approve, final, publish)


def _derived(filed: _Filed, pks: list[int]) -> list[ProposalRow]:
    """The proposals `pks` of `filed`, newest term first and by number, derived in full from
    what `_file` read: five queries (none without proposals), the projects and the other
    open proposals they may duplicate (`_OpenProposals.reading`)."""
    if not pks:
        return []
    loaded = list(
        Project.objects.filter(pk__in=pks)
        .select_related("term__program", "organization")
        .defer(*_UNREAD)
        .order_by(*_LIST_ORDER)
    )
    others = _OpenProposals.reading(loaded)
    return [_row(project, proposal_form(project), others, filed) for project in loaded]


def _row(project: Project, form: IssueForm, others: _OpenProposals, filed: _Filed) -> ProposalRow:
    """`project` derived in full from the inputs `_filed` read for its term."""
    return ProposalRow(
        project,
        derive_review(
            project,
            form,
            others=others.of(project, form.project),
            events=filed.events[project.pk],
            roster=filed.rosters[project.pk],
            proposer_handle=filed.handles[project.pk],
            proposer_is_maintainer=project.pk in filed.maintainers,
        ),
    )


class _Scope:
    """Whose decisions `user` gives: the organizations they approve for and the programs they
    administer, in one query."""

    def __init__(self, user: User) -> None:
        self.user = user
        approves = (
            OrganizationMaintainer.objects.filter(user=user)
            .filter(
                Q(kind=OrganizationMaintainer.Kind.DELEGATE)
                | Q(
                    kind=OrganizationMaintainer.Kind.MAINTAINER,
                    organization__maintainers_can_approve=True,
                )
            )
            .values_list("organization_id", Value("organization"))
        )
        administers = ProgramMembership.objects.filter(
            user=user, role=ProgramMembership.Role.ADMIN
        ).values_list("program_id", Value("program"))
        self.approved_orgs: set[int] = set()
        self.admin_programs: set[int] = set()
        for pk, what in approves.union(administers, all=True):
            (self.approved_orgs if what == "organization" else self.admin_programs).add(pk)

    def administers(self, program_id: int) -> bool:
        return bool(self.user.is_superuser) or program_id in self.admin_programs

    def mine(self) -> Q:
        """The proposals whose decision may be the user's."""
        if self.user.is_superuser:  # administers every program
            return Q()
        return Q(organization_id__in=self.approved_orgs) | Q(
            term__program_id__in=self.admin_programs
        )


# --- the board: every proposal filed in its column, a few derived in full --------------------

# What a card's project carries: what the card shows and the derivation reads.
_ON_THE_CARD = (
    "term_id",
    "organization",
    "number",
    "status",
    "title",
    "proposer_id",
    "form_fields",
    "slots",
)
_CLOSED = (Project.Status.WITHDRAWN, Project.Status.REJECTED, Project.Status.NOT_ACCEPTED)


@dataclass
class _Filed:
    """Every proposal of a term in its column, and the inputs that put it there."""

    entries: list[BoardEntry]  # by number
    statuses: dict[int, str]
    events: dict[int, list[gates.Event]]
    rosters: dict[int, list[str]]
    handles: dict[int, str]  # the proposer's GitHub handle, "" without one
    maintainers: set[int]  # proposals whose proposer is a maintainer who approves them
    programs: dict[int, int]  # each proposal's program


def _filed(term: Term) -> _Filed:
    """File every proposal of `term`: four queries, whatever the number.

    A column needs the validation's errors, which depend on the form alone (the other
    proposals and the quota only add warnings), and the gates, from the events, the roster,
    the proposer's handle and whether they are a maintainer who approves (`derive_review`).
    The form is read as its JSON text, whose errors are kept per process (`_form_errors`).
    """
    return _file(
        Project.objects.filter(term=term),
        ProposalEvent.objects.filter(project__term=term),
        Mentorship.objects.filter(project__term=term),
    )


def _file(
    projects: QuerySet[Project],
    events_of: QuerySet[ProposalEvent],
    mentors_of: QuerySet[Mentorship],
) -> _Filed:
    """`_filed` for `projects`, whose events and mentorships are `events_of` and
    `mentors_of`: four queries."""
    events: dict[int, list[gates.Event]] = defaultdict(list)
    for project_id, kind, handle in events_of.order_by("id").values_list(
        "project_id", "kind", "handle"
    ):
        events[project_id].append(gates.Event(kind, handle))
    rosters: dict[int, list[str]] = defaultdict(list)
    for project_id, github in (
        mentors_of.exclude(github="")
        .order_by("project_id", "position", "id")
        .values_list("project_id", "github")
    ):
        rosters[project_id].append(github)
    approving = set(
        OrganizationMaintainer.objects.filter(
            organization_id__in=projects.values("organization_id"),
            user_id__in=projects.values("proposer_id"),
            kind=OrganizationMaintainer.Kind.MAINTAINER,
            organization__maintainers_can_approve=True,
        ).values_list("organization_id", "user_id")
    )
    filed = _Filed([], {}, events, rosters, {}, set(), {})
    for pk, number, organization_id, status, proposer_id, github, form_text, program_id in (
        projects.annotate(form_text=Cast("form_fields", TextField()))
        .order_by("number", "pk")
        .values_list(
            "pk",
            "number",
            "organization_id",
            "status",
            "proposer_id",
            "proposer__person__github",
            "form_text",
            "term__program_id",
        )
    ):
        errors = len(_form_errors(form_text))
        handle = github or ""
        is_maintainer = proposer_id is not None and (organization_id, proposer_id) in approving
        derived = gates.derive_gates(
            events[pk],
            roster=rosters[pk],
            validation_passed=not errors,
            proposer_handle=handle,
            proposer_is_maintainer=is_maintainer,
        )
        column = gates.board_column(
            derived,
            events[pk],
            is_open=status not in _CLOSED,
            is_published=status == Project.Status.PUBLISHED,
        )
        filed.entries.append(BoardEntry(pk, number, organization_id, column, errors))
        filed.statuses[pk] = status
        filed.handles[pk] = handle
        filed.programs[pk] = program_id
        if is_maintainer:
            filed.maintainers.add(pk)
    return filed


# Distinct forms whose errors a process keeps: a GSoC-size board and its edits fit.
FORMS_KEPT = 4096


@lru_cache(maxsize=FORMS_KEPT)
def _form_errors(form_text: str) -> tuple[str, ...]:
    """The validation errors of a form stored as `form_text` (its JSON), kept per process by
    the text itself, so a kept result is never stale. Errors never depend on the other
    proposals or the quota (they add warnings only), so none are given."""
    fields = json.loads(form_text)
    return tuple(
        validate_proposal(form_from_fields(fields if isinstance(fields, dict) else {})).errors
    )


def _cards(
    term: Term, filed: _Filed, entries: list[BoardEntry], organizations: dict[int, Organization]
) -> dict[int, ProposalRow]:
    """`entries` derived in full, by id, from what `_filed` read: three queries (none without
    entries), the cards' projects, the program's organization aliases and the first upstream
    issue of the open proposals the cards may duplicate."""
    if not entries:
        return {}
    if len(entries) == len(filed.entries):  # all of them: the term, not 1,220 ids
        projects = Project.objects.filter(term=term)
    else:
        projects = Project.objects.filter(pk__in=[e.pk for e in entries])
    # A proposal made since `_filed` read the term waits for the next request.
    loaded = [
        p
        for p in projects.select_related("organization").only(*_ON_THE_CARD)
        if p.pk in filed.statuses
    ]
    term_field = Project.term.field
    for project in loaded:
        term_field.set_cached_value(project, term)
    forms = {project.pk: proposal_form(project) for project in loaded}
    names: dict[tuple[int, str], set[int]] = defaultdict(set)
    aliases = OrganizationAlias.objects.filter(organization__program_id=term.program_id)
    for organization_id, name in (
        *((o.pk, o.name) for o in organizations.values()),
        *aliases.values_list("organization_id", "name"),
    ):
        names[term.program_id, name.casefold()].add(organization_id)
    named = {
        organization
        for form in forms.values()
        for organization in names.get((term.program_id, form.project.strip().casefold()), ())
    }
    open_ones = [
        e
        for e in filed.entries
        if e.organization_id in named
        and filed.statuses[e.pk] in OPEN_STATUSES
        and e.number is not None
        and e.number > 0
    ]
    first_issue: dict[int, str] = {}
    if open_ones:
        for project_id, url in (
            UpstreamIssue.objects.filter(
                project__term=term,
                project__organization_id__in=named,
                project__status__in=OPEN_STATUSES,
                project__number__gt=0,
            )
            .order_by("project_id", "-position", "-id")
            .values_list("project_id", "url")
        ):
            first_issue[project_id] = url  # the last one written wins: the lowest position
    by_organization: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
    for e in open_ones:  # by number already
        if e.number is not None:  # always, by the filter; narrows the type
            by_organization[term.pk, e.organization_id].append(
                (e.number, first_issue.get(e.pk, ""))
            )
    others = _OpenProposals(names, by_organization)
    return {project.pk: _row(project, forms[project.pk], others, filed) for project in loaded}


# --- every input of the derivation, for many proposals at once ------------------------------

# Text the derivation and the lists never read: left in the database, so a list does not
# carry every description and raw body. (Reading one of these on a row costs a query.)
_UNREAD = ("raw", "search_text", "description", "expected_outcome", "prerequisites")


def _rows(projects: QuerySet[Project]) -> list[ProposalRow]:
    """The proposals of `projects`, in its order, with their state: eight queries at most,
    whatever the number. The events and mentors are read as plain values (no model per row);
    the term, the organization and the proposer come with the project, which comes without
    `_UNREAD`."""
    selected = projects.select_related("term__program", "organization", "proposer__person")
    loaded = list(selected.defer(*_UNREAD))
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
    handles = {p.proposer_id: github_handle(p.proposer) for p in loaded if p.proposer_id}
    others = _OpenProposals.reading(loaded)
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

    def __init__(
        self,
        names: dict[tuple[int, str], set[int]],
        by_organization: dict[tuple[int, int], list[tuple[int, str]]],
    ) -> None:
        self.names = names  # (program, name or alias casefolded) → organizations
        # (term, organization) → its open proposals: (number, first upstream issue URL)
        self.by_organization = by_organization

    @classmethod
    def reading(cls, projects: list[Project]) -> _OpenProposals:
        """Those of every project's term, read in four queries."""
        program_ids = {p.term.program_id for p in projects}
        names_: dict[tuple[int, str], set[int]] = defaultdict(set)
        names = Organization.objects.filter(program_id__in=program_ids).values_list(
            "pk", "program_id", "name"
        )
        aliases = OrganizationAlias.objects.filter(
            organization__program_id__in=program_ids
        ).values_list("organization_id", "organization__program_id", "name")
        for organization, program, name in (*names, *aliases):
            names_[program, name.casefold()].add(organization)
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
        by_organization: dict[tuple[int, int], list[tuple[int, str]]] = defaultdict(list)
        for pk, term_id, organization, number in open_ones.order_by("number").values_list(
            "pk", "term_id", "organization_id", "number"
        ):
            if number is not None:  # always, by the filter; narrows the type
                entry = (number, first_issue.get(pk, ""))
                by_organization[term_id, organization].append(entry)
        return cls(names_, by_organization)

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

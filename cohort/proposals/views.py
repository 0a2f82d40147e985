"""The proposal workspace pages: my proposals, the proposal form, its page, the admin board.

Thin function views (spec/style.md B7): access → form → service → render or redirect. GET
never writes; every write is a POST view that calls one service and redirects, with the
service's `DomainError` shown as an error message. A missing proposal and one the user may
not see give the same 404 (`access_proposal`). Status, gates and board column come from the
read models of `queries.py`, shared with the API; nothing here stores them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cohort.core.actors import Viewer, signed_in
from cohort.core.errors import DomainError
from cohort.core.permissions import Perm
from cohort.core.time import format_instant
from cohort.formats.issueform import LABEL_TERM, IssueForm, js_trim
from cohort.formats.lfx import term_dropdown_label, term_token
from cohort.projects.models import Organization, Project
from cohort.proposals import queries, services
from cohort.proposals.access import (
    Standing,
    access_proposal,
    access_proposal_standing,
)
from cohort.proposals.forms import (
    ConfirmForm,
    IssueBodyForm,
    LfxUrlForm,
    NoteForm,
    ProposalForm,
    text_length,
)
from cohort.proposals.gates import BOARD_COLUMNS
from cohort.proposals.models import ProposalEvent
from cohort.proposals.permissions import github_handle
from cohort.proposals.review import proposal_form
from cohort.proposals.rules import (
    CUSTOM_DESCRIPTION_MAX,
    CUSTOM_NAME_MAX,
    DESCRIPTION_MAX,
    LFX_TITLE_MAX,
    TITLE_FIXED_CHARS,
    lfx_title,
    program_name_budget,
)
from cohort.terms.access import access_admin_term
from cohort.terms.models import Term

# --- helpers -------------------------------------------------------------------------------


def _term_label(term: Term) -> str:
    """The term as the issue form names it: "2026 Term 3 (Sep-Nov)"."""
    return term_dropdown_label(term.year, term.number)


def _open_term(term_pk: int) -> Term:
    """A term that takes new proposals now; else 404, like any missing page."""
    term = Term.objects.select_related("program").filter(pk=term_pk).first()
    if term is None or not services.accepts_proposals(term, timezone.now()):
        raise Http404("No such term.")
    return term


def _live_counts(form: ProposalForm, term: Term) -> dict[str, Any]:
    """The LFX title and the characters left, as the server computes them.

    The same numbers `static/js/proposal_form.js` keeps up to date as the user types; without
    JavaScript these are what the page shows (for the values last submitted).
    """
    label = _term_label(term)
    names = {str(org.pk): org.name for org in Organization.objects.filter(program=term.program)}
    project = names.get(str(form["project"].value() or ""), "")
    name = str(form["program_name"].value() or "")
    title = lfx_title(project, js_trim(name), label) if project else ""
    budget = program_name_budget(project, label) if project else None
    return {
        "term_label": label,
        "term_token": term_token(label),
        "title_max": LFX_TITLE_MAX,
        "title_fixed": TITLE_FIXED_CHARS,
        "description_max": DESCRIPTION_MAX,
        "custom_name_max": CUSTOM_NAME_MAX,
        "custom_description_max": CUSTOM_DESCRIPTION_MAX,
        "lfx_title": title,
        "lfx_title_length": text_length(title),
        "name_left": None if budget is None else budget - text_length(name),
        "description_left": DESCRIPTION_MAX - text_length(str(form["description"].value() or "")),
        "custom_name_left": CUSTOM_NAME_MAX - text_length(str(form["custom_name"].value() or "")),
        "custom_description_left": CUSTOM_DESCRIPTION_MAX
        - text_length(str(form["custom_description"].value() or "")),
    }


def _render_form(
    request: HttpRequest,
    term: Term,
    form: ProposalForm,
    *,
    project: Project | None = None,
    paste_form: IssueBodyForm | None = None,
) -> HttpResponse:
    context = {
        "term": term,
        "form": form,
        "project": project,
        # Pasting an issue body creates a proposal, so only the new-proposal page offers it.
        "paste_form": None if project else (paste_form or IssueBodyForm()),
        **_live_counts(form, term),
    }
    return render(request, "proposals/proposal_form.html", context)


def _act(
    request: HttpRequest, project: Project, action: Callable[[], object], success: str
) -> HttpResponse:
    """Run one service call; its `DomainError` becomes an error message. Back to the page."""
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("proposals:detail", pk=project.pk)


@dataclass
class EventRow:
    event: ProposalEvent
    local: str
    utc: str
    iso: str


@dataclass
class Actions:
    """Which buttons the detail page shows: permission (has_perm) and state both allow."""

    submit: bool = False
    approve: bool = False
    confirm: bool = False
    confirm_for: list[str] = field(default_factory=list)
    admin_approve: bool = False
    withdraw: bool = False
    reject: bool = False
    record_lfx_url: bool = False
    edit: bool = False

    @property
    def any(self) -> bool:
        return any(
            (
                self.submit,
                self.approve,
                self.confirm,
                self.confirm_for,
                self.admin_approve,
                self.withdraw,
                self.reject,
                self.record_lfx_url,
            )
        )


def _actions(user: Viewer, standing: Standing, project: Project, state: queries.Review) -> Actions:
    """The buttons, from `standing`: `user`'s roles on the proposal, read once per request."""
    is_open = project.status in (Project.Status.SUBMITTED, Project.Status.PUBLISHED)
    gates = state.gates
    has_perm = standing.has
    decide = has_perm(Perm.PROPOSAL_DECIDE)
    own = github_handle(user).casefold()
    return Actions(
        submit=project.can_become(Project.Status.SUBMITTED) and has_perm(Perm.PROPOSAL_SUBMIT),
        approve=is_open and not gates.maintainer_approved and has_perm(Perm.PROPOSAL_APPROVE),
        confirm=is_open
        and bool(own)
        and own in {h.casefold() for h in gates.awaiting}
        and has_perm(Perm.PROPOSAL_CONFIRM),
        confirm_for=list(gates.awaiting) if is_open and decide else [],
        admin_approve=is_open and gates.both_gates and not gates.admin_approved and decide,
        withdraw=project.can_become(Project.Status.WITHDRAWN) and has_perm(Perm.PROPOSAL_WITHDRAW),
        reject=project.can_become(Project.Status.REJECTED) and decide,
        record_lfx_url=project.status == Project.Status.PUBLISHED and decide,
        edit=project.status in services.EDITABLE and has_perm(Perm.PROPOSAL_EDIT),
    )


# --- pages ---------------------------------------------------------------------------------


@require_safe
@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """The proposals the user may see, `queries.LIST_PAGE` a page (`?page=`)."""
    listing = queries.proposal_page(
        request.user, now=timezone.now(), page=request.GET.get("page"), params=request.GET.dict()
    )
    return render(
        request,
        "proposals/proposal_list.html",
        {"groups": listing.groups, "paging": listing.paging},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def proposal_new(request: HttpRequest, term_pk: int) -> HttpResponse:
    term = _open_term(term_pk)
    form = ProposalForm(request.POST or None, term=term)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.create_proposal(
                term, form.issue_form(term_label=_term_label(term)), actor=signed_in(request)
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Proposal saved as a draft. Submit it when it is ready.")
            return redirect("proposals:detail", pk=project.pk)
    return _render_form(request, term, form)


@require_POST
@login_required
def proposal_import(request: HttpRequest, term_pk: int) -> HttpResponse:
    """Create a draft from a pasted or uploaded CNCF issue body (the term is this one)."""
    term = _open_term(term_pk)
    paste_form = IssueBodyForm(request.POST, request.FILES)
    if paste_form.is_valid():
        parsed: IssueForm = paste_form.cleaned_data["issue_form"]
        issue_form = IssueForm({**parsed.sections, LABEL_TERM: _term_label(term)})
        try:
            project = services.create_proposal(
                term, issue_form, actor=signed_in(request), raw=paste_form.cleaned_data["text"]
            )
        except DomainError as error:
            paste_form.add_error(None, str(error))
        else:
            messages.success(request, "Proposal created from the issue body, as a draft.")
            return redirect("proposals:detail", pk=project.pk)
    return _render_form(request, term, ProposalForm(term=term), paste_form=paste_form)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_proposal(request.user, pk, Perm.PROPOSAL_EDIT)
    saved = proposal_form(project)
    initial = ProposalForm.initial_from(saved, project.organization)
    form = ProposalForm(request.POST or None, initial=initial, term=project.term)
    if request.method == "POST" and form.is_valid():
        label = saved.term or _term_label(project.term)
        try:
            material = services.update_proposal(
                project, form.issue_form(term_label=label, keep=saved), actor=signed_in(request)
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if material and project.status != Project.Status.DRAFT:
                messages.success(
                    request,
                    "Saved. This was a material change, so the maintainer and admin approvals "
                    "given before it were cleared and must be granted again.",
                )
            else:
                messages.success(request, "Saved.")
            return redirect("proposals:detail", pk=project.pk)
    return _render_form(request, project.term, form, project=project)


@require_safe
@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _, standing = access_proposal_standing(request.user, pk, Perm.PROPOSAL_VIEW)
    row = queries.proposal_row(pk)
    project, state = row.project, row.review
    zone = project.term.zone
    events = [
        EventRow(
            event,
            format_instant(event.at.astimezone(zone)),
            format_instant(event.at.astimezone(UTC), clock24=True),
            event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        for event in project.events.select_related("actor").order_by("id")
    ]
    context = {
        "project": project,
        "term": project.term,
        "review": state,
        "title_length": text_length(project.lfx_title),
        "title_max": LFX_TITLE_MAX,
        "mentorships": list(project.mentorships.order_by("position")),
        "mentor_total": len(state.gates.confirmed) + len(state.gates.awaiting),
        "events": events,
        "actions": _actions(request.user, standing, project, state),
    }
    return render(request, "proposals/proposal_detail.html", context)


# --- actions (POST only) -------------------------------------------------------------------


@require_POST
@login_required
def proposal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_proposal(request.user, pk, Perm.PROPOSAL_SUBMIT)
    return _act(
        request,
        project,
        lambda: services.submit_proposal(project, actor=signed_in(request)),
        "Proposal submitted.",
    )


@require_POST
@login_required
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_proposal(request.user, pk, Perm.PROPOSAL_APPROVE)
    return _act(
        request,
        project,
        lambda: services.approve_proposal(project, actor=signed_in(request)),
        "Maintainer approval recorded.",
    )


@require_POST
@login_required
def proposal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """A listed mentor confirms their slot; with `handle`, an admin confirms for a mentor."""
    project = access_proposal(request.user, pk, Perm.PROPOSAL_CONFIRM)
    form = ConfirmForm(request.POST)
    handle = form.cleaned_data["handle"] if form.is_valid() else ""
    return _act(
        request,
        project,
        lambda: services.confirm_mentorship(project, actor=signed_in(request), handle=handle),
        f"Confirmation recorded for @{handle.removeprefix('@')}."
        if handle
        else "Thanks for confirming.",
    )


@require_POST
@login_required
def proposal_admin_approve(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_proposal(request.user, pk, Perm.PROPOSAL_DECIDE)
    return _act(
        request,
        project,
        lambda: services.approve_proposal_as_admin(project, actor=signed_in(request)),
        "Admin approval granted. The proposal will be published with the term's catalog.",
    )


@require_POST
@login_required
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_proposal(request.user, pk, Perm.PROPOSAL_WITHDRAW)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(
        request,
        project,
        lambda: services.withdraw_proposal(project, actor=signed_in(request), note=note),
        "Proposal withdrawn.",
    )


@require_POST
@login_required
def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_proposal(request.user, pk, Perm.PROPOSAL_DECIDE)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _act(
        request,
        project,
        lambda: services.reject_proposal(project, actor=signed_in(request), note=note),
        "Proposal rejected.",
    )


@require_POST
@login_required
def proposal_record_lfx_url(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_proposal(request.user, pk, Perm.PROPOSAL_DECIDE)
    form = LfxUrlForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the LFX program URL.")
        return redirect("proposals:detail", pk=project.pk)
    url = form.cleaned_data["url"]
    return _act(
        request,
        project,
        lambda: services.record_lfx_url(project, url, actor=signed_in(request)),
        "LFX URL recorded.",
    )


# --- the admin board -----------------------------------------------------------------------


# A column of a GSoC-size term holds hundreds of cards: the whole board shows each column's
# first few, and a column chosen alone is paged. The counts are always the whole column's.
BOARD_PREVIEW = 10  # cards of each column on the whole board
BOARD_PAGE = 50  # cards a page of one column


@dataclass
class BoardColumnView:
    name: str
    count: int  # the column's proposals, all of them (within the organization filter)
    cards: list[queries.ProposalRow]  # the part of them this page shows
    shown: bool
    more_href: str = ""  # the column alone, when the whole board shows only its first cards


@dataclass
class BoardPage:
    number: int
    pages: int
    first: int  # 1-based position of the first card shown, 0 when there is none
    last: int
    count: int
    href: str  # the query string of this view up to "page=", for the previous and next links

    @property
    def label(self) -> str:
        """Where the page is: "1–50 of 1,220"."""
        return f"{self.first:,}–{self.last:,} of {self.count:,}"


def _board_query(**values: str) -> str:
    """The board's query string for `values`, without the empty ones."""
    return "?" + urlencode({key: value for key, value in values.items() if value})


def _page_number(value: str) -> int:
    return int(value) if value.isdigit() and 0 < int(value) < 1_000_000 else 1


def _board_page(asked: int, count: int) -> tuple[int, int]:
    """(the page shown, the pages) of a column of `count` cards: past the end, the last."""
    pages = max(1, -(-count // BOARD_PAGE))
    return min(asked, pages), pages


@require_safe
@login_required
def term_board(request: HttpRequest, term_pk: int) -> HttpResponse:
    """The board, as the API serves it (`queries.board`), a column or its page at a time:
    only the cards shown are derived in full, every proposal is counted.

    `org` keeps one organization's proposals, `column` shows that column alone, paged by
    `page` (`BOARD_PAGE` cards); without `column`, each column shows its first
    `BOARD_PREVIEW` cards and links to itself alone. Every count is the whole column's.
    """
    term = access_admin_term(request.user, term_pk)
    org_slug = request.GET.get("org", "").strip()
    column_filter = request.GET.get("column", "")
    if column_filter not in BOARD_COLUMNS:
        column_filter = ""
    asked = _page_number(request.GET.get("page", ""))

    def cards(name: str, count: int) -> slice:
        if not column_filter:
            return slice(0, BOARD_PREVIEW)
        if name != column_filter:
            return slice(0)
        start = (_board_page(asked, count)[0] - 1) * BOARD_PAGE
        return slice(start, start + BOARD_PAGE)

    board = queries.board(term, organization=org_slug, cards=cards)
    columns: list[BoardColumnView] = []
    page: BoardPage | None = None
    for column in board.columns:
        count = column.count
        if not column_filter:
            more = _board_query(org=org_slug, column=column.name) if count > BOARD_PREVIEW else ""
            columns.append(
                BoardColumnView(column.name, count, column.rows, shown=True, more_href=more)
            )
        elif column.name != column_filter:
            columns.append(BoardColumnView(column.name, count, [], shown=False))
        else:
            number, pages = _board_page(asked, count)
            start = (number - 1) * BOARD_PAGE
            href = _board_query(org=org_slug, column=column.name) + "&page="
            first = start + 1 if column.rows else 0
            page = BoardPage(number, pages, first, start + len(column.rows), count, href)
            columns.append(BoardColumnView(column.name, count, column.rows, shown=True))
    context = {
        "term": term,
        "columns": columns,
        "page": page,
        "preview": BOARD_PREVIEW,
        "page_size": BOARD_PAGE,
        "truncated": any(c.more_href for c in columns),
        "organizations": board.organizations,
        "selected_org": org_slug,
        "selected_column": column_filter,
        "total": board.total,
        "shown_count": sum(c.count for c in columns if c.shown),
    }
    return render(request, "proposals/proposal_board.html", context)


@require_POST
@login_required
def term_publish(request: HttpRequest, term_pk: int) -> HttpResponse:
    term = access_admin_term(request.user, term_pk)
    try:
        published = services.publish_proposals(term, actor=signed_in(request))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        count = len(published)
        messages.success(
            request, f"Published {count} approved proposal{'' if count == 1 else 's'}."
        )
    return redirect("proposals:board", term_pk=term.pk)

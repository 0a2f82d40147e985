"""What the CNCF's bot shows on a proposal's GitHub issue, from Cohort's state of it.

The validation comment (cncf-process.md §2.3) and the labels (§3.3–§3.4) are derived, like
the gates, from the stored form and the event log, never kept: `cohort.github` writes them
to the issue, and `cohort validate-proposal --format comment` prints the same comment for a
body on disk, so the two cannot disagree. The texts and the layout are in the pure modules
`cohort.proposals.comment` and `cohort.proposals.issue_labels`.
"""

from __future__ import annotations

from collections.abc import Sequence

from cohort.formats.issueform import IssueForm
from cohort.projects.models import Project
from cohort.proposals import gates, permissions
from cohort.proposals.comment import NextSteps, validation_comment
from cohort.proposals.issue_labels import desired_labels, is_over_quota
from cohort.proposals.review import Review, proposal_form, review
from cohort.proposals.rules import ValidationResult
from cohort.proposals.services import mentor_handle, mentor_lines

# Where the CNCF's comment sends a proposer to read what happens after they submit.
CNCF_GUIDE = "programs/lfx-mentorship/README.md#what-happens-after-you-submit"


def guide_url(repository: str) -> str:
    """The proposal-process guide in `repository` ("owner/name"), where the CNCF keeps it."""
    return f"https://github.com/{repository}/blob/main/{CNCF_GUIDE}"


def comment(
    form: IssueForm,
    state: Review,
    events: Sequence[gates.Event],
    *,
    proposer_handle: str,
    proposer_is_maintainer: bool,
    guide: str,
) -> str:
    """The validation comment for `form` in `state` (its review from `events`).

    The maintainer approval counts as the proposer's own ("proposer @x is a project
    maintainer") when it holds without an approval event since the last material edit.
    """
    approved_by_event = False
    for event in events:
        if event.kind == gates.EDITED:
            approved_by_event = False
        elif event.kind == gates.MAINTAINER_APPROVED:
            approved_by_event = True
    g = state.gates
    own = proposer_handle.casefold()
    steps = NextSteps(
        proposer=proposer_handle,
        maintainer_approved=g.maintainer_approved,
        maintainer_auto_approved=g.maintainer_approved
        and proposer_is_maintainer
        and not approved_by_event,
        confirmed=g.confirmed,
        awaiting=g.awaiting,
        proposer_is_mentor=bool(own)
        and any(h.casefold() == own for h in (*g.confirmed, *g.awaiting)),
        guide_url=guide,
    )
    return validation_comment(
        state.validation,
        project=form.project,
        program_name=form.program_name,
        term=form.term,
        next_steps=steps,
    )


def form_roster(form: IssueForm) -> list[str]:
    """The mentors' handles a form lists, as a stored proposal's roster holds them."""
    return [handle for row in mentor_lines(form) if (handle := mentor_handle(row))]


def comment_for_body(
    form: IssueForm,
    validation: ValidationResult,
    *,
    events: Sequence[gates.Event],
    proposer_handle: str,
    proposer_is_maintainer: bool,
    guide: str,
) -> str:
    """The validation comment for a body that may not be stored (`validate-proposal`): its
    gates derived from `events` (none for a new issue) as `review()` derives a stored one's."""
    derived = gates.derive_gates(
        events,
        roster=form_roster(form),
        validation_passed=validation.ok,
        proposer_handle=proposer_handle,
        proposer_is_maintainer=proposer_is_maintainer,
    )
    state = Review(validation, derived, column="")
    return comment(
        form,
        state,
        events,
        proposer_handle=proposer_handle,
        proposer_is_maintainer=proposer_is_maintainer,
        guide=guide,
    )


def labels(project: Project, state: Review) -> frozenset[str]:
    """The labels the proposal's issue carries in `state` (§2.3, §3.4)."""
    g = state.gates
    return desired_labels(
        passed=state.validation.ok,
        over_quota=is_over_quota(state.validation.warnings),
        maintainer_approved=g.maintainer_approved,
        mentors_confirmed=g.mentors_confirmed,
        admin_approved=g.admin_approved,
        exported=project.status == Project.Status.PUBLISHED,
        year=project.term.year,
        term_number=project.term.number,
    )


def proposal_comment_and_labels(project: Project, *, guide: str) -> tuple[str, frozenset[str]]:
    """The comment and the labels of a stored proposal, from its current state."""
    state = review(project)
    events = [e.as_gate_event() for e in project.events.order_by("id")]
    proposer = project.proposer
    text = comment(
        proposal_form(project),
        state,
        events,
        proposer_handle=permissions.github_handle(proposer),
        proposer_is_maintainer=proposer is not None
        and permissions.proposer_is_maintainer(proposer, project.organization),
        guide=guide,
    )
    return text, labels(project, state)

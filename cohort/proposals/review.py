"""A proposal's review state, read from its stored form and its events (cncf-process.md §3).

`review(project)` is what the board, the proposal page, the export and the notifications
show: the validation result, the gates derived from the events, the board column. It only
reads, so the services (which write), the sticky export and the notification planning all
import it from here and none of them imports another in a loop.

Validation is the costly part of the derivation (every rule of §2.2 on every section), and
the board derives every proposal of its term on each request. `validate_proposal` is pure,
so its results are kept per process (`validated`), keyed by everything it reads: the form's
sections, the other open proposals and the quota. The key is the input itself, never a
summary of it, so a kept result is never stale: any change to a proposal, or to a sibling's
number or upstream issue, makes a new key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cohort.formats.issueform import IssueForm, form_from_fields
from cohort.projects.models import Project
from cohort.proposals import gates, permissions
from cohort.proposals.context import open_proposals_for
from cohort.proposals.rules import OtherProposal, ValidationResult, quota_for, validate_proposal


@dataclass(frozen=True)
class Review:
    """Everything the board and the proposal page show about a proposal's state."""

    validation: ValidationResult
    gates: gates.Gates
    column: str


def proposal_form(project: Project) -> IssueForm:
    """The proposal's issue form, from its stored sections (never from a body)."""
    return form_from_fields(project.form_fields, source=f"proposal #{project.number}")


def review(project: Project) -> Review:
    form = proposal_form(project)
    term = project.term
    proposer = project.proposer
    return derive_review(
        project,
        form,
        others=open_proposals_for(
            term.program.name, term.label, form.project, exclude_number=project.number
        ),
        events=[e.as_gate_event() for e in project.events.order_by("id")],
        roster=[m.github for m in project.mentorships.order_by("position") if m.github],
        proposer_handle=permissions.github_handle(proposer),
        proposer_is_maintainer=proposer is not None
        and permissions.proposer_is_maintainer(proposer, project.organization),
    )


def derive_review(
    project: Project,
    form: IssueForm,
    *,
    others: Sequence[OtherProposal],
    events: Sequence[gates.Event],
    roster: Sequence[str],
    proposer_handle: str,
    proposer_is_maintainer: bool,
) -> Review:
    """The review state from inputs already loaded: `review()` reads them for one proposal,
    `queries` for a whole board at once; both derive it here."""
    term = project.term  # the term's guideline (its settings), not a code constant
    quota = quota_for(
        form.project,
        slug=project.organization.cncf_slug,
        default=term.proposal_quota,
        overrides=term.quota_overrides,
    )
    validation = validated(form, others=others, quota=quota)
    derived = gates.derive_gates(
        events,
        roster=roster,
        validation_passed=validation.ok,
        proposer_handle=proposer_handle,
        proposer_is_maintainer=proposer_is_maintainer,
    )
    is_open = project.status not in (
        Project.Status.WITHDRAWN,
        Project.Status.REJECTED,
        Project.Status.NOT_ACCEPTED,  # an idea its term's README did not take
    )
    is_published = project.status == Project.Status.PUBLISHED
    column = gates.board_column(derived, events, is_open=is_open, is_published=is_published)
    return Review(validation, derived, column)


# A board of 1,220 proposals, and the same again after edits, fits; a key holds the form's
# text (a few KB), so the bound keeps a process's share to tens of MB at most.
VALIDATIONS_KEPT = 4096


def validated(form: IssueForm, *, others: Sequence[OtherProposal], quota: int) -> ValidationResult:
    """`validate_proposal(form, others=others, quota=quota)`, kept per process: a copy each
    time, so a caller that changes its lists never changes the kept result."""
    kept = _validation(
        tuple(form.sections.items()),
        tuple((other.number, other.upstream_issue_url) for other in others),
        quota,
    )
    return ValidationResult(list(kept.errors), list(kept.warnings), list(kept.passed))


@lru_cache(maxsize=VALIDATIONS_KEPT)
def _validation(
    sections: tuple[tuple[str, str], ...], others: tuple[tuple[int, str], ...], quota: int
) -> ValidationResult:
    return validate_proposal(
        IssueForm(dict(sections)),
        others=[OtherProposal(number, url) for number, url in others],
        quota=quota,
    )

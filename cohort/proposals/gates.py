"""A proposal's approval gates, derived from its immutable events (cncf-process.md §3.4–§3.5).

Nothing here is stored: the maintainer gate, the mentor gate, the admin approval and the board
column are recomputed from the event log every time, so they can never disagree with it. The
rules, as the CNCF automation applies them:

- A material edit (a form field changed, ignoring whitespace) clears the maintainer approval
  and the admin approval given before it. A proposer who is a maintainer re-grants the
  maintainer gate automatically.
- Mentor confirmations survive edits. The gate holds when every mentor on the *current*
  roster has confirmed; a proposer on the roster counts as confirmed.
- Admin approval holds only while validation passes, both gates hold and no material edit
  came after it.

Pure code: no Django imports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cohort.formats.issueform import FORM_LABELS, IssueForm

SUBMITTED = "submitted"
EDITED = "edited"  # a material edit
MAINTAINER_APPROVED = "maintainer_approved"
MENTOR_CONFIRMED = "mentor_confirmed"
ADMIN_APPROVED = "admin_approved"
WITHDRAWN = "withdrawn"
REJECTED = "rejected"
PUBLISHED = "published"
LFX_URL_RECORDED = "lfx_url_recorded"
EVENT_KINDS = (
    SUBMITTED,
    EDITED,
    MAINTAINER_APPROVED,
    MENTOR_CONFIRMED,
    ADMIN_APPROVED,
    WITHDRAWN,
    REJECTED,
    PUBLISHED,
    LFX_URL_RECORDED,
)

# The board's columns, exact and in order (§3.7).
INBOX = "Inbox"
AWAITING = "Awaiting approvals/confirmations"
APPROVED_CONFIRMED = "Approved/confirmed"
CNCF_APPROVED = "CNCF Approved"
EXPORTED = "Exported"
POSTED = "Posted to LFX"
CLOSED = "Closed"
BOARD_COLUMNS = (
    INBOX,
    AWAITING,
    APPROVED_CONFIRMED,
    CNCF_APPROVED,
    EXPORTED,
    POSTED,
    "LFX Approved",
    "Mentors added",
    "Mentors listed",
    "Open for Applications",
    "Applications Closed",
    CLOSED,
)


@dataclass(frozen=True)
class Event:
    kind: str  # one of EVENT_KINDS
    handle: str = ""  # MENTOR_CONFIRMED: the mentor whose slot is confirmed


@dataclass(frozen=True)
class Gates:
    validation_passed: bool
    maintainer_approved: bool
    confirmed: tuple[str, ...]  # roster handles that have confirmed, in roster order
    awaiting: tuple[str, ...]  # roster handles still to confirm, in roster order
    admin_approved: bool

    @property
    def mentors_confirmed(self) -> bool:
        return not self.awaiting

    @property
    def both_gates(self) -> bool:
        return self.maintainer_approved and self.mentors_confirmed


def derive_gates(
    events: Sequence[Event],
    *,
    roster: Sequence[str],
    validation_passed: bool,
    proposer_handle: str = "",
    proposer_is_maintainer: bool = False,
) -> Gates:
    """The gates after `events` (oldest first) for the current mentor `roster` (handles).

    One pass over the events (a board files every proposal of a term on each request): a
    material edit clears the maintainer and admin approvals given before it; confirmations
    survive it."""
    maintainer_event = admin_event = False
    confirmed_keys: set[str] = set()
    for event in events:
        kind = event.kind
        if kind == EDITED:
            maintainer_event = admin_event = False
        elif kind == MAINTAINER_APPROVED:
            maintainer_event = True
        elif kind == ADMIN_APPROVED:
            admin_event = True
        elif kind == MENTOR_CONFIRMED:
            confirmed_keys.add(event.handle.casefold())
    maintainer = maintainer_event or (
        proposer_is_maintainer and validation_passed  # implied only by a passing validation
    )
    if proposer_handle:
        confirmed_keys.add(proposer_handle.casefold())
    confirmed: list[str] = []
    awaiting: list[str] = []
    for handle in roster:
        (confirmed if handle.casefold() in confirmed_keys else awaiting).append(handle)
    admin = validation_passed and maintainer and not awaiting and admin_event
    return Gates(
        validation_passed=validation_passed,
        maintainer_approved=maintainer,
        confirmed=tuple(confirmed),
        awaiting=tuple(awaiting),
        admin_approved=admin,
    )


def board_column(
    gates: Gates, events: Sequence[Event], *, is_open: bool, is_published: bool = False
) -> str:
    """The board column (§3.7): the first rule that matches wins. `is_published` is the
    project's status: a project imported as published has no events and is exported."""
    kinds = {e.kind for e in events}
    if not is_open:
        return CLOSED
    if LFX_URL_RECORDED in kinds:
        return POSTED
    if PUBLISHED in kinds or is_published:
        return EXPORTED
    if gates.admin_approved:
        return CNCF_APPROVED
    if gates.both_gates:
        return APPROVED_CONFIRMED
    if gates.validation_passed and SUBMITTED in kinds:
        return AWAITING
    return INBOX


def _fold(value: str) -> str:
    return " ".join(value.split())


def is_material_change(before: IssueForm, after: IssueForm) -> bool:
    """Whether a form field differs once whitespace runs are collapsed (§3.5).

    Re-flowed text, changed indentation and trailing spaces are not material; the title is
    not a form field, so changing it never is.
    """
    return any(_fold(before.get(label)) != _fold(after.get(label)) for label in FORM_LABELS)

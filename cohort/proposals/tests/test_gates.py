"""The derived gates of §3.4–§3.5, without a database."""

from __future__ import annotations

from cohort.formats.issueform import IssueForm
from cohort.proposals import gates as g
from cohort.proposals.gates import Event, board_column, derive_gates, is_material_change

ROSTER = ("alice", "Bob")


def derive(
    *kinds: str | Event,
    valid: bool = True,
    roster: tuple[str, ...] = ROSTER,
    proposer_handle: str = "",
    proposer_is_maintainer: bool = False,
) -> g.Gates:
    return derive_gates(
        [k if isinstance(k, Event) else Event(k) for k in kinds],
        roster=roster,
        validation_passed=valid,
        proposer_handle=proposer_handle,
        proposer_is_maintainer=proposer_is_maintainer,
    )


def confirm(handle: str) -> Event:
    return Event(g.MENTOR_CONFIRMED, handle)


def test_nothing_is_approved_after_submission():
    gates = derive(g.SUBMITTED)
    assert not gates.maintainer_approved
    assert gates.awaiting == ("alice", "Bob")
    assert not gates.admin_approved


def test_mentor_gate_needs_every_listed_mentor_case_insensitively():
    assert derive(g.SUBMITTED, confirm("alice")).awaiting == ("Bob",)
    gates = derive(g.SUBMITTED, confirm("ALICE"), confirm("bob"))
    assert gates.mentors_confirmed
    assert gates.confirmed == ("alice", "Bob")


def test_a_proposer_on_the_roster_counts_as_confirmed():
    assert derive(g.SUBMITTED, confirm("bob"), proposer_handle="Alice").mentors_confirmed


def test_a_proposer_who_maintains_the_project_approves_only_while_validation_passes():
    assert derive(g.SUBMITTED, proposer_is_maintainer=True).maintainer_approved
    assert not derive(g.SUBMITTED, proposer_is_maintainer=True, valid=False).maintainer_approved


def test_admin_approval_needs_both_gates_and_passing_validation():
    full: tuple[str | Event, ...] = (
        g.SUBMITTED,
        g.MAINTAINER_APPROVED,
        confirm("alice"),
        confirm("bob"),
        g.ADMIN_APPROVED,
    )
    assert derive(*full).admin_approved
    assert not derive(*full, valid=False).admin_approved
    # A new mentor on the roster re-opens the mentor gate, so the admin approval lapses.
    assert not derive(*full, roster=("alice", "bob", "carol")).admin_approved


def test_a_material_edit_clears_maintainer_and_admin_approval_but_not_confirmations():
    full: list[str | Event] = [
        g.SUBMITTED,
        g.MAINTAINER_APPROVED,
        confirm("alice"),
        confirm("bob"),
        g.ADMIN_APPROVED,
    ]
    gates = derive(*full, g.EDITED)
    assert not gates.maintainer_approved
    assert not gates.admin_approved
    assert gates.mentors_confirmed
    # Approving again after the edit restores the gates.
    again = derive(*full, g.EDITED, g.MAINTAINER_APPROVED, g.ADMIN_APPROVED)
    assert again.maintainer_approved
    assert again.admin_approved


def test_a_maintainer_proposer_is_reapproved_after_an_edit_but_admin_approval_is_not():
    full: list[str | Event] = [
        g.SUBMITTED,
        confirm("alice"),
        confirm("bob"),
        g.ADMIN_APPROVED,
        g.EDITED,
    ]
    gates = derive(*full, proposer_is_maintainer=True)
    assert gates.maintainer_approved
    assert not gates.admin_approved


def test_board_columns_follow_the_first_matching_rule():
    events = [Event(g.SUBMITTED)]
    assert board_column(derive(*events, valid=False), events, is_open=True) == g.INBOX
    assert board_column(derive(*events), events, is_open=True) == g.AWAITING
    events += [Event(g.MAINTAINER_APPROVED), confirm("alice"), confirm("bob")]
    assert board_column(derive(*events), events, is_open=True) == g.APPROVED_CONFIRMED
    events.append(Event(g.ADMIN_APPROVED))
    assert board_column(derive(*events), events, is_open=True) == g.CNCF_APPROVED
    events.append(Event(g.PUBLISHED))
    assert board_column(derive(*events), events, is_open=True) == g.EXPORTED
    # Exported stays exported even when a later edit clears the approvals (sticky export).
    events.append(Event(g.EDITED))
    assert board_column(derive(*events), events, is_open=True) == g.EXPORTED
    events.append(Event(g.LFX_URL_RECORDED))
    assert board_column(derive(*events), events, is_open=True) == g.POSTED
    assert board_column(derive(*events), events, is_open=False) == g.CLOSED
    assert len(g.BOARD_COLUMNS) == 12


def test_a_project_imported_as_published_is_exported_not_in_the_inbox():
    assert board_column(derive(), [], is_open=True) == g.INBOX
    assert board_column(derive(), [], is_open=True, is_published=True) == g.EXPORTED
    assert board_column(derive(), [], is_open=False, is_published=True) == g.CLOSED


def test_only_field_changes_beyond_whitespace_are_material():
    before = IssueForm.build(project="Jaeger", program_name="Helm chart", description="A  b\nc")
    assert not is_material_change(
        before, IssueForm.build(project="Jaeger", program_name="Helm chart", description="A b c ")
    )
    assert is_material_change(
        before, IssueForm.build(project="Jaeger", program_name="Helm charts", description="A b c")
    )
    reordered = IssueForm.build(
        project="Jaeger", program_name="Helm chart", description="A b c", skills_same=True
    )
    assert is_material_change(before, reordered)

"""Labels on a GitHub proposal issue, derived from the gates (cncf-process.md §2.3, §3.3-§3.4)."""

from __future__ import annotations

from typing import Any

import pytest

from cohort.proposals.issue_labels import (
    desired_labels,
    is_managed,
    is_over_quota,
    label_changes,
    term_label,
)

QUOTA_WARNING = (
    "**Over quota:** Jaeger has 5 proposals for 2026 Term 3 (Sep-Nov) (guideline: 4). "
    "Existing proposals: #1, #2, #3, #4. Going over may be acceptable; please reach out to the "
    "CNCF Mentorship Admins to discuss, and prioritize proposals within your project."
)


def labels(**overrides: Any) -> frozenset[str]:
    state: dict[str, Any] = {
        "passed": True,
        "over_quota": False,
        "maintainer_approved": False,
        "mentors_confirmed": False,
        "admin_approved": False,
        "exported": False,
        "year": 2026,
        "term_number": 3,
    }
    state.update(overrides)
    return desired_labels(**state)


def test_passing_proposal_waits_on_both_gates():
    assert labels() == {
        "lfx mentorship",
        "Proposal",
        "Validation Passed",
        "Awaiting Maintainer/Contribex Approval",
        "Awaiting Mentor Confirmation",
        "2026",
        "Term 3: Sept-Nov",
    }


def test_passing_proposal_with_one_gate_shows_it_and_still_awaits_the_other():
    assert labels(maintainer_approved=True) >= {
        "Maintainer/Contribex Approved",
        "Awaiting Mentor Confirmation",
    }
    assert "Awaiting CNCF Admin Approval" not in labels(maintainer_approved=True)
    assert labels(mentors_confirmed=True) >= {
        "Awaiting Maintainer/Contribex Approval",
        "Mentors Confirmed",
    }
    assert "Awaiting CNCF Admin Approval" not in labels(mentors_confirmed=True)


def test_passing_proposal_with_both_gates_awaits_the_cncf_admin():
    assert labels(maintainer_approved=True, mentors_confirmed=True) == {
        "lfx mentorship",
        "Proposal",
        "Validation Passed",
        "Maintainer/Contribex Approved",
        "Mentors Confirmed",
        "Awaiting CNCF Admin Approval",
        "2026",
        "Term 3: Sept-Nov",
    }


def test_cncf_approved_proposal_no_longer_awaits_the_admin():
    got = labels(maintainer_approved=True, mentors_confirmed=True, admin_approved=True)
    assert "CNCF Approved" in got
    assert "Awaiting CNCF Admin Approval" not in got


def test_cncf_approval_is_dropped_on_a_passing_proposal_when_a_gate_lapses():
    # A mentor was added to the roster after the admin approved (§3.4 step 3).
    got = labels(maintainer_approved=True, mentors_confirmed=False, admin_approved=True)
    assert "CNCF Approved" not in got
    assert "Awaiting CNCF Admin Approval" not in got
    assert "Awaiting Mentor Confirmation" in got


def test_failing_proposal_has_no_awaiting_labels_and_keeps_what_is_still_held():
    got = labels(
        passed=False, maintainer_approved=True, mentors_confirmed=True, admin_approved=True
    )
    assert got == {
        "lfx mentorship",
        "Proposal",
        "Validation Failed",
        "Maintainer/Contribex Approved",
        "Mentors Confirmed",
        "CNCF Approved",
        "2026",
        "Term 3: Sept-Nov",
    }


def test_failing_proposal_after_a_material_edit_keeps_only_the_mentor_gate():
    current = [
        "lfx mentorship",
        "Proposal",
        "Validation Passed",
        "Maintainer/Contribex Approved",
        "Mentors Confirmed",
        "CNCF Approved",
        "2026",
        "Term 3: Sept-Nov",
    ]
    desired = labels(passed=False, mentors_confirmed=True)

    assert label_changes(current, desired) == (
        ["Validation Failed"],
        ["Validation Passed", "Maintainer/Contribex Approved", "CNCF Approved"],
    )


def test_first_validation_removes_needs_validation_and_adds_in_a_stable_order():
    current = ["lfx mentorship", "Proposal", "Needs Validation"]
    desired = labels(over_quota=True)

    assert label_changes(current, desired) == (
        [
            "Validation Passed",
            "Over Quota",
            "Awaiting Maintainer/Contribex Approval",
            "Awaiting Mentor Confirmation",
            "2026",
            "Term 3: Sept-Nov",
        ],
        ["Needs Validation"],
    )


def test_over_quota_and_exported_follow_the_state():
    assert "Over Quota" in labels(over_quota=True)
    assert "Over Quota" not in labels()
    assert "Exported" in labels(exported=True)
    assert "Exported" not in labels()
    current = ["Over Quota", "Exported"]
    assert label_changes(current, labels())[1] == ["Over Quota", "Exported"]


def test_stale_year_and_term_labels_are_replaced():
    current = ["lfx mentorship", "Proposal", "Validation Passed", "2025", "Term 1: March-May"]
    desired = labels(maintainer_approved=True, mentors_confirmed=True, admin_approved=True)

    to_add, to_remove = label_changes(current, desired)

    assert to_add == [
        "Maintainer/Contribex Approved",
        "Mentors Confirmed",
        "CNCF Approved",
        "2026",
        "Term 3: Sept-Nov",
    ]
    assert to_remove == ["2025", "Term 1: March-May"]


def test_year_and_term_are_left_out_when_unknown_and_then_removed():
    desired = labels(year=None, term_number=None)
    assert not any(label.isdigit() or label.startswith("Term ") for label in desired)
    assert label_changes(["2026", "Term 2: June-Aug"], desired)[1] == ["2026", "Term 2: June-Aug"]


def test_unmanaged_labels_are_never_removed():
    current = [
        "help wanted",
        "administration",
        "Mentors Registered",
        "good first issue",
        "12345",
        "Term 4",
        "Proposal",
    ]

    to_add, to_remove = label_changes(current, labels())

    assert to_remove == []
    assert "Proposal" not in to_add
    assert not is_managed("help wanted")
    assert not is_managed("12345")
    assert is_managed("1999")
    assert is_managed("term 2: june-aug")


def test_a_label_equal_ignoring_case_counts_as_present():
    current = ["LFX Mentorship", "proposal", "validation passed", "term 3: sept-nov", "2026"]
    desired = labels()

    to_add, to_remove = label_changes(current, desired)

    assert to_add == ["Awaiting Maintainer/Contribex Approval", "Awaiting Mentor Confirmation"]
    assert to_remove == []


def test_a_managed_label_in_other_case_is_removed_when_not_wanted():
    current = ["VALIDATION FAILED", "awaiting cncf admin approval"]
    assert label_changes(current, labels())[1] == [
        "VALIDATION FAILED",
        "awaiting cncf admin approval",
    ]


def test_nothing_changes_when_the_labels_already_match():
    desired = labels(maintainer_approved=True, mentors_confirmed=True)
    assert label_changes(sorted(desired), desired) == ([], [])


def test_over_quota_is_read_from_the_quota_warning():
    assert is_over_quota(["Could not check quota: boom", QUOTA_WARNING])
    assert not is_over_quota(["Could not check quota: boom"])
    assert not is_over_quota([])
    assert not is_over_quota(["Note: **Over quota:** quoted"])


def test_term_labels():
    assert [term_label(n) for n in (1, 2, 3)] == [
        "Term 1: March-May",
        "Term 2: June-Aug",
        "Term 3: Sept-Nov",
    ]
    with pytest.raises(ValueError, match="no term 4"):
        term_label(4)

"""Slash-command replies, character for character the CNCF bot's (lfx-proposal-approvals.yml)."""

from __future__ import annotations

import pytest

from cohort.github import replies

URL = "https://mentorship.lfx.linuxfoundation.org/project/005db8db-7efe-4433-9605-91d14174c72c"
ROSTER = ["alice", "bob"]


# --- /approve ---


def test_approve_needs_validation():
    assert replies.approve_needs_validation() == (
        "❌ `/approve` requires the proposal to pass validation first.\n"
        "Please fix any validation errors and re-submit."
    )


def test_approve_already_approved():
    assert replies.approve_already_approved() == (
        "ℹ️ This proposal has already been approved by a maintainer."
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            replies.source_dot_project("jaegertracing"),
            "✅ Maintainer approval recorded from @yurishkuro "
            "(jaegertracing/.project/maintainers.yaml).",
        ),
        (
            replies.source_maintainers_csv("Jaeger"),
            "✅ Maintainer approval recorded from @yurishkuro (project-maintainers.csv (Jaeger)).",
        ),
        (
            replies.SOURCE_FALLBACK_HANDLE,
            "✅ Maintainer approval recorded from @yurishkuro (approvers.yml (fallback handle)).",
        ),
        (
            replies.SOURCE_GLOBAL_APPROVER,
            "✅ Maintainer approval recorded from @yurishkuro (approvers.yml (global approver)).",
        ),
        (
            "a maintainer of Jaeger in Cohort",
            "✅ Maintainer approval recorded from @yurishkuro (a maintainer of Jaeger in Cohort).",
        ),
    ],
)
def test_maintainer_approval_recorded(source, expected):
    assert replies.maintainer_approval_recorded("yurishkuro", source) == expected
    assert replies.maintainer_approval_recorded("@yurishkuro", source) == expected


def test_approve_not_authorized_with_the_cncf_approver_list():
    approvers = replies.approver_list(replies.cncf_approver_lines("jaegertracing"))

    assert replies.approve_not_authorized("mallory", "Jaeger", approvers) == (
        "❌ @mallory is not authorized to `/approve` proposals for **Jaeger**.\n"
        "\n"
        "Approvers must be:\n"
        "- A `project-maintainers` team member in [`jaegertracing/.project/maintainers.yaml`]"
        "(https://github.com/jaegertracing/.project/blob/main/maintainers.yaml)\n"
        "- Listed in [project-maintainers.csv]"
        "(https://github.com/cncf/foundation/blob/main/project-maintainers.csv)\n"
        "- A fallback approver in `approvers.yml`\n"
        "\n"
        "If this is an error, contact a CNCF program admin."
    )


def test_cncf_approver_list_leaves_out_dot_project_without_an_org():
    assert replies.approver_list(replies.cncf_approver_lines("")) == (
        "Approvers must be:\n"
        "- Listed in [project-maintainers.csv]"
        "(https://github.com/cncf/foundation/blob/main/project-maintainers.csv)\n"
        "- A fallback approver in `approvers.yml`"
    )


def test_approve_not_authorized_for_a_project_with_exclusive_approvers():
    note = replies.exclusive_approvers_note("Kubernetes")

    assert replies.approve_not_authorized("mallory", "Kubernetes", note) == (
        "❌ @mallory is not authorized to `/approve` proposals for **Kubernetes**.\n"
        "\n"
        "Approvals for **Kubernetes** are limited to its listed approvers in `approvers.yml` "
        "(plus CNCF global approvers); project maintainers can't `/approve` here.\n"
        "\n"
        "If this is an error, contact a CNCF program admin."
    )
    assert replies.exclusive_approvers_note("Kubernetes", "the program's approver list") == (
        "Approvals for **Kubernetes** are limited to its listed approvers in the program's "
        "approver list (plus CNCF global approvers); project maintainers can't `/approve` here."
    )


def test_both_gates_met():
    assert replies.both_gates_met() == (
        "🎯 Both maintainer approval and mentor confirmation received. This proposal is now "
        "awaiting final CNCF admin approval.\n"
        "\n"
        "A CNCF program admin will review and comment `/cncf-approve` to finalize."
    )


# --- /confirm ---


def test_confirm_needs_validation():
    assert replies.confirm_needs_validation() == (
        "❌ `/confirm` requires the proposal to pass validation first."
    )


def test_confirm_partial_tally():
    body = replies.confirm_recorded(
        "Alice", ["alice"], already_complete=False, count=1, total=3, remaining=["bob", "carol"]
    )
    assert body == (
        "✅ Thanks for confirming, @Alice! That's 1 of 3 mentors so far. "
        "Still waiting on: @bob, @carol."
    )


def test_confirm_partial_tally_says_mentor_for_a_single_mentor():
    # Only reachable when the tally disagrees with the comment, but the text must still agree.
    body = replies.confirm_recorded(
        "alice", ["alice"], already_complete=False, count=0, total=1, remaining=["alice"]
    )
    assert body == (
        "✅ Thanks for confirming, @alice! That's 0 of 1 mentor so far. Still waiting on: @alice."
    )


def test_confirm_completes_the_roster():
    body = replies.confirm_recorded(
        "bob", ["bob"], already_complete=False, count=2, total=2, remaining=[]
    )
    assert body == "✅ Thanks for confirming, @bob! All 2 listed mentors have confirmed."
    one = replies.confirm_recorded(
        "bob", ["bob"], already_complete=False, count=1, total=1, remaining=[]
    )
    assert one == "✅ Thanks for confirming, @bob! All 1 listed mentor have confirmed."


def test_confirm_when_the_roster_was_already_complete():
    body = replies.confirm_recorded(
        "bob", ["bob"], already_complete=True, count=2, total=2, remaining=[]
    )
    assert body == "✅ Thanks for confirming your participation, @bob!"


def test_confirm_on_behalf_of_one_or_several_mentors():
    one = replies.confirm_recorded(
        "dkrook", ["bob"], already_complete=False, count=2, total=2, remaining=[]
    )
    assert one == (
        "✅ Recorded @bob's confirmation (by @dkrook). Thanks! All 2 listed mentors have confirmed."
    )
    several = replies.confirm_recorded(
        "dkrook",
        ["alice", "bob", "alice"],
        already_complete=True,
        count=2,
        total=2,
        remaining=[],
    )
    assert several == "✅ Recorded confirmation for @alice, @bob (by @dkrook). Thanks!"


def test_confirm_problems_follow_as_warnings_each_once():
    problem = replies.confirm_problem_not_listed("zed", ROSTER)
    body = replies.confirm_recorded(
        "alice",
        ["alice"],
        already_complete=False,
        count=1,
        total=2,
        remaining=["bob"],
        problems=[problem, problem, replies.confirm_problem_on_behalf()],
    )
    assert body == (
        "✅ Thanks for confirming, @alice! That's 1 of 2 mentors so far. Still waiting on: @bob."
        "\n\n⚠️ @zed is not a listed mentor on this proposal. Current mentors: @alice, @bob"
        "\n\n⚠️ Only CNCF universal approvers can `/confirm` on behalf of another mentor. "
        "To confirm your own participation, comment `/confirm`."
    )


def test_confirm_refusals():
    assert replies.confirm_refused([replies.confirm_problem_not_listed("zed", ROSTER)]) == (
        "❌ @zed is not a listed mentor on this proposal. Current mentors: @alice, @bob"
    )
    assert replies.confirm_refused([replies.confirm_problem_on_behalf()]) == (
        "❌ Only CNCF universal approvers can `/confirm` on behalf of another mentor. "
        "To confirm your own participation, comment `/confirm`."
    )
    assert replies.confirm_refused([replies.confirm_problem_not_a_mentor("mallory", ROSTER)]) == (
        "❌ @mallory is not listed as a mentor on this proposal. Only listed mentors can "
        "`/confirm`. Current mentors: @alice, @bob"
    )
    assert replies.confirm_refused([replies.confirm_problem_name_a_mentor("dkrook", ROSTER)]) == (
        "❌ @dkrook, to confirm a mentor use `/confirm @their-handle`. "
        "Current mentors: @alice, @bob"
    )
    assert replies.confirm_refused([]) == "❌ No `/confirm` action was recognized."


def test_confirm_refusal_joins_distinct_problems_with_blank_lines():
    a = replies.confirm_problem_not_listed("zed", [])
    b = replies.confirm_problem_on_behalf()
    assert replies.confirm_refused([a, b, a]) == (
        "❌ @zed is not a listed mentor on this proposal. Current mentors: (none parsed)\n\n"
        "Only CNCF universal approvers can `/confirm` on behalf of another mentor. "
        "To confirm your own participation, comment `/confirm`."
    )


def test_confirm_recorded_needs_a_credited_mentor():
    with pytest.raises(ValueError, match="at least one"):
        replies.confirm_recorded(
            "alice", [], already_complete=False, count=0, total=1, remaining=["alice"]
        )


# --- /cncf-approve ---


def test_cncf_approve_refusals():
    assert replies.cncf_approve_not_authorized("mallory") == (
        "❌ @mallory is not authorized to use `/cncf-approve`. "
        "This command is restricted to CNCF program admins."
    )
    assert replies.cncf_approve_already_approved() == (
        "ℹ️ This proposal has already been CNCF-approved."
    )
    assert replies.cncf_approve_not_validated() == (
        "❌ Cannot `/cncf-approve` — this proposal is not currently passing validation. "
        "The proposer needs to resolve the validation errors (see the validation comment) first."
    )


@pytest.mark.parametrize(
    ("maintainer", "mentors", "missing"),
    [
        (False, False, "`Maintainer/Contribex Approved` and `Mentors Confirmed`"),
        (False, True, "`Maintainer/Contribex Approved`"),
        (True, False, "`Mentors Confirmed`"),
    ],
)
def test_cncf_approve_still_missing(maintainer, mentors, missing):
    body = replies.cncf_approve_missing(maintainer_approved=maintainer, mentors_confirmed=mentors)
    assert body == (
        f"❌ Cannot `/cncf-approve` — still missing: {missing}.\n"
        "\n"
        "A maintainer must `/approve` and a listed mentor must `/confirm` first."
    )


def test_cncf_approve_missing_needs_a_missing_gate():
    with pytest.raises(ValueError, match="nothing is missing"):
        replies.cncf_approve_missing(maintainer_approved=True, mentors_confirmed=True)


def test_cncf_approval_granted():
    assert replies.cncf_approval_granted("dkrook") == (
        "✅ CNCF admin approval granted by @dkrook.\n"
        "\n"
        "This proposal is approved and will be included in the next LFX export."
    )


# --- /lfx-url ---


def test_lfx_url_refusals():
    assert replies.lfx_url_not_authorized("mallory") == (
        "❌ @mallory is not authorized to use `/lfx-url`. "
        "This command is restricted to CNCF program admins."
    )
    assert replies.lfx_url_closed() == (
        "❌ Cannot `/lfx-url` — this proposal is closed. "
        "Reopen it first if it really was posted to LFX."
    )
    assert replies.lfx_url_not_exported() == (
        "❌ Cannot `/lfx-url` — this proposal has not been exported yet (no `Exported` label). "
        "Run the export first."
    )
    assert replies.lfx_url_usage() == "❌ Usage: `/lfx-url <url>` — include the LFX program URL."
    assert replies.lfx_url_invalid() == (
        "❌ That isn't an LFX Mentorship program URL. "
        "Expected `https://mentorship.lfx.linuxfoundation.org/project/<id>`."
    )
    assert replies.lfx_url_export_not_on_main(URL) == (
        "❌ Cannot `/lfx-url` — no exported program for this issue is on `main` yet. "
        f"Merge the term's export PR, then re-run: `/lfx-url {URL}`"
    )


def test_lfx_url_recorded_with_the_next_steps_on_lfx():
    assert replies.lfx_url_recorded("@dkrook", URL) == (
        f"✅ LFX URL recorded from @dkrook: {URL}\n"
        "\n"
        "**Next on LFX:**\n"
        "1. An LFX admin approves the program.\n"
        "2. Once approved, CNCF admins add the mentors."
    )


def test_lfx_url_recorded_with_a_term_mismatch():
    warning = replies.term_mismatch_warning("2026 Term 2 (Jun–Aug)", "2026 Term 3 (Sep-Nov)")
    assert warning == (
        "⚠️ This issue's **Term** field (`2026 Term 2 (Jun-Aug)`) doesn't match the term it was "
        "exported under (`2026 Term 3 (Sep-Nov)`). Recorded under `2026 Term 3 (Sep-Nov)`. "
        "Fix whichever is wrong: the Term field or the export."
    )
    assert replies.lfx_url_recorded("dkrook", URL, term_mismatch=warning) == (
        f"✅ LFX URL recorded from @dkrook: {URL}\n"
        "\n"
        f"{warning}\n"
        "\n"
        "**Next on LFX:**\n"
        "1. An LFX admin approves the program.\n"
        "2. Once approved, CNCF admins add the mentors."
    )


@pytest.mark.parametrize(
    ("declared", "exported"),
    [
        ("2026 Term 3 (Sep–Nov)", "2026 Term 3 (Sep-Nov)"),
        ("  2026  term 3\n(Sep-Nov) ", "2026 Term 3 (Sep-Nov)"),
        ("`2026 Term 3 (Sep-Nov)`", "2026 Term 3 (Sep-Nov)"),
        ("", "2026 Term 3 (Sep-Nov)"),
        ("2026 Term 3 (Sep-Nov)", ""),
    ],
)
def test_no_term_mismatch_warning_when_the_terms_agree_or_one_is_unknown(declared, exported):
    assert replies.term_mismatch_warning(declared, exported) == ""


# --- edits ---


def test_edited_after_approval_clearing_the_maintainer_approval():
    assert replies.edited_after_approval(True, False, ["yurishkuro"]) == (
        "♻️ This proposal was edited after approval, so its maintainer approval has been "
        "cleared and must be granted again.\n"
        "\n"
        "@yurishkuro — please re-review the updated proposal."
    )


def test_edited_after_approval_clearing_both_tags_each_approver_once():
    body = replies.edited_after_approval(True, True, ["dkrook", "yurishkuro", "@DKrook"])
    assert body == (
        "♻️ This proposal was edited after approval, so its maintainer approval and CNCF admin "
        "approval have been cleared and must be granted again.\n"
        "\n"
        "@dkrook @yurishkuro — please re-review the updated proposal."
    )


def test_edited_after_approval_clearing_the_admin_approval_without_mentions():
    assert replies.edited_after_approval(False, True, []) == (
        "♻️ This proposal was edited after approval, so its CNCF admin approval has been "
        "cleared and must be granted again."
    )
    with pytest.raises(ValueError, match="Nothing was cleared"):
        replies.edited_after_approval(False, False, ["dkrook"])


def test_reply_reactions():
    assert replies.reply_reaction(replies.cncf_approval_granted("dkrook")) == "+1"
    assert replies.reply_reaction(replies.lfx_url_usage()) == "-1"
    assert replies.reply_reaction(replies.approve_already_approved()) is None

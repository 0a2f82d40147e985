"""The validation comment, byte for byte the CNCF one (lfx-proposal-validate.yml, next-steps.js)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from cohort.proposals.comment import MARKER, NextSteps, next_steps_lines, validation_comment
from cohort.proposals.rules import ValidationResult

GUIDE = (
    "https://github.com/cncf/mentoring/blob/main/programs/lfx-mentorship/README.md"
    "#what-happens-after-you-submit"
)
LFID_WARNING = (
    "LFX LFID/email verification is not yet automated. Please manually confirm mentor emails "
    "are registered on https://mentorship.lfx.linuxfoundation.org."
)
QUOTA_PASSED = "Quota: 1/4 proposals for Jaeger in 2026 Term 3 (Sep-Nov)"
TERM = "2026 Term 3 (Sep-Nov)"


BASE = NextSteps(
    proposer="alice",
    maintainer_approved=False,
    maintainer_auto_approved=False,
    confirmed=("alice",),
    awaiting=("bob",),
    proposer_is_mentor=True,
    guide_url=GUIDE,
)


def steps(**changes: Any) -> NextSteps:
    return replace(BASE, **changes)


def test_passing_comment_shows_title_checks_and_next_steps_with_a_doubled_blank_line():
    result = ValidationResult(errors=[], warnings=[LFID_WARNING], passed=[QUOTA_PASSED])

    body = validation_comment(
        result, project="Jaeger", program_name="Jaeger v2 Helm Chart", term=TERM, next_steps=steps()
    )

    assert body == (
        "## 🤖 LFX Proposal Validation\n"
        "\n"
        "**LFX program title** (49/100 chars):\n"
        "\n"
        "```\n"
        "CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3)\n"
        "```\n"
        "\n"
        "✅ **All checks passed.**\n"
        "\n"
        "⚠️ **1 warning(s):**\n"
        "\n"
        "- LFX LFID/email verification is not yet automated. Please manually confirm mentor "
        "emails are registered on https://mentorship.lfx.linuxfoundation.org.\n"
        "\n"
        "✅ **Passed checks**\n"
        "\n"
        "- Quota: 1/4 proposals for Jaeger in 2026 Term 3 (Sep-Nov)\n"
        "\n"
        "\n"
        "### What happens next\n"
        "\n"
        "1. **Maintainer approval** — ⏳ a project maintainer (or authorized delegate) comments "
        "`/approve`.\n"
        "2. **Mentor confirmation** — ⏳ 1 of 2 confirmed; @alice auto-counted as proposer. "
        "Awaiting `/confirm` from @bob.\n"
        "3. **CNCF approval** — ⏳ a CNCF admin comments `/cncf-approve` to finalize.\n"
        "\n"
        "[Proposal process guide](https://github.com/cncf/mentoring/blob/main/programs/"
        "lfx-mentorship/README.md#what-happens-after-you-submit)\n"
        "\n"
        "---\n"
        "_Re-run by editing the issue._"
    )
    assert body.startswith(MARKER)


def test_failing_comment_lists_errors_and_has_no_next_steps():
    result = ValidationResult(
        errors=["Program Description is empty.", "Technologies is empty."],
        warnings=[],
        passed=[QUOTA_PASSED],
    )

    body = validation_comment(
        result, project="Jaeger", program_name="Jaeger v2 Helm Chart", term=TERM, next_steps=steps()
    )

    assert body == (
        "## 🤖 LFX Proposal Validation\n"
        "\n"
        "**LFX program title** (49/100 chars):\n"
        "\n"
        "```\n"
        "CNCF - Jaeger: Jaeger v2 Helm Chart (2026 Term 3)\n"
        "```\n"
        "\n"
        "❌ **2 issue(s) found — please edit to fix:**\n"
        "\n"
        "- Program Description is empty.\n"
        "- Technologies is empty.\n"
        "\n"
        "✅ **Passed checks**\n"
        "\n"
        "- Quota: 1/4 proposals for Jaeger in 2026 Term 3 (Sep-Nov)\n"
        "\n"
        "\n"
        "---\n"
        "_Re-run by editing the issue._"
    )


def test_title_block_is_left_out_when_a_part_is_missing_and_empty_blocks_are_skipped():
    result = ValidationResult(errors=["Program Name is empty."], warnings=[], passed=[])

    body = validation_comment(
        result, project="Jaeger", program_name="", term=TERM, next_steps=steps()
    )

    assert body == (
        "## 🤖 LFX Proposal Validation\n"
        "\n"
        "❌ **1 issue(s) found — please edit to fix:**\n"
        "\n"
        "- Program Name is empty.\n"
        "\n"
        "\n"
        "---\n"
        "_Re-run by editing the issue._"
    )


def test_title_over_the_limit_counts_utf16_units_and_is_flagged():
    # 100 code points, but the rocket is two UTF-16 units, so JavaScript counts 101.
    name = "🚀" + "x" * 70
    result = ValidationResult(errors=[], warnings=[], passed=[])

    body = validation_comment(
        result,
        project="Jaeger",
        program_name=name,
        term=TERM,
        next_steps=steps(maintainer_approved=True, confirmed=("alice", "bob"), awaiting=()),
    )

    assert body.split("\n")[2:7] == [
        "**LFX program title** (101/100 chars ⚠️ over limit):",
        "",
        "```",
        f"CNCF - Jaeger: {name} (2026 Term 3)",
        "```",
    ]
    # No warnings and no passed checks: "All checks passed." is followed by the next steps.
    assert "✅ **All checks passed.**\n\n\n### What happens next\n" in body
    assert "warning(s)" not in body
    assert "Passed checks" not in body


def test_title_of_exactly_100_units_is_not_over_the_limit():
    name = "x" * 71  # 29 fixed characters + 71 = 100
    body = validation_comment(
        ValidationResult(), project="Jaeger", program_name=name, term=TERM, next_steps=steps()
    )
    assert "**LFX program title** (100/100 chars):" in body


def test_next_steps_when_the_proposer_is_a_maintainer_and_all_mentors_confirmed():
    lines = next_steps_lines(
        steps(
            maintainer_approved=True,
            maintainer_auto_approved=True,
            confirmed=("alice", "bob"),
            awaiting=(),
        )
    )

    assert lines == [
        "### What happens next",
        "",
        "1. **Maintainer approval** — ✅ recorded; proposer @alice is a project maintainer.",
        "2. **Mentor confirmation** — ✅ all 2 confirmed; @alice auto-counted as proposer.",
        "3. **CNCF approval** — ⏳ a CNCF admin comments `/cncf-approve` to finalize.",
        "",
        f"[Proposal process guide]({GUIDE})",
    ]


def test_next_steps_when_a_maintainer_approved_and_the_proposer_is_not_a_mentor():
    lines = next_steps_lines(
        steps(
            proposer="carol",
            maintainer_approved=True,
            confirmed=(),
            awaiting=("alice", "@bob"),
            proposer_is_mentor=False,
        )
    )

    assert lines[2:4] == [
        "1. **Maintainer approval** — ✅ recorded.",
        "2. **Mentor confirmation** — ⏳ 0 of 2 confirmed. Awaiting `/confirm` from @alice, @bob.",
    ]

"""The validation comment Cohort writes on a GitHub proposal issue (spec/cncf-process.md §2.3).

The text is the CNCF bot's, byte for byte (`lfx-proposal-validate.yml`, "Build validation
comment", and `lib/next-steps.js`), so a proposer sees the same comment whichever system
validated the issue, and Cohort finds its own earlier comment by its first line (`MARKER`):

    ## 🤖 LFX Proposal Validation
    (blank)
    **LFX program title** (84/100 chars):        only when project, name and term are set
    (blank) ``` title ``` (blank)
    ✅ **All checks passed.**  or  ❌ **2 issue(s) found — please edit to fix:** + bullets
    ⚠️ **1 warning(s):** + bullets                  only when there are warnings
    ✅ **Passed checks** + bullets                  only when some checks passed
    ### What happens next …                         only when there are no errors
    ---
    _Re-run by editing the issue._

Every block ends with a blank line, and the "What happens next" block starts with one of its
own, so two blank lines come before it, as in the CNCF comment. The title's length is its
JavaScript length (UTF-16 code units), like the CNCF count.

Pure code: no Django imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from cohort.formats.issueform import utf16_len
from cohort.proposals.rules import LFX_TITLE_MAX, ValidationResult, lfx_title

MARKER: Final = "## 🤖 LFX Proposal Validation"
FOOTER: Final = "_Re-run by editing the issue._"


@dataclass(frozen=True)
class NextSteps:
    """The gate state the "What happens next" block reports (`lib/next-steps.js`).

    Handles are GitHub logins; a leading "@" is dropped when they are written out.
    """

    proposer: str  # the issue author's login, no "@"; may be ""
    maintainer_approved: bool
    maintainer_auto_approved: bool  # approved because the proposer is a project maintainer
    confirmed: tuple[str, ...]  # roster handles that have confirmed, in roster order
    awaiting: tuple[str, ...]  # roster handles still to `/confirm`, in roster order
    proposer_is_mentor: bool
    guide_url: str


def _at(handle: str) -> str:
    return "@" + handle.removeprefix("@")


def next_steps_lines(steps: NextSteps) -> list[str]:
    """The "What happens next" block, one list item per line (no trailing blank line)."""
    if steps.maintainer_approved and steps.maintainer_auto_approved:
        maintainer = f"— ✅ recorded; proposer {_at(steps.proposer)} is a project maintainer."
    elif steps.maintainer_approved:
        maintainer = "— ✅ recorded."
    else:
        maintainer = "— ⏳ a project maintainer (or authorized delegate) comments `/approve`."

    count = len(steps.confirmed)
    total = count + len(steps.awaiting)
    auto = f"; {_at(steps.proposer)} auto-counted as proposer" if steps.proposer_is_mentor else ""
    if steps.awaiting:
        awaiting = ", ".join(_at(h) for h in steps.awaiting)
        mentors = f"— ⏳ {count} of {total} confirmed{auto}. Awaiting `/confirm` from {awaiting}."
    else:
        mentors = f"— ✅ all {total} confirmed{auto}."

    return [
        "### What happens next",
        "",
        f"1. **Maintainer approval** {maintainer}",
        f"2. **Mentor confirmation** {mentors}",
        "3. **CNCF approval** — ⏳ a CNCF admin comments `/cncf-approve` to finalize.",
        "",
        f"[Proposal process guide]({steps.guide_url})",
    ]


def _bullets(items: list[str]) -> list[str]:
    return [f"- {item}" for item in items]


def validation_comment(
    result: ValidationResult,
    *,
    project: str,
    program_name: str,
    term: str,
    next_steps: NextSteps,
) -> str:
    """The whole validation comment for one validation run.

    `next_steps` is shown only when the result has no errors (the CNCF bot computes the gates
    only then); pass the current state either way.
    """
    lines = [MARKER, ""]

    if project and program_name and term:
        title = lfx_title(project, program_name, term)
        length = utf16_len(title)
        over = " ⚠️ over limit" if length > LFX_TITLE_MAX else ""
        lines += [
            f"**LFX program title** ({length}/{LFX_TITLE_MAX} chars{over}):",
            "",
            "```",
            title,
            "```",
            "",
        ]

    if result.errors:
        lines += [f"❌ **{len(result.errors)} issue(s) found — please edit to fix:**", ""]
        lines += [*_bullets(result.errors), ""]
    else:
        lines += ["✅ **All checks passed.**", ""]

    if result.warnings:
        lines += [f"⚠️ **{len(result.warnings)} warning(s):**", ""]
        lines += [*_bullets(result.warnings), ""]

    if result.passed:
        lines += ["✅ **Passed checks**", ""]
        lines += [*_bullets(result.passed), ""]

    if not result.errors:
        lines += ["", *next_steps_lines(next_steps)]

    lines += ["", "---", FOOTER]
    return "\n".join(lines)

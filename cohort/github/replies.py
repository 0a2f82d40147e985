"""The comments Cohort posts in reply to slash commands on a GitHub proposal issue.

Every text is the CNCF bot's, character for character (`lfx-proposal-approvals.yml` and its
`lib/approvals.js`, `lib/lfx-url.js`; spec/cncf-process.md §3.2, §3.4, §3.5), so people who
know the CNCF process read the same replies. Each function returns the whole comment body,
with the leading emoji and its space, as the workflow's `reply(emoji, message)` posts
`"{emoji} {message}"`. `reply_reaction()` gives the reaction the bot adds to the command
comment for such a reply (`lib/reactions.js`).

Handles are GitHub logins; a leading "@" is dropped before one is written as "@login".

Where the CNCF text names a source that only the CNCF repository has, the words are a
parameter, so Cohort can name its own source instead:

* `maintainer_approval_recorded(user, source)`: the CNCF sources are `{org}/.project/
  maintainers.yaml`, `project-maintainers.csv ({group})`, `approvers.yml (fallback handle)`
  and `approvers.yml (global approver)` (`SOURCE_*` below);
* `approve_not_authorized(user, project, approvers)`: `approvers` is the paragraph that says
  who may approve; `approver_list()` builds the CNCF "Approvers must be:" list from lines
  (`cncf_approver_lines()` gives the CNCF ones) and `exclusive_approvers_note()` the CNCF
  note for projects whose maintainers may not approve, naming `where` the approvers are
  listed.

The `/lfx-url` refusal `lfx_url_export_not_on_main()` speaks of the CNCF repository's
`main` branch and export pull request; it is kept for completeness.

Pure code: no Django imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from cohort.formats.issueform import JS_SPACE, js_trim
from cohort.proposals.issue_labels import MAINTAINER_APPROVED, MENTORS_CONFIRMED

OK: Final = "✅"
ERROR: Final = "❌"
INFO: Final = "ℹ️"

# The CNCF approval sources, as `/approve` names them (§3.2).
SOURCE_FALLBACK_HANDLE: Final = "approvers.yml (fallback handle)"
SOURCE_GLOBAL_APPROVER: Final = "approvers.yml (global approver)"

LFX_NEXT_STEPS: Final = (
    "**Next on LFX:**\n"
    "1. An LFX admin approves the program.\n"
    "2. Once approved, CNCF admins add the mentors."
)


_JS_SPACE_RUN: Final = re.compile(f"[{JS_SPACE}]+")


def _at(handle: str) -> str:
    return "@" + handle.removeprefix("@")


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def reply_reaction(body: str) -> str | None:
    """The reaction for the command comment: "+1" on a ✅ reply, "-1" on ❌, none otherwise."""
    if body.startswith(OK + " "):
        return "+1"
    if body.startswith(ERROR + " "):
        return "-1"
    return None


# --- /approve ---------------------------------------------------------------------------------


def source_dot_project(org: str) -> str:
    """The CNCF tier-1 source, "{org}/.project/maintainers.yaml"."""
    return f"{org}/.project/maintainers.yaml"


def source_maintainers_csv(group: str) -> str:
    """The CNCF tier-2 source, "project-maintainers.csv ({project group in the CSV})"."""
    return f"project-maintainers.csv ({group})"


def approve_needs_validation() -> str:
    return (
        "❌ `/approve` requires the proposal to pass validation first.\n"
        "Please fix any validation errors and re-submit."
    )


def approve_already_approved() -> str:
    return "ℹ️ This proposal has already been approved by a maintainer."


def maintainer_approval_recorded(user: str, source: str) -> str:
    """The durable approval record; `source` says why `user` may approve (see module doc)."""
    return f"✅ Maintainer approval recorded from {_at(user)} ({source})."


def approver_list(lines: Sequence[str]) -> str:
    """ "Approvers must be:" and one "- " line per way to be an approver."""
    return "\n".join(["Approvers must be:", *(f"- {line}" for line in lines)])


def cncf_approver_lines(org: str) -> list[str]:
    """The CNCF's ways to be an approver; the `.project` one only when the org is known."""
    lines = [
        "Listed in [project-maintainers.csv]"
        "(https://github.com/cncf/foundation/blob/main/project-maintainers.csv)",
        "A fallback approver in `approvers.yml`",
    ]
    if org:
        lines.insert(
            0,
            f"A `project-maintainers` team member in [`{org}/.project/maintainers.yaml`]"
            f"(https://github.com/{org}/.project/blob/main/maintainers.yaml)",
        )
    return lines


def exclusive_approvers_note(project: str, where: str = "`approvers.yml`") -> str:
    """The note for a project whose maintainers may not `/approve` (only listed approvers)."""
    return (
        f"Approvals for **{project}** are limited to its listed approvers in {where} "
        "(plus CNCF global approvers); project maintainers can't `/approve` here."
    )


def approve_not_authorized(user: str, project: str, approvers: str) -> str:
    """The refusal; `approvers` is `approver_list(...)` or `exclusive_approvers_note(...)`."""
    return (
        f"❌ {_at(user)} is not authorized to `/approve` proposals for **{project}**.\n\n"
        f"{approvers}\n\n"
        "If this is an error, contact a CNCF program admin."
    )


def both_gates_met() -> str:
    """Posted once both the maintainer and the mentor gate hold (§3.4)."""
    return (
        "🎯 Both maintainer approval and mentor confirmation received. "
        "This proposal is now awaiting final CNCF admin approval.\n\n"
        "A CNCF program admin will review and comment `/cncf-approve` to finalize."
    )


# --- /confirm ---------------------------------------------------------------------------------


def confirm_needs_validation() -> str:
    return "❌ `/confirm` requires the proposal to pass validation first."


def roster_text(roster: Sequence[str]) -> str:
    """The mentors as "@a, @b", or "(none parsed)" when there are none."""
    return ", ".join(_at(handle) for handle in roster) or "(none parsed)"


def confirm_problem_not_listed(handle: str, roster: Sequence[str]) -> str:
    """`/confirm @handle` names someone who is not on the roster."""
    return (
        f"{_at(handle)} is not a listed mentor on this proposal. "
        f"Current mentors: {roster_text(roster)}"
    )


def confirm_problem_not_a_mentor(user: str, roster: Sequence[str]) -> str:
    """A bare `/confirm` from someone who is not on the roster."""
    return (
        f"{_at(user)} is not listed as a mentor on this proposal. "
        f"Only listed mentors can `/confirm`. Current mentors: {roster_text(roster)}"
    )


def confirm_problem_name_a_mentor(user: str, roster: Sequence[str]) -> str:
    """A bare `/confirm` from a global approver who is not a mentor."""
    return (
        f"{_at(user)}, to confirm a mentor use `/confirm @their-handle`. "
        f"Current mentors: {roster_text(roster)}"
    )


def confirm_problem_on_behalf() -> str:
    """`/confirm @other` from a mentor who is not a global approver."""
    return (
        "Only CNCF universal approvers can `/confirm` on behalf of another mentor. "
        "To confirm your own participation, comment `/confirm`."
    )


def confirm_refused(problems: Sequence[str]) -> str:
    """No `/confirm` line of the comment counted: its problems, each once, in order."""
    text = "\n\n".join(_unique(problems)) or "No `/confirm` action was recognized."
    return f"❌ {text}"


def confirm_recorded(
    user: str,
    credited: Sequence[str],
    *,
    already_complete: bool,
    count: int,
    total: int,
    remaining: Sequence[str],
    problems: Sequence[str] = (),
) -> str:
    """The reply when the comment's `/confirm` lines credited at least one mentor.

    `user` wrote the comment; `credited` are the mentors its lines confirmed; the tally
    (`count` of `total`, `remaining`) is over the whole history, this comment included.
    `already_complete` says the roster was complete before this comment. The reply is, in
    order of precedence: a plain thanks when the roster was already complete, the tally
    while mentors remain, or "All {total} listed mentors have confirmed." Problems with the
    comment's other lines follow as ⚠️ paragraphs.
    """
    credited = _unique(handle.removeprefix("@") for handle in credited)
    if not credited:
        raise ValueError("confirm_recorded needs at least one credited mentor.")
    if len(credited) == 1 and credited[0].casefold() == user.removeprefix("@").casefold():
        if already_complete:
            head = f"Thanks for confirming your participation, {_at(user)}!"
        else:
            head = f"Thanks for confirming, {_at(user)}!"
    elif len(credited) == 1:
        head = f"Recorded {_at(credited[0])}'s confirmation (by {_at(user)}). Thanks!"
    else:
        recorded = ", ".join(_at(handle) for handle in credited)
        head = f"Recorded confirmation for {recorded} (by {_at(user)}). Thanks!"
    note = "".join(f"\n\n⚠️ {problem}" for problem in _unique(problems))
    mentors = "mentor" if total == 1 else "mentors"
    if already_complete:
        return f"✅ {head}{note}"
    if remaining:
        waiting = ", ".join(_at(handle) for handle in remaining)
        return (
            f"✅ {head} That's {count} of {total} {mentors} so far. "
            f"Still waiting on: {waiting}.{note}"
        )
    return f"✅ {head} All {total} listed {mentors} have confirmed.{note}"


# --- /cncf-approve ----------------------------------------------------------------------------


def cncf_approve_not_authorized(user: str) -> str:
    return (
        f"❌ {_at(user)} is not authorized to use `/cncf-approve`. "
        "This command is restricted to CNCF program admins."
    )


def cncf_approve_already_approved() -> str:
    return "ℹ️ This proposal has already been CNCF-approved."


def cncf_approve_not_validated() -> str:
    return (
        "❌ Cannot `/cncf-approve` — this proposal is not currently passing validation. "
        "The proposer needs to resolve the validation errors (see the validation comment) "
        "first."
    )


def cncf_approve_missing(*, maintainer_approved: bool, mentors_confirmed: bool) -> str:
    """The refusal naming the gate label(s) still missing; ValueError when none is."""
    missing = [
        label
        for label, held in (
            (MAINTAINER_APPROVED, maintainer_approved),
            (MENTORS_CONFIRMED, mentors_confirmed),
        )
        if not held
    ]
    if not missing:
        raise ValueError("Both gates hold: nothing is missing.")
    names = " and ".join(f"`{label}`" for label in missing)
    return (
        f"❌ Cannot `/cncf-approve` — still missing: {names}.\n\n"
        "A maintainer must `/approve` and a listed mentor must `/confirm` first."
    )


def cncf_approval_granted(user: str) -> str:
    """The durable admin-approval record."""
    return (
        f"✅ CNCF admin approval granted by {_at(user)}.\n\n"
        "This proposal is approved and will be included in the next LFX export."
    )


# --- /lfx-url ---------------------------------------------------------------------------------


def lfx_url_not_authorized(user: str) -> str:
    return (
        f"❌ {_at(user)} is not authorized to use `/lfx-url`. "
        "This command is restricted to CNCF program admins."
    )


def lfx_url_closed() -> str:
    return (
        "❌ Cannot `/lfx-url` — this proposal is closed. "
        "Reopen it first if it really was posted to LFX."
    )


def lfx_url_not_exported() -> str:
    return (
        "❌ Cannot `/lfx-url` — this proposal has not been exported yet "
        "(no `Exported` label). Run the export first."
    )


def lfx_url_usage() -> str:
    return "❌ Usage: `/lfx-url <url>` — include the LFX program URL."


def lfx_url_invalid() -> str:
    return (
        "❌ That isn't an LFX Mentorship program URL. "
        "Expected `https://mentorship.lfx.linuxfoundation.org/project/<id>`."
    )


def lfx_url_export_not_on_main(url: str) -> str:
    """The CNCF refusal when the term's export is not merged yet (see module doc)."""
    return (
        "❌ Cannot `/lfx-url` — no exported program for this issue is on `main` yet. "
        f"Merge the term's export PR, then re-run: `/lfx-url {url}`"
    )


def _term_for_code(term: str) -> str:
    text = term.replace("`", "").replace("\u2013", "-").replace("\u2014", "-")
    return js_trim(_JS_SPACE_RUN.sub(" ", text))


def term_mismatch_warning(declared_term: str, exported_term: str) -> str:
    """The ⚠️ note when the issue's Term differs from its export's term, else "".

    Terms compare after dropping backticks, folding en and em dashes to "-", collapsing
    whitespace and ignoring case; either one empty means no note (`lib/lfx-url.js`).
    """
    declared = _term_for_code(declared_term)
    exported = _term_for_code(exported_term)
    if not declared or not exported or declared.lower() == exported.lower():
        return ""
    return (
        f"⚠️ This issue's **Term** field (`{declared}`) doesn't match the term it was "
        f"exported under (`{exported}`). Recorded under `{exported}`. "
        "Fix whichever is wrong: the Term field or the export."
    )


def lfx_url_recorded(user: str, url: str, *, term_mismatch: str = "") -> str:
    """The durable LFX URL record, then `term_mismatch` if any, then the next steps on LFX."""
    mismatch = f"\n\n{term_mismatch}" if term_mismatch else ""
    return f"✅ LFX URL recorded from {_at(user)}: {url}{mismatch}\n\n{LFX_NEXT_STEPS}"


# --- edits ------------------------------------------------------------------------------------


def edited_after_approval(
    cleared_maintainer: bool, cleared_admin: bool, mentions: Sequence[str]
) -> str:
    """Posted when a material edit cleared an approval; tags who gave it (§3.5).

    `mentions` are the approvers to tag, in order; repeats (ignoring case) are dropped,
    keeping the first spelling.
    """
    cleared = [
        what
        for what, done in (
            ("maintainer approval", cleared_maintainer),
            ("CNCF admin approval", cleared_admin),
        )
        if done
    ]
    if not cleared:
        raise ValueError("Nothing was cleared.")
    verb = "have" if len(cleared) == 2 else "has"
    text = (
        f"♻️ This proposal was edited after approval, so its {' and '.join(cleared)} "
        f"{verb} been cleared and must be granted again."
    )
    seen: set[str] = set()
    tags: list[str] = []
    for handle in mentions:
        key = handle.removeprefix("@").casefold()
        if key not in seen:
            seen.add(key)
            tags.append(_at(handle))
    if tags:
        text += f"\n\n{' '.join(tags)} — please re-review the updated proposal."
    return text

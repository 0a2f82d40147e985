"""The labels Cohort keeps on a GitHub proposal issue (spec/cncf-process.md §2.3, §3.3, §3.4).

The names are the CNCF automation's, so the CNCF board, searches and people read a Cohort-run
issue the same way. The CNCF workflows patch labels step by step; Cohort derives its gates
from the proposal's event log, so here the wanted set is computed from the current state
(`desired_labels`) and then compared with what the issue carries (`label_changes`).

The rules (§3.4, as `lib/gates.js` applies them on every validation run):

* always `lfx mentorship` and `Proposal`; `Validation Passed` or `Validation Failed`;
  `Needs Validation` never (the first run removes it); `Over Quota` with the quota warning;
* passing: each gate shows either its "approved" label or its "Awaiting" label;
  `CNCF Approved` while the admin approval holds (which needs both gates), and
  `Awaiting CNCF Admin Approval` once both gates hold and no admin has approved yet;
* failing: no "Awaiting" label; `Mentors Confirmed` stays while the roster is confirmed;
  `Maintainer/Contribex Approved` and `CNCF Approved` stay only while still held (a material
  edit clears them, which the caller's gate state already says);
* `Exported` once the program is in a term export; the year label (`2026`) and the term label.

`label_changes` removes only labels this module manages, so labels people add by hand
(`help wanted`, `administration`, `Mentors Registered`, …) are never touched.

Pure code: no Django imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

LFX_MENTORSHIP: Final = "lfx mentorship"
PROPOSAL: Final = "Proposal"
NEEDS_VALIDATION: Final = "Needs Validation"
VALIDATION_PASSED: Final = "Validation Passed"
VALIDATION_FAILED: Final = "Validation Failed"
OVER_QUOTA: Final = "Over Quota"
AWAITING_MAINTAINER: Final = "Awaiting Maintainer/Contribex Approval"
MAINTAINER_APPROVED: Final = "Maintainer/Contribex Approved"
AWAITING_MENTORS: Final = "Awaiting Mentor Confirmation"
MENTORS_CONFIRMED: Final = "Mentors Confirmed"
AWAITING_CNCF: Final = "Awaiting CNCF Admin Approval"
CNCF_APPROVED: Final = "CNCF Approved"
EXPORTED: Final = "Exported"
ADMINISTRATION: Final = "administration"  # admin PRs and issues; never on a proposal by us
MENTORS_REGISTERED: Final = "Mentors Registered"  # reserved by the CNCF, set by nobody

TERM_LABELS: Final[dict[int, str]] = {
    1: "Term 1: March-May",
    2: "Term 2: June-Aug",
    3: "Term 3: Sept-Nov",
}

OVER_QUOTA_PREFIX: Final = "**Over quota:**"

# The labels this module sets and clears, in the order `label_changes` adds them; a year label
# goes after `Exported` and the term label last.
_ORDER: Final = (
    LFX_MENTORSHIP,
    PROPOSAL,
    NEEDS_VALIDATION,
    VALIDATION_PASSED,
    VALIDATION_FAILED,
    OVER_QUOTA,
    AWAITING_MAINTAINER,
    MAINTAINER_APPROVED,
    AWAITING_MENTORS,
    MENTORS_CONFIRMED,
    AWAITING_CNCF,
    CNCF_APPROVED,
    EXPORTED,
)
_MANAGED: Final = frozenset(name.casefold() for name in (*_ORDER, *TERM_LABELS.values()))
_YEAR: Final = re.compile(r"[0-9]{4}")


def term_label(term_number: int) -> str:
    """The term label for term 1, 2 or 3 ("Term 3: Sept-Nov"); ValueError for any other."""
    try:
        return TERM_LABELS[term_number]
    except KeyError:
        raise ValueError(f"There is no term {term_number}; terms are 1, 2 and 3.") from None


def is_over_quota(warnings: Sequence[str]) -> bool:
    """Whether the validation warnings hold the quota warning (it starts "**Over quota:**")."""
    return any(warning.startswith(OVER_QUOTA_PREFIX) for warning in warnings)


def desired_labels(
    *,
    passed: bool,
    over_quota: bool,
    maintainer_approved: bool,
    mentors_confirmed: bool,
    admin_approved: bool,
    exported: bool,
    year: int | None,
    term_number: int | None,
) -> frozenset[str]:
    """Every managed label the issue should carry now (§3.4), as derived from the gates.

    `maintainer_approved`, `mentors_confirmed` and `admin_approved` are the gates as they hold
    now (a material edit has already cleared what it clears). On a passing proposal
    `CNCF Approved` also needs both gates, as `lib/gates.js` removes it when either lapses.
    """
    labels = {LFX_MENTORSHIP, PROPOSAL}
    if passed:
        labels.add(VALIDATION_PASSED)
        labels.add(MAINTAINER_APPROVED if maintainer_approved else AWAITING_MAINTAINER)
        labels.add(MENTORS_CONFIRMED if mentors_confirmed else AWAITING_MENTORS)
        if maintainer_approved and mentors_confirmed:
            labels.add(CNCF_APPROVED if admin_approved else AWAITING_CNCF)
    else:
        labels.add(VALIDATION_FAILED)
        if maintainer_approved:
            labels.add(MAINTAINER_APPROVED)
        if mentors_confirmed:
            labels.add(MENTORS_CONFIRMED)
        if admin_approved:
            labels.add(CNCF_APPROVED)
    if over_quota:
        labels.add(OVER_QUOTA)
    if exported:
        labels.add(EXPORTED)
    if year is not None:
        labels.add(str(year))
    if term_number is not None:
        labels.add(term_label(term_number))
    return frozenset(labels)


def is_managed(label: str) -> bool:
    """Whether `label_changes` may remove this label: ours, a term label or a 4-digit year."""
    return label.casefold() in _MANAGED or _YEAR.fullmatch(label) is not None


def _add_order(label: str) -> tuple[int, str]:
    if label in _ORDER:
        return (_ORDER.index(label), "")
    if _YEAR.fullmatch(label):
        return (len(_ORDER), label)
    if label in TERM_LABELS.values():
        return (len(_ORDER) + 1, label)
    return (len(_ORDER) + 2, label)


def label_changes(current: Iterable[str], desired: frozenset[str]) -> tuple[list[str], list[str]]:
    """The labels to add and to remove to turn `current` into `desired`: (add, remove).

    GitHub label names are case-insensitive, so a current label that equals a desired one
    ignoring case counts as present: it is neither added again nor removed.

    Only managed labels (`is_managed`) are ever removed; any other current label stays even
    when it is not in `desired`. A year label other than the desired one is removed, so is a
    year label when `desired` has none.

    Order: labels to add follow the order of the constants above (then the year label, then
    the term label); labels to remove keep their order in `current` and its spelling, which
    is the name GitHub knows them by.
    """
    current = list(current)
    have = {label.casefold() for label in current}
    wanted = {label.casefold() for label in desired}
    to_add = sorted((label for label in desired if label.casefold() not in have), key=_add_order)
    to_remove: list[str] = []
    removed: set[str] = set()
    for label in current:
        key = label.casefold()
        if key in wanted or key in removed or not is_managed(label):
            continue
        removed.add(key)
        to_remove.append(label)
    return to_add, to_remove

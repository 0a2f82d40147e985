"""The permission vocabulary (spec/style.md C): what can be done, and who someone is.

`Perm` names an action as "resource:action"; `Role` names how a user relates to an object.
Which role grants which permission is `ROLE_PERMS`; each app's `access.py` works out a
user's roles on its objects and applies this table, so views and the API ask one question
(`has_perm`) and get one answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Perm(StrEnum):
    PROPOSAL_VIEW = "proposal:view"
    PROPOSAL_EDIT = "proposal:edit"
    PROPOSAL_SUBMIT = "proposal:submit"
    PROPOSAL_APPROVE = "proposal:approve"  # the organization's maintainer approval
    PROPOSAL_CONFIRM = "proposal:confirm"  # a listed mentor confirms their slot
    PROPOSAL_DECIDE = "proposal:decide"  # admin approve, reject, publish, record the LFX URL
    PROPOSAL_WITHDRAW = "proposal:withdraw"
    TERM_BOARD = "term:board"
    APPLICATION_VIEW = "application:view"
    APPLICATION_EDIT = "application:edit"  # the mentee: hand in tasks, withdraw, re-apply
    APPLICATION_REVIEW = "application:review"  # notes, scores, shortlist, rank, decline
    QUEUE_VIEW = "project:queue"  # a project's applicants
    COUNTS_VIEW = "project:counts"  # how many applied, without who


class Role(StrEnum):
    PROGRAM_ADMIN = "program_admin"
    MAINTAINER = "maintainer"  # an organization maintainer or delegate
    MENTOR = "mentor"
    PROPOSER = "proposer"
    MENTEE = "mentee"
    OUTSIDER = "outsider"  # logged in, no relation to the object
    ANONYMOUS = "anonymous"


ROLE_PERMS: Mapping[Role, frozenset[Perm]] = {
    # Everything but the mentee's own hand: an admin never writes an application for them.
    Role.PROGRAM_ADMIN: frozenset(Perm) - {Perm.APPLICATION_EDIT},
    Role.MAINTAINER: frozenset({Perm.PROPOSAL_VIEW, Perm.PROPOSAL_APPROVE, Perm.COUNTS_VIEW}),
    Role.MENTOR: frozenset(
        {
            Perm.PROPOSAL_VIEW,
            Perm.PROPOSAL_EDIT,
            Perm.PROPOSAL_CONFIRM,
            Perm.PROPOSAL_WITHDRAW,
            Perm.APPLICATION_VIEW,
            Perm.APPLICATION_REVIEW,
            Perm.QUEUE_VIEW,
            Perm.COUNTS_VIEW,
        }
    ),
    Role.PROPOSER: frozenset(
        {Perm.PROPOSAL_VIEW, Perm.PROPOSAL_EDIT, Perm.PROPOSAL_SUBMIT, Perm.PROPOSAL_WITHDRAW}
    ),
    Role.MENTEE: frozenset({Perm.APPLICATION_VIEW, Perm.APPLICATION_EDIT}),
    Role.OUTSIDER: frozenset(),
    Role.ANONYMOUS: frozenset(),
}


def perms_of(roles: set[Role]) -> frozenset[Perm]:
    """Every permission any of `roles` grants."""
    return frozenset().union(*(ROLE_PERMS[role] for role in roles))

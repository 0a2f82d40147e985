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


class Role(StrEnum):
    PROGRAM_ADMIN = "program_admin"
    MAINTAINER = "maintainer"  # an organization maintainer or delegate
    MENTOR = "mentor"
    PROPOSER = "proposer"
    MENTEE = "mentee"
    OUTSIDER = "outsider"  # logged in, no relation to the object
    ANONYMOUS = "anonymous"


ROLE_PERMS: Mapping[Role, frozenset[Perm]] = {
    Role.PROGRAM_ADMIN: frozenset(Perm),
    Role.MAINTAINER: frozenset({Perm.PROPOSAL_VIEW, Perm.PROPOSAL_APPROVE}),
    Role.MENTOR: frozenset(
        {Perm.PROPOSAL_VIEW, Perm.PROPOSAL_EDIT, Perm.PROPOSAL_CONFIRM, Perm.PROPOSAL_WITHDRAW}
    ),
    Role.PROPOSER: frozenset(
        {Perm.PROPOSAL_VIEW, Perm.PROPOSAL_EDIT, Perm.PROPOSAL_SUBMIT, Perm.PROPOSAL_WITHDRAW}
    ),
    Role.MENTEE: frozenset(),
    Role.OUTSIDER: frozenset(),
    Role.ANONYMOUS: frozenset(),
}


def perms_of(roles: set[Role]) -> frozenset[Perm]:
    """Every permission any of `roles` grants."""
    return frozenset().union(*(ROLE_PERMS[role] for role in roles))

"""Maintainers' reminders of proposals to approve, in the proposals tests' world (a 2026
Term 3 whose proposals close Jul 28, 18:00 UTC): the organization's approvers are reminded
until a maintainer approves, again after a material edit, never the proposer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from cohort.proposals import services as proposals
from cohort.proposals.tests.conftest import DEADLINE, IN_WINDOW, World, _world, make_form
from cohort.reminders.services import send_due_reminders


@pytest.fixture
def jaeger(db) -> Iterator[World]:
    with time_machine.travel(IN_WINDOW, tick=False):
        w = _world()
        for user in w.users.values():
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
        yield w


def reminded() -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if str(m.subject).startswith("Reminder"))


def test_approvers_are_reminded_until_a_maintainer_approves_and_again_after_an_edit(
    jaeger: World,
) -> None:
    carol = jaeger.users["carol"]  # a mentor, not a maintainer: her proposal needs approving
    proposal = proposals.create_proposal(
        jaeger.term,
        make_form(mentors="Carol Doe | @carol | carol@example.org | carollf"),
        actor=carol,
    )
    proposals.submit_proposal(proposal, actor=carol)
    mail.outbox.clear()
    send_due_reminders(DEADLINE - timedelta(hours=71))
    assert reminded() == ["maintainer@example.org"]
    assert "waits for a maintainer's approval" in mail.outbox[0].subject

    proposals.approve_proposal(proposal, actor=jaeger.users["maintainer"])
    mail.outbox.clear()
    assert send_due_reminders(DEADLINE - timedelta(hours=23)).due == 0

    # A material edit clears the approval (cncf-process.md §3.5): reminded again.
    proposals.update_proposal(
        proposal,
        make_form(
            mentors="Carol Doe | @carol | carol@example.org | carollf",
            description="## Description\n\nShip a Helm chart and an operator.",
        ),
        actor=carol,
    )
    send_due_reminders(DEADLINE - timedelta(hours=22))
    assert reminded() == ["maintainer@example.org"]


def test_a_maintainers_own_proposal_needs_no_reminder(jaeger: World) -> None:
    maintainer = jaeger.users["maintainer"]
    proposal = proposals.create_proposal(jaeger.term, make_form(), actor=maintainer)
    proposals.submit_proposal(proposal, actor=maintainer)
    mail.outbox.clear()
    assert send_due_reminders(DEADLINE - timedelta(hours=71)).due == 0

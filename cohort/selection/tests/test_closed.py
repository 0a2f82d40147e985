"""A closed term's selection cannot change (issue 16): each service refuses with
TermClosedError and changes nothing; the periodic job leaves the term alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from cohort.selection import services as s
from cohort.selection.models import Offer, Override, Round
from cohort.selection.tests.conftest import BEFORE_NOTIFY, NOTIFY_AT, Selection
from cohort.terms.services import TermClosedError
from cohort.terms.tests.closing import close, snapshot

pytestmark = pytest.mark.django_db


def _draft(sel: Selection) -> Round:
    return Round.objects.get(term=sel.world.term, status=Round.Status.DRAFT)


def _offer(sel: Selection) -> Offer:
    return Offer.objects.filter(term=sel.world.term, status=Offer.Status.PENDING).earliest("pk")


# Services of a term with a draft round (and one override).
ON_DRAFT: dict[str, Callable[[Selection], object]] = {
    "set_slots": lambda sel: s.set_slots(sel.project("falco"), 3, actor=sel.world.user("admin")),
    "rank_my_applications": lambda sel: s.rank_my_applications(
        sel.world.user("mentee1"),
        sel.world.term,
        [sel.application("mentee1", "cilium").pk, sel.application("mentee1", "antrea").pk],
    ),
    "run_round": lambda sel: s.run_round(sel.world.term, actor=sel.world.user("admin")),
    "add_override": lambda sel: s.add_override(
        _draft(sel),
        sel.application("mentee3", "falco"),
        kind=Override.Kind.FORBID,
        reason="No.",
        actor=sel.world.user("admin"),
    ),
    "remove_override": lambda sel: s.remove_override(
        Override.objects.get(), actor=sel.world.user("admin")
    ),
    "discard_round": lambda sel: s.discard_round(_draft(sel), actor=sel.world.user("admin")),
    "confirm_round": lambda sel: s.confirm_round(_draft(sel), actor=sel.world.user("admin")),
}
# Services of a term whose round is confirmed and announced (offers pending).
ON_OFFERS: dict[str, Callable[[Selection], object]] = {
    "accept_offer": lambda sel: s.accept_offer(
        _offer(sel), actor=_offer(sel).mentee, now=NOTIFY_AT
    ),
    "decline_offer": lambda sel: s.decline_offer(
        _offer(sel), actor=_offer(sel).mentee, now=NOTIFY_AT
    ),
}


@pytest.fixture
def drafted(ready: Selection) -> Selection:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    s.add_override(
        round_,
        ready.application("mentee2", "falco"),
        kind=Override.Kind.FORBID,
        reason="Conflict.",
        actor=admin,
    )
    close(ready.world.term)
    return ready


@pytest.fixture
def offered(ready: Selection) -> Selection:
    admin = ready.world.user("admin")
    s.confirm_round(s.run_round(ready.world.term, actor=admin), actor=admin, now=NOTIFY_AT)
    assert Offer.objects.filter(status=Offer.Status.PENDING, deadline__isnull=False).exists()
    close(ready.world.term)
    return ready


@pytest.mark.parametrize("name", sorted(ON_DRAFT))
def test_a_closed_terms_draft_cannot_change(drafted: Selection, name: str) -> None:
    before = snapshot()
    with pytest.raises(TermClosedError, match="is closed"):
        ON_DRAFT[name](drafted)
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(ON_OFFERS))
def test_a_closed_terms_offers_cannot_change(offered: Selection, name: str) -> None:
    before = snapshot()
    with pytest.raises(TermClosedError, match="is closed"):
        ON_OFFERS[name](offered)
    assert snapshot() == before


def test_the_periodic_job_leaves_a_closed_term_alone(offered: Selection) -> None:
    before = snapshot()
    assert s.lapse_due_offers(NOTIFY_AT + timedelta(days=60)) == 0
    assert s.announce_due_rounds(NOTIFY_AT + timedelta(days=60)) == []
    assert snapshot() == before


def test_a_closed_terms_confirmed_round_is_not_announced(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.confirm_round(
        s.run_round(ready.world.term, actor=admin), actor=admin, now=BEFORE_NOTIFY
    )
    assert round_.announced_at is None
    close(ready.world.term)
    before = snapshot()
    assert s.announce_due_rounds(NOTIFY_AT) == []
    with pytest.raises(TermClosedError):
        s.announce_round(round_, now=NOTIFY_AT)
    assert snapshot() == before

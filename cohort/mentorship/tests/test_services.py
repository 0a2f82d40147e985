"""Placement services: made by accepting an offer, every transition of the table (and no
other), who may make each, reasons and the audit log."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cohort.core.errors import DomainError, NotAllowedError
from cohort.core.models import AuditEvent, User
from cohort.mentorship import services as m
from cohort.mentorship.models import Placement
from cohort.mentorship.tests.conftest import (
    TERM_END,
    TERM_START,
    Placed,
    accept,
    offers_announced,
)
from cohort.selection.models import Offer
from cohort.selection.tests.conftest import Selection

S = Placement.Status
Service = Callable[[Placement, User], Placement]

SERVICES: dict[str, Service] = {
    "activate": lambda p, actor: m.activate_placement(p, actor=actor),
    "hold": lambda p, actor: m.hold_placement(p, actor=actor, reason="Family emergency."),
    "resume": lambda p, actor: m.resume_placement(p, actor=actor),
    "withdraw": lambda p, actor: m.withdraw_placement(p, actor=actor, reason="New job."),
    "fail": lambda p, actor: m.fail_placement(p, actor=actor, reason="No work for 4 weeks."),
    "graduate": lambda p, actor: m.graduate_placement(p, actor=actor),
}
# (from, service) -> to: the table, written out by hand.
ALLOWED = {
    (S.UPCOMING, "activate"): S.ACTIVE,
    (S.UPCOMING, "withdraw"): S.WITHDRAWN,
    (S.ACTIVE, "hold"): S.ON_HOLD,
    (S.ACTIVE, "withdraw"): S.WITHDRAWN,
    (S.ACTIVE, "fail"): S.FAILED,
    (S.ACTIVE, "graduate"): S.GRADUATED,
    (S.ON_HOLD, "resume"): S.ACTIVE,
    (S.ON_HOLD, "withdraw"): S.WITHDRAWN,
    (S.ON_HOLD, "fail"): S.FAILED,
}


def actions(placement: Placement) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="mentorship.placement", object_id=str(placement.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def set_status(placement: Placement, status: str) -> Placement:
    Placement.objects.filter(pk=placement.pk).update(status=status)
    placement.refresh_from_db()
    return placement


# --- made from an accepted offer -----------------------------------------------------------


def test_accepting_an_offer_makes_exactly_one_upcoming_placement(placed: Placed) -> None:
    p = placed.placement
    offer = Offer.objects.get(pk=p.offer_id)
    mentee = placed.world.user("mentee1")
    assert Placement.objects.count() == 1
    assert (p.mentee, p.project, p.term, p.application_id, p.status) == (
        mentee,
        placed.sel.project("cilium"),
        placed.world.term,
        placed.sel.application("mentee1", "cilium").pk,
        S.UPCOMING,
    )
    assert offer.status == Offer.Status.ACCEPTED
    assert (p.starts_at, p.ends_at, p.extended_weeks, p.outcome_note) == (
        TERM_START,
        TERM_END,
        0,
        "",
    )
    event = AuditEvent.objects.get(action="mentorship.placement.created")
    assert (event.actor, event.object_id) == (mentee, str(p.pk))
    assert event.data["offer"] == offer.pk

    # Idempotent for the same application: the same row, no second audit row.
    assert m.create_placement(offer, mentee) == p
    assert Placement.objects.count() == 1
    assert actions(p) == ["mentorship.placement.created"]


def test_each_accepted_offer_is_its_own_placement(placed: Placed) -> None:
    accept(placed.sel, "mentee2", "antrea")
    assert sorted(Placement.objects.values_list("mentee__username", "project__slug")) == [
        ("mentee1", "cilium-project"),
        ("mentee2", "antrea-project"),
    ]


def test_a_term_without_mentorship_dates_makes_a_placement_without_dates(
    ready: Selection,
) -> None:
    offers_announced(ready)
    offer = accept(ready, "mentee3", "falco")
    p = Placement.objects.get(offer=offer)
    assert (p.starts_at, p.ends_at, p.status) == (None, None, S.UPCOMING)


def test_only_an_accepted_offer_by_its_mentee_or_an_admin_becomes_a_placement(
    placed: Placed,
) -> None:
    pending = Offer.objects.get(mentee=placed.world.user("mentee3"))
    with pytest.raises(DomainError, match="Only an accepted offer"):
        m.create_placement(pending, placed.world.user("mentee3"))
    offer = Offer.objects.get(pk=placed.placement.offer_id)
    placed.placement.delete()
    for name in ("outsider", "mentee2", "bob"):
        with pytest.raises(NotAllowedError):
            m.create_placement(offer, placed.world.user(name))
    assert not Placement.objects.exists()
    again = m.create_placement(offer, placed.world.user("admin"))
    assert again.application_id == offer.application_id


# --- the table -----------------------------------------------------------------------------


def test_every_transition_of_the_table_works_and_every_other_is_refused(placed: Placed) -> None:
    admin = placed.world.user("admin")
    p = placed.placement
    for source in S.values:
        for name, service in SERVICES.items():
            set_status(p, source)
            before = actions(p)
            target = ALLOWED.get((S(source), name))
            if target is None:
                with pytest.raises(
                    DomainError, match=f"This placement is {source.replace('_', ' ')}"
                ):
                    service(p, admin)
                p.refresh_from_db()
                assert p.status == source, (source, name)
                assert actions(p) == before, (source, name)
            else:
                moved = service(p, admin)
                assert moved.status == target, (source, name)
                p.refresh_from_db()
                assert p.status == target, (source, name)
                assert actions(p) == [*before, f"mentorship.placement.{target}"]
    # The services cover exactly the table's edges.
    table = {(a, b) for a, targets in Placement.TRANSITIONS.items() for b in targets}
    assert {(a.value, b.value) for (a, _name), b in ALLOWED.items()} == table
    assert {S.WITHDRAWN, S.FAILED, S.GRADUATED} == Placement.TERMINAL


def test_a_refusal_says_what_the_placement_is_and_what_it_cannot_do(placed: Placed) -> None:
    p = set_status(placed.placement, S.GRADUATED)
    with pytest.raises(
        DomainError, match=r"^This placement is graduated; it cannot be put on hold\.$"
    ):
        m.hold_placement(p, actor=placed.world.user("admin"), reason="x")
    p = set_status(p, S.ON_HOLD)
    refusal = r"^This placement is on hold; it cannot become active\.$"
    with pytest.raises(DomainError, match=refusal):
        m.activate_placement(p, actor=placed.world.user("admin"))


# --- roles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["mentee1", "mentee2", "alice", "bob", "maintainer", "outsider"])
def test_only_a_program_admin_changes_a_placement(placed: Placed, name: str) -> None:
    p = set_status(placed.placement, S.ACTIVE)
    actor = placed.world.user(name)
    for service in ("hold", "fail", "graduate"):
        with pytest.raises(NotAllowedError, match="Only a program admin"):
            SERVICES[service](p, actor)
    p = set_status(p, S.UPCOMING)
    with pytest.raises(NotAllowedError):
        SERVICES["activate"](p, actor)
    p = set_status(p, S.ON_HOLD)
    with pytest.raises(NotAllowedError):
        SERVICES["resume"](p, actor)
    p.refresh_from_db()
    assert p.status == S.ON_HOLD
    assert actions(p) == ["mentorship.placement.created"]


def test_a_superuser_counts_as_a_program_admin(placed: Placed) -> None:
    root = User.objects.create_superuser("root", email="root@example.org", password="x")
    assert m.activate_placement(placed.placement, actor=root).status == S.ACTIVE


def test_the_mentee_may_withdraw_their_own_placement_and_no_one_else_s(placed: Placed) -> None:
    p = placed.placement
    for name in ("mentee2", "alice", "outsider"):
        with pytest.raises(NotAllowedError, match="Only the mentee or a program admin"):
            m.withdraw_placement(p, actor=placed.world.user(name), reason="Not mine.")
    mentee = placed.world.user("mentee1")
    done = m.withdraw_placement(p, actor=mentee, reason="  I took a full-time job.  ")
    assert (done.status, done.outcome_note) == (S.WITHDRAWN, "I took a full-time job.")
    event = AuditEvent.objects.get(action="mentorship.placement.withdrawn")
    assert (event.actor, event.note) == (mentee, "I took a full-time job.")
    assert event.data == {"before": "upcoming", "after": "withdrawn"}


# --- reasons and the audit log -------------------------------------------------------------


@pytest.mark.parametrize(
    "service",
    [m.hold_placement, m.withdraw_placement, m.fail_placement],
)
def test_hold_withdraw_and_fail_need_a_reason(
    placed: Placed, service: Callable[..., Placement]
) -> None:
    p = set_status(placed.placement, S.ACTIVE)
    for reason in ("", "   \n"):
        with pytest.raises(DomainError, match="is required"):
            service(p, actor=placed.world.user("admin"), reason=reason)
    with pytest.raises(DomainError, match="too long"):
        service(p, actor=placed.world.user("admin"), reason="x" * 2_001)
    p.refresh_from_db()
    assert p.status == S.ACTIVE
    assert actions(p) == ["mentorship.placement.created"]


def test_each_change_is_audited_with_its_actor_and_reason(placed: Placed) -> None:
    admin = placed.world.user("admin")
    p = m.activate_placement(placed.placement, actor=admin)
    p = m.hold_placement(p, actor=admin, reason="Exams for two weeks.")
    p = m.resume_placement(p, actor=admin)
    p = m.fail_placement(p, actor=admin, reason="No contact since the midterm.")
    assert p.outcome_note == "No contact since the midterm."
    events = AuditEvent.objects.filter(object_type="mentorship.placement").order_by("id")
    assert [(e.action, e.actor, e.note, e.data.get("before")) for e in events] == [
        ("mentorship.placement.created", placed.world.user("mentee1"), "", None),
        ("mentorship.placement.active", admin, "", "upcoming"),
        ("mentorship.placement.on_hold", admin, "Exams for two weeks.", "active"),
        ("mentorship.placement.active", admin, "", "on_hold"),
        ("mentorship.placement.failed", admin, "No contact since the midterm.", "active"),
    ]
    assert p.status_changed_at is not None


def test_graduating_keeps_its_optional_note(placed: Placed) -> None:
    admin = placed.world.user("admin")
    p = m.activate_placement(placed.placement, actor=admin)
    p = m.graduate_placement(p, actor=admin, note="Shipped the operator.")
    assert (p.status, p.outcome_note) == (S.GRADUATED, "Shipped the operator.")


def test_a_stale_copy_is_refused_by_the_locked_row(placed: Placed) -> None:
    """The service reads the row again under its lock, not the caller's copy."""
    admin = placed.world.user("admin")
    stale = Placement.objects.get(pk=placed.placement.pk)
    m.withdraw_placement(placed.placement, actor=admin, reason="Left the program.")
    assert stale.status == S.UPCOMING
    with pytest.raises(DomainError, match="is withdrawn; it cannot become active"):
        m.activate_placement(stale, actor=admin)

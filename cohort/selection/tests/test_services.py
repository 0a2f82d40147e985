"""Selection services: inputs, rounds, overrides, confirmation, announcement, and the
mentees' answers with the refills they cause (the scenario of conftest.py).

The clock is frozen at WINDOW_OPEN (the `ready` fixture), before NOTIFY_AT, unless a test
passes `now=` or moves it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from cohort.applications import queries
from cohort.applications import services as applications
from cohort.applications.models import Application
from cohort.core.errors import ConflictError, DomainError
from cohort.core.models import AuditEvent
from cohort.projects.models import Project
from cohort.selection import services as s
from cohort.selection.models import Offer, Override, Round
from cohort.selection.plan import Proposal
from cohort.selection.tests.conftest import NOTIFY_AT, Selection
from cohort.terms.models import Milestone

SLUGS = ("antrea", "cilium", "falco")
MENTEES = ("mentee1", "mentee2", "mentee3", "mentee4")
DEADLINE = NOTIFY_AT + timedelta(days=7)
Status = Application.Status


# --- helpers -------------------------------------------------------------------------------


def uid(sel: Selection, name: str) -> int:
    return sel.world.user(name).pk


def pid(sel: Selection, slug: str) -> int:
    return sel.project(slug).pk


def named(sel: Selection, assignment: dict[int, int]) -> dict[str, str]:
    """mentee id -> project id, as usernames and slugs."""
    people = {u.pk: name for name, u in sel.world.users.items()}
    projects = {pid(sel, slug): slug for slug in SLUGS}
    return {people[m]: projects[p] for m, p in assignment.items()}


def ids(sel: Selection, *names: str) -> list[int]:
    return [uid(sel, n) for n in names]


def proposal_of(round_: Round) -> Proposal:
    round_.refresh_from_db()
    return Proposal.from_json(round_.result)


def live(sel: Selection) -> dict[str, str]:
    return named(sel, dict(Offer.objects.live().values_list("mentee_id", "project_id")))


def offer(sel: Selection, mentee: str, slug: str, status: str = Offer.Status.PENDING) -> Offer:
    return Offer.objects.get(
        mentee=sel.world.user(mentee), project=sel.project(slug), status=status
    )


def status(sel: Selection, mentee: str, slug: str) -> str:
    return sel.application(mentee, slug).status


def actions(obj: object) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower,  # type: ignore[attr-defined]
            object_id=str(obj.pk),  # type: ignore[attr-defined]
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def confirmed(sel: Selection, **kwargs: object) -> Round:
    round_ = s.run_round(sel.world.term, actor=sel.world.user("admin"))
    return s.confirm_round(round_, actor=sel.world.user("admin"), **kwargs)  # type: ignore[arg-type]


def announced(sel: Selection) -> Round:
    round_ = confirmed(sel)
    assert s.announce_due_rounds(NOTIFY_AT) == [round_.pk]
    return round_


STABLE = {"mentee1": "cilium", "mentee2": "antrea", "mentee3": "falco"}


# --- inputs --------------------------------------------------------------------------------


def test_gather_inputs_has_both_sides_rankings_and_the_slots(ready: Selection) -> None:
    inputs = s.gather_inputs(ready.world.term)
    a, c, f = (pid(ready, slug) for slug in SLUGS)
    m1, m2, m3, m4 = ids(ready, *MENTEES)
    assert inputs.applicants == {m1: [a, c], m2: [a, f], m3: [c, f], m4: [a]}
    assert inputs.projects == {a: [m2, m1, m4], c: [m1, m3], f: [m2, m3]}
    assert inputs.capacities == {a: 1, c: 1, f: 1}

    s.set_slots(ready.project("antrea"), 3, actor=ready.world.user("admin"))
    user = ready.world.user("mentee1")
    s.rank_my_applications(
        user,
        ready.world.term,
        [
            ready.applications[("mentee1", "cilium")].pk,
            ready.applications[("mentee1", "antrea")].pk,
        ],
    )
    applications.rank_shortlist(
        ready.project("antrea"),
        [ready.applications[(m, "antrea")].pk for m in ("mentee4", "mentee2", "mentee1")],
        actor=ready.world.user("alice"),
    )
    inputs = s.gather_inputs(ready.world.term)
    assert inputs.applicants[m1] == [c, a]
    assert inputs.projects[a] == [m4, m2, m1]
    assert inputs.capacities == {a: 3, c: 1, f: 1}


def test_a_mentee_without_a_ranking_counts_in_the_order_they_applied(ready: Selection) -> None:
    user = ready.world.user("mentee1")
    a, c = pid(ready, "antrea"), pid(ready, "cilium")
    s.rank_my_applications(
        user,
        ready.world.term,
        [
            ready.applications[("mentee1", "cilium")].pk,
            ready.applications[("mentee1", "antrea")].pk,
        ],
    )
    assert s.gather_inputs(ready.world.term).applicants[user.pk] == [c, a]
    # Ranked ones first, then the others.
    Application.objects.filter(mentee=user, project=ready.project("cilium")).update(
        mentee_rank=None
    )
    Application.objects.filter(mentee=user, project=ready.project("antrea")).update(mentee_rank=1)
    assert s.gather_inputs(ready.world.term).applicants[user.pk] == [a, c]
    Application.objects.filter(mentee=user, project=ready.project("antrea")).update(
        mentee_rank=None
    )
    Application.objects.filter(mentee=user, project=ready.project("cilium")).update(mentee_rank=1)
    assert s.gather_inputs(ready.world.term).applicants[user.pk] == [c, a]
    # No ranking at all: the order they applied in (antrea first).
    Application.objects.filter(mentee=user).update(mentee_rank=None)
    assert s.gather_inputs(ready.world.term).applicants[user.pk] == [a, c]


def test_only_the_shortlist_is_on_a_project_s_list(ready: Selection) -> None:
    applications.unshortlist_application(
        ready.applications[("mentee4", "antrea")], actor=ready.world.user("alice")
    )
    inputs = s.gather_inputs(ready.world.term)
    a = pid(ready, "antrea")
    assert inputs.projects[a] == ids(ready, "mentee2", "mentee1")
    # Still submitted, so still in selection on their own side.
    assert inputs.applicants[uid(ready, "mentee4")] == [a]

    applications.withdraw_application(
        ready.applications[("mentee4", "antrea")], actor=ready.world.user("mentee4")
    )
    assert uid(ready, "mentee4") not in s.gather_inputs(ready.world.term).applicants


def test_only_published_projects_take_part(ready: Selection) -> None:
    Project.objects.filter(pk=pid(ready, "falco")).update(status=Project.Status.WITHDRAWN)
    inputs = s.gather_inputs(ready.world.term)
    a, c, f = (pid(ready, slug) for slug in SLUGS)
    assert set(inputs.capacities) == set(inputs.projects) == {a, c}
    assert inputs.applicants[uid(ready, "mentee2")] == [a]
    assert inputs.applicants[uid(ready, "mentee3")] == [c]
    assert all(f not in ps for ps in inputs.applicants.values())


def test_slots_are_from_0_to_the_maximum_and_audited(ready: Selection) -> None:
    admin = ready.world.user("admin")
    antrea = ready.project("antrea")
    for bad in (-1, 21):
        with pytest.raises(DomainError, match="from 0 to 20"):
            s.set_slots(antrea, bad, actor=admin)
    s.set_slots(antrea, 2, actor=admin)
    antrea.refresh_from_db()
    assert antrea.slots == 2
    event = AuditEvent.objects.get(action="selection.slots.set")
    assert event.actor == admin
    assert event.data == {"before": 1, "after": 2}
    assert event.object_id == str(antrea.pk)


def test_a_mentee_ranks_each_of_their_applications_once(ready: Selection) -> None:
    user = ready.world.user("mentee1")
    mine = [ready.applications[("mentee1", slug)].pk for slug in ("antrea", "cilium")]
    other = ready.applications[("mentee2", "antrea")].pk
    for bad in ([mine[0]], [mine[0], mine[0]], [*mine, other]):
        with pytest.raises(DomainError, match="Rank each of your submitted applications once"):
            s.rank_my_applications(user, ready.world.term, bad)
    ranked = s.rank_my_applications(user, ready.world.term, mine[::-1])
    assert [a.pk for a in ranked] == mine[::-1]
    assert [a.mentee_rank for a in ranked] == [1, 2]
    assert AuditEvent.objects.filter(action="selection.mentee.ranked", actor=user).exists()


# --- rounds and overrides ------------------------------------------------------------------


def test_run_round_makes_one_draft_with_the_stable_assignment(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    assert round_.status == Round.Status.DRAFT
    assert round_.number == 1
    assert round_.computed_at is not None
    proposal = proposal_of(round_)
    assert named(ready, proposal.assignment) == STABLE
    assert proposal.unmatched == ids(ready, "mentee4")
    assert proposal.blocking == proposal.forced == []
    assert round_.inputs == s.gather_inputs(ready.world.term).to_json()
    assert s.draft_round(ready.world.term) == round_
    assert s.confirmed_round(ready.world.term) is None
    assert not Offer.objects.exists()  # nothing offered before confirmation

    # Running again recomputes the same draft, from the rankings as they are now.
    s.set_slots(ready.project("antrea"), 2, actor=admin)
    again = s.run_round(ready.world.term, actor=admin)
    assert again.pk == round_.pk
    assert Round.objects.filter(term=ready.world.term).count() == 1
    assert named(ready, proposal_of(round_).assignment) == {
        "mentee1": "antrea",
        "mentee2": "antrea",
        "mentee3": "cilium",
    }
    assert actions(round_) == ["selection.round.computed", "selection.round.computed"]


def test_a_discarded_draft_makes_room_for_the_next_round(ready: Selection) -> None:
    admin = ready.world.user("admin")
    first = s.run_round(ready.world.term, actor=admin)
    s.discard_round(first, actor=admin)
    second = s.run_round(ready.world.term, actor=admin)
    assert second.pk != first.pk
    assert second.number == 2
    first.refresh_from_db()
    assert first.status == Round.Status.DISCARDED
    with pytest.raises(DomainError):
        s.confirm_round(first, actor=admin)


def test_admin_can_force_and_forbid_and_remove_an_override(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    force = s.add_override(
        round_,
        ready.application("mentee1", "antrea"),
        kind=Override.Kind.FORCE,
        reason="  Only mentee1 can mentor the Windows port.  ",
        actor=admin,
    )
    assert force.reason == "Only mentee1 can mentor the Windows port."
    proposal = proposal_of(round_)
    assert named(ready, proposal.assignment) == {
        "mentee1": "antrea",
        "mentee2": "falco",
        "mentee3": "cilium",
    }
    assert named(ready, dict(proposal.forced)) == {"mentee1": "antrea"}
    assert named(ready, dict(proposal.blocking)) == {"mentee2": "antrea"}  # shown to the admin
    event = AuditEvent.objects.get(action="selection.override.force")
    assert (event.actor, event.note) == (admin, "Only mentee1 can mentor the Windows port.")
    assert event.data == {"application": ready.applications[("mentee1", "antrea")].pk}

    round_ = s.remove_override(force, actor=admin)
    assert not Override.objects.exists()
    assert named(ready, proposal_of(round_).assignment) == STABLE
    assert proposal_of(round_).forced == []
    removed = AuditEvent.objects.get(action="selection.override.removed")
    assert removed.data == {
        "application": ready.applications[("mentee1", "antrea")].pk,
        "kind": "force",
    }

    s.add_override(
        round_,
        ready.application("mentee2", "antrea"),
        kind=Override.Kind.FORBID,
        reason="Conflict of interest with the mentor.",
        actor=admin,
    )
    proposal = proposal_of(round_)
    assert named(ready, proposal.assignment) == {
        "mentee1": "antrea",
        "mentee2": "falco",
        "mentee3": "cilium",
    }
    assert proposal.blocking == []
    assert AuditEvent.objects.filter(
        action="selection.override.forbid", note="Conflict of interest with the mentor."
    ).exists()


def test_admin_cannot_add_an_override_that_breaks_a_rule(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    app = ready.applications

    def add(mentee: str, slug: str, kind: str = Override.Kind.FORCE, reason: str = "Why") -> None:
        application = ready.application(mentee, slug)
        s.add_override(round_, application, kind=kind, reason=reason, actor=admin)

    with pytest.raises(DomainError, match="Say why"):
        add("mentee1", "antrea", reason="   ")
    with pytest.raises(DomainError, match="either forces or forbids"):
        add("mentee1", "antrea", kind="prefer")
    applications.unshortlist_application(
        app[("mentee4", "antrea")], actor=ready.world.user("alice")
    )
    with pytest.raises(DomainError, match="Only a shortlisted application can be forced"):
        add("mentee4", "antrea")
    add("mentee4", "antrea", kind=Override.Kind.FORBID)  # a submitted one can be kept apart
    with pytest.raises(DomainError, match="already has an override"):
        add("mentee4", "antrea", kind=Override.Kind.FORBID)
    applications.withdraw_application(app[("mentee3", "falco")], actor=ready.world.user("mentee3"))
    with pytest.raises(DomainError, match="Only an application in this term's selection"):
        add("mentee3", "falco", kind=Override.Kind.FORBID)

    add("mentee1", "antrea")
    with pytest.raises(DomainError, match="already forced onto a project"):
        add("mentee1", "cilium")
    with pytest.raises(DomainError, match="already has an override"):
        add("mentee1", "antrea", kind=Override.Kind.FORBID)
    # Two forced onto antrea's one slot: refused, and nothing is kept.
    with pytest.raises(DomainError, match="The overrides cannot all hold"):
        add("mentee2", "antrea")
    assert Override.objects.count() == 2
    assert named(ready, dict(proposal_of(round_).forced)) == {"mentee1": "antrea"}

    s.confirm_round(round_, actor=admin)
    with pytest.raises(DomainError, match="only change while the round is a draft"):
        add("mentee3", "cilium")
    with pytest.raises(DomainError, match="only change while the round is a draft"):
        s.remove_override(Override.objects.first(), actor=admin)  # type: ignore[arg-type]
    assert Override.objects.count() == 2


def test_admin_cannot_override_an_application_withdrawn_meanwhile(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    seen = ready.application("mentee1", "antrea")  # what the admin's page loaded
    applications.withdraw_application(seen, actor=ready.world.user("mentee1"))
    with pytest.raises(DomainError, match="Only an application in this term's selection"):
        s.add_override(round_, seen, kind=Override.Kind.FORCE, reason="Why", actor=admin)


# --- confirmation --------------------------------------------------------------------------


def test_confirm_round_makes_the_offers_as_computed(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = confirmed(ready)
    assert round_.status == Round.Status.CONFIRMED
    assert s.confirmed_round(ready.world.term) == round_
    assert s.draft_round(ready.world.term) is None
    offers = list(Offer.objects.order_by("id"))
    assert live(ready) == STABLE
    assert [o.seat for o in offers] == [1, 1, 1]
    assert {o.status for o in offers} == {Offer.Status.PENDING}
    assert all(o.round_id == round_.pk and o.term_id == ready.world.term.pk for o in offers)
    assert all(o.application.mentee_id == o.mentee_id for o in offers)
    assert all(o.application.project_id == o.project_id for o in offers)
    assert {o.reason for o in offers} == {"Selection round 1: the stable assignment."}
    for mentee, slug in STABLE.items():
        assert status(ready, mentee, slug) == Status.OFFERED
    for mentee, slug in (("mentee1", "antrea"), ("mentee2", "falco"), ("mentee3", "cilium")):
        assert status(ready, mentee, slug) == Status.SHORTLISTED
    assert status(ready, "mentee4", "antrea") == Status.SHORTLISTED
    assert "selection.round.confirmed" in actions(round_)
    assert AuditEvent.objects.filter(action="selection.offer.made", actor=admin).count() == 3

    with pytest.raises(DomainError, match="not a draft any more"):
        s.confirm_round(round_, actor=admin)
    assert Offer.objects.count() == 3
    with pytest.raises(DomainError, match="is confirmed"):
        s.run_round(ready.world.term, actor=admin)


def test_a_forced_offer_says_the_admins_placed_it(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    s.add_override(
        round_,
        ready.application("mentee1", "antrea"),
        kind=Override.Kind.FORCE,
        reason="Agreed with the maintainers.",
        actor=admin,
    )
    s.confirm_round(round_, actor=admin)
    forced = offer(ready, "mentee1", "antrea")
    assert forced.reason == "Selection round 1, placed by the program admins."
    assert offer(ready, "mentee2", "falco").reason == "Selection round 1: the stable assignment."
    made = AuditEvent.objects.get(action="selection.offer.made", object_id=str(forced.pk))
    assert made.note == "Agreed with the maintainers."
    assert made.data == {"seat": 1}


def test_confirm_refuses_a_response_period_out_of_range(ready: Selection) -> None:
    round_ = s.run_round(ready.world.term, actor=ready.world.user("admin"))
    for days in (0, 61):
        with pytest.raises(DomainError, match="from 1 to 60 days"):
            s.confirm_round(round_, actor=ready.world.user("admin"), response_days=days)
    assert not Offer.objects.exists()


def test_confirm_refuses_when_the_rankings_changed_since_computed(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    applications.rank_shortlist(
        ready.project("cilium"),
        [ready.applications[(m, "cilium")].pk for m in ("mentee3", "mentee1")],
        actor=ready.world.user("bob"),
    )
    with pytest.raises(ConflictError, match="changed since this assignment was computed"):
        s.confirm_round(round_, actor=admin)
    assert not Offer.objects.exists()
    # The round was recomputed from the new ranking (cilium now wants mentee3 first), and
    # that is kept: the admin reviews it and confirms what they see.
    round_.refresh_from_db()
    assert round_.status == Round.Status.DRAFT
    assert round_.inputs == s.gather_inputs(ready.world.term).to_json()
    assert named(ready, proposal_of(round_).assignment) == {
        "mentee2": "antrea",
        "mentee3": "cilium",
    }
    assert proposal_of(round_).unmatched == ids(ready, "mentee1", "mentee4")
    s.confirm_round(round_, actor=admin)
    assert live(ready) == {"mentee2": "antrea", "mentee3": "cilium"}


def test_confirm_refuses_when_the_slots_changed_since_computed(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    s.set_slots(ready.project("antrea"), 2, actor=admin)
    with pytest.raises(ConflictError):
        s.confirm_round(round_, actor=admin)
    assert not Offer.objects.exists()
    assert named(ready, proposal_of(round_).assignment) == {
        "mentee1": "antrea",
        "mentee2": "antrea",
        "mentee3": "cilium",
    }
    s.confirm_round(round_, actor=admin)
    assert live(ready) == {"mentee1": "antrea", "mentee2": "antrea", "mentee3": "cilium"}
    seats = Offer.objects.filter(project=ready.project("antrea")).values_list("seat", flat=True)
    assert sorted(seat or 0 for seat in seats) == [1, 2]


def test_confirm_refusing_stale_rankings_leaves_the_round_recomputed(ready: Selection) -> None:
    admin = ready.world.user("admin")
    round_ = s.run_round(ready.world.term, actor=admin)
    s.set_slots(ready.project("antrea"), 2, actor=admin)
    with pytest.raises(ConflictError):
        s.confirm_round(round_, actor=admin)
    round_.refresh_from_db()
    assert round_.inputs == s.gather_inputs(ready.world.term).to_json()
    assert named(ready, proposal_of(round_).assignment) == {
        "mentee1": "antrea",
        "mentee2": "antrea",
        "mentee3": "cilium",
    }
    s.confirm_round(round_, actor=admin)  # what the admin now sees is what is offered
    assert live(ready) == {"mentee1": "antrea", "mentee2": "antrea", "mentee3": "cilium"}


def test_slots_and_rankings_are_fixed_once_confirmed(ready: Selection) -> None:
    confirmed(ready)
    with pytest.raises(DomainError, match="slots can no longer change"):
        s.set_slots(ready.project("antrea"), 2, actor=ready.world.user("admin"))
    assert Project.objects.get(pk=pid(ready, "antrea")).slots == 1
    mine = [ready.applications[("mentee4", "antrea")].pk]
    with pytest.raises(DomainError, match="your ranking can no longer change"):
        s.rank_my_applications(ready.world.user("mentee4"), ready.world.term, mine)


# --- announcement --------------------------------------------------------------------------


def test_offers_confirmed_early_are_announced_on_the_notification_date(ready: Selection) -> None:
    round_ = confirmed(ready)
    assert round_.announced_at is None
    assert set(Offer.objects.values_list("announced_at", "deadline")) == {(None, None)}
    assert s.announce_due_rounds(NOTIFY_AT - timedelta(minutes=1)) == []
    assert set(Offer.objects.values_list("announced_at", "deadline")) == {(None, None)}

    assert s.announce_due_rounds(NOTIFY_AT) == [round_.pk]
    round_.refresh_from_db()
    assert round_.announced_at == NOTIFY_AT
    assert set(Offer.objects.values_list("announced_at", "deadline")) == {(NOTIFY_AT, DEADLINE)}
    assert "selection.round.announced" in actions(round_)

    assert s.announce_due_rounds(NOTIFY_AT + timedelta(hours=1)) == []
    assert s.announce_round(round_, now=NOTIFY_AT + timedelta(hours=1)) is False
    assert set(Offer.objects.values_list("announced_at", "deadline")) == {(NOTIFY_AT, DEADLINE)}
    assert actions(round_).count("selection.round.announced") == 1


def test_a_draft_round_is_never_announced(ready: Selection) -> None:
    round_ = s.run_round(ready.world.term, actor=ready.world.user("admin"))
    assert s.announce_due_rounds(NOTIFY_AT) == []
    assert s.announce_round(round_, now=NOTIFY_AT) is False


def test_confirming_after_the_notification_date_announces_at_once(ready: Selection) -> None:
    later = NOTIFY_AT + timedelta(days=1)
    round_ = confirmed(ready, now=later, response_days=3)
    round_.refresh_from_db()
    assert round_.announced_at == later
    assert set(Offer.objects.values_list("announced_at", "deadline")) == {
        (later, later + timedelta(days=3))
    }
    assert s.announce_due_rounds(later) == []


def test_confirm_returns_the_round_as_announced(ready: Selection) -> None:
    later = NOTIFY_AT + timedelta(days=1)
    assert confirmed(ready, now=later).announced_at == later


def test_a_term_without_a_notification_date_announces_at_confirmation(ready: Selection) -> None:
    Milestone.objects.filter(term=ready.world.term, key=s.NOTIFY_KEY).delete()
    round_ = confirmed(ready)
    round_.refresh_from_db()
    assert round_.announced_at is not None
    assert Offer.objects.filter(announced_at=round_.announced_at).count() == 3
    assert Offer.objects.filter(deadline=round_.announced_at + timedelta(days=7)).count() == 3


# --- accepting -----------------------------------------------------------------------------


def test_mentee_can_accept_their_own_offer_before_the_deadline(ready: Selection) -> None:
    confirmed(ready)
    mine = offer(ready, "mentee1", "cilium")
    user = ready.world.user("mentee1")
    with pytest.raises(DomainError, match="not been announced yet"):
        s.accept_offer(mine, actor=user, now=NOTIFY_AT - timedelta(days=1))
    s.announce_due_rounds(NOTIFY_AT)
    for other in ("mentee2", "admin"):
        with pytest.raises(DomainError, match="Only the mentee can answer"):
            s.accept_offer(mine, actor=ready.world.user(other), now=NOTIFY_AT)
    with pytest.raises(DomainError, match="deadline to answer this offer has passed"):
        s.accept_offer(mine, actor=user, now=DEADLINE)  # exactly at the deadline: too late

    accepted = s.accept_offer(mine, actor=user, now=DEADLINE - timedelta(seconds=1))
    assert accepted.status == Offer.Status.ACCEPTED
    mine.refresh_from_db()
    assert (mine.status, mine.seat) == (Offer.Status.ACCEPTED, 1)
    assert status(ready, "mentee1", "cilium") == Status.ACCEPTED
    with pytest.raises(DomainError, match="accepted already"):
        s.accept_offer(mine, actor=user, now=NOTIFY_AT)
    with pytest.raises(DomainError, match="accepted already"):
        s.decline_offer(mine, actor=user, now=NOTIFY_AT)
    assert live(ready) == STABLE  # nothing else moved


def test_accepting_closes_the_mentees_other_applications_as_placed_elsewhere(
    ready: Selection,
) -> None:
    confirmed(ready)
    s.announce_due_rounds(NOTIFY_AT)
    mentee = ready.world.user("mentee1")
    other = ready.application("mentee1", "antrea")
    assert other.status == Status.SHORTLISTED
    assert other.mentor_rank is not None

    s.accept_offer(offer(ready, "mentee1", "cilium"), actor=mentee, now=NOTIFY_AT)

    other.refresh_from_db()
    assert other.status == Status.PLACED_ELSEWHERE
    assert other.active_slot is None
    assert other.mentor_rank is None
    assert other.mentee_rank is None
    assert not other.is_active
    history = other.events.order_by("-id").first()
    assert history is not None
    assert history.reason == (
        f"You accepted a place on {ready.project('cilium').title}, so this application is closed."
    )
    # It leaves every queue and the next selection's inputs.
    admin = ready.world.user("admin")
    queued = {row.application.pk for row in queries.queue(ready.project("antrea"), admin)}
    assert other.pk not in queued
    inputs = s.gather_inputs(ready.world.term)
    assert ready.project("antrea").pk not in inputs.applicants.get(mentee.pk, [])
    assert mentee.pk not in inputs.projects[ready.project("antrea").pk]
    # The accepted one keeps its slot; nothing else moved.
    assert ready.application("mentee1", "cilium").active_slot is not None
    assert live(ready) == STABLE


def test_a_closed_application_is_final(ready: Selection) -> None:
    confirmed(ready)
    s.announce_due_rounds(NOTIFY_AT)
    s.accept_offer(
        offer(ready, "mentee1", "cilium"), actor=ready.world.user("mentee1"), now=NOTIFY_AT
    )
    other = ready.application("mentee1", "antrea")
    for edge in (Status.DRAFT, Status.SHORTLISTED, Status.WITHDRAWN, Status.OFFERED):
        assert not other.can_become(edge)
    with pytest.raises(DomainError):
        applications.withdraw_application(other, actor=ready.world.user("mentee1"))


# --- declining and the refill --------------------------------------------------------------


def test_a_decline_offers_places_up_the_chain(ready: Selection) -> None:
    round_ = announced(ready)
    at = NOTIFY_AT + timedelta(days=1)
    declined = s.decline_offer(
        offer(ready, "mentee2", "antrea"),
        actor=ready.world.user("mentee2"),
        reason="  I got a job.  ",
        now=at,
    )
    assert declined.status == Offer.Status.DECLINED
    assert declined.seat is None
    assert live(ready) == {"mentee1": "antrea", "mentee3": "cilium"}
    for mentee, slug in (("mentee1", "cilium"), ("mentee3", "falco")):
        old = Offer.objects.get(mentee=ready.world.user(mentee), project=ready.project(slug))
        assert (old.status, old.seat) == (Offer.Status.SUPERSEDED, None)
    assert Offer.objects.filter(status=Offer.Status.PENDING).count() == 2

    assert status(ready, "mentee2", "antrea") == Status.OFFER_DECLINED
    assert status(ready, "mentee2", "falco") == Status.SHORTLISTED
    assert status(ready, "mentee1", "antrea") == Status.OFFERED
    assert status(ready, "mentee1", "cilium") == Status.SHORTLISTED
    assert status(ready, "mentee3", "cilium") == Status.OFFERED
    assert status(ready, "mentee3", "falco") == Status.SHORTLISTED
    assert status(ready, "mentee4", "antrea") == Status.SHORTLISTED

    # Every offer says why it was made.
    antrea = offer(ready, "mentee1", "antrea")
    cilium = offer(ready, "mentee3", "cilium")
    assert antrea.reason == ("A place on Antrea project opened: the mentee offered it declined.")
    assert cilium.reason == (
        "A place on Cilium project opened: the mentee offered it moved up to a project they "
        "ranked higher."
    )
    for new in (antrea, cilium):
        assert (new.announced_at, new.deadline) == (at, at + timedelta(days=7))
        assert new.seat == 1
        assert new.round_id == round_.pk
    # The histories say why an offer went back to the shortlist, and why one was declined.
    back = ready.application("mentee1", "cilium").events.latest("id")
    assert back.reason == (
        "A place opened on Antrea project, which you ranked higher: its offer replaces this one."
    )
    back = ready.application("mentee3", "falco").events.latest("id")
    assert back.reason.startswith("A place opened on Cilium project, which you ranked higher")
    assert ready.application("mentee2", "antrea").events.latest("id").reason == ("I got a job.")
    assert AuditEvent.objects.get(action="selection.offer.declined").note == "I got a job."
    refilled = AuditEvent.objects.get(action="selection.round.refilled")
    assert sorted(refilled.data["offers"]) == sorted([antrea.pk, cilium.pk])

    # mentee2 left the selection: they cannot answer again, and are on no waitlist.
    with pytest.raises(DomainError, match="is declined by the mentee already"):
        s.accept_offer(declined, actor=ready.world.user("mentee2"), now=at)
    assert uid(ready, "mentee2") not in s.waitlist(round_, ready.project("falco"))
    # An offer that was replaced cannot be answered.
    with pytest.raises(DomainError, match="replaced by an offer"):
        s.accept_offer(
            offer(ready, "mentee1", "cilium", Offer.Status.SUPERSEDED),
            actor=ready.world.user("mentee1"),
            now=at,
        )


def test_an_accepted_placement_stays_when_another_mentee_declines(ready: Selection) -> None:
    announced(ready)
    at = NOTIFY_AT + timedelta(days=1)
    kept = offer(ready, "mentee1", "cilium")
    s.accept_offer(kept, actor=ready.world.user("mentee1"), now=at)
    falco = offer(ready, "mentee3", "falco")
    s.decline_offer(offer(ready, "mentee2", "antrea"), actor=ready.world.user("mentee2"), now=at)
    # mentee1 keeps cilium though they ranked antrea higher; antrea goes to the next in line.
    assert live(ready) == {"mentee1": "cilium", "mentee3": "falco", "mentee4": "antrea"}
    kept.refresh_from_db()
    assert kept.status == Offer.Status.ACCEPTED
    assert offer(ready, "mentee3", "falco").pk == falco.pk  # untouched
    assert offer(ready, "mentee4", "antrea").reason == (
        "A place on Antrea project opened: the mentee offered it declined."
    )
    assert not Offer.objects.filter(status=Offer.Status.SUPERSEDED).exists()


def test_lapsing_frees_places_once_and_refills_them(ready: Selection) -> None:
    announced(ready)
    s.accept_offer(
        offer(ready, "mentee1", "cilium"), actor=ready.world.user("mentee1"), now=NOTIFY_AT
    )
    assert s.lapse_due_offers(DEADLINE - timedelta(seconds=1)) == 0
    assert s.lapse_due_offers(DEADLINE) == 2  # mentee2 (antrea) and mentee3 (falco)
    assert live(ready) == {"mentee1": "cilium", "mentee4": "antrea"}
    for mentee, slug in (("mentee2", "antrea"), ("mentee3", "falco")):
        gone = offer(ready, mentee, slug, Offer.Status.LAPSED)
        assert gone.seat is None
        assert status(ready, mentee, slug) == Status.OFFER_DECLINED
        assert ready.application(mentee, slug).events.latest("id").reason == (
            "You did not answer the offer by its deadline, so it lapsed."
        )
    new = offer(ready, "mentee4", "antrea")
    assert new.reason == "A place on Antrea project opened: an earlier offer lapsed."
    assert (new.announced_at, new.deadline) == (DEADLINE, DEADLINE + timedelta(days=7))
    assert status(ready, "mentee4", "antrea") == Status.OFFERED

    assert s.lapse_due_offers(DEADLINE) == 0  # idempotent
    assert s.lapse_due_offers(DEADLINE + timedelta(days=1)) == 0
    assert live(ready) == {"mentee1": "cilium", "mentee4": "antrea"}
    assert s.lapse_due_offers(DEADLINE + timedelta(days=7)) == 1  # mentee4 in turn
    assert live(ready) == {"mentee1": "cilium"}


def test_unannounced_offers_never_lapse(ready: Selection) -> None:
    confirmed(ready)
    assert s.lapse_due_offers(NOTIFY_AT + timedelta(days=30)) == 0
    assert live(ready) == STABLE


@pytest.mark.parametrize("how", ["withdrawn", "declined by the mentors"])
def test_a_pair_that_left_selection_after_confirmation_is_skipped(
    ready: Selection, how: str
) -> None:
    announced(ready)
    mentee1_antrea = ready.applications[("mentee1", "antrea")]
    if how == "withdrawn":
        applications.withdraw_application(mentee1_antrea, actor=ready.world.user("mentee1"))
    else:
        applications.decline_applications(
            [mentee1_antrea], actor=ready.world.user("alice"), message="Not this time."
        )
    s.decline_offer(
        offer(ready, "mentee2", "antrea"),
        actor=ready.world.user("mentee2"),
        now=NOTIFY_AT + timedelta(hours=1),
    )
    # mentee1 would have moved up to antrea; without that application the place goes on.
    assert live(ready) == {"mentee1": "cilium", "mentee3": "falco", "mentee4": "antrea"}
    assert not Offer.objects.filter(status=Offer.Status.SUPERSEDED).exists()


def test_an_offered_application_cannot_be_withdrawn(ready: Selection) -> None:
    announced(ready)
    with pytest.raises(DomainError):
        applications.withdraw_application(
            ready.applications[("mentee1", "cilium")], actor=ready.world.user("mentee1")
        )
    assert live(ready) == STABLE


def test_waitlist_is_who_would_be_offered_a_place_next(ready: Selection) -> None:
    round_ = announced(ready)
    antrea, cilium, falco = (ready.project(slug) for slug in SLUGS)
    # mentee1 holds cilium but ranked antrea higher, so would move up; mentee4 is next.
    assert s.waitlist(round_, antrea) == ids(ready, "mentee1", "mentee4")
    assert s.waitlist(round_, cilium) == ids(ready, "mentee3")  # holds falco, ranked lower
    # mentee2 holds antrea, which they ranked above falco; mentee3 holds falco itself.
    assert s.waitlist(round_, falco) == []

    at = NOTIFY_AT + timedelta(hours=1)
    s.accept_offer(offer(ready, "mentee3", "falco"), actor=ready.world.user("mentee3"), now=at)
    assert s.waitlist(round_, cilium) == []  # mentee3 is placed
    s.decline_offer(offer(ready, "mentee2", "antrea"), actor=ready.world.user("mentee2"), now=at)
    assert live(ready) == {"mentee1": "antrea", "mentee3": "falco"}
    assert s.waitlist(round_, antrea) == ids(ready, "mentee4")
    assert s.waitlist(round_, falco) == []  # mentee2 left, mentee3 is placed
    # Cilium stays open: mentee1 moved up to antrea, which they ranked higher.
    assert s.waitlist(round_, cilium) == []

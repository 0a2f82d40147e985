"""Tests of the pure planning layer, `cohort.selection.plan`: overrides, refills after
declines, and the JSON a round stores. No database.

The fixed example is the conftest scenario with plain ints: mentees 1-4, projects
ANTREA, CILIUM and FALCO, one slot each.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort.selection.matching import is_stable
from cohort.selection.plan import Inputs, PlanError, Proposal, contested, propose, refill

ANTREA, CILIUM, FALCO = 10, 20, 30
M1, M2, M3, M4 = 1, 2, 3, 4

PROPERTY = settings(max_examples=300, deadline=None, database=None)


def scenario(slots: int = 1) -> Inputs:
    return Inputs(
        applicants={M1: [ANTREA, CILIUM], M2: [ANTREA, FALCO], M3: [CILIUM, FALCO], M4: [ANTREA]},
        projects={ANTREA: [M2, M1, M4], CILIUM: [M1, M3], FALCO: [M2, M3]},
        capacities={ANTREA: slots, CILIUM: slots, FALCO: slots},
    )


# --- propose -------------------------------------------------------------------------------


def test_propose_without_overrides_is_the_stable_assignment() -> None:
    proposal = propose(scenario())
    assert proposal.assignment == {M1: CILIUM, M2: ANTREA, M3: FALCO}
    assert list(proposal.assignment) == [M1, M2, M3]  # in the order of the applicants
    assert proposal.unmatched == [M4]
    assert proposal.forced == []
    assert proposal.blocking == []
    assert proposal.holders(ANTREA) == [M2]
    assert proposal.holders(99) == []


def test_forcing_a_pair_places_it_and_shows_the_blocking_pair_it_makes() -> None:
    # Antrea's mentors want mentee2 most; forcing mentee1 there displaces them.
    proposal = propose(scenario(), force=[(M1, ANTREA)])
    assert proposal.assignment == {M1: ANTREA, M2: FALCO, M3: CILIUM}
    assert proposal.forced == [(M1, ANTREA)]
    assert proposal.unmatched == [M4]
    assert proposal.blocking == [(M2, ANTREA)]


def test_forbidding_a_pair_keeps_it_apart_without_blocking_pairs() -> None:
    proposal = propose(scenario(), forbid=[(M2, ANTREA)])
    assert proposal.assignment == {M1: ANTREA, M2: FALCO, M3: CILIUM}
    assert proposal.forced == []
    # The forbidden pair is not counted as blocking: the admin chose to keep it apart.
    assert proposal.blocking == []
    assert proposal.unmatched == [M4]


def test_removed_mentees_are_out_and_not_listed_as_unmatched() -> None:
    proposal = propose(scenario(), removed=[M2])
    assert proposal.assignment == {M1: ANTREA, M3: CILIUM}
    assert proposal.unmatched == [M4]
    assert M2 not in proposal.unmatched


def test_a_forced_pair_of_a_removed_mentee_is_dropped() -> None:
    proposal = propose(scenario(), force=[(M2, FALCO)], removed=[M2])
    assert proposal.forced == []
    assert proposal.assignment == {M1: ANTREA, M3: CILIUM}


def test_fixed_placements_take_a_slot_and_are_not_listed_as_forced() -> None:
    proposal = propose(scenario(), fixed={M1: ANTREA})
    assert proposal.assignment == {M1: ANTREA, M2: FALCO, M3: CILIUM}
    assert proposal.forced == []
    assert proposal.blocking == [(M2, ANTREA)]


def test_force_and_fixed_agreeing_on_a_mentee_is_fine() -> None:
    proposal = propose(scenario(), force=[(M1, ANTREA)], fixed={M1: ANTREA})
    assert proposal.assignment[M1] == ANTREA
    assert proposal.forced == [(M1, ANTREA)]


def test_two_slots_place_everyone_who_is_wanted() -> None:
    proposal = propose(scenario(slots=2))
    assert proposal.assignment == {M1: ANTREA, M2: ANTREA, M3: CILIUM}
    assert proposal.unmatched == [M4]  # antrea is full with its first two choices
    assert proposal.holders(ANTREA) == [M1, M2]


def test_by_project_indexes_every_holder_in_one_pass() -> None:
    proposal = propose(scenario(slots=2))
    placed = proposal.by_project()
    assert placed == {ANTREA: [M1, M2], CILIUM: [M3]}
    # The same answer as asking `holders` project by project; projects with no one are absent.
    assert all(placed.get(p, []) == proposal.holders(p) for p in (ANTREA, CILIUM, FALCO, 99))
    assert FALCO not in placed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"force": [(M1, ANTREA), (M2, ANTREA)]}, "more placements forced than slots"),
        ({"force": [(M1, ANTREA)], "fixed": {M2: ANTREA}}, "more placements forced than slots"),
        ({"force": [(M1, ANTREA), (M1, CILIUM)]}, "Mentee 1 is placed on two projects"),
        ({"force": [(M1, CILIUM)], "fixed": {M1: ANTREA}}, "Mentee 1 is placed on two projects"),
        ({"force": [(M1, 99)]}, "Project 99 is not in this round"),
    ],
)
def test_overrides_that_cannot_all_hold_raise_plan_error(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(PlanError, match=message):
        propose(scenario(), **kwargs)


def test_forcing_onto_a_project_without_slots_raises_plan_error() -> None:
    inputs = scenario()
    inputs.capacities[FALCO] = 0
    with pytest.raises(PlanError, match="Project 30 has more placements forced than slots"):
        propose(inputs, force=[(M3, FALCO)])


def test_contested_lists_the_mentees_several_projects_want_in_their_own_order() -> None:
    assert contested(scenario()) == {M1: [ANTREA, CILIUM], M2: [ANTREA, FALCO], M3: [CILIUM, FALCO]}
    inputs = scenario()
    inputs.applicants[M2].reverse()  # mentee2 now prefers falco
    inputs.projects[CILIUM].remove(M1)  # and cilium no longer shortlists mentee1
    assert contested(inputs) == {M2: [FALCO, ANTREA], M3: [CILIUM, FALCO]}


# --- refill --------------------------------------------------------------------------------


def test_refill_after_a_decline_upgrades_along_the_chain() -> None:
    """mentee2 declines antrea: mentee1 moves up to antrea, which frees cilium for mentee3,
    and falco has no one left."""
    inputs = scenario()
    confirmed = propose(inputs).assignment
    pending = {m: p for m, p in confirmed.items() if m != M2}
    assert refill(inputs, removed=[M2], accepted={}, pending=pending) == {M1: ANTREA, M3: CILIUM}


def test_refill_keeps_an_accepted_placement() -> None:
    # mentee3 accepted falco before mentee2 declined: they stay on falco, cilium stays open.
    inputs = scenario()
    result = refill(inputs, removed=[M2], accepted={M3: FALCO}, pending={M1: CILIUM})
    assert result == {M1: ANTREA, M3: FALCO}


def test_refill_offers_a_lapsed_place_to_the_next_in_line() -> None:
    # mentee1 accepted cilium, mentee2 let antrea lapse: mentee4 is next on antrea's list.
    inputs = scenario()
    result = refill(inputs, removed=[M2], accepted={M1: CILIUM}, pending={M3: FALCO})
    assert result == {M1: CILIUM, M3: FALCO, M4: ANTREA}


def test_refill_never_moves_a_pending_holder_down() -> None:
    """A pair forbidden after confirmation (an application withdrawn) could push a pending
    holder out in a plain re-solve; refill keeps the pending offers as they are instead."""
    p, q = 100, 200
    inputs = Inputs(
        applicants={M1: [p], M2: [q, p]},
        projects={p: [M2, M1], q: [M2]},
        capacities={p: 1, q: 1},
    )
    assert propose(inputs, forbid=[(M2, q)]).assignment == {M2: p}  # M1 would lose p
    result = refill(inputs, forbid=[(M2, q)], removed=(), accepted={}, pending={M1: p})
    assert result == {M1: p}


def test_refill_keeps_forced_pairs_of_mentees_still_in() -> None:
    inputs = scenario()
    confirmed = propose(inputs, force=[(M1, ANTREA)]).assignment
    assert confirmed == {M1: ANTREA, M2: FALCO, M3: CILIUM}
    pending = {m: p for m, p in confirmed.items() if m != M3}
    result = refill(inputs, force=[(M1, ANTREA)], removed=[M3], accepted={}, pending=pending)
    assert result == {M1: ANTREA, M2: FALCO}


# --- the property: declines never hurt anyone still waiting --------------------------------


@st.composite
def instances(draw: st.DrawFn) -> tuple[Inputs, random.Random]:
    n_mentees = draw(st.integers(1, 7))
    n_projects = draw(st.integers(1, 4))
    mentees = list(range(1, n_mentees + 1))
    projects = list(range(101, 101 + n_projects))
    applicants: dict[int, list[int]] = {}
    for m in mentees:
        order = draw(st.permutations(projects))
        applicants[m] = list(order[: draw(st.integers(0, len(order)))])
    ranked: dict[int, list[int]] = {}
    for p in projects:
        applied = [m for m in mentees if p in applicants[m]]
        shortlist = draw(st.permutations(applied))
        ranked[p] = list(shortlist[: draw(st.integers(0, len(shortlist)))])
    capacities = {p: draw(st.integers(0, 2)) for p in projects}
    # Who accepts and who declines: a seeded generator, so each example can be replayed.
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))  # noqa: S311  # not a secret
    return (
        Inputs(
            applicants=applicants,
            projects=ranked,
            capacities=capacities,
        ),
        rng,
    )


def rank_of(inputs: Inputs, mentee: int, project: int) -> int:
    return inputs.applicants[mentee].index(project)


def stable_for_the_rest(
    inputs: Inputs, assignment: dict[int, int], removed: set[int], accepted: dict[int, int]
) -> bool:
    """Stable for the reduced instance: removed mentees dropped, accepted placements kept
    (out of the instance, each holding one of its project's slots)."""
    out = removed | set(accepted)
    capacities = dict(inputs.capacities)
    for project in accepted.values():
        capacities[project] -= 1
    return is_stable(
        {m: ps for m, ps in inputs.applicants.items() if m not in out},
        {p: [m for m in ms if m not in out] for p, ms in inputs.projects.items()},
        capacities,
        {m: p for m, p in assignment.items() if m not in accepted},
    )


@PROPERTY
@given(instances())
def test_refill_after_declines_is_stable_and_never_worse_for_pending_holders(
    instance: tuple[Inputs, random.Random],
) -> None:
    inputs, rng = instance
    live = propose(inputs).assignment  # confirmed: every placement is a pending offer
    removed: set[int] = set()
    accepted: dict[int, int] = {}
    for _ in range(6):
        pending = {m: p for m, p in live.items() if m not in accepted}
        if not pending:
            break
        # Some holders accept, some decline (at least one, or nothing is freed).
        for mentee in sorted(pending):
            if rng.random() < 0.25:
                accepted[mentee] = pending.pop(mentee)
        declining = [m for m in sorted(pending) if rng.random() < 0.5] or sorted(pending)[:1]
        for mentee in declining:
            del pending[mentee]
            removed.add(mentee)

        after = refill(inputs, removed=removed, accepted=accepted, pending=pending)

        assert not removed & set(after)
        for mentee, project in accepted.items():
            assert after[mentee] == project
        for mentee, project in pending.items():
            assert mentee in after, (mentee, "lost their offer")
            assert rank_of(inputs, mentee, after[mentee]) <= rank_of(inputs, mentee, project)
        counts: dict[int, int] = {}
        for project in after.values():
            counts[project] = counts.get(project, 0) + 1
        assert all(count <= inputs.capacities[p] for p, count in counts.items())
        for mentee, project in after.items():
            assert project in inputs.applicants[mentee]
            assert mentee in inputs.projects[project]
        assert stable_for_the_rest(inputs, after, removed, accepted)
        live = after


# --- the JSON a round stores ---------------------------------------------------------------


def test_inputs_round_trip_through_json() -> None:
    inputs = scenario()
    stored = json.loads(json.dumps(inputs.to_json()))
    assert set(stored["applicants"]) == {"1", "2", "3", "4"}  # JSON keys are strings
    assert Inputs.from_json(stored) == inputs
    assert Inputs.from_json({}) == Inputs(applicants={}, projects={}, capacities={})


def test_proposal_round_trips_through_json() -> None:
    proposal = propose(scenario(), force=[(M1, ANTREA)])
    stored = json.loads(json.dumps(proposal.to_json()))
    assert stored["forced"] == [[M1, ANTREA]]
    again = Proposal.from_json(stored)
    assert again == proposal
    assert again.forced == [(M1, ANTREA)]
    assert again.blocking == [(M2, ANTREA)]
    assert list(again.assignment) == list(proposal.assignment)
    assert Proposal.from_json({}) == Proposal(assignment={})

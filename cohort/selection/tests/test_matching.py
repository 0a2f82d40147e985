"""Tests of the matching engine, `cohort.selection.matching`. Pure Python: no database.

Stability is checked twice: by the module's own `is_stable`/`blocking_pairs`, and by the
definition written out here pair by pair (`brute_blocking_pairs`), so that a bug shared by the
engine and its checker cannot hide. Applicant-optimality is checked against every matching of
small instances, enumerated. The PyPI package `matching` (pinned in pyproject.toml, decision
0005) is a second, independent implementation to agree with.
"""

from __future__ import annotations

import gc
import importlib
import math
import random
import re
import time
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cohort.selection.matching import blocking_pairs, is_stable, solve

Prefs = Mapping[Any, Sequence[Any]]
Caps = Mapping[Any, int]
Instance = tuple[dict[Any, list[Any]], dict[Any, list[Any]], dict[Any, int]]

# No example database: it would be written into the checkout.
PROPERTY = settings(max_examples=300, deadline=None, database=None)


# --- the definitions, written out the slow and obvious way --------------------------------


def mutually_acceptable(ap: Prefs, pp: Prefs, caps: Caps, applicant: Any, project: Any) -> bool:
    return project in caps and project in ap.get(applicant, ()) and applicant in pp.get(project, ())


def brute_blocking_pairs(ap: Prefs, pp: Prefs, caps: Caps, matching: Mapping[Any, Any]):
    """Every mutually acceptable pair (a, p), not matched together, where a is unmatched or
    prefers p to its own (a project not on a's list being worse than any on it), and p has
    fewer holders than slots or prefers a to one of its holders (a holder not on p's list
    being worse than any on it). In the order of `ap`, then of each list."""
    pairs = []
    for applicant, wanted in ap.items():
        for project in wanted:
            if not mutually_acceptable(ap, pp, caps, applicant, project):
                continue
            current = matching.get(applicant)
            if current == project:
                continue
            applicant_wants = (
                current is None
                or current not in wanted
                or list(wanted).index(project) < list(wanted).index(current)
            )
            ranking = list(pp[project])

            def rank(someone: Any, ranking: list[Any] = ranking) -> int:
                return ranking.index(someone) if someone in ranking else len(ranking)

            holders = [a for a, p in matching.items() if p == project]
            project_wants = len(holders) < caps[project] or any(
                rank(applicant) < rank(holder) for holder in holders
            )
            if applicant_wants and project_wants:
                pairs.append((applicant, project))
    return pairs


def brute_is_stable(ap: Prefs, pp: Prefs, caps: Caps, matching: Mapping[Any, Any]) -> bool:
    if not all(mutually_acceptable(ap, pp, caps, a, p) for a, p in matching.items()):
        return False
    if any(list(matching.values()).count(p) > caps[p] for p in set(matching.values())):
        return False
    return not brute_blocking_pairs(ap, pp, caps, matching)


def all_matchings(ap: Prefs, pp: Prefs, caps: Caps) -> Iterator[dict[Any, Any]]:
    """Every assignment applicant -> mutually acceptable project or nothing, within capacity."""
    applicants = list(ap)
    options = [[p for p in ap[a] if mutually_acceptable(ap, pp, caps, a, p)] for a in applicants]
    load = dict.fromkeys(caps, 0)
    current: dict[Any, Any] = {}

    def extend(i: int) -> Iterator[dict[Any, Any]]:
        if i == len(applicants):
            yield dict(current)
            return
        yield from extend(i + 1)  # applicants[i] unmatched
        for project in options[i]:
            if load[project] < caps[project]:
                load[project] += 1
                current[applicants[i]] = project
                yield from extend(i + 1)
                del current[applicants[i]]
                load[project] -= 1

    yield from extend(0)


def brute_applicant_optimal(ap: Prefs, pp: Prefs, caps: Caps) -> dict[Any, Any]:
    """The stable matching that every applicant likes at least as well as every other stable
    matching; asserts that there is exactly one."""
    stable = [m for m in all_matchings(ap, pp, caps) if brute_is_stable(ap, pp, caps, m)]
    assert stable, "a stable matching always exists"

    def rank(applicant: Any, matching: Mapping[Any, Any]) -> int:
        wanted = list(ap[applicant])
        return wanted.index(matching[applicant]) if applicant in matching else len(wanted)

    optimal = [
        m for m in stable if all(rank(a, m) <= rank(a, other) for other in stable for a in ap)
    ]
    assert len(optimal) == 1, (stable, optimal)
    return optimal[0]


# --- random instances ----------------------------------------------------------------------

OUTSIDERS = ["x0", "x1"]  # listed by projects, never applicants themselves


@st.composite
def instances(draw: st.DrawFn, max_applicants: int = 6, max_projects: int = 4) -> Instance:
    """Up to 6 applicants and 4 projects of 0-3 slots. Each applicant lists a random ordered
    subset of the projects, mostly long; most projects list a random ordered subset of the
    applicants and of two outsiders (never applicants), and one in five has no entry at all.
    So there are one-sided entries both ways. Half the instances are dense instead: complete
    lists both ways, 1-2 slots and about as many applicants as slots, where there is more
    often more than one stable matching (about one instance in ten).

    The lists come from a random generator that hypothesis seeds. Drawn from hypothesis
    directly they come out mostly empty or in the same order, which leaves a single stable
    matching in nearly every instance, and applicant-optimality untested."""
    rnd = draw(st.randoms(use_true_random=True))
    if rnd.random() < 0.5:
        projects = [f"p{j}" for j in range(rnd.randint(2, max_projects))]
        caps = {p: rnd.choice([1, 1, 1, 2]) for p in projects}
        slots = min(sum(caps.values()), max_applicants)
        applicants = [f"a{i}" for i in range(rnd.randint(slots - 1, slots))]
        ap = {a: rnd.sample(projects, len(projects)) for a in applicants}
        pp = {p: rnd.sample(applicants, len(applicants)) for p in projects}
        return ap, pp, caps
    applicants = [f"a{i}" for i in range(rnd.randint(0, max_applicants))]
    projects = [f"p{j}" for j in range(rnd.randint(0, max_projects))]
    caps = {p: rnd.randint(0, 3) for p in projects}

    def most_of(items: list[str]) -> list[str]:
        keep = rnd.choice([0.5, 0.8, 1.0])
        return [x for x in rnd.sample(items, len(items)) if rnd.random() < keep]

    ap = {a: most_of(projects) for a in applicants}
    pp = {p: most_of(applicants + OUTSIDERS) for p in projects if rnd.random() < 0.8}
    return ap, pp, caps


@st.composite
def instances_with_matchings(draw: st.DrawFn) -> tuple[Instance, dict[str, str]]:
    """An instance and an arbitrary matching on it: any applicant (outsiders too) on any
    project, listed or not, over capacity or not."""
    ap, pp, caps = draw(instances())
    matching = {}
    if caps:
        for applicant in [*ap, *OUTSIDERS]:
            if draw(st.booleans()):
                matching[applicant] = draw(st.sampled_from(list(caps)))
    return (ap, pp, caps), matching


def random_instance(rng: random.Random, applicants: int, projects: int) -> Instance:
    """Like `instances`, seeded, any size; capacities 0-4."""
    names = [f"a{i}" for i in range(applicants)]
    titles = [f"p{j}" for j in range(projects)]
    caps = {p: rng.randint(0, 4) for p in titles}
    ap = {a: rng.sample(titles, rng.randint(0, min(4, projects))) for a in names}
    pp = {}
    for p in titles:
        if rng.random() < 0.9:
            pool = [a for a in names if p in ap[a]] + rng.sample(names, min(3, len(names)))
            pool.append(f"x{rng.randint(0, 2)}")
            pool = list(dict.fromkeys(pool))
            rng.shuffle(pool)
            pp[p] = pool[: rng.randint(0, len(pool))] if rng.random() < 0.3 else pool
    return ap, pp, caps


# --- properties ------------------------------------------------------------------------------


@PROPERTY
@given(instances())
def test_solve_is_stable_by_both_checkers(instance: Instance):
    ap, pp, caps = instance
    result = solve(ap, pp, caps)
    assert is_stable(ap, pp, caps, result)
    assert blocking_pairs(ap, pp, caps, result) == []
    assert brute_is_stable(ap, pp, caps, result)
    assert brute_blocking_pairs(ap, pp, caps, result) == []


@PROPERTY
@given(instances())
def test_solve_respects_capacities_and_matches_only_acceptable_pairs(instance: Instance):
    ap, pp, caps = instance
    result = solve(ap, pp, caps)
    for project, cap in caps.items():
        assert list(result.values()).count(project) <= cap
    for applicant, project in result.items():
        assert applicant in ap
        assert project in ap[applicant]
        assert applicant in pp[project]


@settings(max_examples=400, deadline=None, database=None)
@given(instances())
def test_solve_is_the_applicant_optimal_stable_matching(instance: Instance):
    ap, pp, caps = instance
    assert solve(ap, pp, caps) == brute_applicant_optimal(ap, pp, caps)


@PROPERTY
@given(instances(), st.randoms(use_true_random=False))
def test_solve_does_not_depend_on_the_order_of_the_input(instance: Instance, rnd: random.Random):
    ap, pp, caps = instance

    def shuffled(d: dict[Any, Any]) -> dict[Any, Any]:
        items = list(d.items())
        rnd.shuffle(items)
        return dict(items)

    expected = solve(ap, pp, caps)
    assert solve(shuffled(ap), shuffled(pp), shuffled(caps)) == expected
    assert list(solve(ap, pp, caps).items()) == list(expected.items())  # same input, same dict


@PROPERTY
@given(instances_with_matchings())
def test_blocking_pairs_and_is_stable_agree_with_the_definition(
    case: tuple[Instance, dict[str, str]],
):
    (ap, pp, caps), matching = case
    assert blocking_pairs(ap, pp, caps, matching) == brute_blocking_pairs(ap, pp, caps, matching)
    assert is_stable(ap, pp, caps, matching) == brute_is_stable(ap, pp, caps, matching)


# --- worked examples -------------------------------------------------------------------------


def test_cyclic_marriage_instance_gives_every_applicant_their_first_choice():
    # The classic cyclic (Latin-square) instance, which has more than one stable matching.
    # Each applicant's first choice ranks them last:
    #   a1: p1 p2 p3      p1: a2 a3 a1
    #   a2: p2 p3 p1      p2: a3 a1 a2
    #   a3: p3 p1 p2      p3: a1 a2 a3
    # Applicants propose to their first choices, all distinct, so nobody is ever rejected:
    # a1-p1, a2-p2, a3-p3 (applicant-optimal). The projects' first choices, a2-p1, a3-p2,
    # a1-p3, are stable too (project-optimal), and so is a3-p1, a1-p2, a2-p3.
    ap = {"a1": ["p1", "p2", "p3"], "a2": ["p2", "p3", "p1"], "a3": ["p3", "p1", "p2"]}
    pp = {"p1": ["a2", "a3", "a1"], "p2": ["a3", "a1", "a2"], "p3": ["a1", "a2", "a3"]}
    caps = {"p1": 1, "p2": 1, "p3": 1}
    assert solve(ap, pp, caps) == {"a1": "p1", "a2": "p2", "a3": "p3"}
    for other in (
        {"a2": "p1", "a3": "p2", "a1": "p3"},
        {"a3": "p1", "a1": "p2", "a2": "p3"},
    ):
        assert is_stable(ap, pp, caps, other)
    assert len([m for m in all_matchings(ap, pp, caps) if brute_is_stable(ap, pp, caps, m)]) == 3


# A hospitals/residents instance with slots and rejection chains, worked by hand:
#   a1: P Q        P (2 slots): a4 a3 a1 a2
#   a2: P Q R      Q (1 slot):  a2 a5 a1 a4
#   a3: P R        R (1 slot):  a3 a2
#   a4: Q P
#   a5: Q
# Round 1: a1, a2, a3 propose to P, which keeps a3 and a1 and rejects a2; a4 and a5 propose
#   to Q, which keeps a5 and rejects a4.
# Round 2: a2 proposes to Q, which keeps a2 and rejects a5; a4 proposes to P, which keeps a4
#   and a3 and rejects a1.
# Round 3: a1 proposes to Q, which keeps a2 and rejects a1. a1 and a5 have nobody left.
# Result: a2 -> Q, a3 -> P, a4 -> P; a1 and a5 unmatched; R stays empty (a3 and a2 both
# listed it, and both got a project they rank higher).
HAND_AP = {
    "a1": ["P", "Q"],
    "a2": ["P", "Q", "R"],
    "a3": ["P", "R"],
    "a4": ["Q", "P"],
    "a5": ["Q"],
}
HAND_PP = {"P": ["a4", "a3", "a1", "a2"], "Q": ["a2", "a5", "a1", "a4"], "R": ["a3", "a2"]}
HAND_CAPS = {"P": 2, "Q": 1, "R": 1}


def test_hand_worked_hospitals_residents_instance():
    result = solve(HAND_AP, HAND_PP, HAND_CAPS)
    assert result == {"a2": "Q", "a3": "P", "a4": "P"}
    assert result == brute_applicant_optimal(HAND_AP, HAND_PP, HAND_CAPS)


def test_blocking_pairs_of_a_hand_made_unstable_matching():
    # On the instance above: a1 on P (1 of 2 slots used), a2 on R, and a3 put on Q by an
    # admin although neither listed the other, so a3 counts as Q's last choice and Q as worse
    # for a3 than any project on a3's list. Expected, in the order of the applicants:
    #   a1: holds P, its first choice                       -> nothing
    #   a2: P has a free slot and lists a2                  -> (a2, P)
    #       Q ranks a2 above its holder a3 (unlisted)       -> (a2, Q); R is its own, stop
    #   a3: P has a free slot                               -> (a3, P)
    #       R ranks a3 (1st) above its holder a2 (2nd)      -> (a3, R)
    #   a4: unmatched; Q ranks a4 (4th) above a3 (unlisted) -> (a4, Q)
    #       P has a free slot                               -> (a4, P)
    #   a5: unmatched; Q ranks a5 above a3                  -> (a5, Q)
    matching = {"a1": "P", "a2": "R", "a3": "Q"}
    expected = [("a2", "P"), ("a2", "Q"), ("a3", "P"), ("a3", "R"), ("a4", "Q"), ("a4", "P")]
    expected.append(("a5", "Q"))
    assert blocking_pairs(HAND_AP, HAND_PP, HAND_CAPS, matching) == expected
    assert brute_blocking_pairs(HAND_AP, HAND_PP, HAND_CAPS, matching) == expected
    assert not is_stable(HAND_AP, HAND_PP, HAND_CAPS, matching)


def test_blocking_pairs_when_only_a_better_holder_is_missing():
    # The solved matching, with a4 moved from P to nothing: P now has a free slot, and a1
    # (P's 3rd) and a4 (P's 1st) would both take it. a2 ranks P first but P ranks a2 last;
    # with a free slot that is enough, so (a2, P) blocks as well.
    matching = {"a2": "Q", "a3": "P"}
    expected = [("a1", "P"), ("a2", "P"), ("a4", "P")]
    assert blocking_pairs(HAND_AP, HAND_PP, HAND_CAPS, matching) == expected
    assert brute_blocking_pairs(HAND_AP, HAND_PP, HAND_CAPS, matching) == expected


def test_is_stable_rejects_unacceptable_pairs_and_overfull_projects():
    stable = {"a2": "Q", "a3": "P", "a4": "P"}
    assert is_stable(HAND_AP, HAND_PP, HAND_CAPS, stable)
    # a5 on P: P does not list a5, and a5 does not list P.
    assert not is_stable(HAND_AP, HAND_PP, HAND_CAPS, {**stable, "a5": "P"})
    # Three on P, which has two slots; every pair on it is acceptable.
    overfull = {"a1": "P", "a3": "P", "a4": "P", "a2": "Q"}
    assert not is_stable(HAND_AP, HAND_PP, HAND_CAPS, overfull)


def test_empty_input():
    assert solve({}, {}, {}) == {}
    assert solve({"a": []}, {}, {}) == {}
    assert solve({}, {"p": ["a"]}, {"p": 1}) == {}
    assert blocking_pairs({}, {}, {}, {}) == []
    assert is_stable({}, {}, {}, {})


def test_zero_capacity_project_takes_nobody():
    ap = {"a": ["full", "next"], "b": ["full"]}
    pp = {"full": ["a", "b"], "next": ["a"]}
    caps = {"full": 0, "next": 1}
    assert solve(ap, pp, caps) == {"a": "next"}
    assert solve(ap, pp, {"full": 0, "next": 0}) == {}


def test_one_sided_entries_are_ignored():
    ap = {
        "a": ["unlisting", "silent", "mutual"],  # "unlisting" and "silent" do not list a
        "b": ["mutual"],
    }
    pp = {
        "unlisting": ["b", "ghost"],  # b did not list it; ghost is not an applicant
        "mutual": ["ghost", "a", "b"],
        "lonely": ["a", "b"],  # nobody listed it
    }
    caps = {"unlisting": 5, "silent": 5, "mutual": 1, "lonely": 5}
    assert solve(ap, pp, caps) == {"a": "mutual"}
    assert blocking_pairs(ap, pp, caps, {"a": "mutual"}) == []


def test_keys_of_any_hashable_type():
    ap: dict[Hashable, list[tuple[str, int]]] = {1: [("p", 1), ("p", 2)], (2, "b"): [("p", 1)]}
    pp: dict[tuple[str, int], list[Hashable]] = {("p", 1): [(2, "b"), 1], ("p", 2): [1]}
    caps = {("p", 1): 1, ("p", 2): 1}
    assert solve(ap, pp, caps) == {1: ("p", 2), (2, "b"): ("p", 1)}


def test_the_lists_are_not_changed():
    ap = {a: list(wanted) for a, wanted in HAND_AP.items()}
    pp = {p: list(wanted) for p, wanted in HAND_PP.items()}
    caps = dict(HAND_CAPS)
    solve(ap, pp, caps)
    assert (ap, pp, caps) == (HAND_AP, HAND_PP, HAND_CAPS)


# --- invalid input ---------------------------------------------------------------------------


@pytest.mark.parametrize("cap", [1.0, 1.5, "2", None, True, False])
def test_capacity_that_is_not_an_int_is_refused(cap: Any):
    with pytest.raises(ValueError, match=r"Project 'odd' has a capacity that is not a whole"):
        solve({"a": ["fine"]}, {"fine": ["a"]}, {"fine": 1, "odd": cap})
    with pytest.raises(ValueError, match="'odd'"):
        blocking_pairs({}, {}, {"odd": cap}, {})


def test_negative_capacity_is_refused():
    with pytest.raises(ValueError, match=r"Project 'minus' has a negative capacity \(-1\)"):
        solve({"a": ["minus"]}, {"minus": ["a"]}, {"ok": 0, "minus": -1})


def test_applicant_listing_a_project_twice_is_refused():
    ap = {"a": ["p"], "twice": ["p", "q", "p"]}
    with pytest.raises(ValueError, match=r"Applicant 'twice' lists 'p' twice"):
        solve(ap, {"p": ["a"]}, {"p": 1, "q": 1})


def test_project_listing_an_applicant_twice_is_refused():
    pp = {"p": ["a"], "q": ["b", "a", "b"]}
    with pytest.raises(ValueError, match=r"Project 'q' lists 'b' twice"):
        solve({"a": ["p"]}, pp, {"p": 1, "q": 1})


def test_applicant_listing_a_project_without_capacity_is_refused():
    ap = {"a": ["p"], "b": ["p", "nowhere"]}
    with pytest.raises(ValueError, match=re.escape("Applicant 'b' lists project 'nowhere'")):
        solve(ap, {"p": ["a"]}, {"p": 1})


def test_project_preferences_without_capacity_are_refused():
    with pytest.raises(ValueError, match=r"Project 'uncounted' has preferences but no capacity"):
        solve({"a": ["p"]}, {"p": ["a"], "uncounted": ["a"]}, {"p": 1})


# --- agreement with the PyPI package `matching` ----------------------------------------------


def their_resident_optimal(ap: Prefs, pp: Prefs, caps: Caps) -> dict[Any, Any]:
    """The resident-optimal HR matching of the `matching` package, as applicant -> project.

    It wants a consistent instance (see `mutual_part`). Imported by name: the package has no
    type hints, and `bench/matching.py` shares its name for mypy. A missing package fails the
    test; it is a declared test dependency (pyproject.toml, `dev`)."""
    games = importlib.import_module("matching.games")
    game = games.HospitalResident.create_from_dictionaries(ap, pp, caps)
    result = game.solve(optimal="resident")
    return {resident.name: hospital.name for hospital, held in result.items() for resident in held}


def mutual_part(ap: Prefs, pp: Prefs, caps: Caps) -> Instance:
    """The instance restricted to mutually acceptable pairs with a slot: what `matching`
    accepts without warnings (every resident ranks only hospitals that rank them and back,
    no empty list, every capacity at least 1). The stable matchings are the same."""
    pairs = {
        (a, p)
        for p, wanted in pp.items()
        for a in wanted
        if mutually_acceptable(ap, pp, caps, a, p)
    }
    pairs = {(a, p) for a, p in pairs if caps[p] > 0}
    ap2 = {a: [p for p in wanted if (a, p) in pairs] for a, wanted in ap.items()}
    ap2 = {a: wanted for a, wanted in ap2.items() if wanted}
    pp2 = {p: [a for a in wanted if (a, p) in pairs] for p, wanted in pp.items()}
    pp2 = {p: wanted for p, wanted in pp2.items() if wanted}
    return ap2, pp2, {p: caps[p] for p in pp2}


def test_agrees_with_the_matching_package_on_random_instances():
    rng = random.Random(20261124)  # noqa: S311  # a test's choices, not a secret
    sizes = [(rng.randint(0, 12), rng.randint(0, 5)) for _ in range(300)]
    sizes += [(rng.randint(20, 80), rng.randint(3, 15)) for _ in range(200)]
    matched = 0
    for applicants, projects in sizes:
        ap, pp, caps = random_instance(rng, applicants, projects)
        ours = solve(ap, pp, caps)
        ap2, pp2, caps2 = mutual_part(ap, pp, caps)
        assert solve(ap2, pp2, caps2) == ours
        assert their_resident_optimal(ap2, pp2, caps2) == ours, (ap, pp, caps)
        matched += len(ours)
    assert matched > 3_000  # the instances are not all trivial


def test_agrees_with_the_matching_package_on_the_hand_worked_instance():
    assert their_resident_optimal(*mutual_part(HAND_AP, HAND_PP, HAND_CAPS)) == {
        "a2": "Q",
        "a3": "P",
        "a4": "P",
    }


# --- cost ------------------------------------------------------------------------------------


def large_instance(applications: int, seed: int) -> Instance:
    """`applications` applications in all: applicants with 1-3 distinct choices among
    applications // 40 projects of 1-10 slots; each project ranks all who applied to it,
    in random order."""
    rng = random.Random(seed)  # noqa: S311  # a test's choices, not a secret
    projects = list(range(max(3, applications // 40)))
    ap: dict[Any, list[Any]] = {}
    count = 0
    while count < applications:
        wanted = rng.sample(projects, min(rng.randint(1, 3), applications - count))
        ap[f"m{len(ap)}"] = wanted
        count += len(wanted)
    pp: dict[Any, list[Any]] = {p: [] for p in projects}
    for applicant, wanted in ap.items():
        for project in wanted:
            pp[project].append(applicant)
    for ranking in pp.values():
        rng.shuffle(ranking)
    return ap, pp, {p: rng.randint(1, 10) for p in projects}


def growth_exponent(instances: dict[int, Instance], rounds: int = 5) -> float:
    """How solve's time grows with the number of applications: the slope of log(time) over
    log(size), fitted by least squares over every size's best run (linear: ~1, quadratic: ~2).

    The sizes take turns in each round, so a burst of load from another process falls on all
    of them rather than on one; the collector is off while solve runs, because a full
    collection walks every live object and grows with the heap, not with the algorithm."""
    best = dict.fromkeys(instances, float("inf"))
    for _ in range(rounds):
        for size, instance in instances.items():
            gc.collect()
            gc.disable()
            try:
                start = time.process_time()  # this process's CPU: not the time it waited
                solve(*instance)
                best[size] = min(best[size], time.process_time() - start)
            finally:
                gc.enable()
    xs = [math.log(size) for size in best]
    ys = [math.log(seconds) for seconds in best.values()]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )


def test_solve_takes_linear_time():
    # Three sizes, each 4x the last: one slow run moves a fitted slope far less than it
    # moves a single ratio. Measured: 1.15 at load 0.5; 1.52 at load 8 with 160,000
    # applications, whose working set no longer fits the cache that other processes share,
    # so the sizes stop at 80,000 and the bar sits between linear and quadratic.
    sizes = (5_000, 20_000, 80_000)
    exponent = growth_exponent({n: large_instance(n, seed=i) for i, n in enumerate(sizes)})
    assert exponent < 1.6, f"time grew as applications^{exponent:.2f} (linear: 1, quadratic: 2)"


def one_applicant_rejected_everywhere(length: int) -> Instance:
    """Applicant "A" lists `length` one-slot projects. Each project ranks its own rival, who
    lists only that project, above A. A is first in the input, so it proposes first, and is
    then displaced from every project in turn: `length` rejections of one applicant."""
    ap: dict[Any, list[Any]] = {"A": [f"p{i}" for i in range(length)]}
    pp: dict[Any, list[Any]] = {}
    for i in range(length):
        ap[f"r{i}"] = [f"p{i}"]
        pp[f"p{i}"] = [f"r{i}", "A"]
    return ap, pp, dict.fromkeys(pp, 1)


def test_solve_takes_linear_time_when_one_applicant_is_rejected_many_times():
    # 3 x length applications at each size. Resuming an applicant's list must not cost the
    # length of what is left of it, or this instance is quadratic.
    small = one_applicant_rejected_everywhere(3_000)
    assert solve(*small) == {f"r{i}": f"p{i}" for i in range(3_000)}
    exponent = growth_exponent(
        {n: one_applicant_rejected_everywhere(n) for n in (2_000, 8_000, 32_000)}
    )
    assert exponent < 1.6, f"time grew as applications^{exponent:.2f} (linear: 1, quadratic: 2)"

"""The matching engine: stable assignment of applicants to projects (no Django here).

This is the hospitals/residents problem. Each applicant ranks the projects they applied to,
best first; each project ranks the applicants it finds acceptable, best first, and has a
number of slots. `solve` returns the applicant-optimal stable matching: no applicant and
project would both rather be matched to each other than keep what they have, and among all
such matchings every applicant gets the best project they can get in any of them. It is the
result of applicant-proposing deferred acceptance (Gale and Shapley, 1962), and it is unique,
so it does not depend on the order of the input.

A pair is matched only when it is mutually acceptable: the project is on the applicant's list
and the applicant is on the project's. An entry that appears on one side only is ignored.

Cost: O(N) time and memory, N being the total length of all the lists. Each applicant
proposes down their list once. Each project keeps a flag per position of its own list (who it
holds) and, once full, a pointer to the worst applicant it holds. Full projects only ever
trade up, so that pointer only moves towards the top of the list, and each project scans its
list at most once (the linear algorithm of Gusfield and Irving, "The Stable Marriage
Problem", 1989, §1.6).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from itertools import chain

# The signatures are the issue's `Mapping[Hashable, Sequence[Hashable]]`, made generic over
# A (an applicant) and P (a project): a Mapping is invariant in its key type, so with plain
# Hashable a caller's dict[int, list[int]] would not type-check. At run time it is the same.


def solve[A: Hashable, P: Hashable](
    applicant_prefs: Mapping[A, Sequence[P]],
    project_prefs: Mapping[P, Sequence[A]],
    capacities: Mapping[P, int],
) -> dict[A, P]:
    """The applicant-optimal stable matching: applicant -> project, unmatched ones absent.

    `applicant_prefs` maps each applicant to the projects they would take, best first;
    `project_prefs` maps each project to the applicants it would take, best first;
    `capacities` maps every project to its number of slots (0 or more).

    Raises ValueError, naming the key, for a negative or non-integer capacity, a project or
    applicant listed twice in one list, or a project that has no capacity.
    """
    projects, caps = _capacities(capacities)
    index = {project: j for j, project in enumerate(projects)}
    applicants = list(applicant_prefs)
    choices = list(applicant_prefs.values())
    _check_applicants(applicants, choices, index)
    applicant_index = {applicant: i for i, applicant in enumerate(applicants)}

    # Each project's list and the rank of each applicant on it. Entries that are not
    # applicants never propose, so they are never held and need no filtering.
    lists: list[Sequence[A]] = [() for _ in projects]
    ranks: list[dict[A, int]] = [{} for _ in projects]
    for project, wanted in project_prefs.items():
        j = index.get(project)
        if j is None:
            raise ValueError(f"Project {project!r} has preferences but no capacity.")
        rank_of = dict(zip(wanted, range(len(wanted)), strict=True))
        if len(rank_of) != len(wanted):
            raise ValueError(f"Project {project!r} lists {_duplicate(wanted)!r} twice.")
        lists[j] = wanted
        ranks[j] = rank_of

    held_count = [0] * len(projects)
    worst = [-1] * len(projects)  # position of the worst applicant held; -1 while not full
    holding = [bytearray(len(wanted)) for wanted in lists]  # 1 at the positions held
    match = [-1] * len(applicants)
    # Where each applicant is in their list: an iterator, so an applicant who is rejected
    # resumes after the project that rejected them at no cost (a slice would copy the rest).
    cursors = list(map(iter, choices))
    free = list(range(len(applicants) - 1, -1, -1))  # a stack; the order does not matter

    while free:
        i = free.pop()
        applicant = applicants[i]
        for project in cursors[i]:
            j = index[project]
            rank = ranks[j].get(applicant)
            if rank is None:
                continue  # not acceptable to the project
            w = worst[j]
            if rank < w:  # full, and it prefers this applicant to the worst it holds
                flags = holding[j]
                flags[rank] = 1
                flags[w] = 0
                match[i] = j
                rejected = applicant_index[lists[j][w]]
                match[rejected] = -1
                free.append(rejected)
                worst[j] = _worst_from(flags, w - 1)
                break
            if w < 0 and held_count[j] < caps[j]:  # not full yet
                holding[j][rank] = 1
                match[i] = j
                held_count[j] += 1
                if held_count[j] == caps[j]:
                    worst[j] = _worst_from(holding[j], len(lists[j]) - 1)
                break

    return {applicants[i]: projects[j] for i, j in enumerate(match) if j >= 0}


def blocking_pairs[A: Hashable, P: Hashable](
    applicant_prefs: Mapping[A, Sequence[P]],
    project_prefs: Mapping[P, Sequence[A]],
    capacities: Mapping[P, int],
    matching: Mapping[A, P],
) -> list[tuple[A, P]]:
    """The pairs (applicant, project) that would both rather be matched to each other.

    A pair blocks `matching` when it is mutually acceptable, the applicant is unmatched or
    prefers the project to their own, and the project has a free slot or prefers the
    applicant to someone it holds. Someone placed on a project that did not list them (an
    admin's override) counts as that project's last choice, and a project the applicant did
    not list as theirs. Pairs come in the order of `applicant_prefs`, then of each list.
    """
    _capacities(capacities)
    ranks = {
        project: {a: r for r, a in enumerate(wanted)} for project, wanted in project_prefs.items()
    }
    held: dict[P, list[A]] = {}
    for applicant, project in matching.items():
        held.setdefault(project, []).append(applicant)
    # The rank of each project's worst holding; len(list) stands for "not on the list".
    worst: dict[P, int] = {}
    for project, holders in held.items():
        own = ranks.get(project, {})
        worst[project] = max(own.get(a, len(own)) for a in holders)
    pairs = []
    for applicant, wanted in applicant_prefs.items():
        current = matching.get(applicant)
        for project in wanted:
            if project == current:
                break  # every project after this one the applicant likes less
            rank = ranks.get(project, {}).get(applicant)
            if rank is None:
                continue
            if len(held.get(project, ())) < capacities.get(project, 0) or rank < worst.get(
                project, -1
            ):
                pairs.append((applicant, project))
    return pairs


def is_stable[A: Hashable, P: Hashable](
    applicant_prefs: Mapping[A, Sequence[P]],
    project_prefs: Mapping[P, Sequence[A]],
    capacities: Mapping[P, int],
    matching: Mapping[A, P],
) -> bool:
    """Whether `matching` is stable: every pair in it mutually acceptable, no project over
    its capacity, and no blocking pair."""
    counts: dict[P, int] = {}
    for applicant, project in matching.items():
        if project not in applicant_prefs.get(applicant, ()):
            return False
        if applicant not in project_prefs.get(project, ()):
            return False
        counts[project] = counts.get(project, 0) + 1
    if any(count > capacities.get(project, 0) for project, count in counts.items()):
        return False
    return not blocking_pairs(applicant_prefs, project_prefs, capacities, matching)


def _capacities[P: Hashable](capacities: Mapping[P, int]) -> tuple[list[P], list[int]]:
    projects, caps = [], []
    for project, cap in capacities.items():
        if type(cap) is not int:
            raise ValueError(
                f"Project {project!r} has a capacity that is not a whole number: {cap!r}."
            )
        if cap < 0:
            raise ValueError(f"Project {project!r} has a negative capacity ({cap}).")
        projects.append(project)
        caps.append(cap)
    return projects, caps


def _check_applicants[A: Hashable, P: Hashable](
    applicants: list[A], choices: list[Sequence[P]], index: Mapping[P, int]
) -> None:
    """Raise for an applicant who lists a project twice or one without a capacity. The
    common case (all well) runs at C speed: lengths of the lists against lengths of sets."""
    if list(map(len, choices)) != list(map(len, map(set, choices))):
        for applicant, wanted in zip(applicants, choices, strict=True):
            if len(set(wanted)) != len(wanted):
                raise ValueError(f"Applicant {applicant!r} lists {_duplicate(wanted)!r} twice.")
    unknown = set(chain.from_iterable(choices)).difference(index)
    if unknown:
        for applicant, wanted in zip(applicants, choices, strict=True):
            for project in wanted:
                if project in unknown:
                    raise ValueError(
                        f"Applicant {applicant!r} lists project {project!r}, which has no capacity."
                    )


def _worst_from(flags: bytearray, position: int) -> int:
    """The last held position at or before `position`."""
    return flags.rindex(1, 0, position + 1)


def _duplicate[A: Hashable](items: Sequence[A]) -> A:
    seen = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    raise AssertionError("no duplicate")  # pragma: no cover - only called when there is one

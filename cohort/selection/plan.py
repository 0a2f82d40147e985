"""What a selection round proposes, from plain data (no Django here; tested without a database).

A round's inputs are the rankings: each mentee's projects (their own order of their complete
applications), each project's mentees (its mentors' ranking of the shortlist) and each
project's slots. `propose` applies the admin's overrides and runs the engine; `refill`
re-solves after places are freed (a decline, a lapse) without taking anything away from a
mentee who holds an offer.

Mentees and projects are ids (ints). JSON keys are strings, so the round stores these through
`Inputs.to_json` / `Inputs.from_json`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cohort.selection.matching import blocking_pairs, solve

Pair = tuple[int, int]  # (mentee id, project id)


class PlanError(ValueError):
    """Overrides that cannot all hold (more forced placements than slots…)."""


@dataclass(frozen=True)
class Inputs:
    applicants: dict[int, list[int]]  # mentee -> projects, best first
    projects: dict[int, list[int]]  # project -> shortlisted mentees, best first
    capacities: dict[int, int]  # project -> slots

    def to_json(self) -> dict[str, Any]:
        return {
            "applicants": {str(m): ps for m, ps in self.applicants.items()},
            "projects": {str(p): ms for p, ms in self.projects.items()},
            "capacities": {str(p): c for p, c in self.capacities.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Inputs:
        return cls(
            applicants={int(m): list(ps) for m, ps in data.get("applicants", {}).items()},
            projects={int(p): list(ms) for p, ms in data.get("projects", {}).items()},
            capacities={int(p): int(c) for p, c in data.get("capacities", {}).items()},
        )


@dataclass(frozen=True)
class Proposal:
    assignment: dict[int, int]  # mentee -> project
    forced: list[Pair] = field(default_factory=list)
    unmatched: list[int] = field(default_factory=list)  # mentees in the round with no place
    blocking: list[Pair] = field(default_factory=list)  # only possible after overrides

    def to_json(self) -> dict[str, Any]:
        return {
            "assignment": {str(m): p for m, p in self.assignment.items()},
            "forced": [list(pair) for pair in self.forced],
            "unmatched": self.unmatched,
            "blocking": [list(pair) for pair in self.blocking],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Proposal:
        return cls(
            assignment={int(m): int(p) for m, p in data.get("assignment", {}).items()},
            forced=[(int(m), int(p)) for m, p in data.get("forced", [])],
            unmatched=[int(m) for m in data.get("unmatched", [])],
            blocking=[(int(m), int(p)) for m, p in data.get("blocking", [])],
        )

    def holders(self, project: int) -> list[int]:
        """The mentees placed on `project`. One scan of the assignment: for many projects
        use `by_project`, which indexes them all in one pass."""
        return self.by_project().get(project, [])

    def by_project(self) -> dict[int, list[int]]:
        """Project -> the mentees placed there, in the assignment's order: one pass over the
        assignment, however many projects are asked about afterwards."""
        placed: dict[int, list[int]] = {}
        for mentee, project in self.assignment.items():
            placed.setdefault(project, []).append(mentee)
        return placed


def propose(
    inputs: Inputs,
    *,
    force: Iterable[Pair] = (),
    forbid: Collection[Pair] = (),
    removed: Collection[int] = (),
    fixed: Mapping[int, int] | None = None,
) -> Proposal:
    """The stable assignment of `inputs` after overrides.

    `forbid`: pairs kept apart. `force` and `fixed`: placements made before the engine runs
    (an admin's override; an accepted offer), each taking one of its project's slots.
    `removed`: mentees out of the round (they declined or let an offer lapse).
    Blocking pairs are counted against the rankings without the forbidden pairs: a forced
    placement can leave a pair that would both rather be together, and the admin sees it.
    """
    forbidden = set(forbid)
    gone = set(removed)
    applicants = {
        m: [p for p in ps if (m, p) not in forbidden]
        for m, ps in inputs.applicants.items()
        if m not in gone
    }
    projects = {
        p: [m for m in ms if (m, p) not in forbidden and m not in gone]
        for p, ms in inputs.projects.items()
    }
    pinned: dict[int, int] = dict(fixed or {})
    forced = []
    for mentee, project in force:
        if mentee in gone:
            continue
        if pinned.get(mentee, project) != project:
            raise PlanError(f"Mentee {mentee} is placed on two projects.")
        pinned[mentee] = project
        forced.append((mentee, project))
    capacities = dict(inputs.capacities)
    for project in pinned.values():
        if project not in capacities:
            raise PlanError(f"Project {project} is not in this round.")
        capacities[project] -= 1
        if capacities[project] < 0:
            raise PlanError(f"Project {project} has more placements forced than slots.")
    rest = {m: ps for m, ps in applicants.items() if m not in pinned}
    assignment = solve(rest, projects, capacities)
    assignment.update(pinned)
    ordered = {m: assignment[m] for m in inputs.applicants if m in assignment}
    blocking = blocking_pairs(applicants, projects, inputs.capacities, ordered)
    unmatched = [m for m in applicants if m not in ordered]
    return Proposal(
        assignment=ordered,
        forced=forced,
        unmatched=unmatched,
        blocking=blocking,
    )


def refill(
    inputs: Inputs,
    *,
    force: Iterable[Pair] = (),
    forbid: Collection[Pair] = (),
    removed: Collection[int],
    accepted: Mapping[int, int],
    pending: Mapping[int, int],
) -> dict[int, int]:
    """The assignment after places were freed: mentees in `removed` are out, `accepted`
    placements stay, and no holder of a `pending` offer ends up worse off.

    Removing mentees (with their places) can only make everyone else weakly better off in the
    applicant-optimal stable matching, so one re-solve normally respects `pending` by itself;
    an upgrade moves a mentee to a project they ranked higher and frees their old place for
    the next one in line. Should a pending holder come out worse (the inputs are frozen at
    confirmation, so this is a safeguard), the pending offers are kept as they are and only
    the free places are filled.
    """
    force = list(force)
    first = propose(inputs, force=force, forbid=forbid, removed=removed, fixed=accepted)
    if all(_at_least_as_good(inputs, m, first.assignment.get(m), p) for m, p in pending.items()):
        return first.assignment
    kept = {**pending, **accepted}
    return propose(
        inputs,
        force=[(m, p) for m, p in force if m not in kept],
        forbid=forbid,
        removed=removed,
        fixed=kept,
    ).assignment


def _at_least_as_good(inputs: Inputs, mentee: int, new: int | None, old: int) -> bool:
    if new is None:
        return False
    order = inputs.applicants.get(mentee, [])
    if new not in order or old not in order:
        return new == old
    return order.index(new) <= order.index(old)


def contested(inputs: Inputs) -> dict[int, list[int]]:
    """The mentees more than one project wants (on several shortlists): mentee -> those
    projects, in the mentee's own order. These are the conflicts selection resolves."""
    wanted: dict[int, list[int]] = {}
    for project, mentees in inputs.projects.items():
        for mentee in mentees:
            wanted.setdefault(mentee, []).append(project)
    mutual = {
        mentee: [p for p in inputs.applicants.get(mentee, []) if p in projects]
        for mentee, projects in wanted.items()
    }
    return {mentee: projects for mentee, projects in mutual.items() if len(projects) > 1}

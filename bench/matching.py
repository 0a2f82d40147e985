"""Benchmark: the matching engine against the PyPI package `matching`, on the same instances.

Run: .venv/bin/python bench/matching.py            # GSoC 2024 scale, 100k and 3M applications
     .venv/bin/python bench/matching.py --quick    # smoke run: GSoC scale and 20k, both solvers

Times `cohort.selection.solve` and the resident-optimal hospitals/residents solver of
`matching` (decision 0005; a test and benchmark dependency only) on generated instances:

  gsoc  GSoC 2024 scale: 195 organizations with 1,220 slots in all, 9,107 applications
        (applicants make 1, 2 or 3 choices, in the ratio 1:1:2)
  100k  100,000 applications; organizations and slots scaled by the same factor
  3m    1,000,000 mentees × 3 choices = 3,000,000 applications; scaled the same way

Every organization has at least one slot and at least one application. Organizations differ
in popularity (log-normal weights), which decide both the choices and where the extra slots
go. Each applicant has a hidden quality; each organization ranks everyone who applied to it
by that quality plus its own noise. So every list is consistent, as `matching` needs.

Each solver runs in its own process (this script, re-run with --worker), which builds the
instance from its seed and then times only the solve: for `matching`, building its game
from the dictionaries is timed apart as "setup" (it copies and checks the players), and the
solve is `game.solve(optimal="resident")`. Peak memory is ru_maxrss of that process; its
high-water mark is reset (/proc/self/clear_refs) once the instance is built, so the peak
covers setup and solve, and the increase is that peak minus the resident size just before.
Times are the best of a few runs in the same process (stated in the table). A worker that
runs longer than its timeout is killed. If `matching` took more than --skip-after seconds
at 100k, it is not run at 3M; its time there is then extrapolated along the power law
through its two measured points (stated as such). Results of both solvers are compared on
every instance that both solved (a SHA-256 of the sorted pairs), and ours is checked stable.

It prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import gc
import hashlib
import importlib
import importlib.metadata
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# `python bench/matching.py` puts bench/ first on sys.path, where this very file would
# shadow the `matching` package. Take it out; put the repository root in.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT))

Instance = tuple[dict[int, list[int]], dict[int, list[int]], dict[int, int]]

GSOC_APPLICATIONS, GSOC_ORGS, GSOC_SLOTS = 9_107, 195, 1_220
MiB = 1024 * 1024


@dataclass(frozen=True)
class Spec:
    key: str
    applications: int
    choice_weights: tuple[int, int, int]  # relative numbers of applicants making 1, 2, 3 choices
    seed: int
    repeat: int  # runs per process; the best time is kept

    @property
    def projects(self) -> int:
        return round(GSOC_ORGS * self.applications / GSOC_APPLICATIONS)

    @property
    def slots(self) -> int:
        return round(GSOC_SLOTS * self.applications / GSOC_APPLICATIONS)

    @property
    def label(self) -> str:
        if self.applications == GSOC_APPLICATIONS:
            return "GSoC 2024 scale"
        if self.applications >= 1_000_000:
            return f"{self.applications // 1_000_000}M"
        return f"{self.applications // 1000}k"


SPECS = {
    spec.key: spec
    for spec in (
        Spec("gsoc", GSOC_APPLICATIONS, (1, 1, 2), seed=2024, repeat=5),
        Spec("20k", 20_000, (1, 1, 2), seed=20, repeat=3),
        Spec("100k", 100_000, (1, 1, 2), seed=100, repeat=3),
        Spec("3m", 3_000_000, (0, 0, 1), seed=3, repeat=3),
    )
}


def build(spec: Spec) -> Instance:
    """The instance of `spec`, the same on every call (seeded)."""
    rng = random.Random(spec.seed)  # noqa: S311  # a benchmark's choices, not a secret
    n = spec.projects
    popularity = [rng.lognormvariate(0.0, 1.0) for _ in range(n)]
    cumulative = list(accumulate(popularity))
    total = cumulative[-1]
    capacities = [1] * n
    for j in rng.choices(range(n), cum_weights=cumulative, k=spec.slots - n):
        capacities[j] += 1

    applicant_prefs: dict[int, list[int]] = {}
    remaining = spec.applications
    while remaining:
        k = min(rng.choices((1, 2, 3), weights=spec.choice_weights)[0], remaining)
        applicant = len(applicant_prefs)
        # The first n applicants put organization `applicant` first: none goes without.
        wanted = [applicant] if applicant < n else []
        while len(wanted) < k:
            j = min(bisect.bisect(cumulative, rng.random() * total), n - 1)
            if j not in wanted:
                wanted.append(j)
        applicant_prefs[applicant] = wanted
        remaining -= k

    quality = [rng.random() for _ in applicant_prefs]
    applied: list[list[int]] = [[] for _ in range(n)]
    for applicant, wanted in applicant_prefs.items():
        for j in wanted:
            applied[j].append(applicant)
    project_prefs: dict[int, list[int]] = {}
    for j, applicants in enumerate(applied):
        scored = sorted((-(quality[a] + rng.gauss(0.0, 0.15)), a) for a in applicants)
        project_prefs[j] = [a for _, a in scored]
    return applicant_prefs, project_prefs, dict(enumerate(capacities))


# --- the two solvers ---------------------------------------------------------------------------


def their_setup(instance: Instance) -> Any:
    """A `matching` HospitalResident game built from the dictionaries (untyped package,
    imported by name: this file's own name would shadow it for mypy)."""
    games = importlib.import_module("matching.games")
    return games.HospitalResident.create_from_dictionaries(*instance)


def their_solve(game: Any) -> dict[int, int]:
    solved = game.solve(optimal="resident")  # hospital -> list of residents
    return {resident.name: hospital.name for hospital, held in solved.items() for resident in held}


def digest(matching: dict[int, int]) -> str:
    return hashlib.sha256(repr(sorted(matching.items())).encode()).hexdigest()


def current_rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def reset_peak_rss() -> bool:
    """Reset the process's peak resident size to the current one (Linux 4.0+)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        return False
    return True


def worker(solver: str, key: str, out: Path) -> None:
    """Build the instance, time the solver on it, write a JSON line per phase to `out`."""
    spec = SPECS[key]

    def report(**fields: object) -> None:
        with out.open("a") as f:
            f.write(json.dumps(fields) + "\n")

    started = time.perf_counter()
    instance = build(spec)
    report(phase="built", seconds=round(time.perf_counter() - started, 3))
    if solver == "theirs":
        importlib.import_module("matching.games")
        # Any warning means the instance is not what `matching` expects: stop, do not time it.
        warnings.simplefilter("error")
    from cohort.selection.matching import is_stable, solve

    gc.collect()
    rss_before = current_rss()
    reset = reset_peak_rss()
    report(phase="solving", rss_before=rss_before)

    setups: list[float] = []
    solves: list[float] = []
    result: dict[int, int] = {}
    for _ in range(spec.repeat):
        result = {}
        gc.collect()
        if solver == "theirs":
            t0 = time.perf_counter()
            game = their_setup(instance)
            t1 = time.perf_counter()
            report(phase="set up", seconds=round(t1 - t0, 3))
            result = their_solve(game)
            t2 = time.perf_counter()
            report(phase="solved", seconds=round(t2 - t1, 3))
            del game
            setups.append(t1 - t0)
        else:
            t1 = time.perf_counter()
            result = solve(*instance)
            t2 = time.perf_counter()
        solves.append(t2 - t1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    stable = None
    if solver == "ours":
        stable = is_stable(*instance, result)
    report(
        phase="done",
        setup=min(setups) if setups else None,
        solve=min(solves),
        runs=len(solves),
        peak=peak,
        rss_before=rss_before,
        peak_reset=reset,
        matched=len(result),
        digest=digest(result),
        stable=stable,
    )


def run_in_big_stack(work: Callable[[], None]) -> None:
    """`matching` copies its players with copy.deepcopy, which recurses along the
    preference graph: thousands of levels deep at GSoC scale. Give it room."""
    sys.setrecursionlimit(10_000_000)
    threading.stack_size(1024 * MiB)
    failure: list[BaseException] = []

    def target() -> None:
        try:
            work()
        except BaseException as error:  # reported by the main thread
            failure.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


# --- the parent: run the workers, compare, print ----------------------------------------------


@dataclass
class Outcome:
    solver: str
    spec: Spec
    done: dict[str, Any] | None
    note: str = ""


def run_worker(solver: str, spec: Spec, timeout: float, workdir: Path) -> Outcome:
    out = workdir / f"{solver}-{spec.key}.jsonl"
    command = [sys.executable, str(Path(__file__).resolve())]
    command += ["--worker", solver, spec.key, str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command)  # noqa: S603
    try:
        returncode = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        peak = peak_of(process.pid)
        process.kill()
        process.wait()
        phases = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
        where = phases[-1]["phase"] if phases else "starting"
        during = {
            "built": "setup",
            "solving": "setup",
            "set up": "the solve",
            "solved": "setup",
        }.get(where, "build")
        run = 1 + sum(phase["phase"] == "solved" for phase in phases)
        reached = f", {mb(peak)} MB peak by then" if peak else ""
        note = f"killed after {timeout:.0f} s, during {during} of run {run}{reached}"
        return Outcome(solver, spec, None, note)
    phases = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    if returncode != 0 or not phases or phases[-1]["phase"] != "done":
        return Outcome(solver, spec, None, f"failed (exit status {returncode})")
    done = phases[-1]
    done["built"] = phases[0]["seconds"]
    done["wall"] = time.perf_counter() - started
    return Outcome(solver, spec, done)


def peak_of(pid: int) -> int:
    """The peak resident size of a running process (VmHWM), in bytes; 0 if unknown."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def extrapolate(points: list[tuple[int, float]], target: int) -> tuple[float, float]:
    """The value at `target` on the power law t = c × n^b through the two points; and b."""
    (n1, t1), (n2, t2) = points
    b = math.log(t2 / t1) / math.log(n2 / n1)
    return t2 * (target / n2) ** b, b


def mb(size: float) -> str:
    return f"{size / MiB:,.0f}"


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.4f}" if value < 1 else f"{value:,.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="GSoC scale and 20k only")
    parser.add_argument("--timeout", type=float, default=600, help="per worker, seconds")
    parser.add_argument(
        "--skip-after",
        type=float,
        default=60,
        help="do not run `matching` at 3M if it took longer than this at 100k (seconds)",
    )
    parser.add_argument("--worker", nargs=3, metavar=("SOLVER", "INSTANCE", "OUT"))
    args = parser.parse_args()

    if args.worker:
        solver, key, out = args.worker
        run_in_big_stack(lambda: worker(solver, key, Path(out)))
        return

    keys = ["gsoc", "20k"] if args.quick else ["gsoc", "100k", "3m"]
    version = importlib.metadata.version("matching")
    print(
        f"# {datetime.datetime.now(datetime.UTC).date()} · CPython {platform.python_version()} · "
        f"{platform.machine()} · {os.cpu_count()} CPUs · matching {version} · "
        f"load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    workdir = Path(tempfile.mkdtemp(prefix="cohort-bench-matching-"))
    outcomes: dict[tuple[str, str], Outcome] = {}
    notes: list[str] = []
    for key in keys:
        spec = SPECS[key]
        for solver in ("ours", "theirs"):
            skip = None
            if solver == "theirs" and key == "3m":
                earlier = outcomes.get(("theirs", "100k"))
                if earlier is None or earlier.done is None:
                    skip = "not run: it did not finish at 100k"
                else:
                    took = earlier.done["setup"] + earlier.done["solve"]
                    if took > args.skip_after:
                        skip = f"not run: it took {took:.0f} s at 100k"
            if skip:
                outcomes[(solver, key)] = Outcome(solver, spec, None, skip)
                print(f"{spec.label}: {solver}: {skip}", flush=True)
                continue
            print(f"{spec.label}: {solver} ...", flush=True)
            outcome = run_worker(solver, spec, args.timeout, workdir)
            outcomes[(solver, key)] = outcome
            if outcome.done is None:
                print(f"{spec.label}: {solver}: {outcome.note}", flush=True)
            else:
                found = outcome.done
                print(
                    f"{spec.label}: {solver}: setup {seconds(found['setup'])} s, solve "
                    f"{seconds(found['solve'])} s, peak {mb(found['peak'])} MB",
                    flush=True,
                )
        ours, theirs = outcomes[("ours", key)].done, outcomes[("theirs", key)].done
        if ours is not None:
            assert ours["stable"], f"{spec.label}: our matching is not stable"
        if ours is not None and theirs is not None:
            assert ours["digest"] == theirs["digest"], f"{spec.label}: the matchings differ"
            notes.append(
                f"{spec.label}: identical ({ours['matched']:,} matched, sha256 "
                f"{ours['digest'][:12]}); ours is stable."
            )

    # Extrapolate `matching` where it did not finish, from the two largest points it did.
    measured = [
        outcomes[("theirs", key)] for key in keys if outcomes[("theirs", key)].done is not None
    ]
    for key in keys:
        outcome = outcomes[("theirs", key)]
        if outcome.done is None and len(measured) >= 2:
            a, b = measured[-2], measured[-1]
            assert a.done is not None
            assert b.done is not None
            target = outcome.spec.applications
            parts = []
            total = 0.0
            for column in ("setup", "solve"):
                points = [
                    (a.spec.applications, a.done[column]),
                    (b.spec.applications, b.done[column]),
                ]
                value, exponent = extrapolate(points, target)
                total += value
                parts.append(f"{column} ~{value:,.0f} s (n^{exponent:.2f})")
            parts.append(f"together ~{total / 3600:,.1f} h")
            outcome.note += (
                f"; extrapolated from {a.spec.label} and {b.spec.label} along the power law "
                f"through the two points: {', '.join(parts)}"
            )

    print()
    print(
        "| instance | applications | solver | setup s | solve s | peak MB (+ during solve) "
        "| ratio (theirs/ours) |"
    )
    print("|---|---:|---|---:|---:|---:|---:|")
    for key in keys:
        spec = SPECS[key]
        ours = outcomes[("ours", key)].done
        for solver, name in (("ours", "cohort `solve`"), ("theirs", f"`matching` {version}")):
            outcome = outcomes[(solver, key)]
            done = outcome.done
            row = [spec.label, f"{spec.applications:,}", name]
            if done is None:
                row += ["—", "—", "—", outcome.note]
            else:
                increase = max(0, done["peak"] - done["rss_before"])
                row += [
                    seconds(done["setup"]) if solver == "theirs" else "—",
                    seconds(done["solve"]),
                    f"{mb(done['peak'])} (+{mb(increase)})",
                ]
                if solver == "ours" or ours is None:
                    row.append("")
                else:
                    total = done["setup"] + done["solve"]
                    row.append(
                        f"{done['solve'] / ours['solve']:,.0f}× "
                        f"({total / ours['solve']:,.0f}× with setup)"
                    )
            print("| " + " | ".join(row) + " |")
    print()
    for key in keys:
        for solver in ("ours", "theirs"):
            done = outcomes[(solver, key)].done
            if done is not None:
                print(
                    f"- {SPECS[key].label}, {solver}: best of {done['runs']} runs; instance built "
                    f"in {done['built']:.2f} s; worker wall {done['wall']:.1f} s; peak reset "
                    f"{'yes' if done['peak_reset'] else 'NO (peak includes building)'}"
                )
    for note in notes:
        print(f"- {note}")
    print(f"- load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark: the archive search against a plain `icontains` query, side by side.

Run: .venv/bin/python bench/search.py ARCHIVE_DIR [--repeat 30] [--postgres URL]

ARCHIVE_DIR is cncf/mentoring's `programs/lfx-mentorship/` (the `fetch` tool, or a clone);
without one it uses the five real pages in cohort/formats/tests/fixtures. It imports the whole
archive with `cohort import-term` into a fresh database (SQLite, WAL, as `make run` uses; with
--postgres, a PostgreSQL database that it empties first), then times, for each query of a fixed
mix, in the same run and alternating so that load falls on both alike:

  search    `queries.search_archive(q)`: the full-text match, the ranking, every facet's counts
            and the first page's projects with their mentors and issues (what /search/ and
            GET /api/v1/search read)
  icontains the same first page the old way: every word `search_text__icontains`, newest term
            first, with the same `for_catalog()` prefetches, and its count; no ranking, no
            stemming, no facets

It prints each side's median and p95 per query and over the whole mix (milliseconds, DEBUG
off), the ratio, the query count of each, and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "cohort" / "formats" / "tests" / "fixtures"
QUERIES = (
    "ebpf",
    "kubernetes",
    "testing",
    "documentation",
    "rust wasm",
    '"service mesh"',
    "prometheus metrics",
    "gpu scheduling",
    "opentelemetry collector",
    "security -windows",
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("archive", nargs="?", type=Path)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres", metavar="URL")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cohort-bench-"))
    os.environ["DATABASE_URL"] = args.postgres or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from cohort.projects.models import Project
    from cohort.web import queries
    from cohort.web.relevance import parse

    if args.postgres:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    if args.archive:
        sources = [str(args.archive)]
        term: list[str] = []
    else:
        sources = [str(p) for p in sorted(FIXTURES.glob("20*.md"))][:1]
        term = ["--term", "2024 Term 3"]
    started = time.perf_counter()
    call_command("import_term", *sources, *term, stdout=open(os.devnull, "w"))  # noqa: SIM115
    imported = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    projects = Project.objects.filter(status__in=queries.PUBLIC_STATUSES).count()

    def search(q: str) -> object:
        return queries.search_archive(q, queries.SearchFilters())

    def icontains(q: str) -> object:
        found = Project.objects.filter(status__in=queries.PUBLIC_STATUSES)
        for word in parse(q).words + tuple(w for p in parse(q).phrases for w in p):
            found = found.filter(search_text__icontains=word)
        total = found.count()
        page = list(
            found.for_catalog().order_by("-term__year", "-term__number", "position", "pk")[:25]
        )
        return total, page

    sides: dict[str, Callable[[str], object]] = {"search": search, "icontains": icontains}
    times: dict[str, dict[str, list[float]]] = {s: {q: [] for q in QUERIES} for s in sides}
    counts: dict[str, dict[str, int]] = {s: {} for s in sides}
    for q in QUERIES:  # warm up both, and count their queries
        for side, work in sides.items():
            with CaptureQueriesContext(connection) as captured:
                work(q)
            counts[side][q] = len(captured)
    for _ in range(args.repeat):
        for q in QUERIES:
            for side, work in sides.items():
                reset_queries()
                began = time.perf_counter()
                work(q)
                times[side][q].append((time.perf_counter() - began) * 1000)

    load = os.getloadavg()
    print(f"{connection.vendor}, {projects} public projects, imported in {imported:.2f} s; ")
    print(f"{args.repeat} runs per query and side; load average {load[0]:.2f} {load[1]:.2f}\n")
    print("| query | matches | search median | search p95 | icontains median | icontains p95 |")
    print("|---|---:|---:|---:|---:|---:|")
    for q in QUERIES:
        s, i = times["search"][q], times["icontains"][q]
        total = queries.search_archive(q, queries.SearchFilters()).total
        print(
            f"| `{q}` | {total} | {statistics.median(s):.1f} | {percentile(s, 95):.1f} | "
            f"{statistics.median(i):.1f} | {percentile(i, 95):.1f} |"
        )
    every = {side: [t for q in QUERIES for t in times[side][q]] for side in sides}
    s_all, i_all = every["search"], every["icontains"]
    print(
        f"| **all** | | **{statistics.median(s_all):.1f}** | **{percentile(s_all, 95):.1f}** | "
        f"**{statistics.median(i_all):.1f}** | **{percentile(i_all, 95):.1f}** |"
    )
    print(
        f"\np95 ratio search / icontains: {percentile(s_all, 95) / percentile(i_all, 95):.2f}; "
        f"queries per call: search {sorted(set(counts['search'].values()))}, "
        f"icontains {sorted(set(counts['icontains'].values()))}"
    )


if __name__ == "__main__":
    main()

"""Every page a role reaches by links, on the GSoC-size term of bench/scale.py (issue 18).

    # a database built by bench/scale.py (see its docstring)
    DEBUG=0 TESTING=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME \\
        .venv/bin/python bench/crawl_queries.py [--preset gsoc] [--runs 3] [--json PATH]

The crawler is the suite's (`tests/test_page_queries.py`, `crawl`): from "/", the role's own
pages and, here, the preset's busiest pages, it follows every same-site link breadth first
(GET only), at most 3 addresses per route and 250 pages per role. Per page: the queries of the
first request, then the median time of `--runs` more requests, and the size. The roles are the
preset's people (signed in with `force_login`): nobody, a mentee with three applications in
the term, the mentor of the busiest project, a maintainer of its organization, and the program
admin. It prints every page and then those over 20 queries, 300 KB or 150 ms (median), with
the load average at the start and at the end. Run it with production settings (DEBUG=0;
TESTING=1 only so that the test client's cookies work over plain HTTP).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUERY_LIMIT = 20
SIZE_LIMIT_KB = 300
MS_LIMIT = 150


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _load_average() -> str:
    return ", ".join(f"{n:.2f}" for n in os.getloadavg())


def _healthz_ms(client: Any, runs: int = 9) -> float:
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        client.get("/healthz")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[1:])


def roles(preset: str, scale: ModuleType) -> dict[str, tuple[int | None, tuple[str, ...]]]:
    """Each role's user id (None: nobody signed in) and the preset's pages it starts from."""
    from django.db.models import Count

    from cohort.applications.models import Application
    from cohort.projects.models import OrganizationMaintainer, Project

    scene = scale.find_scene(preset)
    busiest = Project.objects.select_related("organization").get(pk=scene.queue_project_id)
    maintainer = (
        OrganizationMaintainer.objects.filter(organization=busiest.organization)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    mentee = (
        Application.objects.filter(term_id=scene.term_id)
        .values("mentee_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "mentee_id")
        .values_list("mentee_id", flat=True)
        .first()
    )
    catalog = busiest.term.get_absolute_url()
    queue = f"/review/projects/{busiest.pk}/"
    return {
        "visitor": (None, (catalog, busiest.get_absolute_url())),
        "mentee": (mentee, (catalog,)),
        "mentor": (scene.mentor_id, (catalog, queue)),
        "maintainer": (
            maintainer,
            (catalog, queue, f"/proposals/board/{scene.proposals_term_id}/"),
        ),
        "admin": (
            scene.admin_id,
            (
                catalog,
                f"/proposals/board/{scene.proposals_term_id}/",
                f"/selection/terms/{scene.term_id}/",
                f"/review/terms/{scene.term_id}/",
                queue,
                f"/console/terms/{scene.term_id}/",
            ),
        ),
    }


def flagged(page: Any) -> list[str]:
    """Why a page is over a bar of issue 18 (an HTML page answered 200), if it is."""
    if not (page.html and page.status == 200):
        return []
    why = []
    if page.queries > QUERY_LIMIT:
        why.append(f"{page.queries} queries")
    if page.size / 1024 > SIZE_LIMIT_KB:
        why.append(f"{page.size / 1024:,.0f} KB")
    if page.ms and statistics.median(page.ms) > MS_LIMIT:
        why.append(f"{statistics.median(page.ms):,.0f} ms")
    return why


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--preset", default="gsoc")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per page, after the first")
    parser.add_argument("--cap", type=int, default=250, help="pages per role")
    parser.add_argument("--json", help="write every page's figures to this file")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    scale = _load("bench_scale", ROOT / "bench" / "scale.py")
    scale.setup_django()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from cohort.core.models import User

    setup_test_environment()  # the test client's host, as bench/scale.py's pages get
    crawler = _load("test_page_queries", ROOT / "tests" / "test_page_queries.py")

    start_load = _load_average()
    print(f"load average at the start: {start_load}", flush=True)
    # A yardstick for the milliseconds on a shared machine: the cheapest view, same process.
    print(f"/healthz median: {_healthz_ms(Client()):.1f} ms", flush=True)
    pages: list[Any] = []
    for role, (user_id, extra) in roles(args.preset, scale).items():
        client = Client(raise_request_exception=False)
        if user_id is not None:
            client.force_login(User.objects.get(pk=user_id))
        starts = (*crawler.starts_for("visitor" if user_id is None else role), *extra)
        found = crawler.crawl(client, role, starts, cap=args.cap, runs=args.runs)
        print(f"{role}: {len(found)} pages", flush=True)
        pages += found
    end_load = _load_average()
    print(f"/healthz median at the end: {_healthz_ms(Client()):.1f} ms", flush=True)

    print("\n| role | route | path | status | queries | median ms | KB |")
    print("|---|---|---|---:|---:|---:|---:|")
    for p in pages:
        median = f"{statistics.median(p.ms):,.0f}" if p.ms else "—"
        print(
            f"| {p.role} | {p.route} | {p.path} | {p.status} | {p.queries} | {median} "
            f"| {p.size / 1024:,.1f} |"
        )
    over = [(p, flagged(p)) for p in pages if flagged(p)]
    print(
        f"\nHTML pages (200) over {QUERY_LIMIT} queries, {SIZE_LIMIT_KB} KB or {MS_LIMIT} ms "
        f"median ({args.runs} runs): {len(over)} of {len(pages)} pages"
    )
    for p, why in over:
        print(f"  {p.role:<10} {p.route:<32} {p.path}: {', '.join(why)}")
    failed = [p for p in pages if p.status >= 500]
    for p in failed:
        print(f"  FAILED {p.role} {p.route} {p.path}: {p.status}")
    print(f"load average at the start: {start_load}; at the end: {end_load}")
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(p) for p in pages], indent=1))


if __name__ == "__main__":
    main()

"""Benchmark: importing many term pages.

Run: .venv/bin/python bench/import_terms.py [--copies 9] [--repeat 5]

Makes COPIES × (the five real CNCF pages in cohort/formats/tests/fixtures) distinct terms,
45 files with the defaults, like the 45 historical CNCF pages, then times in one run on one
fresh SQLite
database (WAL, as `make run` uses):
  parse     parsing every file (pure code, no database)
  import    `import_term` of every file into an empty database (parse + match + write)
  reimport  importing the same files again (nothing changes; idempotency check)
  loaddata  Django's own fixture loader writing the same rows (dumped after `import`) into
            an empty database: the baseline for writing this much data with Django
Each figure is the best of REPEAT runs. It prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "cohort" / "formats" / "tests" / "fixtures"


def best_of(repeat: int, setup: Callable[[], None], work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        setup()
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=9)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="cohort-bench-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    # Production-like: DEBUG off (no query log), a throwaway key.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from cohort.formats.termpage import parse_term_page
    from cohort.projects.models import Mentorship, Project
    from cohort.projects.services import get_or_create_program, import_term

    pages = sorted(FIXTURES.glob("20*.md"))  # the five real CNCF pages
    files: list[tuple[Path, str]] = []
    for copy in range(args.copies):
        for n, page in enumerate(pages):
            label = f"{2000 + copy * 10 + n // 3} Term {n % 3 + 1}"
            files.append((page, label))
    texts = [(page.read_text(encoding="utf-8"), page.name, label) for page, label in files]

    call_command("migrate", verbosity=0)

    def flush() -> None:
        call_command("flush", interactive=False, verbosity=0)

    def parse_all() -> list[object]:
        return [parse_term_page(text, source=name, term=label) for text, name, label in texts]

    def import_all() -> None:
        program = get_or_create_program("Bench")
        for text, name, label in texts:
            import_term(parse_term_page(text, source=name, term=label), program=program)

    parse_s = best_of(args.repeat, lambda: None, parse_all)
    import_s = best_of(args.repeat, flush, import_all)
    projects, mentors = Project.objects.count(), Mentorship.objects.count()
    reimport_s = best_of(args.repeat, lambda: None, import_all)
    assert Project.objects.count() == projects, "re-import duplicated projects"

    fixture = workdir / "rows.json"
    call_command("dumpdata", "core.person", "terms", "projects", output=str(fixture), verbosity=0)
    loaddata_s = best_of(
        args.repeat, flush, lambda: call_command("loaddata", str(fixture), verbosity=0)
    )
    assert Project.objects.count() == projects

    print(f"{len(texts)} files, {projects} projects, {mentors} mentors")
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores")
    print()
    print("| step | seconds (best of runs) | vs `loaddata` |")
    print("|---|---:|---:|")
    for name, value in (
        (f"parse {len(texts)} files (pure, no database)", parse_s),
        (f"`import_term` {len(texts)} files into an empty database", import_s),
        ("re-import the same files (no changes)", reimport_s),
        ("Django `loaddata` of the same rows into an empty database", loaddata_s),
    ):
        print(f"| {name} | {value:.3f} | {value / loaddata_s:.2f}× |")


if __name__ == "__main__":
    main()

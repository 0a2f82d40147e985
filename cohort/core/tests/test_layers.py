"""The layering of docs/architecture.md is executable (issue 11): every import between
packages is one the "Layers" table allows, and a deliberately added back-edge fails."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from cohort.core.tests.layering import allowed, violations

ROOT = Path(__file__).resolve().parents[3]


def test_every_import_between_packages_is_one_the_table_allows() -> None:
    assert violations(ROOT) == []


def test_the_table_is_a_strict_order() -> None:
    """No package may import one that may import it back: the table has no circle."""
    table = allowed(ROOT / "docs" / "architecture.md")
    assert {"formats", "core", "terms", "projects", "proposals", "web"} <= set(table)
    for package, below in table.items():
        for other in below:
            assert package not in table.get(other, set()), (package, other)


def test_a_back_edge_added_on_purpose_fails_the_check(tmp_path: Path) -> None:
    """A copy of the house with `terms` importing `selection` fails, run as CI runs it."""
    shutil.copytree(
        ROOT / "cohort", tmp_path / "cohort", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "cohort" / "terms" / "probe.py").write_text(
        "from cohort.selection import services  # a back-edge, on purpose\n", encoding="utf-8"
    )
    run = subprocess.run(
        [sys.executable, "-m", "cohort.core.tests.layering", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 1, run.stdout
    assert "cohort/terms/probe.py: terms may not import selection" in run.stdout
    clean = subprocess.run(
        [sys.executable, "-m", "cohort.core.tests.layering", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert (clean.returncode, clean.stdout) == (0, "")

"""DESIGN §5: the pure cores import nothing from Django, so they run without a database."""

from __future__ import annotations

import ast
from pathlib import Path

PURE = Path(__file__).resolve().parents[2] / "formats"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_formats_import_nothing_from_django_or_the_apps():
    offenders = {}
    for path in PURE.rglob("*.py"):
        bad = {
            name
            for name in imported_modules(path)
            if name.split(".")[0] == "django"
            or (name.startswith("cohort.") and not name.startswith("cohort.formats"))
        }
        if bad:
            offenders[str(path.relative_to(PURE))] = sorted(bad)
    assert offenders == {}
    assert len(list(PURE.glob("*.py"))) >= 5  # the check really looked at the package

"""DESIGN §5: the pure cores import nothing from Django, so they run without a database."""

from __future__ import annotations

import ast
from pathlib import Path

COHORT = Path(__file__).resolve().parents[2]
PURE = COHORT / "formats"
# Pure modules that live in an app package: they may import the formats and their own package.
PURE_MODULES = [
    COHORT / "proposals" / "rules.py",
    COHORT / "proposals" / "gates.py",
    COHORT / "proposals" / "comment.py",
    COHORT / "proposals" / "issue_labels.py",
    COHORT / "github" / "commands.py",
    COHORT / "github" / "replies.py",
    COHORT / "applications" / "prerequisites.py",
    COHORT / "applications" / "eligibility.py",
    COHORT / "applications" / "uploads.py",
    COHORT / "applications" / "limits.py",
    COHORT / "selection" / "matching.py",
    COHORT / "selection" / "plan.py",
    COHORT / "mentorship" / "policies.py",
    COHORT / "mentorship" / "schedule.py",
    COHORT / "stipends" / "money.py",
    COHORT / "stipends" / "policyfile.py",
    COHORT / "stipends" / "payerfile.py",
    COHORT / "stipends" / "presets.py",
    COHORT / "web" / "relevance.py",
    COHORT / "stats" / "suppress.py",
    COHORT / "reminders" / "schedule.py",
]
PURE_NAMES = {
    "cohort." + ".".join(p.relative_to(COHORT).with_suffix("").parts) for p in PURE_MODULES
}


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


def test_pure_modules_import_nothing_from_django_or_other_apps():
    offenders = {}
    for path in PURE_MODULES:
        bad = {
            name
            for name in imported_modules(path)
            if name.split(".")[0] == "django"
            or (
                name.startswith("cohort.")
                and not name.startswith("cohort.formats")
                and name not in PURE_NAMES  # pure modules may use each other, nothing else
            )
        }
        if bad:
            offenders[str(path.relative_to(COHORT))] = sorted(bad)
    assert offenders == {}
    assert all(path.is_file() for path in PURE_MODULES)

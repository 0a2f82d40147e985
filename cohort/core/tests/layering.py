"""The app layering of docs/architecture.md ("Layers"), checked against the code's imports.

`python -m cohort.core.tests.layering [ROOT]` prints every import of a package that its row
of the table does not allow, and exits 1 if there is one. Tests, migrations and the pure
modules' stricter rules (test_layering) are not its business: it reads each non-test module
of `ROOT/cohort/<package>/` and the `cohort.<package>` names it imports.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROW = re.compile(r"^\|\s*(\d+)\s*\|\s*`(\w+)`\s*\|\s*([^|]*)\|")


def allowed(architecture: Path) -> dict[str, set[str]]:
    """Each package's row of the "Layers" table: the packages it may import."""
    text = architecture.read_text(encoding="utf-8")
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    table: dict[str, set[str]] = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            table[match[2]] = set(re.findall(r"`(\w+)`", match[3]))
    return table


def imports(root: Path) -> dict[str, set[tuple[str, str]]]:
    """package -> {(imported package, importing file)} for every non-test module."""
    found: dict[str, set[tuple[str, str]]] = {}
    cohort = root / "cohort"
    for path in sorted(cohort.rglob("*.py")):
        parts = path.relative_to(cohort).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        package = parts[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                pieces = name.split(".")
                if pieces[0] == "cohort" and len(pieces) > 1 and pieces[1] != package:
                    found.setdefault(package, set()).add((pieces[1], str(path.relative_to(root))))
    return found


def violations(root: Path) -> list[str]:
    table = allowed(root / "docs" / "architecture.md")
    problems = []
    packages = {p.name for p in (root / "cohort").iterdir() if (p / "__init__.py").exists()}
    for package in sorted(packages - set(table)):
        problems.append(f"cohort/{package} has no row in the Layers table")
    for package, edges in sorted(imports(root).items()):
        for target, where in sorted(edges):
            if target not in table.get(package, set()):
                problems.append(f"{where}: {package} may not import {target}")
    return problems


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[3]
    problems = violations(root)
    for problem in problems:
        sys.stdout.write(problem + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

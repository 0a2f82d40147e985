"""The README's status paragraph tells what exists and what comes next, truthfully."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _status_paragraph() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^Status: (.+?)\n\n", readme, re.MULTILINE | re.DOTALL)
    assert match is not None, "README.md has no 'Status:' paragraph"
    return " ".join(match[1].split())


def test_readme_status_names_no_built_app_as_coming_next() -> None:
    apps = {path.parent.name for path in (ROOT / "cohort").glob("*/apps.py")}
    assert "selection" in apps
    sentences = re.split(r"(?<=\.) ", _status_paragraph())
    coming = [s for s in sentences if re.search(r"\bcomes? next\b", s)]
    assert coming, "the status paragraph says what comes next"
    for sentence in coming:
        words = set(re.findall(r"[a-z]+", sentence.lower()))
        assert not words & apps, f"{sentence!r} names an app that exists: {words & apps}"

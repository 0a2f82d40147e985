"""`cohort import-term` on broken input: every run imports, or exits 2 with `file:line: …`
and writes nothing. Never a traceback, never half a batch (issue 10, finding 3).

The corpus pages, the CNCF export and Cohort's own JSON and canonical Markdown of a page are
mutated a few hundred deterministic ways (lines deleted, duplicated, cut off; bad titles,
dates, numbers, URLs, time zones; wrong JSON types), each imported on top of a stored term.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from cohort.core.models import AuditEvent, Person
from cohort.formats.canonical import render_canonical
from cohort.formats.interchange import term_to_json
from cohort.formats.limits import is_web_url
from cohort.formats.termpage import parse_term_page
from cohort.projects import services
from cohort.projects.management.commands import import_term as command
from cohort.projects.models import Mentorship, Organization, Project, UpstreamIssue
from cohort.projects.tests.conftest import CORPUS, REFERENCE
from cohort.terms.models import Milestone, Term

pytestmark = pytest.mark.django_db

LABELS = {"2020-q2-project_ideas.md": "2020 Term 2", "2021-01-Spring-README.md": "2021 Term 1"}
PAGES = sorted(p.name for p in CORPUS.glob("20*.md"))
NOT_A_URL = "javascript:alert(document.cookie)//"


class _RollbackError(Exception):
    pass


def snapshot() -> tuple[Any, ...]:
    """What an import could change, in a few queries."""
    counts = tuple(
        model.objects.count()
        for model in (Term, Milestone, Organization, Project, Mentorship, UpstreamIssue, Person)
    )
    terms = tuple(Term.objects.order_by("pk").values_list("pk", "title", "time_zone", "updated_at"))
    projects = tuple(Project.objects.order_by("pk").values_list("pk", "updated_at"))
    return counts, terms, projects, AuditEvent.objects.count()


def import_files(
    capsys: pytest.CaptureFixture[str], *paths: Path, options: tuple[str, ...] = ()
) -> tuple[int, str]:
    """Run the command as the shell would; an exception other than SystemExit escapes."""
    capsys.readouterr()
    try:
        call_command("import_term", *map(str, paths), *options, stdout=StringIO())
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


def check_run(capsys: pytest.CaptureFixture[str], path: Path, text: str, label: str) -> int:
    """Import one mutated file and undo it; assert the contract. Returns the exit code."""
    path.write_text(text, encoding="utf-8")
    before = snapshot()
    options = ("--term", label) if label else ()
    try:
        with transaction.atomic():
            code, err = import_files(capsys, path, options=options)
            assert code in (0, 2), (path.name, code, err)
            if code == 2:
                assert snapshot() == before, f"{path.name}: a refused file changed the database"
                problems = [line for line in err.splitlines() if not line.startswith("Nothing")]
                assert problems, (path.name, err)
                last_line = text.count("\n") + 1
                for problem in problems:
                    match = re.match(rf"{re.escape(str(path))}:(\d+): \S", problem)
                    assert match, f"no file:line in {problem!r}"
                    assert 1 <= int(match[1]) <= last_line, problem
            else:
                stored = [
                    *Project.objects.values_list("lfx_url", flat=True),
                    *Project.objects.values_list("issue_url", flat=True),
                    *UpstreamIssue.objects.values_list("url", flat=True),
                ]
                assert all(is_web_url(url) for url in stored if url), path.name
            raise _RollbackError
    except _RollbackError:
        pass
    return code


# --- mutations -----------------------------------------------------------------------------


def line_mutations(text: str, samples: int = 5) -> Iterator[tuple[str, str]]:
    lines = text.split("\n")
    step = max(1, len(lines) // samples)
    for i in range(0, len(lines), step):
        yield f"delete line {i + 1}", "\n".join(lines[:i] + lines[i + 1 :])
        yield f"duplicate line {i + 1}", "\n".join(lines[: i + 1] + lines[i:])
        yield f"cut after line {i}", "\n".join(lines[:i])
    yield "cut mid-line", text[: len(text) // 2]


BAD_TITLES = (
    "# Term 0 - 2024 September - November",
    "# Term 00 - 2024 March",
    "# Term 9 - 2024 March",
    "# 1999 Term 2",
    "# Term 03 - 0000 September",
    "# 9999 Term 99",
    "#",
    "# [x](javascript:alert(1))",
)


def page_mutations(text: str) -> Iterator[tuple[str, str]]:
    yield from line_mutations(text)
    for title in BAD_TITLES:
        yield f"title {title!r}", re.sub(r"^# .*$", title, text, count=1, flags=re.MULTILINE)
    head, rest = text[:4000], text[4000:]
    yield "dates out of range", re.sub(r"\b\d{1,2}\b", "99", head) + rest
    yield "no months", re.sub(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov)\w*", "x", head)
    yield "years 0000", re.sub(r"\b20\d\d\b", "0000", text)
    yield "javascript links", text.replace("https://", NOT_A_URL)
    yield "every line doubled", "\n".join(line for line in text.split("\n") for _ in (1, 2))


def canonical_mutations(text: str) -> Iterator[tuple[str, str]]:
    yield from line_mutations(text)
    for label in ("2024 Term 0", "0000 Term 1", "2024 Term 99", "1999 Term 3"):
        yield f"Term: {label}", re.sub(r"(?m)^Term: .*$", f"Term: {label}", text, count=1)
    yield "unknown zone", re.sub(r"(?m)^Time zone: .*$", "Time zone: Mars/Olympus", text)
    yield "javascript links", text.replace("https://", NOT_A_URL)
    yield "LFX URL javascript", re.sub(r"(?m)^- LFX URL: .*$", f"- LFX URL: {NOT_A_URL}", text)


BAD_VALUES: tuple[object, ...] = (None, -1, 0, 2**31, 10**30, "x" * 600, NOT_A_URL, [], {})


def _paths(node: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every value's path, following only the first element of each array."""
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list) and node:
        yield from _paths(node[0], (*path, 0))


def json_mutations(text: str, keys: set[str]) -> Iterator[tuple[str, str]]:
    """Line mutations, then each value whose key is in `keys` replaced by each bad value."""
    yield from line_mutations(text, samples=4)
    doc = json.loads(text)
    for path in _paths(doc):
        if path[-1] not in keys:
            continue
        for value in BAD_VALUES:
            changed = copy.deepcopy(doc)
            node = changed
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = value
            yield f"{'.'.join(map(str, path))} = {str(value)[:12]}", json.dumps(changed, indent=2)
    doubled = copy.deepcopy(doc)
    for org in doubled.get("organizations", []):
        org["projects"] = org["projects"] + org["projects"]  # the same numbers twice
    if "programs" in doubled:
        doubled["programs"] = doubled["programs"] * 2
        doubled["_count"] *= 2
    yield "every project twice", json.dumps(doubled, indent=2)


COHORT_JSON_KEYS = {
    "label",
    "title",
    "time_zone",
    "start",
    "number",
    "lfx_url",
    "issue_url",
    "upstream_issues",
    "github",
    "prerequisites",
}
LFX_KEYS = {
    "_term",
    "issue_number",
    "issue_url",
    "upstream_issue_url",
    "lfx_url",
    "program_name_short",
    "github_handle",
    "coding_challenge_url",
}


def all_mutations() -> Iterator[tuple[str, str, str]]:
    """(file name, what was done, mutated text)."""
    for name in PAGES:
        text = (CORPUS / name).read_text(encoding="utf-8")
        for what, mutated in page_mutations(text):
            yield name, what, mutated
        if name in LABELS:  # also without the --term these pages need
            for what, mutated in line_mutations(text, samples=2):
                yield f"no-term-{name}", what, mutated
    small = parse_term_page(
        (CORPUS / "2021-01-Spring-README.md").read_text(encoding="utf-8"),
        source="spring.md",
        term="2021 Term 1",
    )
    for what, mutated in canonical_mutations(render_canonical(small)):
        yield "canonical.md", what, mutated
    for what, mutated in json_mutations(term_to_json(small), COHORT_JSON_KEYS):
        yield "term.json", what, mutated
    lfx = (CORPUS / "lfx" / "lfx-export.json").read_text(encoding="utf-8")
    for what, mutated in json_mutations(lfx, LFX_KEYS):
        yield "lfx-export.json", what, mutated


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def test_mutated_files_import_or_fail_with_file_line_and_write_nothing(tmp_path, capsys):
    call_command("import_term", str(REFERENCE), stdout=StringIO())  # something to keep
    # The baseline, in this run and on this machine: importing the reference page again.
    baseline = min(
        _timed(lambda: call_command("import_term", str(REFERENCE), stdout=StringIO()))
        for _ in range(3)
    )
    started = time.perf_counter()
    codes: list[int] = []
    for n, (name, what, text) in enumerate(all_mutations()):
        path = tmp_path / f"{n:03d}-{name}"
        try:
            codes.append(check_run(capsys, path, text, LABELS.get(name, "")))
        except AssertionError as exc:
            raise AssertionError(f"{name}, {what}: {exc}") from exc
    elapsed = time.perf_counter() - started
    per_file = elapsed / len(codes)
    print(  # noqa: T201
        f"{len(codes)} mutated files, {codes.count(2)} refused, in {elapsed:.1f} s: "
        f"{per_file:.3f} s a file against {baseline:.3f} s for the reference page"
    )
    assert len(codes) >= 350
    assert codes.count(2) >= 150  # both paths are exercised
    assert codes.count(0) >= 50
    # No file makes the readers crawl: a mutated file (most are the reference page or smaller)
    # takes on average no more than twice the reference import, however loaded the machine.
    assert per_file < 2 * baseline


# --- the filed cases -------------------------------------------------------------------------


def test_a_batch_with_a_term_0_page_imports_nothing(tmp_path, capsys):
    bad = tmp_path / "term0.md"
    text = REFERENCE.read_text(encoding="utf-8")
    bad.write_text(re.sub(r"^# .*$", "# Term 0 - 2024 September", text, count=1, flags=re.M))
    code, err = import_files(capsys, REFERENCE, bad)
    assert code == 2
    assert f"{bad}:1: term number 0 is not 1, 2 or 3" in err
    assert not Term.objects.exists()


def test_a_file_the_database_refuses_undoes_the_files_before_it(tmp_path, capsys, monkeypatch):
    """The safety net: an error only the database notices still imports nothing."""
    second = tmp_path / "second.md"
    second.write_text(REFERENCE.read_text(encoding="utf-8"), encoding="utf-8")
    calls: list[int] = []
    real = services.import_term

    def refuse_second(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise IntegrityError("CHECK constraint failed: term_number_positive")
        return real(*args, **kwargs)

    monkeypatch.setattr(command, "import_term", refuse_second)
    code, err = import_files(capsys, REFERENCE, second)
    assert code == 2
    assert f"{second}: the database refused this file (IntegrityError" in err
    assert "Nothing imported" in err
    assert not Term.objects.exists()
    assert not Project.objects.exists()


def test_an_error_on_line_100_shows_the_number(tmp_path, capsys):
    """rich printed `file:100: …` as `file💯 …`."""
    doc = json.loads(term_to_json(parse_term_page(REFERENCE.read_text(encoding="utf-8"))))
    text = json.dumps(doc, indent=2).split("\n")
    text.insert(99, '"oops": 1,')
    path = tmp_path / "t.json"
    path.write_text("\n".join(text), encoding="utf-8")
    code, err = import_files(capsys, path)
    assert code == 2
    assert f"{path}:100: " in err


def test_a_long_title_is_refused_with_its_line(tmp_path, capsys):
    """SQLite would store it; PostgreSQL would refuse it with no line."""
    doc = json.loads(term_to_json(parse_term_page(REFERENCE.read_text(encoding="utf-8"))))
    doc["organizations"][1]["projects"][0]["title"] = "T" * 501
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    code, err = import_files(capsys, path)
    assert code == 2
    rows = json.dumps(doc, indent=2).split("\n")
    line = next(i for i, row in enumerate(rows) if '"title": "TTT' in row)  # its "{" line
    assert re.search(rf"{re.escape(str(path))}:{line}: Project 'T+': project title is 501", err)
    assert not Term.objects.exists()


def test_a_json_mentor_handle_that_cannot_be_a_github_account_makes_no_person(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Cohort JSON carries each mentor's flags; a handle GitHub could not have (60 characters,
    no flag) is kept on the mentorship as written, and no Person is made of it. PostgreSQL
    refused it (Person.github is 39 characters) where SQLite stored it."""
    data = term_to_json(parse_term_page(REFERENCE.read_text(encoding="utf-8")))
    loaded = json.loads(data)
    mentor = loaded["organizations"][0]["projects"][0]["mentors"][0]
    mentor["github"], mentor["flags"] = "x" * 60, []
    path = tmp_path / "term.json"
    path.write_text(json.dumps(loaded), encoding="utf-8")
    code, err = import_files(capsys, path)
    assert code == 0, err
    assert Mentorship.objects.filter(github="x" * 60).count() == 1
    assert not Person.objects.filter(github__startswith="xxxxxxxx").exists()

"""Splitting files of proposal issue bodies (pure: no database)."""

from __future__ import annotations

import json

import pytest

from cohort.formats.model import FormatError
from cohort.proposals.intake import bodies_from_github_json, looks_like_json, split_bodies

ONE = "### CNCF Project\n\nJaeger\n\n### Program Name\n\nOne"
TWO = "### CNCF Project\n\nArgo\n\n### Program Name\n\nTwo"


def test_a_file_without_separators_is_one_body():
    assert split_bodies(ONE + "\n") == [(1, ONE + "\n")]


def test_bodies_are_split_at_scissors_lines_with_their_first_lines():
    text = f"{ONE}\n---8<---\n\n{TWO}\n"
    assert split_bodies(text) == [(1, ONE), (10, "\n" + TWO + "\n")]


def test_empty_parts_and_crlf_are_harmless():
    text = f"---8<---\r\n{ONE}\r\n---8<---\r\n  \r\n---8<---\r\n"
    assert split_bodies(text) == [(2, ONE)]
    assert split_bodies("") == []
    assert split_bodies("\n---8<---\n") == []


def test_only_an_exact_scissors_line_separates():
    text = f"{ONE}\n ---8<---\n---8<--- x\n"
    assert len(split_bodies(text)) == 1


def issues(*bodies: object, pr: bool = False) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {"number": 100 + i, "title": f"T{i}", "body": b, "user": {"login": "u"}}
        for i, b in enumerate(bodies)
    ]
    if pr:
        rows.append({"number": 9, "body": "x", "pull_request": {"url": "u"}})
    return rows


def test_github_json_gives_each_issue_body_at_its_line():
    text = json.dumps(issues(ONE, TWO, None, pr=True), indent=2)
    found = bodies_from_github_json(text)
    assert [body for _, body in found] == [ONE, TWO, ""]
    lines = text.split("\n")
    assert [lines[n - 1] for n, _ in found] == ["  {"] * 3
    assert found[0][0] == 2
    assert bodies_from_github_json("[]") == []
    assert looks_like_json("\ufeff \n[")
    assert not looks_like_json(ONE)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[\n  {"body": "x"},\n  {"body": }\n]', 3, "invalid JSON: Expecting value"),
        ('[\n  {"body": "x"}\n  {"body": "y"}\n]', 3, "expected ',' or ']'"),
        ('[\n  {"body": "x"},\n]', 3, "invalid JSON"),
        ('[{"body": "x"}] x', 1, "extra data"),
        ('{"body": "x"}', 1, "expected a JSON array"),
        ('[\n  "x"\n]', 2, "expected a GitHub issue object"),
        ('[\n\n  {"body": 3}\n]', 3, '"body" is not a string'),
        ('[\n  {"body": "x"}', 2, "expected ',' or ']'"),
    ],
)
def test_bad_github_json_says_where(text, line, message):
    with pytest.raises(FormatError) as exc:
        bodies_from_github_json(text)
    assert exc.value.line == line
    assert message in exc.value.message

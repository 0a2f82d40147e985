"""Cohort JSON: lossless round trip, documented layout, located errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from cohort.formats.interchange import (
    format_utc,
    json_value_lines,
    parse_utc,
    term_from_json,
    term_to_json,
)
from cohort.formats.model import FormatError, Project, TermData
from cohort.formats.tests.test_canonical import rich_term


def test_round_trip() -> None:
    term = rich_term()
    text = term_to_json(term)
    back = term_from_json(text)
    assert back.source_kind == "json"
    back.source_kind = term.source_kind
    # A project's line in its source file is not term data, and is not written.
    for project in term.projects():
        project.line = 0
    assert back == term
    assert term_to_json(term_from_json(text)) == text


def test_layout() -> None:
    text = term_to_json(rich_term())
    assert text.endswith("}\n")
    assert text.startswith(
        '{\n  "version": 1,\n  "term": {\n    "title": "Term 03 - 2024 September - November",\n'
        '    "label": "2024 Term 3",\n'
    )
    data = json.loads(text)
    assert list(data) == ["version", "term", "milestones", "organizations"]
    assert data["milestones"][0] == {
        "key": "proposals_open",
        "label": "project proposals",
        "start": "2024-07-04T00:00:00Z",
        "end": "2024-07-31T00:00:00Z",
        "has_time": True,
        "raw": "Jul 3 - Jul 30 5:00 PM PDT",
    }
    assert data["milestones"][1]["start"] is None
    project = data["organizations"][0]["projects"][0]
    assert list(project)[:4] == ["title", "lfx_title", "status", "subgroup"]
    assert project["mentors"][1] == {
        "name": "Craig Box",
        "github": "",
        "email": "",
        "lfid": "",
        "role": "co-mentor",
        "flags": ["email_obfuscated", "handle_missing"],
        "contact": "craig.box AT gee-mail",
    }
    assert data["organizations"][0]["projects"][1]["prerequisites"] is None


def test_minimal_document_uses_model_defaults() -> None:
    text = '{"version": 1, "term": {"title": "T"}, "organizations": [{"name": "O",'
    text += ' "projects": [{"title": "P", "mentors": [{"name": "M"}]}]}]}'
    term = term_from_json(text)
    assert term.title == "T"
    assert (term.year, term.number, term.time_zone, term.milestones) == (None, None, "UTC", [])
    assert term.projects()[0] == Project(title="P", mentors=term.projects()[0].mentors)
    assert term.projects()[0].mentors[0].role == "co-mentor"


def test_datetimes() -> None:
    moment = datetime(2024, 7, 31, 0, 0, 0, 250000, tzinfo=UTC)
    assert format_utc(moment) == "2024-07-31T00:00:00.250000Z"
    assert parse_utc("2024-07-31T00:00:00.250000Z") == moment
    with pytest.raises(ValueError, match="not UTC"):
        parse_utc("2024-07-31T00:00:00+02:00")
    with pytest.raises(FormatError, match="naive datetime"):
        format_utc(datetime(2024, 7, 31))  # noqa: DTZ001 - the naive value is the point


def test_json_value_lines() -> None:
    text = '{\n  "a": [\n    1,\n    {"b": "x,\\"y\\":[", "c": null}\n  ],\n  "d": true\n}'
    lines = json_value_lines(text)
    assert lines[()] == 1
    assert lines[("a",)] == 2
    assert lines[("a", 0)] == 3
    assert lines[("a", 1, "c")] == 4
    assert lines[("d",)] == 6


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{\n  "version": 1,\n  "term": {\n', 4, "invalid JSON: Expecting property name"),
        ('{"term": {"title": "T"}}', 1, "document: missing key 'version'"),
        ('{"version": 2, "term": {"title": "T"}}', 1, "unsupported Cohort JSON version 2"),
        (
            '{"version": 1,\n "term": {"title": "T",\n "label": "Fall 2021"}}',
            3,
            "term: label 'Fall 2021' is not like \"2024 Term 3\" (or empty)",
        ),
        (
            '{"version": 1, "term": {"title": "T"},\n "milestones": [\n  {"key": "k", "label": "L",'
            '\n   "start": "2024-07-31"}]}',
            4,
            "milestone 1: 'start' is '2024-07-31', expected ISO 8601 UTC like "
            '"2024-07-31T00:00:00Z"',
        ),
        (
            '{"version": 1, "term": {"title": "T"}, "organizations": [\n {"name": "O",'
            ' "projects": [\n  {"title": "P", "status": "draft"}]}]}',
            3,
            "organization 1 ('O') project 1 ('P'): 'status' is 'draft', expected one of "
            '"published", "proposed"',
        ),
        (
            '{"version": 1, "term": {"title": "T"}, "organizations": [\n {"name": "O",'
            ' "projects": [\n  {"title": "P",\n'
            '   "mentors": [{"name": "M", "flags": ["odd"]}]}]}]}',
            4,
            "organization 1 ('O') project 1 ('P') mentor 1: unknown flag 'odd'; known: "
            "email_missing, email_obfuscated, email_invalid, handle_missing, handle_invalid",
        ),
        (
            '{"version": 1, "term": {"title": "T"}, "organizations": [\n {"name": "O",\n'
            ' "projecs": []}]}',
            3,
            "organization 1: unknown key 'projecs'",
        ),
        (
            '{"version": 1, "term": {"title": "T"}, "organizations": [\n {"name": 5}]}',
            2,
            "organization 1: 'name' must be a string, not a number",
        ),
    ],
)
def test_errors(text: str, line: int, message: str) -> None:
    with pytest.raises(FormatError) as info:
        term_from_json(text, source="term.json")
    assert info.value.message.startswith(message)
    assert info.value.line == line
    assert str(info.value).startswith(f"term.json:{line}: ")


def test_half_a_label_is_refused() -> None:
    with pytest.raises(FormatError, match="both a year and a number"):
        term_to_json(TermData(title="T", year=2024))


def test_a_proposals_form_sections_round_trip_as_they_are() -> None:
    term = rich_term()
    form = {
        "CNCF Project": "Jaeger",
        "Program Description": "Plan\n\n### CNCF Project\n\nKubernetes\n\n_No response_",
        "Technologies": "",
        "An older section": "ü 🚀",
    }
    term.projects()[0].form = form
    text = term_to_json(term)
    written = json.loads(text)["organizations"][0]["projects"]
    assert written[0]["form"] == form
    assert list(written[0])[-2:] == ["form", "raw"]
    assert written[1]["form"] is None  # not a proposal: the source carries no sections
    back = term_from_json(text).projects()
    assert back[0].form == form
    assert back[1].form is None


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ('"x"', "organization 1 ('O') project 1 ('P'): 'form' must be an object, not a string"),
        ('{"Term": 3}', "organization 1 ('O') project 1 ('P') form: 'Term' must be a string"),
    ],
)
def test_a_form_that_is_not_sections_of_text_is_refused(form: str, message: str) -> None:
    text = '{"version": 1, "term": {"title": "T"}, "organizations": [{"name": "O",'
    text += f' "projects": [{{"title": "P", "form": {form}}}]}}]}}'
    with pytest.raises(FormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        term_from_json(text)

"""Out-of-range values are refused by the readers, with their line (issue 10, finding 3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cohort.formats.detect import read_term_file
from cohort.formats.limits import MAX_NUMBER, is_web_url
from cohort.formats.model import FormatError

FIXTURES = Path(__file__).parent / "fixtures"

PAGE = (
    "# {title}\n\n## Accepted projects\n\n### Jaeger\n\n#### Helm chart\n\n"
    "- Description: x\n- Mentor(s): Jane (@jane)\n"
)


def read(text: str, name: str = "t.md") -> FormatError:
    with pytest.raises(FormatError) as info:
        read_term_file(text.encode(), source=name)
    return info.value


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("Term 0 - 2024 September", "term number 0 is not 1, 2 or 3"),
        ("Term 7 - 2024 September", "term number 7 is not 1, 2 or 3"),
        ("1999 Term 2", "year 1999 is not between 2000 and 9999"),
    ],
)
def test_a_title_out_of_range_is_an_error_on_its_line(title: str, message: str) -> None:
    error = read(PAGE.format(title=title))
    assert str(error).startswith(f"t.md:1: {message}")


def test_a_term_argument_overrides_a_bad_title() -> None:
    data = read_term_file(PAGE.format(title="Term 0").encode(), source="t", term="2024 Term 1")
    assert (data.year, data.number) == (2024, 1)


def _json(**changes: object) -> str:
    project: dict[str, object] = {"title": "P", "number": 7, "lfx_url": "https://x.example/p"}
    project.update(changes)
    doc = {
        "version": 1,
        "term": {"title": "T", "label": "2024 Term 3"},
        "organizations": [{"name": "O", "projects": [project]}],
    }
    return json.dumps(doc, indent=2)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"number": 0}, "'number': number 0 is not between 1 and"),
        ({"number": -3}, "'number': number -3 is not between 1 and"),
        ({"number": MAX_NUMBER + 1}, "'number': number 2147483648 is not between"),
        ({"number": 10**30}, "'number': number 1000000000000000000000000000000 is not"),
        ({"lfx_url": "javascript:alert(1)"}, "'lfx_url' 'javascript:alert(1)' is not an http(s)"),
        ({"issue_url": "data:text/html,x"}, "'issue_url' 'data:text/html,x' is not an http(s)"),
        ({"upstream_issues": ["JavaScript:x"]}, "upstream issue 'JavaScript:x' is not an http(s)"),
    ],
)
def test_cohort_json_values_out_of_range_are_errors_on_their_line(
    changes: dict[str, object], message: str
) -> None:
    text = _json(**changes)
    error = read(text, "t.json")
    key = next(iter(changes))
    assert f'"{key}"' in "\n".join(text.split("\n")[error.line - 2 : error.line])
    assert message in error.message


def test_cohort_json_term_label_zone_and_duplicate_numbers() -> None:
    doc = json.loads(_json())
    doc["term"]["label"] = "2024 Term 0"
    assert read(json.dumps(doc, indent=2), "t.json").line == 5  # the label is "[1-9]…"
    doc["term"]["label"] = "1999 Term 3"
    assert "label '1999 Term 3': year 1999" in read(json.dumps(doc, indent=2), "t.json").message
    doc["term"]["label"] = "2024 Term 99999999999999999999"
    assert read(json.dumps(doc, indent=2), "t.json").line == 5
    doc["term"]["label"] = "2024 Term 3"
    doc["term"]["time_zone"] = "Mars/Olympus"
    error = read(json.dumps(doc, indent=2), "t.json")
    assert (error.line, error.message) == (6, "term: unknown time zone 'Mars/Olympus'")
    del doc["term"]["time_zone"]
    doc["organizations"][0]["projects"] *= 2
    error = read(json.dumps(doc, indent=2), "t.json")
    assert "number 7 is already used on line 13" in error.message
    assert error.line == 18


def test_cncf_export_values_out_of_range_are_errors_on_their_line() -> None:
    text = (FIXTURES / "lfx" / "lfx-export.json").read_text(encoding="utf-8")
    bad = text.replace('"issue_number": 2009', '"issue_number": -2009')
    assert "'issue_number': number -2009 is not" in read(bad, "x.json").message
    bad = text.replace('"lfx_url": ""', '"lfx_url": "javascript:alert(1)"')
    error = read(bad, "x.json")
    assert '"lfx_url"' in bad.split("\n")[error.line - 1]
    bad = text.replace('"_term": "2026 Term 3 (Sep-Nov)"', '"_term": "1999 Term 3 (Sep-Nov)"')
    assert read(bad, "x.json").line == 3


def test_canonical_term_zone_and_urls_are_checked_on_their_line() -> None:
    head = "# T\n\nTerm: {label}\n\nTime zone: {zone}\n\n---\n\n## Accepted projects\n\n### O\n\n"
    body = "#### P\n\n- LFX URL: {url}\n"
    page = head + body
    ok = {"label": "2024 Term 3", "zone": "UTC", "url": "https://x.example"}
    assert read_term_file(page.format(**ok).encode(), source="c.md").label == "2024 Term 3"
    error = read(page.format(**{**ok, "label": "2024 Term 0"}), "c.md")
    assert (error.line, error.message.split(";")[0]) == (3, "term number 0 is not 1, 2 or 3")
    assert read(page.format(**{**ok, "zone": "Nowhere/City"}), "c.md").line == 5
    error = read(page.format(**{**ok, "url": "javascript:alert(1)"}), "c.md")
    assert (error.line, error.message) == (
        15,
        "LFX URL 'javascript:alert(1)' is not an http(s) URL",
    )


def test_a_heading_link_to_lfx_must_be_http() -> None:
    page = PAGE.replace(
        "#### Helm chart", "#### [Helm](javascript:x//mentorship.lfx.linuxfoundation.org)"
    )
    data = read_term_file(page.format(title="Term 03 - 2024 Sep").encode(), source="t.md")
    assert data.projects()[0].lfx_url == ""


def test_binary_and_deeply_nested_files_say_where() -> None:
    assert read("# T\n\nok\n\x00").line == 4
    assert read("{\n" + '"a": [' * 1000 + "]" * 1000 + "}", "t.json").line == 2


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://github.com/a/b/issues/1", True),
        ("HTTP://example.org", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("https://", False),
        ("//example.org", False),
        ("https://[bad", False),
    ],
)
def test_is_web_url(url: str, ok: bool) -> None:
    assert is_web_url(url) is ok

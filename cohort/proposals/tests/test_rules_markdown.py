"""Values in validation messages stay text when the messages are rendered as Markdown
(issue 10, finding 11): a mentor handle cannot close its code span and become a link."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cohort.core.markdown import render_markdown_inline
from cohort.formats.issueform import IssueForm
from cohort.proposals import rules
from cohort.proposals.rules import validate_proposal
from cohort.proposals.tests.test_rules import form

EVIL = "x` [Approve here](https://evil.example) `y"


def rendered(f: IssueForm) -> str:
    result = validate_proposal(f)
    return "\n".join(
        render_markdown_inline(m) for m in [*result.errors, *result.warnings, *result.passed]
    )


def test_a_handle_cannot_escape_its_code_span_and_become_a_link() -> None:
    mentors = f"Jane Doe | {EVIL} | jane@example.com | janedoe"
    html = rendered(form(mentors=mentors))
    assert 'href="https://evil.example"' not in html
    assert "<a " not in html
    assert "<code>x` [Approve here](https://evil.example) `y</code>" in html


def test_values_outside_code_spans_cannot_become_links_or_tags() -> None:
    html = rendered(
        form(
            project="[Approve](https://evil.example)",
            technologies='<a href="https://evil.example">Go</a>',
            upstream_issue_url="https://x.example/[Approve](https://evil.example)",
        )
    )
    assert "<a " not in html
    assert "[Approve](https://evil.example)" in html  # shown as the text it is


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("`[]()<>!*_\\ xa:/.@\"'"), max_size=30))
def test_no_handle_makes_a_link_and_every_handle_reads_back(handle: str) -> None:
    message = rules._format(rules.MENTOR_HANDLE_INVALID, role="Primary mentor", value=handle)
    html = str(render_markdown_inline(message))
    assert "<a " not in html
    if handle.strip():
        code = re.search(r"handle <code>(.*)</code> doesn&#x27;t match", html) or re.search(
            r"handle <code>(.*)</code> doesn't match", html
        )
        assert code is not None, html
        text = code[1].replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
        text = text.replace("&#x27;", "'").replace("&amp;", "&")
        # CommonMark strips one space from each end of a code span, and the renderer trims
        # the line: what reads back is the handle up to the spaces around it.
        assert text.strip() == handle.strip()


NORMAL: dict[str, object] = {
    "role": "Mentor 2",
    "value": "janedoe@example",
    "line": "Jane Doe | @jane doe | jane@example.com",
    "url": "https://github.com/open_telemetry/opentelemetry-go/issues/12",
    "project": "cert-manager",
    "term": "2026 Term 3 (Sep-Nov)",
    "technologies": "Go, Kubernetes, cloud_native",
    "skills": "Go, C++, Node.js",
    "name": "Jane Doe",
    "error": "no such table: projects_project",
    "numbers": "#12, #13",
    "n": 5,
    "len": 120,
    "budget": 70,
    "full": 150,
    "over": 20,
    "d": 300,
    "count": 5,
    "quota": 4,
}


def test_messages_for_ordinary_values_are_unchanged() -> None:
    templates = {
        name: value
        for name, value in vars(rules).items()
        if name.isupper() and isinstance(value, str) and "{" in value
    }
    assert len(templates) > 20
    for name, template in templates.items():
        fields = set(re.findall(r"\{(\w+)\}", template))
        values = {key: NORMAL[key] for key in fields if key in NORMAL}
        if set(values) != fields:  # MISSING_SECTIONS: its labels are Markdown by design
            continue
        assert rules._format(template, **values) == template.format(**values), name

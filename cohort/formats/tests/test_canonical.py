"""Canonical Markdown: a rich term against an exact expected page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from cohort.formats.canonical import render_canonical
from cohort.formats.model import (
    FLAG_EMAIL_OBFUSCATED,
    FLAG_HANDLE_MISSING,
    Mentor,
    Milestone,
    Organization,
    Prerequisites,
    Project,
    TermData,
)

PDT = timezone(timedelta(hours=-7))


def rich_term() -> TermData:
    """Every feature of the model at least once (also used by test_interchange)."""
    return TermData(
        title="Term 03 - 2024 September - November",
        year=2024,
        number=3,
        status="Planning",
        time_zone="America/Los_Angeles",
        duration="three months (12 weeks - full-time schedule)",
        milestones=[
            Milestone(
                key="proposals_open",
                label="project proposals",
                raw="Jul 3 - Jul 30 5:00 PM PDT",
                start=datetime(2024, 7, 3, 17, 0, tzinfo=PDT),
                end=datetime(2024, 7, 31, 0, 0, tzinfo=UTC),
                has_time=True,
            ),
            Milestone(key="kickoff", label="Kick | off", raw="TBD | soon"),
        ],
        organizations=[
            Organization(
                name="Kubernetes",
                slug="kubernetes",
                maturity="graduated",
                projects=[
                    Project(
                        title="CSI driver tests",
                        lfx_title="CNCF - Kubernetes: CSI driver tests (2024 Term 3)",
                        subgroup="SIG Storage",
                        description="Line one\n\nLine three",
                        expected_outcome="Tests",
                        skills="Go",
                        technologies="Kubernetes\nCSI",
                        mentors=[
                            Mentor(
                                name="Jane Doe",
                                github="janedoe",
                                email="jane@example.org",
                                lfid="jdoe",
                                role="primary",
                            ),
                            Mentor(
                                name="Craig Box",
                                contact="craig.box AT gee-mail",
                                flags=[FLAG_EMAIL_OBFUSCATED, FLAG_HANDLE_MISSING],
                            ),
                        ],
                        upstream_issues=[
                            "https://github.com/kubernetes/kubernetes/issues/1",
                            "https://github.com/kubernetes/kubernetes/issues/2",
                        ],
                        lfx_url="https://mentorship.lfx.linuxfoundation.org/project/abc",
                        raw="#### CSI driver tests\n\n```go\nx := 1\n```\n\nSome ````quad```` here",
                        number=1234,
                        issue_url="https://github.com/cncf/mentoring/issues/1234",
                        prerequisites=Prerequisites(
                            resume=True,
                            coding_challenge=True,
                            coding_challenge_url="https://example.org/challenge",
                            custom_name="Task",
                            custom_description="Do it",
                            custom_file_upload=True,
                            has_custom=True,
                        ),
                        line=42,
                    ),
                    Project(
                        title="Second in SIG",
                        subgroup="SIG Storage",
                        mentors=[Mentor(name="No Parts")],
                    ),
                    Project(title="#Hashtag\n  title", description="Only"),
                ],
            ),
            Organization(
                name="TAG Network",
                kind="group",
                projects=[
                    Project(
                        title="Idea one",
                        status="proposed",
                        description="An idea",
                        mentors=[Mentor(name="A B", github="ab", role="primary")],
                        prerequisites=Prerequisites(),
                    )
                ],
            ),
        ],
        frontmatter="# Term 03 - 2024 September - November\n\nStatus: Planning\n\n---",
        generated="2024-08-01T00:00:00.000Z",
        source_kind="readme",
    )


EXPECTED = """\
# Term 03 - 2024 September - November

Term: 2024 Term 3

Status: Planning

Time zone: America/Los_Angeles

Mentorship duration - three months (12 weeks - full-time schedule)

### Timeline

| Activity | Dates | Start (UTC) | End (UTC) |
|---|---|---|---|
| project proposals | Jul 3 - Jul 30 5:00 PM PDT | 2024-07-04T00:00:00Z | 2024-07-31T00:00:00Z |
| Kick \\| off | TBD \\| soon |  |  |

---

<details><summary>Original page head</summary>

````markdown
# Term 03 - 2024 September - November

Status: Planning

---
````

</details>

## Accepted projects

### Kubernetes

#### SIG Storage

##### CSI driver tests

CNCF - Kubernetes: CSI driver tests (2024 Term 3)

- Description:

  > Line one
  >
  > Line three

- Expected Outcome:

  > Tests

- Recommended Skills: Go

- Technologies:

  > Kubernetes
  > CSI

- Mentor(s):
  - Jane Doe (@janedoe, jane@example.org, lfid: jdoe) (primary)
  - Craig Box (craig.box AT gee-mail)
- Upstream Issue(s):
  - https://github.com/kubernetes/kubernetes/issues/1
  - https://github.com/kubernetes/kubernetes/issues/2
- LFX URL: https://mentorship.lfx.linuxfoundation.org/project/abc

<details><summary>Original text</summary>

`````markdown
#### CSI driver tests

```go
x := 1
```

Some ````quad```` here
`````

</details>

##### Second in SIG

- Mentor(s):
  - No Parts

#### #Hashtag title

- Description:

  > Only

## Proposed Project ideas

### TAG Network

#### Idea one

- Description:

  > An idea

- Mentor(s):
  - A B (@ab) (primary)
"""


def test_rich_term() -> None:
    assert render_canonical(rich_term()) == EXPECTED


def test_minimal_term() -> None:
    assert render_canonical(TermData(title="Draft")) == "# Draft\n\nTime zone: UTC\n\n---\n"


def test_short_raw_gets_four_backticks_and_keeps_trailing_newline() -> None:
    term = TermData(
        title="T",
        organizations=[Organization(name="O", projects=[Project(title="P", raw="a `b`\n")])],
    )
    assert render_canonical(term).endswith(
        "#### P\n\n<details><summary>Original text</summary>\n\n"
        "````markdown\na `b`\n\n````\n\n</details>\n"
    )


def test_multiline_skills_and_single_line_description() -> None:
    project = Project(title="P", lfx_title="Full", skills="a\n\nb", technologies="Go", lfx_url="u")
    term = TermData(title="T", organizations=[Organization(name="O", projects=[project])])
    assert render_canonical(term).split("---\n\n", 1)[1] == (
        "## Accepted projects\n\n### O\n\n#### P\n\nFull\n\n"
        "- Recommended Skills:\n\n  > a\n  >\n  > b\n\n- Technologies: Go\n- LFX URL: u\n"
    )

"""Cohort's canonical Markdown term page (the grammar is in docs/formats.md).

The page reads like a CNCF term page, but every field has exactly one spelling, so the
term-page parser reads it back to the same data. Each entry keeps its original text in a
collapsed `<details>` block, because an imported entry may say more than the fields we extract.

Blocks are separated by exactly one blank line and the file ends with a single "\\n". A heading
text (term title, organization, subgroup, project title) that contains a line break or starts
with "#" is written with its whitespace collapsed to single spaces, so that it stays one heading.
"""

from __future__ import annotations

import re

from cohort.formats.interchange import format_utc
from cohort.formats.model import Mentor, Organization, Project, ProjectStatus, TermData

_BACKTICKS = re.compile("`+")
PAGE_HEAD_OPEN = "<details><summary>Original page head</summary>"
_SECTIONS: tuple[tuple[ProjectStatus, str], ...] = (
    ("published", "## Accepted projects"),
    ("proposed", "## Proposed Project ideas"),
)


def _heading(text: str) -> str:
    if text.startswith("#") or "\n" in text or "\r" in text:
        return " ".join(text.split())
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _quote(text: str) -> str:
    """A blockquote inside a list item; an empty line is "  >" without a trailing space."""
    return "\n".join(f"  > {line}" if line else "  >" for line in text.split("\n"))


def _fenced(raw: str) -> str:
    longest = max((len(run) for run in _BACKTICKS.findall(raw)), default=0)
    fence = "`" * max(4, longest + 1)
    return f"{fence}markdown\n{raw}\n{fence}"


def _mentor_line(mentor: Mentor) -> str:
    parts: list[str] = []
    if mentor.github:
        parts.append(f"@{mentor.github}")
    if mentor.email or mentor.contact:
        parts.append(mentor.email or mentor.contact)
    if mentor.lfid:
        parts.append(f"lfid: {mentor.lfid}")
    line = f"  - {mentor.name}"
    if parts:
        line += f" ({', '.join(parts)})"
    if mentor.role == "primary":
        line += " (primary)"
    return line


def _project_blocks(project: Project, level: str) -> list[str]:
    blocks = [f"{level} {_heading(project.title)}"]
    if project.lfx_title:
        blocks.append(project.lfx_title)
    lines: list[str] = []  # consecutive one-line fields, one block

    def quoted(label: str, text: str) -> None:
        if lines:
            blocks.append("\n".join(lines))
            lines.clear()
        blocks.append(f"- {label}:")
        blocks.append(_quote(text))

    if project.description:
        quoted("Description", project.description)
    if project.expected_outcome:
        quoted("Expected Outcome", project.expected_outcome)
    for label, value in (
        ("Recommended Skills", project.skills),
        ("Technologies", project.technologies),
    ):
        if "\n" in value:
            quoted(label, value)
        elif value:
            lines.append(f"- {label}: {value}")
    if project.mentors:
        lines.append("- Mentor(s):")
        lines.extend(_mentor_line(m) for m in project.mentors)
    if project.upstream_issues:
        lines.append("- Upstream Issue(s):")
        lines.extend(f"  - {url}" for url in project.upstream_issues)
    if project.lfx_url:
        lines.append(f"- LFX URL: {project.lfx_url}")
    if lines:
        blocks.append("\n".join(lines))
    if project.raw:
        blocks += ["<details><summary>Original text</summary>", _fenced(project.raw), "</details>"]
    return blocks


def _organization_blocks(org: Organization, projects: list[Project]) -> list[str]:
    blocks = [f"### {_heading(org.name)}"]
    subgroup = ""
    for project in projects:
        if project.subgroup and project.subgroup != subgroup:
            blocks.append(f"#### {_heading(project.subgroup)}")
        subgroup = project.subgroup
        blocks += _project_blocks(project, "#####" if project.subgroup else "####")
    return blocks


def _timeline(term: TermData) -> str:
    rows = ["| Activity | Dates | Start (UTC) | End (UTC) |", "|---|---|---|---|"]
    for m in term.milestones:
        start = "" if m.start is None else format_utc(m.start)
        end = "" if m.end is None else format_utc(m.end)
        rows.append(f"| {_cell(m.label)} | {_cell(m.raw)} | {start} | {end} |")
    return "\n".join(rows)


def render_canonical(term: TermData) -> str:
    """The term as canonical Markdown; see the module docstring and docs/formats.md."""
    blocks = [f"# {_heading(term.title)}"]
    if term.label:
        blocks.append(f"Term: {term.label}")
    if term.status:
        blocks.append(f"Status: {term.status}")
    blocks.append(f"Time zone: {term.time_zone}")
    if term.duration:
        blocks.append(f"Mentorship duration - {term.duration}")
    if term.milestones:
        blocks += ["### Timeline", _timeline(term)]
    blocks.append("---")
    if term.frontmatter:
        # The source page's head, which the CNCF README export preserves (docs/formats.md).
        blocks += [PAGE_HEAD_OPEN, _fenced(term.frontmatter), "</details>"]
    for status, heading in _SECTIONS:
        groups = [
            (org, [p for p in org.projects if p.status == status]) for org in term.organizations
        ]
        groups = [(org, projects) for org, projects in groups if projects]
        if groups:
            blocks.append(heading)
            for org, projects in groups:
                blocks += _organization_blocks(org, projects)
    return "\n\n".join(blocks) + "\n"

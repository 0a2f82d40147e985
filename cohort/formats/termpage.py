"""Read a CNCF LFX Mentorship term page (any historical variation, or Cohort's canonical form).

`parse_term_page(text, source=..., term=...)` returns a `TermData`. It handles every variation
catalogued in spec/term-pages.md §7: the page is read by *blocks* (§7.9.1). A program starts at
a heading directly followed by program fields (Description / Mentor / LFX URL / … labels, or a
`CNCF - <Project>: <Name> (<YYYY Term N>)` line); a heading with only sub-headings is a group
(the organization; deeper groups become `Project.subgroup`). Programs at irregular levels attach
to the organization above them; a program without a heading (a second `Description` after a
complete program) is split off; fenced templates, samples and everything before the projects
section are ignored. 2019 and 2020 Q1 list their programs in a table, one program per row.

Field labels are matched tolerantly (`cohort.formats.labels`), mentors are read by
`cohort.formats.mentors`, the timeline by `cohort.formats.timeline`. `Project.raw` is the entry's
text verbatim (from its heading line to the line before the next entry) and `Project.line` the
1-based line of its heading. Line endings are normalized to "\n" (and a BOM dropped) first.

Cohort's canonical Markdown (a `Term:` and a `Time zone:` line before the first `---`) is read
back exactly: Start/End cells literally, `(primary)` markers, the verbatim entry text from each
"Original text" fence. Malformed input raises `FormatError` with a line number, never another
exception.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Final

from cohort.formats import labels, mentors, timeline
from cohort.formats.limits import is_time_zone, is_web_url, term_problem, url_problem
from cohort.formats.model import (
    FormatError,
    Organization,
    Project,
    ProjectStatus,
    TermData,
)

TERM_HELP: Final = 'cannot tell which term this page is; pass --term "YYYY Term N"'
# What a page without a projects section is refused with (the archive import skips such pages).
NO_SECTION: Final = "no projects section found"

_TERM_ARG = re.compile(
    r"^\s*(\d{4})\s+Term\s+0*(\d{1,2})\s*(?:\(\s*[A-Za-z]+(?:\s*[-–—]\s*[A-Za-z]+)*\s*\))?\s*$",
    re.IGNORECASE,
)
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+$")
_SETEXT = re.compile(r"^ {0,3}(=+|-{2,})[ \t]*$")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})([^`]*)$")
_HR = re.compile(r"^---[ \t]*$")
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f]")  # control bytes no text page has
_TITLE_TERM = re.compile(r"\bTerm\s*0*(\d{1,2})\s*[-–—:,]\s*(\d{4})\b", re.IGNORECASE)
_TITLE_YEAR_TERM = re.compile(r"\b(\d{4})\s+Term\s+0*(\d{1,2})\b", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_TERM_LINE = re.compile(r"^\s*Term:\s*(\d{4})\s+Term\s+0*(\d{1,2})\s*$", re.IGNORECASE)
_ZONE_LINE = re.compile(r"^\s*Time zone:\s*(\S+)\s*$", re.IGNORECASE)
_STATUS = re.compile(r"^[ \t]*[*_]*Status[*_]*:[*_]*[ \t]*(.*?)[ \t*_]*$", re.IGNORECASE)
_DURATION = re.compile(r"^[#\s]*[*_]*Mentorship duration\s*[-–—:]\s*(.*?)[ \t*_]*$", re.IGNORECASE)
_CNCF_TITLE = re.compile(r"^\s*CNCF\s+-\s+\S.*$")
_TERM_SUFFIX = re.compile(r"\s*\(\s*\d{4}\s+Term\s+\d+\s*\)\s*$", re.IGNORECASE)
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*<?([^()\s<>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_URLS = re.compile(
    r"\[(?P<text>[^\[\]]*)\]\((?P<link>[^()\s]+)\)"
    r"|<(?P<auto>https?://[^<>\s]+)>"
    r"|(?P<bare>https?://[^\s<>()\[\]]+)"
)
_LFX_HOST = "mentorship.lfx.linuxfoundation.org"
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_LFX_TITLE_PROJECT = re.compile(r"^CNCF\s+-\s+([^:]+):")
_BULLET_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+(.*)$")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_NESTED_LABELS: Final = frozenset(
    {"mentorname", "mentornames", "primarymentor", "primarymentors", "secondarymentor"}
    | {"secondarymentors", "comentor", "comentors"}
)
_SECTION_NAMES: Final = frozenset(
    {
        "accepted projects",
        "accepted project",
        "participating projects",
        "projects",
        "proposed project ideas",
        "proposed projects",
        "project ideas",
        "list of selected projects",
        "selected projects",
        "list of accepted projects",
        "completed projects",
    }
)
_TOC_NAMES: Final = frozenset({"table of contents", "contents", "toc"})
_EXCLUDED = re.compile(r"^(?:template|sample|example)\b|\((?:sample|example|template)\)", re.I)
# A title that is only the marker word (`Sample:`, `Template - …`), not a program named after it.
_MARKER = re.compile(
    r"^(?:template|sample|example)s?[ \t]*(?:$|[:(\-–—])|\((?:sample|example|template)\)", re.I
)
_LIST_KINDS: Final = frozenset({"mentors", "upstream", "lfx"})


# --- small helpers -----------------------------------------------------------------------------


def _fail(message: str, line: int, source: str) -> FormatError:
    return FormatError(message, line=line, source=source)


def _indent(line: str) -> int:
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _fold_heading(text: str) -> str:
    text = text.replace("*", "").replace("_", " ").strip().rstrip(":").strip()
    return " ".join(text.split()).casefold()


def _unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text) if "\\" in text else text


def clean_heading(text: str) -> tuple[str, str]:
    """Display title of a heading and the LFX URL its link points to, if any."""
    text = _unescape(_CLOSING_HASHES.sub("", text).strip())
    link_url = ""

    def unlink(match: re.Match[str]) -> str:
        nonlocal link_url
        if _LFX_HOST in match.group(2) and not link_url and is_web_url(match.group(2)):
            link_url = match.group(2)
        return match.group(1)

    text = _MD_LINK.sub(unlink, text)
    text = text.strip()
    for _ in range(2):
        text = text.strip().removesuffix("**").removesuffix("__").strip()
        text = text.removeprefix("**").removeprefix("__").strip()
    text = _TERM_SUFFIX.sub("", text)
    return text.strip(), link_url


def extract_urls(text: str) -> list[str]:
    """Every URL in order: `[text](url)`, `<url>`, bare; trailing punctuation dropped."""
    found: list[str] = []
    for match in _URLS.finditer(text):
        if match.group("link") is not None:
            url = match.group("link")
            if not url.lower().startswith(("http://", "https://")):
                inner = _URLS.search(match.group("text") or "")
                if not inner:
                    continue
                url = inner.group(0)
        else:
            url = match.group("auto") or match.group("bare") or ""
        url = url.rstrip(".,;:!?'\"*_`")
        if url and url not in found:
            found.append(url)
    return found


def _fence_mask(lines: list[str]) -> list[bool]:
    """True for lines inside (or delimiting) a fenced code block; an unclosed fence runs on."""
    mask = [False] * len(lines)
    fence_char = ""
    fence_len = 0
    for i, line in enumerate(lines):
        if fence_char:
            mask[i] = True
            stripped = line.strip()
            if (
                _indent(line) <= 3
                and stripped.startswith(fence_char * fence_len)
                and not stripped.strip(fence_char)
            ):
                fence_char = ""
            continue
        match = _FENCE_OPEN.match(line)
        if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence_char, fence_len = match.group(1)[0], len(match.group(1))
            mask[i] = True
    return mask


@dataclass
class _Heading:
    index: int  # 0-based line index
    level: int
    text: str
    is_section: bool = False
    excluded: bool = False
    has_fields: bool = False
    field_below: bool = False  # a deeper heading before the next same-or-shallower one has fields
    program: bool = False
    title: str = ""  # clean_heading(text)
    url: str = ""

    def __post_init__(self) -> None:
        self.title, self.url = clean_heading(self.text)


def _headings(lines: list[str], fenced: list[bool]) -> list[_Heading]:
    found: list[_Heading] = []
    for i, line in enumerate(lines):
        if fenced[i] or not line.lstrip(" ").startswith("#"):
            continue
        match = _ATX.match(line)
        if match:
            found.append(_Heading(i, len(match.group(1)), match.group(2) or ""))
    return found


# --- labels and fields -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Label:
    indent: int
    bulleted: bool
    kind: labels.FieldKind
    role: labels.RoleHint
    norm: str
    value: str


def _match_label(line: str) -> _Label | None:
    """The field label a line starts with: `- Label: value`, `**Label**: value`, `- Label`."""
    stripped = line.lstrip()
    if len(stripped) < 3:
        return None
    bulleted = stripped[0] in "-*+" and stripped[1] in " \t"
    rest = stripped[2:].lstrip(" \t") if bulleted else stripped
    colon = rest.find(":")
    if colon == -1:
        if not bulleted or len(rest) > 72:
            return None
        label, value = rest, ""
    elif colon > 72:
        return None
    else:
        label, value = rest[:colon], rest[colon + 1 :]
        if value.startswith("//"):  # "https://…" is not a label
            return None
    label = label.strip().strip("*_").strip()
    if not label or not label[0].isalnum():
        return None
    found = labels.label_kind(label)
    if found is None:
        return None
    value = value.lstrip(" \t")
    if value.startswith(("**", "__")):
        value = value[2:]
    return _Label(
        indent=_indent(line),
        bulleted=bulleted,
        kind=found[0],
        role=found[1],
        norm=labels.normalize_label(label),
        value=value,
    )


@dataclass
class _Field:
    kind: labels.FieldKind
    role: labels.RoleHint
    offset: int  # index in the body of the label line
    inline: str
    lines: list[str] = field(default_factory=list)
    closed: bool = False


def _label_lines(body: list[str], fenced: list[bool]) -> list[_Label | None]:
    """The field label on each body line, or None; nested list items are values, not labels."""
    candidates = [None if fenced[i] else _match_label(line) for i, line in enumerate(body)]
    base = next((c.indent for c in candidates if c is not None and c.bulleted and c.indent <= 4), 0)
    result: list[_Label | None] = []
    stray: list[int] = []  # `  Mentor(s): …` indented by mistake under the previous field
    for i, candidate in enumerate(candidates):
        if candidate is None:
            result.append(None)
        elif candidate.bulleted:
            nested_ok = candidate.indent <= base + 1 or candidate.norm in _NESTED_LABELS
            result.append(candidate if nested_ok else None)
        elif candidate.indent <= 1 and candidate.kind in labels.PROGRAM_KINDS:
            result.append(candidate)
        else:
            result.append(None)
            if _is_stray_label(candidate):
                stray.append(i)
    # A stray label is still read when the entry has no field of that kind otherwise; a label
    # it already has (say, a second `Mentor(s):` in an outcome's prose) stays that field's text.
    present = {label.kind for label in result if label is not None}
    for i in stray:
        candidate = candidates[i]
        if candidate is not None and candidate.kind not in present:
            result[i] = candidate
            present.add(candidate.kind)
    return result


def _is_stray_label(candidate: _Label) -> bool:
    """An unbulleted program label indented 2-3 columns (less than a code block), with a value."""
    return (
        candidate.indent <= 3
        and candidate.kind in labels.PROGRAM_KINDS
        and bool(candidate.value.strip())
    )


def _split_fields(
    body: list[str], fenced: list[bool], found: list[_Label | None]
) -> tuple[list[str], list[_Field]]:
    preamble: list[str] = []
    fields: list[_Field] = []
    blank_before = False
    for i, line in enumerate(body):
        label = found[i]
        if label is not None:
            fields.append(_Field(label.kind, label.role, i, label.value))
            blank_before = False
            continue
        if not fields:
            preamble.append(line)
            continue
        current = fields[-1]
        if current.closed:
            continue
        blank = not line.strip()
        if (
            current.kind in _LIST_KINDS
            and blank_before
            and not blank
            and not fenced[i]
            and _indent(line) == 0
            and not _BULLET_ITEM.match(line)
        ):
            current.closed = True
            continue
        current.lines.append(line)
        blank_before = blank
    return preamble, fields


def _dedent_block(lines: list[str]) -> list[str]:
    rows = [line.rstrip().expandtabs(4) for line in lines]
    while rows and not rows[0].strip():
        rows.pop(0)
    while rows and (not rows[-1].strip() or _HR.match(rows[-1]) or _COMMENT.match(rows[-1])):
        rows.pop()  # blank lines, a closing `---` rule or `<!-- … -->` marker after the entry
    if not rows:
        return []
    return textwrap.dedent("\n".join(rows)).split("\n")


def _unquote(rows: list[str]) -> list[str] | None:
    """Lines of a `> ` block without the markers, or None when it is not one."""
    if not rows or not all(row.lstrip().startswith(">") for row in rows if row.strip()):
        return None
    out: list[str] = []
    for row in rows:
        text = row.lstrip()[1:] if row.strip() else ""
        out.append(text.removeprefix(" "))
    return out


def _inline(value: str) -> str:
    value = _BR.sub(" ", value).strip()
    return "" if value in {"|", ">", "|-", ">-"} else value


def _field_text(fld: _Field) -> str:
    inline = _inline(fld.inline)
    rows = _dedent_block(fld.lines)
    quoted = _unquote(rows)
    if quoted is not None:
        rows = quoted
    block = "\n".join(rows).strip("\n")
    if inline and block:
        separator = "\n\n" if not fld.lines[0].strip() else "\n"
        return f"{inline}{separator}{block}"
    return inline or block


def _list_items(rows: list[str]) -> list[str] | None:
    """Item texts when `rows` are only list items (wrapped lines join their item)."""
    items: list[str] = []
    for row in rows:
        if not row.strip():
            continue
        match = _BULLET_ITEM.match(row)
        if match:
            items.append(match.group(1).strip())
        elif items:
            items[-1] = f"{items[-1]} {row.strip()}"
        else:
            return None
    return items or None


def _skills_text(fld: _Field) -> str:
    inline = _inline(fld.inline)
    if not inline:
        items = _list_items(_dedent_block(fld.lines))
        if items is not None:
            return ", ".join(item for item in items if item)
    return _field_text(fld)


def _mentor_items(fld: _Field) -> list[mentors.MentorItem]:
    primary, co_mentor = fld.role == "primary", fld.role == "co-mentor"
    items: list[mentors.MentorItem] = []
    inline = _inline(fld.inline).strip("#").strip()
    if inline:
        items.append(mentors.MentorItem(inline, True, primary, co_mentor))
    continuing = False
    for row in fld.lines:
        if not row.strip():
            continuing = False
            continue
        match = _BULLET_ITEM.match(row)
        if match:
            items.append(mentors.MentorItem(match.group(1).strip(), False, primary, co_mentor))
            continuing = True
        elif continuing and items:
            last = items[-1]
            items[-1] = mentors.MentorItem(
                f"{last.text} {row.strip()}", last.inline, last.primary, last.co_mentor
            )
        else:
            items.append(mentors.MentorItem(row.strip(), True, primary, co_mentor))
            continuing = True
    return items


# --- programs ----------------------------------------------------------------------------------


@dataclass
class _Entry:
    """One program as found on the page, before it joins its organization."""

    org: str
    subgroup: str
    project: Project


def _build_project(
    title: str,
    heading_url: str,
    body: list[str],
    fenced: list[bool],
    found: list[_Label | None],
    *,
    status: ProjectStatus,
    raw: str,
    line: int,
) -> Project:
    preamble, fields = _split_fields(body, fenced, found)
    lfx_title = ""
    prose: list[str] = []
    for row in preamble:
        if not lfx_title and _CNCF_TITLE.match(row):
            lfx_title = row.strip()
        elif not _COMMENT.match(row) and not _HR.match(row.strip()):
            prose.append(row)
    texts: dict[str, list[str]] = {}
    pieces: list[mentors.MentorPiece] = []
    issues: list[str] = []
    lfx_url = ""
    for fld in fields:
        if fld.kind == "mentors":
            pieces.extend(mentors.parse_mentor_items(_mentor_items(fld)))
        elif fld.kind == "upstream":
            for url in extract_urls("\n".join([fld.inline, *fld.lines])):
                if url not in issues:
                    issues.append(url)
        elif fld.kind == "lfx" and not lfx_url:
            urls = extract_urls("\n".join([fld.inline, *fld.lines]))
            lfx_url = urls[0] if urls else ""
        elif fld.kind in {"skills", "technologies"}:
            value = _skills_text(fld)
            if value:
                texts.setdefault(fld.kind, []).append(value)
        elif fld.kind in {"description", "outcome"}:
            value = _field_text(fld)
            if value:
                texts.setdefault(fld.kind, []).append(value)
    description = "\n\n".join(texts.get("description", []))
    if not description:
        description = "\n".join(_dedent_block(prose)).strip("\n")
    return Project(
        title=title,
        lfx_title=lfx_title,
        status=status,
        description=description,
        expected_outcome="\n\n".join(texts.get("outcome", [])),
        skills="\n".join(texts.get("skills", [])),
        technologies="\n".join(texts.get("technologies", [])),
        mentors=mentors.finalize_mentors(pieces),
        upstream_issues=issues,
        lfx_url=lfx_url or heading_url,  # S3: the LFX link is in the heading
        raw=raw,
        line=line,
    )


def _split_points(found: list[_Label | None]) -> list[int]:
    """Body offsets where a program without a heading starts (a second Description after a
    complete program: 2022 Spring, 2nd KubeArmor program)."""
    points: list[int] = []
    seen_description = seen_details = False
    for offset, label in enumerate(found):
        if label is None:
            continue
        if label.kind == "description":
            if seen_description and seen_details:
                points.append(offset)
                seen_details = False
            seen_description = True
        elif label.kind in _LIST_KINDS:
            seen_details = True
    return points


@dataclass
class _Page:
    lines: list[str]
    fenced: list[bool]
    source: str
    cursor: int = 0  # line being read, for error messages


def _has_fields(page: _Page, start: int, end: int) -> bool:
    for i in range(start, end):
        if page.fenced[i]:
            continue
        line = page.lines[i]
        if _CNCF_TITLE.match(line):
            return True
        label = _match_label(line)
        if label is not None and label.kind in labels.PROGRAM_KINDS:
            return True
    return False


def _classify(page: _Page, heads: list[_Heading], end: int) -> None:
    for k, head in enumerate(heads):
        stop = heads[k + 1].index if k + 1 < len(heads) else end
        head.has_fields = bool(head.url) or _has_fields(page, head.index + 1, stop)
    stack: list[_Heading] = []
    for head in heads:
        while stack and stack[-1].level >= head.level:
            stack.pop()
        if head.is_section:
            stack.clear()
            continue
        if head.has_fields:
            for above in stack:
                above.field_below = True
        stack.append(head)
    for head in heads:
        # A heading followed by fields of its own is a program, even when a mis-levelled
        # program follows one level deeper (2020 Q3-Q4, 2021 Fall: `####` among `#####`).
        head.program = head.has_fields and not head.is_section


def _mark_excluded(page: _Page, heads: list[_Heading], end: int) -> None:
    """Template and sample blocks: `### Template`, `### Sample:`, `#### Prometheus (sample)` and
    everything below them. A program whose own title only begins with the word (`#### Sample
    Policies For New Policy Types`, with fields of its own) is a program, not a sample."""
    excluded_level = 0
    for k, head in enumerate(heads):
        if excluded_level and head.level > excluded_level and not head.is_section:
            head.excluded = True
            continue
        excluded_level = 0
        if head.is_section or not _EXCLUDED.search(head.title):
            continue
        if not _MARKER.search(head.title):
            stop = heads[k + 1].index if k + 1 < len(heads) else end
            if head.url or _has_fields(page, head.index + 1, stop):
                continue
        head.excluded = True
        excluded_level = head.level


def _entries_from_headings(
    page: _Page, heads: list[_Heading], end: int, *, ideas: bool
) -> list[_Entry]:
    entries: list[_Entry] = []
    stack: list[tuple[int, str]] = []  # open groups: (level, name)
    last_org = ""
    status: ProjectStatus = "proposed" if ideas else "published"
    for k, head in enumerate(heads):
        page.cursor = head.index + 1
        if head.is_section:
            stack.clear()
            status = "proposed" if ideas or "idea" in _fold_heading(head.text) else "published"
            continue
        if head.excluded or _fold_heading(head.title) in _TOC_NAMES:
            continue
        while stack and stack[-1][0] >= head.level:
            stack.pop()
        name = head.title
        if head.program:
            org = stack[0][1] if stack else last_org
            subgroup = " / ".join(n for _, n in stack[1:])
            stop = _entry_end(heads, k, end)
            entries.extend(
                _program_entries(page, head, stop, org=org, subgroup=subgroup, status=status)
            )
            last_org = entries[-1].org if entries else last_org
            continue
        body_stop = heads[k + 1].index if k + 1 < len(heads) else end
        empty_body = not any(page.lines[i].strip() for i in range(head.index + 1, body_stop))
        if head.field_below:
            if stack and labels.is_standalone_project(name):
                level = stack[0][0]
                stack = [(level, name)]  # a project mis-nested under another project
            else:
                stack.append((head.level, name))
            if len(stack) == 1:
                last_org = name
        elif empty_body:
            last_org = name  # `### in-toto` followed by a program at the same level
    return entries


def _entry_end(heads: list[_Heading], k: int, end: int) -> int:
    level = heads[k].level
    for head in heads[k + 1 :]:
        if (
            head.level <= level
            or head.program
            or head.field_below
            or head.is_section
            or head.excluded
        ):
            return head.index
    return end


def _program_entries(
    page: _Page, head: _Heading, stop: int, *, org: str, subgroup: str, status: ProjectStatus
) -> Iterator[_Entry]:
    lines, fenced = page.lines, page.fenced
    title, heading_url = head.title, head.url
    body_start = head.index + 1
    body = lines[body_start:stop]
    body_fenced = fenced[body_start:stop]
    found = _label_lines(body, body_fenced)
    starts = [0, *_split_points(found)]
    bounds = [*starts[1:], len(body)]
    for n, (a, b) in enumerate(zip(starts, bounds, strict=True)):
        first = n == 0
        raw_start = head.index if first else body_start + a
        project = _build_project(
            title if first else "",
            heading_url if first else "",
            body[a:b],
            body_fenced[a:b],
            found[a:b],
            status=status,
            raw="\n".join(lines[raw_start : body_start + b]),
            line=raw_start + 1,
        )
        owner = org or _org_from_lfx_title(project.lfx_title) or project.title
        yield _Entry(owner, subgroup, project)


def _org_from_lfx_title(lfx_title: str) -> str:
    match = _LFX_TITLE_PROJECT.match(lfx_title)
    return match.group(1).strip() if match else ""


def _table_blocks(page: _Page, start: int, end: int) -> Iterator[tuple[int, list[str]]]:
    i = start
    while i < end:
        if not page.fenced[i] and page.lines[i].lstrip().startswith("|"):
            j = i
            while j < end and not page.fenced[j] and page.lines[j].lstrip().startswith("|"):
                j += 1
            yield i, page.lines[i:j]
            i = j
        else:
            i += 1


def _entries_from_tables(page: _Page, start: int, end: int, *, ideas: bool) -> list[_Entry]:
    """One program per row of a `| CNCF Projects | Community Bridge Project | Mentor … |` table."""
    entries: list[_Entry] = []
    for first, table in _table_blocks(page, start, end):
        header = [timeline.strip_emphasis(c).lower() for c in timeline.split_table_row(table[0])]
        if any("activit" in c for c in header):
            continue
        org_col = next((i for i, c in enumerate(header) if c.startswith("cncf project")), None)
        title_col = next((i for i, c in enumerate(header) if i != org_col and "project" in c), None)
        mentor_col = next((i for i, c in enumerate(header) if "mentor" in c), None)
        if org_col is None or title_col is None:
            continue
        for offset, row in enumerate(table[1:], start=1):
            cells = timeline.split_table_row(row)
            if timeline.is_separator_row(cells) or len(cells) <= max(org_col, title_col):
                continue
            page.cursor = first + offset + 1
            title, url = clean_heading(cells[title_col])
            items = []
            if mentor_col is not None and mentor_col < len(cells):
                items = [mentors.MentorItem(cells[mentor_col])]
            project = Project(
                title=title,
                status="proposed" if ideas else "published",
                mentors=mentors.finalize_mentors(mentors.parse_mentor_items(items)),
                lfx_url=url,
                raw=row,
                line=first + offset + 1,
            )
            entries.append(_Entry(clean_heading(cells[org_col])[0], "", project))
    return entries


def _organizations(entries: list[_Entry]) -> list[Organization]:
    orgs: list[Organization] = []
    by_name: dict[str, Organization] = {}
    for entry in entries:
        name = labels.canonical_org_name(entry.org)
        key = labels.fold(name)
        org = by_name.get(key)
        if org is None:
            org = Organization(name=name, kind=labels.org_kind(name))
            by_name[key] = org
            orgs.append(org)
        entry.project.subgroup = entry.subgroup
        org.projects.append(entry.project)
    return orgs


# --- page level --------------------------------------------------------------------------------


def _parse_term_argument(term: str, source: str) -> tuple[int, int]:
    match = _TERM_ARG.match(term)
    if not match or not 1 <= int(match.group(2)) <= 3:
        raise _fail(f'invalid term "{term}": expected "YYYY Term N" with N = 1, 2 or 3', 0, source)
    return int(match.group(1)), int(match.group(2))


def _check_text(text: object, source: str) -> str:
    if isinstance(text, bytes | bytearray):
        data = bytes(text)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _fail(
                "not a UTF-8 text file", data.count(b"\n", 0, exc.start) + 1, source
            ) from None
    if not isinstance(text, str):
        raise _fail("not a text file", 1, source)
    binary = _BINARY.search(text)
    if binary:
        raise _fail(
            f"not a text file (binary byte 0x{ord(binary.group()):02x})",
            text.count("\n", 0, binary.start()) + 1,
            source,
        )
    if not text.strip():
        raise _fail("empty file", 1, source)
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _find_title(page: _Page, heads: list[_Heading], limit: int) -> tuple[str, int]:
    """The page title and its 1-based line (ATX heading, or setext at the top), looked for
    before line index `limit` (the projects section); ("", 0) when there is none."""
    first_atx = next(
        (
            h
            for h in heads
            if h.index < limit and _fold_heading(h.title) not in _TOC_NAMES | _SECTION_NAMES
        ),
        None,
    )
    limit = first_atx.index if first_atx else len(page.lines)
    for i in range(min(limit, len(page.lines) - 1)):
        line = page.lines[i]
        if not line.strip() or page.fenced[i]:
            continue
        if _SETEXT.match(page.lines[i + 1]) and not line.lstrip().startswith(("-", "*", "|", ">")):
            return line.strip(), i + 1
        break
    if first_atx is None:
        return "", 0
    return first_atx.title, first_atx.index + 1


def _check_term(year: int, number: int, line: int, source: str) -> None:
    problem = term_problem(year, number)
    if problem:
        raise _fail(f'{problem}; is the title right? (or pass --term "YYYY Term N")', line, source)


def _term_from_text(title: str) -> tuple[int | None, int | None]:
    match = _TITLE_TERM.search(title)
    if match:
        return int(match.group(2)), int(match.group(1))
    match = _TITLE_YEAR_TERM.search(title)
    if match:
        return int(match.group(1)), int(match.group(2))
    year = _YEAR.search(title)
    return (int(year.group(1)) if year else None), None


def _first_hr(page: _Page) -> int | None:
    return next(
        (i for i, line in enumerate(page.lines) if not page.fenced[i] and _HR.match(line)), None
    )


def _timeline_rows(
    page: _Page, heads: list[_Heading], before: int, section_level: int | None
) -> list[timeline.TimelineRow]:
    """The timeline: the first activity/date table before the projects section, else the
    table or bullets under a `Timeline` heading (2020 Q1 has it inside the section, one level
    below the section heading; deeper ones belong to a program)."""
    for _, table in _table_blocks(page, 0, before):
        header = [timeline.strip_emphasis(c).lower() for c in timeline.split_table_row(table[0])]
        if any("activit" in c for c in header) or any(c.startswith("date") for c in header):
            return timeline.rows_from_table(table)
    for k, head in enumerate(heads):
        inside = head.index >= before
        if inside and (section_level is None or head.level > section_level + 1):
            continue
        if "timeline" in _fold_heading(head.text):
            stop = heads[k + 1].index if k + 1 < len(heads) else len(page.lines)
            for _, table in _table_blocks(page, head.index + 1, stop):
                return timeline.rows_from_table(table)
            body = [page.lines[i] for i in range(head.index + 1, stop) if not page.fenced[i]]
            return timeline.rows_from_bullets(body)
    return []


def _page_fields(page: _Page, end: int) -> tuple[str, str]:
    status = duration = ""
    for i in range(end):
        if page.fenced[i]:
            continue
        line = page.lines[i]
        if not status:
            match = _STATUS.match(line)
            if match and match.group(1):
                status = match.group(1).strip()
        if not duration:
            match = _DURATION.match(line)
            if match:
                duration = _unescape(match.group(1)).strip()
    return status, duration


def parse_term_page(text: str, *, source: str = "", term: str | None = None) -> TermData:
    """Read a term page; see the module docstring. Raises FormatError on malformed input."""
    term_year = term_number = None
    if term is not None:
        term_year, term_number = _parse_term_argument(term, source)
    text = _check_text(text, source)
    lines = text.split("\n")
    page = _Page(lines, _fence_mask(lines), source)
    try:
        if _is_canonical(page):
            return _parse_canonical(page, term_year, term_number)
        return _parse_historical(page, term_year, term_number)
    except FormatError:
        raise
    except Exception as exc:  # the contract: FormatError, never a traceback
        raise _fail(
            f"cannot read this page ({type(exc).__name__}: {exc})", page.cursor or 1, source
        ) from exc


def _parse_historical(page: _Page, term_year: int | None, term_number: int | None) -> TermData:
    lines = page.lines
    heads = _headings(lines, page.fenced)
    section = next((h for h in heads if _fold_heading(h.title) in _SECTION_NAMES), None)
    hr = _first_hr(page)
    limit = section.index if section else hr if hr is not None else len(lines)
    title, title_line = _find_title(page, heads, limit)
    if section is not None:
        start = section.index
    elif hr is not None:
        start = hr + 1
    else:
        start = title_line  # everything after the title
    body_heads = [h for h in heads if h.index >= start and h.index + 1 != title_line]
    for head in body_heads:
        head.is_section = _fold_heading(head.title) in _SECTION_NAMES
    name = PurePath(page.source).name.lower() if page.source else ""
    ideas = "idea" in name or (section is not None and "idea" in _fold_heading(section.text))
    _mark_excluded(page, body_heads, len(lines))
    _classify(page, body_heads, len(lines))
    entries = _entries_from_headings(page, body_heads, len(lines), ideas=ideas)
    table_entries = _entries_from_tables(page, start, len(lines), ideas=ideas)
    if table_entries:
        entries = sorted([*entries, *table_entries], key=lambda e: e.project.line)
    if section is None and not entries:
        raise _fail(NO_SECTION, 1, page.source)

    year, number = _term_from_text(title)
    term_line = 0
    for i in range(start):
        match = _TERM_LINE.match(lines[i])
        if match and not page.fenced[i]:
            year, number = int(match.group(1)), int(match.group(2))
            term_line = i + 1
            break
    if term_year is not None:
        year, number = term_year, term_number
    if year is None or number is None:
        raise _fail(TERM_HELP, title_line or 1, page.source)
    if term_year is None:
        _check_term(year, number, term_line or title_line or 1, page.source)

    status, duration = _page_fields(page, start)
    rows = _timeline_rows(page, heads, start, section.level if section else None)
    zone = timeline.implied_time_zone([row.raw for row in rows])
    return TermData(
        title=title,
        year=year,
        number=number,
        status=status,
        time_zone=zone,
        duration=duration,
        milestones=timeline.build_milestones(rows, year=year, zone=zone),
        organizations=_organizations(entries),
        frontmatter="\n".join(lines[: hr + 1]) if hr is not None else "",
        source_kind="ideas" if ideas else "readme",
    )


# --- canonical ---------------------------------------------------------------------------------


def _is_canonical(page: _Page) -> bool:
    hr = _first_hr(page)
    head = page.lines[: hr if hr is not None else len(page.lines)]
    return any(_ZONE_LINE.match(line) for line in head) and any(
        _TERM_LINE.match(line) for line in head
    )


_DETAILS_OPEN = "<details><summary>Original text</summary>"
_PAGE_HEAD_OPEN = "<details><summary>Original page head</summary>"
_CANONICAL_FIELDS: Final[dict[str, str]] = {
    "Description:": "description",
    "Expected Outcome:": "outcome",
    "Recommended Skills:": "skills",
    "Technologies:": "technologies",
    "Mentor(s):": "mentors",
    "Upstream Issue(s):": "upstream",
    "LFX URL:": "lfx",
}


def _quoted_block(lines: list[str], i: int) -> tuple[str, int]:
    """The unquoted text of the `  > ` block after line i, and the index after it."""
    j = i + 1
    if j < len(lines) and not lines[j].strip():
        j += 1
    rows: list[str] = []
    while j < len(lines) and lines[j].startswith("  >"):
        rows.append(lines[j][3:].removeprefix(" "))
        j += 1
    return "\n".join(rows), j


def _canonical_field(line: str) -> tuple[str, str] | None:
    """(kind, inline value) of a canonical `- Label: value` line."""
    if not line.startswith("- "):
        return None
    rest = line[2:]
    for label, kind in _CANONICAL_FIELDS.items():
        if rest == label or rest.startswith(label + " "):
            return kind, rest[len(label) :].strip()
    return None


def _canonical_project(page: _Page, head: _Heading, stop: int, status: ProjectStatus) -> Project:
    lines = page.lines
    project = Project(title=head.title, status=status, line=head.index + 1)
    values: dict[str, str] = {}
    seen_field = False
    i = head.index + 1
    while i < stop:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        if stripped == _DETAILS_OPEN:
            project.raw, i = _details_fence(lines, i, stop)
            seen_field = True
            continue
        found = _canonical_field(line)
        if found is None:
            if not seen_field and not project.lfx_title:
                project.lfx_title = stripped
            i += 1
            continue
        seen_field = True
        kind, value = found
        if kind in {"mentors", "upstream"}:
            i += 1
            while i < stop and lines[i].startswith("  - "):
                item = lines[i][4:]
                if kind == "mentors":
                    project.mentors.append(mentors.parse_canonical_mentor(item))
                else:
                    _check_url(item.strip(), "upstream issue", page, i)
                    project.upstream_issues.append(item.strip())
                i += 1
        elif value:
            if kind == "lfx":
                _check_url(value, "LFX URL", page, i)
            values[kind] = value
            i += 1
        else:
            values[kind], i = _quoted_block(lines, i)
    project.description = values.get("description", "")
    project.expected_outcome = values.get("outcome", "")
    project.skills = values.get("skills", "")
    project.technologies = values.get("technologies", "")
    project.lfx_url = values.get("lfx", "")
    return project


def _check_url(url: str, what: str, page: _Page, index: int) -> None:
    problem = url_problem(url, what)
    if problem:
        raise _fail(problem, index + 1, page.source)


def _parse_canonical(page: _Page, term_year: int | None, term_number: int | None) -> TermData:
    lines = page.lines
    heads = _headings(lines, page.fenced)
    hr = _first_hr(page)
    top = hr if hr is not None else len(lines)
    title_head = next((h for h in heads if h.level == 1), None)
    title = title_head.title if title_head else ""
    year = number = None
    zone = timeline.DEFAULT_TIME_ZONE
    for i, line in enumerate(lines[:top]):
        term_match = _TERM_LINE.match(line)
        if term_match:
            year, number = int(term_match.group(1)), int(term_match.group(2))
            if term_year is None:
                _check_term(year, number, i + 1, page.source)
        zone_match = _ZONE_LINE.match(line)
        if zone_match:
            zone = zone_match.group(1)
            if not is_time_zone(zone):
                raise _fail(f"unknown time zone {zone!r}", i + 1, page.source)
    if term_year is not None:
        year, number = term_year, term_number
    status, duration = _page_fields(page, top)
    rows: list[timeline.TimelineRow] = []
    for _, table in _table_blocks(page, 0, top):
        rows = timeline.rows_from_table(table, literal_cells=True)
        break
    entries: list[_Entry] = []
    status_now: ProjectStatus = "published"
    org = subgroup = ""
    body_heads = [h for h in heads if h.index > top]
    for k, head in enumerate(body_heads):
        page.cursor = head.index + 1
        stop = body_heads[k + 1].index if k + 1 < len(body_heads) else len(lines)
        name = head.title
        if head.level <= 2:
            status_now = "proposed" if "idea" in _fold_heading(name) else "published"
            org = subgroup = ""
        elif head.level == 3:
            org, subgroup = name, ""
        elif head.level == 4 and _canonical_is_subgroup(lines, body_heads, k, stop):
            subgroup = name
        else:
            if head.level == 4:
                subgroup = ""
            project = _canonical_project(page, head, stop, status_now)
            entries.append(_Entry(org, subgroup, project))
    return TermData(
        title=title,
        year=year,
        number=number,
        status=status,
        time_zone=zone,
        duration=duration,
        milestones=timeline.build_milestones(rows, year=year, zone=zone, literal=True),
        organizations=_organizations(entries),
        frontmatter=_canonical_page_head(
            lines, top, body_heads[0].index if body_heads else len(lines)
        ),
        source_kind="canonical",
    )


def _details_fence(lines: list[str], i: int, stop: int) -> tuple[str, int]:
    """The verbatim text of the code fence after the `<details>` line i, and the index after it."""
    j = i + 1
    while j < stop and not lines[j].strip():
        j += 1
    fence = lines[j].strip().removesuffix("markdown") if j < stop else ""
    k = j + 1
    while k < stop and lines[k] != fence:
        k += 1
    return "\n".join(lines[j + 1 : k]), k + 1


def _canonical_page_head(lines: list[str], after: int, before: int) -> str:
    """The source page's head, kept in a fenced block between `---` and the first section."""
    for i in range(after, before):
        if lines[i].strip() == _PAGE_HEAD_OPEN:
            return _details_fence(lines, i, before)[0]
    return ""


def _canonical_is_subgroup(lines: list[str], heads: list[_Heading], k: int, stop: int) -> bool:
    """A `####` heading with no text of its own whose next heading is a `#####` title."""
    empty = not any(line.strip() for line in lines[heads[k].index + 1 : stop])
    return empty and k + 1 < len(heads) and heads[k + 1].level == 5

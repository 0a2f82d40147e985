"""The term a path in cncf/mentoring's `programs/lfx-mentorship/` tree names.

Pages live at `YYYY/<term folder>/<page>.md`, the term folder written three ways over the
years: `NN-Name` (`01-Spring`, `03-Sep-Nov`, `03-Sept-Nov`: the number is the term),
`qN` / `qN-qM` (2020: `q1` is Term 1, `q2` Term 2, `q3-q4` Term 3; a folder starting at Q3
or Q4 is Term 3), and none at all for 2019, the pilot year, whose one page is `2019/README.md`
and which is read as `2019 Term 1` (docs/decisions/0015-term-from-the-cncf-path.md).

Pure: the standard library only, no file is opened. Only the last components of the path are
looked at, so an absolute path, a relative one and one with Windows separators all work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath, PureWindowsPath
from typing import Final

# The Markdown pages of a term; any other Markdown in the tree (the program's top README,
# automation/ docs, a term folder's notes) is not a term page.
TERM_PAGE_NAMES: Final = frozenset({"readme.md", "project_ideas.md", "selected_projects.md"})
# The years the tree covers before CNCF numbered its terms: one page, directly in YYYY/.
YEAR_ONLY_YEARS: Final = range(2000, 2020)

_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_NUMBERED = re.compile(r"^0*([1-3])-[A-Za-z]+(?:-[A-Za-z]+)*$")
_QUARTERS = re.compile(r"^q([1-4])(?:-q([1-4]))?$", re.IGNORECASE)


@dataclass(frozen=True)
class PathTerm:
    year: int
    number: int

    @property
    def label(self) -> str:
        """As `--term` and the pages write it, e.g. "2024 Term 3"."""
        return f"{self.year} Term {self.number}"


def _parts(path: str | PurePath) -> tuple[str, ...]:
    if isinstance(path, PurePath):
        return path.parts
    return (PureWindowsPath(path) if "\\" in path else PurePosixPath(path)).parts


def folder_term(name: str) -> int | None:
    """The term number a term folder's name gives: `03-Sep-Nov` → 3, `q2` → 2, `q3-q4` → 3."""
    numbered = _NUMBERED.match(name)
    if numbered:
        return int(numbered.group(1))
    quarters = _QUARTERS.match(name)
    if quarters:
        first = int(quarters.group(1))
        last = int(quarters.group(2) or first)
        if last < first or min(first, 3) != min(last, 3):
            return None  # Q1-Q2 would span two terms
        return min(first, 3)
    return None


def term_from_path(path: str | PurePath) -> PathTerm | None:
    """The term a page's path names, or None when the path does not have the tree's shape.

    `2024/03-Sep-Nov/README.md` → 2024 Term 3; `2020/q3-q4/project_ideas.md` → 2020 Term 3;
    `2019/README.md` → 2019 Term 1. The file's own name is not checked here (see
    `is_term_page`); a directory path (`2024/03-Sep-Nov`) names its term as well.
    """
    parts = _parts(path)
    if parts and parts[-1].lower().endswith(".md"):
        parts = parts[:-1]
    if len(parts) >= 2 and _YEAR.match(parts[-2]):
        number = folder_term(parts[-1])
        if number is not None:
            return PathTerm(int(parts[-2]), number)
    if parts and _YEAR.match(parts[-1]) and int(parts[-1]) in YEAR_ONLY_YEARS:
        return PathTerm(int(parts[-1]), 1)
    return None


def is_term_page(path: str | PurePath) -> bool:
    """Whether a Markdown file in the tree is a term page: README.md, project_ideas.md or
    selected_projects.md in a term folder (`YYYY/03-Sep-Nov/`, `YYYY/q2/`), or the README.md
    of a year before terms (`2019/README.md`). The program's top README.md, automation/
    docs and other Markdown are not."""
    parts = _parts(path)
    if not parts or parts[-1].lower() not in TERM_PAGE_NAMES:
        return False
    if term_from_path(path) is None:
        return False
    # A year-only page is the year's README; ideas there would have no term folder.
    return len(parts) >= 2 and (not _YEAR.match(parts[-2]) or parts[-1].lower() == "readme.md")

"""The term a cncf/mentoring path names, for every path shape the real tree has."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from cohort.formats.cncfpath import PathTerm, folder_term, is_term_page, term_from_path

# Every term page of programs/lfx-mentorship/ (45 files, 2019 to 2026 Term 3) and its term.
REAL_PAGES = {
    "2019/README.md": "2019 Term 1",
    "2020/q1/README.md": "2020 Term 1",
    "2020/q1/project_ideas.md": "2020 Term 1",
    "2020/q2/README.md": "2020 Term 2",
    "2020/q2/project_ideas.md": "2020 Term 2",
    "2020/q2/selected_projects.md": "2020 Term 2",
    "2020/q3-q4/README.md": "2020 Term 3",
    "2020/q3-q4/project_ideas.md": "2020 Term 3",
    "2020/q3-q4/selected_projects.md": "2020 Term 3",
    "2021/01-Spring/README.md": "2021 Term 1",
    "2021/01-Spring/project_ideas.md": "2021 Term 1",
    "2021/02-Summer/README.md": "2021 Term 2",
    "2021/02-Summer/project_ideas.md": "2021 Term 2",
    "2021/03-Fall/README.md": "2021 Term 3",
    "2021/03-Fall/project_ideas.md": "2021 Term 3",
    "2022/01-Spring/README.md": "2022 Term 1",
    "2022/01-Spring/project_ideas.md": "2022 Term 1",
    "2022/02-Summer/README.md": "2022 Term 2",
    "2022/02-Summer/project_ideas.md": "2022 Term 2",
    "2022/03-Sept-Nov/README.md": "2022 Term 3",
    "2022/03-Sept-Nov/project_ideas.md": "2022 Term 3",
    **{
        f"{year}/{folder}/{page}": f"{year} Term {folder[1]}"
        for year in range(2023, 2027)
        for folder in ("01-Mar-May", "02-Jun-Aug", "03-Sep-Nov")
        for page in ("README.md", "project_ideas.md")
    },
}

NOT_TERM_PAGES = [
    "README.md",  # the program's top README
    "programs/lfx-mentorship/README.md",
    "automation/ADMIN_GUIDE.md",
    "automation/terms/README.md",
    "2024/03-Sep-Nov/notes.md",  # Markdown in a term folder that is not a page
    "2024/README.md",  # a year index after terms were numbered
    "2019/project_ideas.md",
    "2024/03-Sep-Nov/README.txt",
    "2024/04-Dec-Feb/README.md",  # there is no Term 4
    "2024/00-Jan/README.md",
    "2020/q1-q2/README.md",  # would span two terms
    "2020/q5/README.md",
    "24/03-Sep-Nov/README.md",
]


def test_the_real_tree_has_45_term_pages():
    assert len(REAL_PAGES) == 45


@pytest.mark.parametrize(("path", "label"), sorted(REAL_PAGES.items()))
def test_every_real_page_names_its_term(path, label):
    term = term_from_path(path)
    assert term is not None
    assert term.label == label
    assert is_term_page(path)


@pytest.mark.parametrize("path", NOT_TERM_PAGES)
def test_other_markdown_is_not_a_term_page(path):
    assert not is_term_page(path)


@pytest.mark.parametrize(
    "path",
    [
        "/home/me/cncf-mentoring/programs/lfx-mentorship/2024/03-Sep-Nov/README.md",
        "programs/lfx-mentorship/2024/03-Sep-Nov/README.md",
        "./2024/03-Sep-Nov/README.md",
        "C:\\mentoring\\programs\\lfx-mentorship\\2024\\03-Sep-Nov\\README.md",
        PurePosixPath("/x/2024/03-Sep-Nov/README.md"),
        "2024/03-Sep-Nov",  # the term folder itself
        "2024/03-Sep-Nov/",
    ],
)
def test_only_the_last_components_count(path):
    assert term_from_path(path) == PathTerm(2024, 3)


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("01-Spring", 1),
        ("02-Summer", 2),
        ("03-Fall", 3),
        ("03-Sept-Nov", 3),
        ("03-Sep-Nov", 3),
        ("1-Mar-May", 1),
        ("q1", 1),
        ("Q2", 2),
        ("q3-q4", 3),
        ("q3", 3),
        ("q4", 3),
        ("q4-q3", None),
        ("q1-q2", None),
        ("Spring", None),
        ("03", None),
        ("04-Dec", None),
        ("", None),
    ],
)
def test_folder_names(name, number):
    assert folder_term(name) == number


def test_paths_without_the_tree_shape_name_no_term():
    for path in ("README.md", "", "2024", "2024/README.md", "x/03-Sep-Nov/README.md"):
        assert term_from_path(path) is None, path

"""`cohort import-term DIR`: the whole cncf/mentoring archive in one command (issue 15).

The fixtures under fixtures/archive/ are small hand-written pages laid out like the real
`programs/lfx-mentorship/` tree: a top README and automation/ docs that are not term pages,
2020's `q3-q4` folder (a README with no programs, selected projects, ideas), a 2021 page whose
title has no year, a 2024 README with its ideas, a 2025 term with ideas only and a 2026
"proposals have moved" page.
"""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cohort.projects.models import Project
from cohort.terms.models import Term

pytestmark = pytest.mark.django_db

ARCHIVE = Path(__file__).resolve().parent / "fixtures" / "archive"


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_term", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        call_command("import_term", *args, stdout=StringIO())
    assert exc.value.code == 2
    return capsys.readouterr().err


def table(output: str) -> dict[str, list[str]]:
    """The summary table's rows by their first cell."""
    return {
        cells[0]: cells[1:]
        for line in output.splitlines()
        if (cells := [c.strip() for c in line.strip("|").split("|")]) and len(cells) == 10
    }


def titles(label: str) -> set[str]:
    year, _, number = label.partition(" Term ")
    found = Project.objects.filter(term__year=int(year), term__number=int(number))
    return set(found.values_list("title", flat=True))


def test_a_directory_imports_every_term_page_with_the_term_its_folder_names():
    output = run(str(ARCHIVE))
    assert {t.label for t in Term.objects.all()} == {
        "2020 Term 3",  # q3-q4, from the path
        "2021 Term 1",  # "## Q1" names no year: from the path
        "2024 Term 3",  # from the page's title
        "2025 Term 2",
    }
    assert titles("2021 Term 1") == {
        "Improve the scheduler docs",
        "Compact faster",
        "Rewrite kubectl in Rust",  # an idea, not accepted
    }
    assert titles("2020 Term 3") == {"Refactor the HTTP API", "An idea nobody took"}
    # The top README and automation/ are not term pages: "Not a program" was never read.
    assert not Project.objects.filter(title="Not a program").exists()
    stored = Project.objects.count()
    assert stored < 11  # an idea its README lists is that program, stored once
    assert f"Imported 7 files (11 entries; 4 terms now hold {stored} projects)" in output


def test_pages_without_programs_are_skipped_with_a_note():
    output = run(str(ARCHIVE))
    assert "2026/03-Sep-Nov/project_ideas.md: no programs on this page; skipped" in output
    assert "2020/q3-q4/README.md: no programs on this page; skipped" in output
    assert not Term.objects.filter(year=2026).exists()


def test_a_term_s_readme_and_ideas_merge_in_one_run():
    output = run(str(ARCHIVE))
    assert "left for" not in output
    # The accepted idea is the README's program; the others are stored as not accepted.
    statuses = dict(
        Project.objects.filter(term__year=2024).values_list("title", "status").order_by("title")
    )
    assert statuses == {
        "Support DNS caches": Project.Status.PUBLISHED,
        "An Antrea idea not accepted": Project.Status.NOT_ACCEPTED,
    }
    assert Project.objects.get(term__year=2021, title="Rewrite kubectl in Rust").status == (
        Project.Status.NOT_ACCEPTED
    )
    assert Project.objects.get(title="An idea nobody took").status == Project.Status.NOT_ACCEPTED
    # The term's head is the README's, not the ideas page's.
    assert Term.objects.get(year=2024, number=3).title == "Term 03 - 2024 September - November"
    assert "2024 Term 3 updated: 1 projects new, 0 changed, 1 unchanged; ideas: 1 accepted" in (
        output
    )
    # A term with ideas only imports them, as proposals.
    idea = Project.objects.get(term__year=2025, term__number=2)
    assert (idea.title, idea.status) == ("Trace the demo", Project.Status.PROPOSED)


def test_the_summary_table_counts_terms_programs_mentors_and_flagged_mentors():
    output = run(str(ARCHIVE))
    rows = table(output)
    # Pages, programs, ideas, accepted, not accepted, mentors, flagged, new, changed.
    pages = "README.md, project_ideas.md"
    assert rows["2021 Term 1"] == [pages, "2", "2", "1", "1", "2", "1", "3", "0"]  # "sam AT …"
    assert rows["2024 Term 3"] == [pages, "1", "2", "1", "1", "2", "0", "2", "0"]
    assert rows["2025 Term 2"] == ["project_ideas.md", "0", "1", "0", "0", "1", "0", "1", "0"]
    assert rows["4 terms"] == ["7 pages", "4", "7", "3", "3", "6", "2", "8", "0"]
    assert "\x1b[" not in output  # not a terminal: no colours in logs


def test_importing_the_archive_twice_changes_nothing():
    run(str(ARCHIVE))
    second = run(str(ARCHIVE))
    assert Project.objects.count() == 8
    assert second.count("0 projects new, 0 changed") == 7
    # The second run finds the same ideas accepted and not accepted, and writes nothing.
    assert table(second)["4 terms"] == ["7 pages", "4", "7", "3", "3", "6", "2", "0", "0"]


def test_a_page_named_on_the_command_line_takes_its_term_from_its_folder():
    run(str(ARCHIVE / "2021" / "01-Spring" / "README.md"))
    assert Term.objects.get().label == "2021 Term 1"


def test_ideas_alone_in_a_run_are_imported(tmp_path):
    run(str(ARCHIVE / "2024" / "03-Sep-Nov" / "project_ideas.md"))
    assert titles("2024 Term 3") == {"Support DNS caches", "An Antrea idea not accepted"}


def test_one_malformed_page_stops_the_whole_archive(tmp_path, capsys):
    tree = tmp_path / "lfx-mentorship"
    shutil.copytree(ARCHIVE, tree)
    broken = tree / "2024" / "03-Sep-Nov" / "README.md"
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace("Term 03 - 2024", "Term 07 - 2024"), encoding="utf-8")
    err = refused(capsys, str(tree))
    assert f"{broken}:1: term number 7 is not 1, 2 or 3" in err, err
    assert "Nothing imported: 1 of 9 files have errors." in err
    assert not Term.objects.exists()


def test_a_page_with_no_term_anywhere_is_still_refused(tmp_path, capsys):
    folder = tmp_path / "2021" / "spring"  # not a term folder's shape
    folder.mkdir(parents=True)
    page = folder / "README.md"
    page.write_bytes((ARCHIVE / "2021" / "01-Spring" / "README.md").read_bytes())
    assert "--term" in refused(capsys, str(page))
    run(str(page), "--term", "2021 Term 1")
    assert Term.objects.get().label == "2021 Term 1"


def test_a_directory_without_term_pages_is_an_error(tmp_path, capsys):
    (tmp_path / "notes.md").write_text("# Notes\n")
    err = refused(capsys, str(tmp_path))
    assert f"{tmp_path}: no term pages here" in err
    assert not Term.objects.exists()

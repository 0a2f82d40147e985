from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cohort.projects.models import Organization, Project
from cohort.projects.tests.conftest import CORPUS, REFERENCE
from cohort.terms.models import Term

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_term_loads_the_reference_term():
    output = run("import_term", str(REFERENCE))
    term = Term.objects.get()
    assert term.label == "2024 Term 3"
    assert term.program.name == "CNCF LFX Mentorship"
    assert Project.objects.filter(term=term).count() == 48
    assert Organization.objects.filter(projects__term=term).distinct().count() == 20
    assert term.milestones.count() == 8
    assert "48 projects new" in output


def test_import_term_twice_changes_nothing():
    run("import_term", str(REFERENCE))
    second = run("import_term", str(REFERENCE))
    assert "0 projects new, 0 changed, 48 unchanged" in second
    assert Project.objects.count() == 48


def test_import_term_needs_a_term_for_pages_without_one(tmp_path, capsys):
    page = tmp_path / "q1.md"
    page.write_text(
        "## Q1\n\n### Participating Projects\n\n#### Kubernetes\n\n##### A title\n\n"
        "- Description: x\n- Mentor(s): Jane (@jane)\n"
    )
    with pytest.raises(SystemExit) as exc:
        call_command("import_term", str(page), stdout=StringIO())
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"{page}:" in err
    assert "--term" in err
    run("import_term", str(page), "--term", "2021 Term 1")
    assert Term.objects.get().label == "2021 Term 1"


def test_bad_files_give_file_line_errors_and_import_nothing(tmp_path, capsys):
    binary = tmp_path / "x.md"
    binary.write_bytes(b"\x00\x01")
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "_term": "2026 Term 3 (Sep-Nov)",\n  "programs": [\n}\n')
    with pytest.raises(SystemExit) as exc:
        call_command("import_term", str(REFERENCE), str(binary), str(broken), stdout=StringIO())
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"{binary}:1: this is a binary file" in err
    assert f"{broken}:4: invalid JSON" in err
    assert not Term.objects.exists()


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("2020-q2-project_ideas.md", "2020 Term 2"),
        ("2021-01-Spring-README.md", "2021 Term 1"),
        ("2023-01-Mar-May-README.md", None),
        ("2024-03-Sep-Nov-README.planning.md", None),
        ("2025-02-Jun-Aug-README.md", None),
    ],
)
def test_export_markdown_reimports_to_identical_json(tmp_path, name, label):
    """The issue's acceptance check, through the database, for every corpus file."""
    run("import_term", str(CORPUS / name), *(["--term", label] if label else []))
    term = Term.objects.get()
    first = run("export_term", term.label, "--format", "json")
    canonical = tmp_path / "canonical.md"
    run("export_term", term.label, "--format", "markdown", "--output", str(canonical))
    second_import = run("import_term", str(canonical))
    assert "0 projects new, 0 changed" in second_import
    assert run("export_term", term.label, "--format", "json") == first
    data = json.loads(first)
    assert sum(len(o["projects"]) for o in data["organizations"]) == Project.objects.count() > 0


def test_the_reference_term_exports_as_expected():
    run("import_term", str(REFERENCE))
    data = json.loads(run("export_term", "2024 Term 3", "--format", "json"))
    assert data["term"]["title"] == "Term 03 - 2024 September - November"
    assert data["term"]["time_zone"] == "America/Los_Angeles"
    assert len(data["organizations"]) == 20
    proposals = data["milestones"][0]
    assert (proposals["raw"], proposals["end"]) == (
        "Jul 3 - Jul 30 5:00 PM PDT",
        "2024-07-31T00:00:00Z",
    )


def test_export_of_an_unknown_term_is_a_clear_error():
    with pytest.raises(CommandError, match="No term 2031 Term 1"):
        run("export_term", "2031 Term 1", "--format", "json")
    with pytest.raises(CommandError, match="not a term label"):
        run("export_term", "next term", "--format", "json")


def test_lfx_export_round_trips_through_the_database(tmp_path):
    source = CORPUS / "lfx" / "lfx-export.json"
    run("import_term", str(source))
    out = tmp_path / "out.json"
    run("export_term", "2026 Term 3", "--format", "lfx-json", "--output", str(out))
    assert out.read_bytes() == source.read_bytes()
    for fmt, name in (("lfx-csv", "lfx-tracking.csv"), ("lfx-readme", "README.expected.md")):
        assert run("export_term", "2026 Term 3", "--format", fmt) == (
            CORPUS / "lfx" / name
        ).read_text(encoding="utf-8")


def test_the_cohort_console_script_wraps_manage_py(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "DEBUG": "1",
        "PATH": "/usr/bin:/bin",
    }
    script = Path(sys.executable).with_name("cohort")
    subprocess.run([script, "migrate", "-v", "0"], check=True, env=env, timeout=120)
    done = subprocess.run(
        [script, "import-term", str(REFERENCE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "48 projects new" in done.stdout
    bad = subprocess.run(
        [script, "import-term", "/nonexistent.md"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "/nonexistent.md: cannot read" in bad.stderr


def test_several_files_show_a_progress_bar_on_a_terminal(tmp_path):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "DEBUG": "1",
        "PATH": "/usr/bin:/bin",
        "TTY_COMPATIBLE": "1",  # rich draws as on a terminal
    }
    script = Path(sys.executable).with_name("cohort")
    subprocess.run([script, "migrate", "-v", "0"], check=True, env=env, timeout=120)
    pages = [str(CORPUS / "2023-01-Mar-May-README.md"), str(REFERENCE)]
    several = subprocess.run(
        [script, "import-term", *pages], env=env, capture_output=True, text=True, timeout=120
    )
    assert several.returncode == 0, several.stderr
    assert "Reading" in several.stderr
    assert "Importing" in several.stderr
    assert "100%" in several.stderr
    one = subprocess.run(
        [script, "import-term", pages[0]], env=env, capture_output=True, text=True, timeout=120
    )
    assert one.returncode == 0
    assert "Reading" not in one.stderr

"""`cohort github-connect`: a program's repository, webhook secret and token variable from
the command line; the secret is read from a file, stored, and never printed."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from cohort.core.models import AuditEvent
from cohort.github.models import DEFAULT_TOKEN_VARIABLE, Connection
from cohort.proposals.tests.conftest import World

pytestmark = pytest.mark.django_db

SECRET = "correct horse battery staple 42"  # noqa: S105 (made up for the tests)
OTHER_SECRET = "an entirely different secret value"  # noqa: S105 (made up for the tests)


@dataclass
class Run:
    code: int
    out: str
    err: str


def _run(*args: str, **options: Any) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("github_connect", *args, stdout=out, stderr=err, **options)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    return Run(code, out.getvalue(), err.getvalue())


def _secret_file(tmp_path: Path, text: str = SECRET + "\n", name: str = "secret") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _state() -> list[tuple[str, str, str, str]]:
    return list(
        Connection.objects.order_by("pk").values_list(
            "program__slug", "repository", "secret", "token_variable"
        )
    )


def _audit_count() -> int:
    return AuditEvent.objects.filter(action="github.connection.saved").count()


def test_the_command_line_can_connect_a_program_by_slug(world: World, tmp_path: Path, settings):
    settings.SITE_URL = "https://cohort.example.org/"
    run = _run("cncf", "--repo", "cncf/mentoring", "--secret-file", _secret_file(tmp_path))

    assert run.code == 0, run.err
    connection = Connection.objects.get(program=world.program)
    assert connection.repository == "cncf/mentoring"
    assert connection.secret == SECRET  # the file's trailing newline is not part of it
    assert connection.token_variable == DEFAULT_TOKEN_VARIABLE
    assert connection.updated_by is None
    assert "https://cohort.example.org/webhooks/github/cncf/" in run.out
    assert f"${DEFAULT_TOKEN_VARIABLE}" in run.out
    assert "cncf/mentoring" in run.out
    assert SECRET not in run.out + run.err


def test_the_command_line_can_connect_a_program_by_its_name_in_any_case(
    world: World, tmp_path: Path
):
    run = _run(
        "cncf lfx MENTORSHIP",
        "--repo",
        "cncf/mentoring",
        "--secret-file",
        _secret_file(tmp_path),
        "--token-variable",
        "CNCF_BOT_TOKEN",
    )

    assert run.code == 0, run.err
    connection = Connection.objects.get(program=world.program)
    assert connection.token_variable == "CNCF_BOT_TOKEN"  # noqa: S105 (a variable's name)
    assert "$CNCF_BOT_TOKEN" in run.out
    assert SECRET not in run.out + run.err


def test_the_secret_can_come_from_stdin(world: World, monkeypatch):
    class Stdin:
        buffer = io.BytesIO((SECRET + "\n").encode())

    monkeypatch.setattr("sys.stdin", Stdin())
    run = _run("cncf", "--repo", "cncf/mentoring", "--secret-file", "-")

    assert run.code == 0, run.err
    assert Connection.objects.get(program=world.program).secret == SECRET
    assert SECRET not in run.out + run.err


def test_a_github_url_is_taken_as_owner_and_name(world: World, tmp_path: Path):
    run = _run(
        "cncf",
        "--repo",
        "https://github.com/cncf/mentoring",
        "--secret-file",
        _secret_file(tmp_path),
    )

    assert run.code == 0, run.err
    assert Connection.objects.get(program=world.program).repository == "cncf/mentoring"
    assert "https://github.com" not in run.out.split("\n")[0]


def test_running_it_again_without_a_secret_keeps_the_secret_and_changes_the_repository(
    world: World, tmp_path: Path
):
    first = _run(
        "cncf",
        "--repo",
        "cncf/mentoring",
        "--secret-file",
        _secret_file(tmp_path),
        "--token-variable",
        "CNCF_BOT_TOKEN",
    )
    assert first.code == 0, first.err

    again = _run("cncf", "--repo", "cncf/mentoring-2026")

    assert again.code == 0, again.err
    assert _state() == [("cncf", "cncf/mentoring-2026", SECRET, "CNCF_BOT_TOKEN")]
    assert Connection.objects.count() == 1
    assert SECRET not in again.out + again.err


def test_running_it_again_with_a_secret_file_replaces_the_secret(world: World, tmp_path: Path):
    _run("cncf", "--repo", "cncf/mentoring", "--secret-file", _secret_file(tmp_path))
    path = _secret_file(tmp_path, OTHER_SECRET + "\n", name="other")

    run = _run("cncf", "--repo", "cncf/mentoring", "--secret-file", path)

    assert run.code == 0, run.err
    assert Connection.objects.get().secret == OTHER_SECRET
    assert OTHER_SECRET not in run.out + run.err


def test_the_connection_is_audited_without_the_secret(world: World, tmp_path: Path):
    _run("cncf", "--repo", "cncf/mentoring", "--secret-file", _secret_file(tmp_path))
    _run("cncf", "--repo", "cncf/other")

    events = list(AuditEvent.objects.filter(action="github.connection.saved").order_by("pk"))
    assert len(events) == 2
    first, second = events
    assert first.actor is None
    assert first.data == {
        "repository": "cncf/mentoring",
        "token_variable": DEFAULT_TOKEN_VARIABLE,
        "secret_changed": True,
    }
    assert second.data["repository"] == "cncf/other"
    assert second.data["secret_changed"] is False
    for event in events:
        assert SECRET not in repr(event.data)
        assert SECRET not in event.note
        assert SECRET not in event.object_repr


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["cncf", "--repo", "cncf/mentoring"], "A new connection needs a webhook secret."),
        (["cncf", "--repo", "not a repo", "--secret-file", "{file}"], "is not a GitHub repository"),
        (["cncf", "--repo", "a/b/c", "--secret-file", "{file}"], '"a/b/c" is not a GitHub'),
        (["cncf", "--repo", "cncf/mentoring", "--secret-file", "{short}"], "at least 16"),
        (
            ["cncf", "--repo", "cncf/m", "--secret-file", "{file}", "--token-variable", "1X"],
            '"1X" is not an environment variable name.',
        ),
        (
            ["cncf", "--repo", "cncf/m", "--secret-file", "{file}", "--token-variable", "A-B"],
            '"A-B" is not an environment variable name.',
        ),
        (["kubeflow", "--repo", "cncf/m", "--secret-file", "{file}"], 'No program "kubeflow".'),
        (["cncf", "--repo", "cncf/m", "--secret-file", "{missing}"], "cannot read"),
        (["cncf", "--repo", "cncf/m", "--secret-file", "{directory}"], "cannot read"),
    ],
)
def test_a_bad_first_connection_exits_2_with_one_line_and_changes_nothing(
    world: World, tmp_path: Path, arguments: list[str], message: str
):
    files = {
        "file": _secret_file(tmp_path),
        "short": _secret_file(tmp_path, "fifteen chars!!\n", name="short"),
        "missing": str(tmp_path / "no-such-file"),
        "directory": str(tmp_path),
    }

    run = _run(*[a.format(**files) for a in arguments])

    assert run.code == 2
    assert message in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert run.out == ""
    assert SECRET not in run.err
    assert _state() == []
    assert _audit_count() == 0


@pytest.mark.parametrize(
    "arguments",
    [
        ["cncf", "--repo", "not a repo"],
        ["cncf", "--repo", "a/b/c", "--secret-file", "{file}"],
        ["cncf", "--repo", "cncf/other", "--secret-file", "{short}"],
        ["cncf", "--repo", "cncf/other", "--token-variable", "1X"],
        ["cncf", "--repo", "cncf/other", "--token-variable", "A-B"],
        ["cncf", "--repo", "cncf/other", "--secret-file", "{missing}"],
    ],
)
def test_a_bad_change_exits_2_and_keeps_the_connection_as_it_was(
    world: World, tmp_path: Path, arguments: list[str]
):
    setup = _run("cncf", "--repo", "cncf/mentoring", "--secret-file", _secret_file(tmp_path))
    assert setup.code == 0, setup.err
    before, audited = _state(), _audit_count()
    files = {
        "file": _secret_file(tmp_path, OTHER_SECRET, name="other"),
        "short": _secret_file(tmp_path, "too short\n", name="short"),
        "missing": str(tmp_path / "no-such-file"),
    }

    run = _run(*[a.format(**files) for a in arguments])

    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 1
    assert SECRET not in run.out + run.err
    assert OTHER_SECRET not in run.out + run.err
    assert _state() == before == [("cncf", "cncf/mentoring", SECRET, DEFAULT_TOKEN_VARIABLE)]
    assert _audit_count() == audited


def test_a_secret_file_that_is_not_utf8_exits_2_and_changes_nothing(world: World, tmp_path: Path):
    path = tmp_path / "latin1"
    path.write_bytes("une clé secrète très longue".encode("latin-1"))

    run = _run("cncf", "--repo", "cncf/mentoring", "--secret-file", str(path))

    assert run.code == 2
    assert run.err.strip() == f"{path}: not UTF-8 text"
    assert _state() == []

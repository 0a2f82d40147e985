"""The `cohort` console script: `--help` and `help` answer, and data commands start fast."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[3]
DATA_COMMANDS = (
    "import_term",
    "export_term",
    "validate_proposal",
    "import_proposals",
    "run_periodic",
    "create_api_token",
    "demo",
)


def cohort(*args: str, configured: bool = True) -> subprocess.CompletedProcess[str]:
    """The console script as a user runs it, in a process of its own; `configured=False`
    runs it with production settings and no SECRET_KEY, as on a server before its
    environment is written."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    if not configured:
        for name in ("DEBUG", "TESTING", "SECRET_KEY", "SECRET_KEY_FILE"):
            env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-c", "from cohort.cli import main; main()", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("ask", [["--help"], ["help"], ["-h"]])
def test_help_exits_0_and_lists_the_commands(ask: list[str]) -> None:
    done = cohort(*ask)
    assert done.returncode == 0, done.stderr
    assert "Unknown command" not in done.stderr
    for name in ("import_term", "export_term", "run_periodic", "migrate"):
        assert f"    {name}\n" in done.stdout


def test_help_answers_before_the_environment_is_set() -> None:
    done = cohort("--help", configured=False)
    assert done.returncode == 0, done.stderr
    assert "    migrate\n" in done.stdout
    assert "SECRET_KEY is not set" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_command_without_the_environment_says_what_is_missing_in_one_line() -> None:
    done = cohort("migrate", configured=False)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "cohort: SECRET_KEY is not set. Set it (or SECRET_KEY_FILE) in the environment."
    )


def test_help_on_a_command_spelt_with_dashes() -> None:
    done = cohort("help", "import-term")
    assert done.returncode == 0, done.stderr
    assert "import_term" in done.stdout
    assert "--program" in done.stdout


def test_an_unknown_command_still_fails() -> None:
    done = cohort("no-such-thing")
    assert done.returncode == 1
    assert "Unknown command: 'no_such_thing'" in done.stderr


def test_data_commands_skip_the_system_checks() -> None:
    commands = get_commands()
    for name in DATA_COMMANDS:
        command = load_command_class(commands[name], name)
        assert command.requires_system_checks == (), name

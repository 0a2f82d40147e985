from __future__ import annotations

import pytest

from config.env import SettingError, env_bool, env_int, env_list, env_secret, env_str


def test_values_come_from_the_environment_or_a_file(monkeypatch, tmp_path):
    monkeypatch.setenv("COHORT_X", "plain")
    assert env_str("COHORT_X") == "plain"
    secret = tmp_path / "s"
    secret.write_text("from-file\n")
    monkeypatch.setenv("COHORT_S_FILE", str(secret))
    assert env_secret("COHORT_S", default=None) == "from-file"


def test_typed_helpers_parse_and_reject(monkeypatch):
    monkeypatch.setenv("B", "yes")
    monkeypatch.setenv("I", "12")
    monkeypatch.setenv("L", "a, b,,c")
    assert env_bool("B") is True
    assert env_int("I", 0) == 12
    assert env_list("L", []) == ["a", "b", "c"]
    monkeypatch.setenv("B", "maybe")
    with pytest.raises(SettingError, match="true or false"):
        env_bool("B")
    monkeypatch.setenv("I", "twelve")
    with pytest.raises(SettingError, match="whole number"):
        env_int("I", 0)
    assert env_bool("UNSET_FLAG", True) is True


def test_a_missing_production_secret_fails_loudly(monkeypatch):
    monkeypatch.delenv("COHORT_NOPE", raising=False)
    with pytest.raises(SettingError, match="COHORT_NOPE is not set"):
        env_secret("COHORT_NOPE", default=None)


def test_production_refuses_to_start_without_a_secret_key():
    import subprocess
    import sys
    from pathlib import Path

    import config

    root = Path(config.__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env={"DEBUG": "0", "PATH": "/usr/bin:/bin"},
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr

"""Read settings from the environment (healthchecks style).

Every helper also accepts NAME_FILE, the path of a file holding the value, so secrets can
come from mounted files instead of the process environment.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


class SettingError(ImproperlyConfigured):
    """A value production cannot run without is not set. It is Django's own error for
    settings that cannot be used, so `cohort --help` without the environment still answers
    (Django lists its own commands and says which setting is missing) instead of failing
    with a traceback."""


def _raw(name: str) -> str | None:
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name)


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingError(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, *, default: str | None) -> str:
    """A secret; with default=None it must be set, and the process refuses to start without it."""
    value = _raw(name)
    if value:
        return value
    if default is None:
        raise SettingError(f"{name} is not set. Set it (or {name}_FILE) in the environment.")
    return default

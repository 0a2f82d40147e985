"""Test settings shared by the whole suite (per-app fixtures live in each app's tests/)."""

from __future__ import annotations

import os

import pytest
from django.conf import LazySettings
from hypothesis import settings as hypothesis_settings

# CI runs every property test on the same examples (derandomized) and without per-example
# deadlines, which a loaded 2-core machine can miss; locally they explore afresh each run.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_test_settings(settings: LazySettings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _private_files_in_tmp(
    settings: LazySettings,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Uploads go to a throwaway directory, never the checkout's var/private.

    A FileField resolves its storage callable once, when the model class is built, so the
    fields themselves get the throwaway storage (changing STORAGES alone would not reach them).
    """
    from django.core.files.storage import FileSystemStorage

    from cohort.applications.models import MenteeProfile, Task

    private = tmp_path_factory.mktemp("private")
    options = {"location": str(private), "base_url": None}
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": options},
    }
    storage = FileSystemStorage(location=str(private), base_url=None)
    for model, name in ((MenteeProfile, "resume"), (Task, "file")):
        monkeypatch.setattr(model._meta.get_field(name), "storage", storage)
    settings.COHORT_RATE_LIMITS = {"apply": "1000/h/user,1000/h/ip", "upload": "1000/h/user"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counts live in the cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()

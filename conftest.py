"""Test settings shared by the whole suite (per-app fixtures live in each app's tests/)."""

from __future__ import annotations

import pytest
from django.conf import LazySettings


@pytest.fixture(autouse=True)
def _fast_test_settings(settings: LazySettings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings: LazySettings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploads go to a throwaway directory, never the checkout's var/private."""
    private = tmp_path_factory.mktemp("private")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
    }
    settings.COHORT_RATE_LIMITS = {"apply": "1000/h/user,1000/h/ip", "upload": "1000/h/user"}

"""Replaced files do not pile up (issue 10 finding 9): a replaced résumé or task file is
deleted once no profile and no handed-in task points at it, and never before."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import transaction

from cohort.applications import services
from cohort.applications.models import Application, MenteeProfile, Task
from cohort.applications.tests.conftest import World, pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_window")]


@pytest.fixture
def stored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    storage = FileSystemStorage(location=tmp_path, base_url=None)
    monkeypatch.setattr(MenteeProfile._meta.get_field("resume"), "storage", storage)
    monkeypatch.setattr(Task._meta.get_field("file"), "storage", storage)
    return tmp_path


def files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def upload(world: World, name: str = "mentee1", cv: str = "cv.pdf") -> MenteeProfile:
    user = world.user(name)
    profile = MenteeProfile.objects.get(user=user)
    return services.upload_resume(profile, pdf(cv), actor=user)


def test_mentee_replacing_their_resume_keeps_one_file(
    world: World, stored: Path, django_capture_on_commit_callbacks
) -> None:
    for n in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            profile = upload(world, cv=f"cv{n}.pdf")
    assert files(stored) == {profile.resume.name}


def test_a_resume_handed_in_to_an_application_is_kept_when_replaced(
    world: World, stored: Path, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(world).resume.name
        application = services.apply_to_project(world.user("mentee1"), world.antrea)
    assert application.tasks.get(kind="resume").file.name == first
    with django_capture_on_commit_callbacks(execute=True):
        second = upload(world, cv="second.pdf").resume.name
    with django_capture_on_commit_callbacks(execute=True):
        third = upload(world, cv="third.pdf").resume.name
    assert files(stored) == {first, third}  # the second was never handed in
    assert second not in files(stored)


def test_handing_in_the_new_resume_releases_the_old_one(
    world: World, stored: Path, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(world).resume.name
        application = services.apply_to_project(world.user("mentee1"), world.antrea)
        second = upload(world, cv="second.pdf").resume.name
    assert files(stored) == {first, second}
    with django_capture_on_commit_callbacks(execute=True):
        services.hand_in_task(
            application, "resume", actor=world.user("mentee1"), use_profile_resume=True
        )
    assert files(stored) == {second}


def test_a_replaced_task_file_is_deleted(
    world: World, stored: Path, django_capture_on_commit_callbacks
) -> None:
    """The résumé task also takes an uploaded file; replacing it deletes the old upload."""
    user = world.user("mentee1")
    with django_capture_on_commit_callbacks(execute=True):
        application = services.apply_to_project(user, world.antrea)
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.hand_in_task(application, "resume", actor=user, file=pdf(f"t{n}.pdf"))
    task = Application.objects.get(pk=application.pk).tasks.get(kind="resume")
    assert files(stored) == {task.file.name}


def test_nothing_is_deleted_when_the_replacement_is_rolled_back(
    world: World, stored: Path, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(world).resume.name

    def upload_then_fail() -> None:
        with transaction.atomic():
            upload(world, cv="second.pdf")
            raise RuntimeError("the request failed after the upload")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        upload_then_fail()
    assert callbacks == []
    assert first in files(stored)
    assert MenteeProfile.objects.get(user=world.user("mentee1")).resume.name == first

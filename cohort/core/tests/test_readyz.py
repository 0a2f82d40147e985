"""/readyz: the database, the cache and the task queue's oldest ready task, 200 or 503."""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import pytest
from django.conf import LazySettings
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from cohort.web import views

pytestmark = pytest.mark.django_db

REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def queued_task(*, age: timedelta, run_after: Any = None) -> DBTaskResult[Any, Any]:
    task = DBTaskResult.objects.create(
        task_path="cohort.notifications.tasks.deliver",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=run_after or get_date_max(),
    )
    # enqueued_at is auto_now_add: move it back with an update.
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - age)
    return task


def test_all_fine_is_200_with_no_queued_task_and_nothing_personal(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "database": "ok",
        "cache": "ok",
        "oldest_task_age_seconds": 0,
    }
    assert "no-cache" in response["Cache-Control"]
    assert client.post("/readyz").status_code == 405


def test_a_recent_queued_task_is_fine_and_its_age_is_reported(client: Client) -> None:
    queued_task(age=timedelta(minutes=2))
    queued_task(age=timedelta(seconds=30))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert 120 <= response.json()["oldest_task_age_seconds"] < 130


def test_a_task_waiting_too_long_means_no_worker_and_503(client: Client) -> None:
    queued_task(age=timedelta(seconds=views.READYZ_MAX_TASK_AGE + 60))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    assert body["database"] == body["cache"] == "ok"
    assert body["oldest_task_age_seconds"] >= views.READYZ_MAX_TASK_AGE + 60


def test_finished_and_delayed_tasks_do_not_count(client: Client) -> None:
    old = timedelta(seconds=views.READYZ_MAX_TASK_AGE * 2)
    done = queued_task(age=old)
    DBTaskResult.objects.filter(pk=done.pk).update(status="SUCCESSFUL")
    queued_task(age=old, run_after=timezone.now() + timedelta(hours=1))  # not due yet
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["oldest_task_age_seconds"] == 0


def test_a_database_that_does_not_answer_is_503(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    class DownConnection:
        def cursor(self) -> Any:
            raise OperationalError("connection refused")

    monkeypatch.setattr(views, "connection", DownConnection())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "ready": False,
        "database": "error",
        "cache": "ok",
        "oldest_task_age_seconds": None,
    }


def test_a_cache_that_does_not_answer_is_503(client: Client, settings: LazySettings) -> None:
    # A Redis cache on a port where nothing listens (port 9 is "discard", closed here).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "ready": False,
        "database": "ok",
        "cache": "error",
        "oldest_task_age_seconds": 0,
    }


@pytest.mark.skipif(not redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_ready_on_the_shared_redis_cache(client: Client, settings: LazySettings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["cache"] == "ok"

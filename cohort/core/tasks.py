"""Queueing background tasks with the transaction that calls for them (spec/style.md B8)."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django.tasks import Task


def enqueue_with_transaction(task: Task[[int], int], object_id: int) -> None:
    """Queue `task(object_id)` so it exists if and only if the current transaction commits.

    With the database backend (production) the task row is written inside the transaction:
    it commits with the change, or not at all, so a crash between the two cannot lose it.
    Other backends (the immediate one in development and tests) are queued on commit;
    `robust` keeps a failure to enqueue from turning the committed request into an error.
    """
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        task.enqueue(object_id)
    else:
        transaction.on_commit(partial(task.enqueue, object_id), robust=True)

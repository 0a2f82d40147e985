"""Running work in parallel threads for the PostgreSQL concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def run_together(works: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    """Run each of `works` in its own thread, all starting at once; their results and errors."""
    barrier = threading.Barrier(len(works))
    done: list[Any] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run(work: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            result = work()
            with lock:
                done.append(result)
        except BaseException as exc:  # checked by the main thread
            with lock:
                failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return done, failures

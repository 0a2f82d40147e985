"""The shared cache (CACHE_URL=redis://…) against the local Redis: rate limits hold across
processes. Skipped when nothing answers on 127.0.0.1:6379; .ci/run starts redis-server."""

from __future__ import annotations

import fcntl
import html
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from django.conf import LazySettings, settings
from django.core.cache import cache
from django.test import RequestFactory

from cohort.core.ratelimit import RateLimitError, hit
from config.env import SettingError
from config.settings import cache_from_url

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 15
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
LOGIN = "/accounts/login/"
WRONG = "The username and/or password you specified are not correct."
TOO_MANY = "Too many failed login attempts. Try again later."


def redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_answers(), reason="needs Redis on 127.0.0.1:6379 (.ci/run starts redis-server)"
)


def flush_redis() -> None:
    import redis

    redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB).flushdb()


# --- CACHE_URL --------------------------------------------------------------------------------


def test_without_cache_url_each_process_keeps_its_own_memory_cache() -> None:
    assert cache_from_url("") == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def test_cache_url_makes_the_default_cache_djangos_redis_backend() -> None:
    assert cache_from_url("redis://cache.internal:6379/2") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
    }


def test_a_cache_url_that_is_not_redis_refuses_to_start() -> None:
    with pytest.raises(SettingError, match="CACHE_URL must be redis://"):
        cache_from_url("memcached://127.0.0.1:11211")


# --- the cache on Redis -------------------------------------------------------------------


@pytest.fixture
def redis_cache(settings: LazySettings) -> Iterator[str]:
    """Django's Redis cache on db 15 under a prefix of this test's own: runs that share the
    Redis (xdist workers, another checkout's suite) never see each other's keys."""
    prefix = f"t{uuid4().hex}"
    settings.CACHES = {"default": cache_from_url(REDIS_URL) | {"KEY_PREFIX": prefix}}
    yield prefix
    cache.delete_many(list(cache._cache.get_client().scan_iter(f"{prefix}:*")))  # type: ignore[attr-defined]  # RedisCache's client


@contextmanager
def redis_db_to_ourselves() -> Iterator[None]:
    """Hold db 15 alone (a lock file every run on this machine shares), flushed before and
    after: the gunicorn test's keys have no prefix of their own."""
    with open(Path(tempfile.gettempdir()) / "cohort-redis-db15.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        flush_redis()
        try:
            yield
        finally:
            flush_redis()
            fcntl.flock(lock, fcntl.LOCK_UN)


@needs_redis
def test_the_redis_cache_keeps_values_and_counts_atomically(redis_cache: str) -> None:
    import redis

    cache.set("greeting", {"text": "hello"}, timeout=30)
    assert cache.get("greeting") == {"text": "hello"}
    assert cache.add("n", 0, timeout=30) is True
    assert cache.add("n", 5, timeout=30) is False  # add never overwrites a count
    assert [cache.incr("n") for _ in range(3)] == [1, 2, 3]
    # Another process (here a second client) sees the same count.
    other = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    assert [int(other.get(key) or 0) for key in other.keys(f"{redis_cache}:*:n")] == [3]


@needs_redis
def test_cohorts_rate_limit_counts_in_redis(settings: LazySettings, redis_cache: str) -> None:
    import redis

    settings.COHORT_RATE_LIMITS = {"apply": "2/m/ip"}
    request: Any = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    hit("apply", request)
    hit("apply", request)
    with pytest.raises(RateLimitError, match="at most 2 per minute from one network address"):
        hit("apply", request)
    other = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    counters = other.keys(f"{redis_cache}:*rl:apply:ip192.0.2.7:*")
    assert len(counters) == 1
    assert int(other.get(counters[0]) or 0) == 3  # the refused hit is counted too
    assert 0 < int(other.ttl(counters[0])) <= 61


# --- a login rate limit across two gunicorn workers ---------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite file with one account, and the environment a production-like
    process needs to serve it (no DEBUG; TESTING keeps the cookies usable over plain HTTP)."""
    if not redis_answers():
        pytest.skip("needs Redis on 127.0.0.1:6379 (.ci/run starts redis-server)")
    pytest.importorskip("gunicorn", reason="needs gunicorn (the dev extra)")
    tmp = tmp_path_factory.mktemp("gunicorn")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CACHE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp / 'site.sqlite3'}",
        "DEBUG": "0",
        "TESTING": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    run(env, "migrate", "--noinput", "-v", "0")
    run(
        env,
        "shell",
        "-c",
        "from cohort.core.models import User; "
        "User.objects.create_user('ada', password='the-right-Passw0rd')",
    )
    env["TMP"] = str(tmp)
    return env


# A master hands each connection to whichever worker the kernel wakes; on a quiet machine one
# worker may take every request of a run (seen in CI). A run like that shows nothing about
# two processes, so the scenario is run again, on a new server, up to this many times; its
# answers are checked in every run.
SPREAD_TRIES = 6


class Gunicorn:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--workers=2",
                "--preload",  # Django loads once, in the master: both workers start at once
                f"--bind=127.0.0.1:{self.port}",
                f"--access-logfile={log}",
                # The worker's pid, the method, the path and the status of each request.
                "--access-logformat=%(p)s %(m)s %(U)s %(s)s",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_until_up(self) -> None:
        """Until both workers have answered /healthz: a worker still booting takes no
        request, and the test's requests would all land on the other."""
        import requests

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited"
            with suppress(requests.RequestException):  # not listening yet
                requests.get(f"{self.url}/healthz", timeout=5, headers={"Connection": "close"})
            if self.log.exists() and len(set(self.workers_of("GET", "/healthz"))) == 2:
                return
            time.sleep(0.1)
        raise AssertionError("gunicorn's two workers did not both answer /healthz within 60 s")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    def workers_of(self, method: str, path: str) -> list[str]:
        """The pid of the worker that served each such request, in order."""
        lines = [line.split() for line in self.log.read_text().splitlines()]
        return [pid for pid, m, p, _status in lines if (m, p) == (method, path)]


def failed_logins(url: str, attempts: int, guess: str) -> list[str]:
    """Each attempt from a fresh session (a new connection, so any worker may take it):
    fetch the form for its CSRF token, post the credentials, and say what the page said."""
    import requests

    said = []
    for _ in range(attempts):
        with requests.Session() as session:
            form = session.get(f"{url}{LOGIN}", timeout=10)
            assert form.status_code == 200
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            assert token is not None
            answer = session.post(
                f"{url}{LOGIN}",
                data={
                    "csrfmiddlewaretoken": token.group(1),
                    "login": "ada",
                    "password": guess,
                },
                headers={"Connection": "close"},
                allow_redirects=False,
                timeout=10,
            )
            text = html.unescape(answer.text)
            if answer.status_code == 302:
                said.append("signed in")
            elif TOO_MANY in text:
                said.append("too many")
            elif WRONG in text:
                said.append("wrong")
            else:
                said.append(f"{answer.status_code}?")
    return said


@needs_redis
def test_the_failed_login_limit_holds_across_two_gunicorn_workers(site: dict[str, str]) -> None:
    """ACCOUNT_RATE_LIMITS["login_failed"] allows 5 failures a minute per account and
    address: with CACHE_URL on Redis the sixth is refused whichever worker takes it, and so
    is the right password after that."""
    per_key = int(settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")[1].split("/")[0])
    for run in range(SPREAD_TRIES):  # until the kernel gives both workers a request
        with redis_db_to_ourselves():
            log = Path(site["TMP"]) / f"redis-{run}.log"
            server = Gunicorn(site | {"CACHE_URL": REDIS_URL}, log)
            try:
                server.wait_until_up()
                said = failed_logins(server.url, per_key + 7, "wrong")
                said += failed_logins(server.url, 1, "the-right-Passw0rd")
            finally:
                server.stop()
        assert said == ["wrong"] * per_key + ["too many"] * 8  # every run, spread or not
        workers = server.workers_of("POST", LOGIN)
        assert len(workers) == per_key + 8
        if len(set(workers)) == 2:
            break
    assert len(set(workers)) == 2, f"every request went to one worker: {workers}"


@needs_redis
def test_without_a_shared_cache_each_worker_counts_alone(site: dict[str, str]) -> None:
    """The control: the same requests with each worker's own memory cache let more than the
    limit's failures through, as many as the workers share them out."""
    per_key = int(settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")[1].split("/")[0])
    for run in range(SPREAD_TRIES):  # until the kernel gives both workers a request
        server = Gunicorn(site, Path(site["TMP"]) / f"locmem-{run}.log")
        try:
            server.wait_until_up()
            said = failed_logins(server.url, per_key * 2 + 2, "wrong")
        finally:
            server.stop()
        workers = server.workers_of("POST", LOGIN)
        served = {pid: workers.count(pid) for pid in set(workers)}
        # Each worker refuses only past its own count: the failures let through are the sum
        # of each worker's min(served, limit).
        assert said.count("wrong") == sum(min(n, per_key) for n in served.values())
        if len(served) == 2:
            break
    assert said.count("wrong") > per_key, f"the requests did not reach both workers: {served}"

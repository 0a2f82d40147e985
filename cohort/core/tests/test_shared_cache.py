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
from itertools import pairwise
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
    import redis

    other = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    # The keys as Redis has them (cache.delete_many would put the prefix on them again).
    if keys := list(other.scan_iter(f"{prefix}:*")):
        other.delete(*keys)


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
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux's /proc/net/tcp (to see when gunicorn accepted a connection)")
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
                # A worker held by an unfinished request (see `Held`) sends no heartbeat; the
                # master must not take it for hung while a slow machine serves the other.
                "--timeout=300",
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
        """Until a worker answers /healthz (a worker still booting takes its first connection
        once it is up: `login_in_turns` waits for it)."""
        import requests

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "gunicorn exited"
            with suppress(requests.RequestException):  # not listening yet
                if requests.get(f"{self.url}/healthz", timeout=30).status_code == 200:
                    return
            time.sleep(0.1)
        raise AssertionError("gunicorn did not answer /healthz within 120 s")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    def workers_of(self, method: str, path: str) -> list[str]:
        """The pid of the worker that served each such request, in order."""
        lines = [line.split() for line in self.log.read_text().splitlines()]
        return [pid for pid, m, p, _status in lines if (m, p) == (method, path)]

    def wait_until_accepted(self, held: Held) -> None:
        """Until a worker has accepted the held connection: Linux's /proc/net/tcp lists the
        server's end of it once it is made, and shows as a listening socket's rx_queue how
        many connections wait to be accepted (here 0 once it has been)."""
        server, client = f"0100007F:{self.port:04X}", f"0100007F:{held.port:04X}"  # 127.0.0.1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            made, waiting = False, None
            for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
                _sl, local, remote, state, queues, *_ = line.split()
                if (local, remote) == (server, client):
                    made = True
                elif local == server and state == "0A":  # the listening socket
                    waiting = int(queues.split(":")[1], 16)
            assert waiting is not None, f"gunicorn does not listen on {self.url}"
            if made and waiting == 0:
                return
            time.sleep(0.01)
        raise AssertionError("no worker accepted the held connection within 60 s")

    def login_in_turns(self, guesses: list[str]) -> list[str]:
        """Each guess from a fresh session, the two workers taking turns: while one worker
        serves an attempt the other is held (`Held`); then the worker that served it is held
        and the other one let go for the next. What the page said to each guess."""
        said = []
        held = Held(self.port)
        try:
            for guess in guesses:
                said.append(login_once(self.url, guess))
                now_held = Held(self.port)
                # The worker that just answered takes it (the other is held); only then may
                # the other go, or it could be the one to take it.
                self.wait_until_accepted(now_held)
                held.release()  # the other worker finishes its /healthz and takes the next
                held = now_held
        finally:
            held.release()
        return said


class Held:
    """Keeps one worker busy: a sync worker serves one connection at a time, and this one
    sends only the start of a request, so the worker that accepted it waits for the rest.
    Connections are accepted in the order they were made, so every connection made after
    this one goes to the other worker until `release` finishes the request."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.port = int(self.sock.getsockname()[1])
        self.sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")

    def release(self) -> None:
        with self.sock:
            self.sock.sendall(b"Connection: close\r\n\r\n")
            answer = b""
            while chunk := self.sock.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


def login_once(url: str, guess: str) -> str:
    """Fetch the form for its CSRF token, post the credentials, and say what the page said."""
    import requests

    with requests.Session() as session:
        form = session.get(f"{url}{LOGIN}", timeout=60)
        assert form.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token is not None
        answer = session.post(
            f"{url}{LOGIN}",
            data={"csrfmiddlewaretoken": token.group(1), "login": "ada", "password": guess},
            allow_redirects=False,
            timeout=60,
        )
    text = html.unescape(answer.text)
    if answer.status_code == 302:
        return "signed in"
    if TOO_MANY in text:
        return "too many"
    if WRONG in text:
        return "wrong"
    return f"{answer.status_code}?"


def login_failed_limit() -> tuple[int, int]:
    """The amount and the period in seconds of ACCOUNT_RATE_LIMITS["login_failed"]'s
    per-account part (N/m/key)."""
    amount, period, scope = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")[1].split("/")
    assert (period, scope) == ("m", "key")
    return int(amount), 60


@needs_redis
def test_the_failed_login_limit_holds_across_two_gunicorn_workers(site: dict[str, str]) -> None:
    """ACCOUNT_RATE_LIMITS["login_failed"] allows 5 failures a minute per account and
    address: with CACHE_URL on Redis, the workers taking turns, the sixth is refused by the
    worker that has seen only two of the five, and so is the right password after that."""
    per_key, period = login_failed_limit()
    guesses = ["wrong"] * (per_key + 7) + ["the-right-Passw0rd"]
    with redis_db_to_ourselves():
        log = Path(site["TMP"]) / "redis.log"
        server = Gunicorn(site | {"CACHE_URL": REDIS_URL}, log)
        try:
            server.wait_until_up()
            started = time.monotonic()
            said = server.login_in_turns(guesses)
            took = time.monotonic() - started
        finally:
            server.stop()
    workers = server.workers_of("POST", LOGIN)
    assert len(workers) == len(guesses)
    assert len(set(workers)) == 2
    assert all(a != b for a, b in pairwise(workers)), f"not in turns: {workers}"
    # Older failures drop out of the count after the period: the answers below hold only if
    # every attempt came within it (about 5 s on a quiet machine, 20 s at a load of 5).
    assert took < period, f"the {len(guesses)} attempts took {took:.0f} s"
    assert said == ["wrong"] * per_key + ["too many"] * 8


@needs_redis
def test_without_a_shared_cache_each_worker_counts_alone(site: dict[str, str]) -> None:
    """The control: the same requests with each worker's own memory cache let twice the
    limit's failures through, each worker refusing only its own sixth."""
    per_key, period = login_failed_limit()
    server = Gunicorn(site, Path(site["TMP"]) / "locmem.log")
    try:
        server.wait_until_up()
        started = time.monotonic()
        said = server.login_in_turns(["wrong"] * (per_key + 1) * 2)
        took = time.monotonic() - started
    finally:
        server.stop()
    workers = server.workers_of("POST", LOGIN)
    assert len(set(workers)) == 2
    assert all(a != b for a, b in pairwise(workers)), f"not in turns: {workers}"
    assert took < period, f"the attempts took {took:.0f} s"
    assert said == ["wrong"] * per_key * 2 + ["too many"] * 2

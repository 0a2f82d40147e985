"""Benchmark and correctness check: many mentees applying at once through the HTTP API.

Run (needs PostgreSQL on loopback and the `bench` extra: pip install -e '.[dev,bench]'):

    .venv/bin/python bench/applications_load.py            # the burst, then the checks
    .venv/bin/python bench/applications_load.py --kill     # kill -9 the server mid-burst

What it does, in one run on this machine (loopback only):

1. Drops and recreates the PostgreSQL database of DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/cohort_bench; the name must end in "_bench"), migrates
   it, and creates through the services and the ORM: a program (at most 3 applications per
   mentee, no LFC102), a term whose applications window is open now, PROJECTS published
   projects that ask for a cover letter only, and APPLICANTS eligible mentees with one API
   token each.
2. Starts gunicorn (WORKERS processes) on 127.0.0.1 with production settings: DEBUG off, a
   random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, BEHIND_TLS_PROXY=1 and every request sent with
   `X-Forwarded-Proto: https` (so SECURE_SSL_REDIRECT does not redirect plain HTTP on
   loopback, as behind the TLS proxy of a real deployment), RATE_LIMIT_APPLY raised so the
   burst, all from one IP, is not refused, and the production task backend
   (django_tasks_db: notifications are queued as rows; no db_worker runs).
3. The burst: each applicant applies to 4 or 5 distinct random projects (so the limit of 3 is
   exercised), `POST /api/v1/applications` with a Bearer token, from CONCURRENCY threads with
   one keep-alive connection each. An applicant's requests are queued next to each other, so
   they are in flight at the same time and race for the last slot. Then as many
   `GET /healthz` (no database, no template) through the same server: the baseline.
4. Checks against the database: every acknowledged (201) application is stored with its
   mentee and project; no (mentee, project) twice; no mentee with more than 3 active
   applications; the 201s account for every stored row; and more (printed). Exits 1 if one
   fails.
5. `--kill`: after KILL_AT of the burst's requests have completed, kill -9 the gunicorn
   master and its workers (their process group) and start the server again at once. The
   burst runs on: a client whose request failed with a connection error waits until the
   port listens again and goes on with its next request. Afterwards every request that
   failed with a connection error is sent again. A retry of
   an application that was stored before the kill gets 409 "already applied": it is counted
   as present, and checked to be stored.

It prints Markdown tables for docs/benchmarks.md. Bounded: --max-requests caps the POSTs,
--time-limit stops each phase from sending more after that many seconds, --request-timeout
caps one request.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import platform
import queue
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cohort_bench"
LOOPBACK = "127.0.0.1"
LIMIT = 3  # the program's max_applications
# Connection-level failures: the request may or may not have reached the server.
NETWORK_ERRORS = (OSError, http.client.HTTPException)


# --- requests and their outcomes -----------------------------------------------------------


@dataclass
class Job:
    index: int
    method: str
    path: str
    applicant: int = -1  # index into the applicants, for POSTs
    project: int = 0  # project id, for POSTs


@dataclass
class Outcome:
    status: int = 0  # 0: no HTTP response (see error)
    error: str = ""  # the exception's class name, for connection errors
    latency: float = 0.0  # seconds
    app_id: int | None = None
    app_status: str = ""
    detail: str = ""
    sent: bool = False


@dataclass
class Phase:
    name: str
    jobs: list[Job]
    outcomes: list[Outcome]
    wall: float = 0.0


@dataclass
class Applicant:
    user_id: int
    token: str


@dataclass
class Setup:
    term_id: int
    projects: list[int]
    applicants: list[Applicant]
    seconds: float


class Client:
    """A thread's keep-alive HTTP/1.1 connection to the server, reopened after an error."""

    def __init__(self, port: int, timeout: float) -> None:
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(LOOPBACK, self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        return response.status, data

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def perform(client: Client, job: Job, applicants: list[Applicant]) -> Outcome:
    headers = {"X-Forwarded-Proto": "https"}  # as the TLS proxy would send (BEHIND_TLS_PROXY)
    body = None
    if job.method == "POST":
        headers["Authorization"] = f"Bearer {applicants[job.applicant].token}"
        headers["Content-Type"] = "application/json"
        body = json.dumps(
            {
                "project": job.project,
                "answers": {"cover_letter": {"text": f"Applicant {job.applicant} applies."}},
            }
        ).encode()
    started = time.perf_counter()
    try:
        status, data = client.request(job.method, job.path, body, headers)
    except NETWORK_ERRORS as error:
        return Outcome(error=type(error).__name__, latency=time.perf_counter() - started, sent=True)
    outcome = Outcome(status=status, latency=time.perf_counter() - started, sent=True)
    if job.method == "POST":
        try:
            payload = json.loads(data)
        except ValueError:
            payload = {}
        if isinstance(payload, dict):
            if status == 201:
                outcome.app_id = int(payload["id"])
                outcome.app_status = str(payload.get("status", ""))
            outcome.detail = str(payload.get("detail", ""))
    return outcome


@dataclass(frozen=True)
class Load:
    port: int
    concurrency: int
    time_limit: float  # seconds; no new request is sent after that
    request_timeout: float


def run_jobs(
    jobs: list[Job],
    applicants: list[Applicant],
    load: Load,
    on_done: Callable[[int], None] | None = None,
) -> tuple[list[Outcome], float]:
    """Send `jobs` in order from `load.concurrency` threads; returns the outcomes and the wall
    seconds. After `load.time_limit` seconds no new request is sent (those stay `sent=False`)."""
    port, concurrency, request_timeout = load.port, load.concurrency, load.request_timeout
    time_limit = load.time_limit
    outcomes = [Outcome() for _ in jobs]
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for i in range(len(jobs)):
        todo.put(i)
    done = 0
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + time_limit

    def worker() -> None:
        nonlocal done
        client = Client(port, request_timeout)
        try:
            while True:
                try:
                    i = todo.get_nowait()
                except queue.Empty:
                    return
                if time.perf_counter() > deadline:
                    continue  # stays unsent
                outcomes[i] = perform(client, jobs[i], applicants)
                with lock:
                    done += 1
                    count = done
                if on_done is not None:
                    on_done(count)
                if outcomes[i].status == 0:
                    # Like a real client, back off until the server listens again; the failed
                    # request itself is retried later (--kill), not here.
                    wait_listening(port, deadline)
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - started


# --- the server ----------------------------------------------------------------------------


class Server:
    """gunicorn in its own process group, so kill -9 reaches the master and every worker."""

    def __init__(self, args: argparse.Namespace, env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        cmd = [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"{LOOPBACK}:{self.port}",
            "--workers",
            str(self.args.workers),
            "--worker-class",
            self.args.worker_class,
            "--keep-alive",
            "75",  # the burst's connections are never idle that long
            "--backlog",
            "2048",
            "--timeout",
            "60",
        ]
        if self.args.worker_class == "gthread":
            cmd += ["--threads", str(self.args.threads)]
        return cmd

    def start(self) -> float:
        started = time.perf_counter()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: S603  # our own gunicorn, fixed arguments
                self.command(),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready(timeout=60)
        return time.perf_counter() - started

    def pids(self) -> list[int]:
        """The master and its workers (from /proc)."""
        assert self.proc is not None
        master = self.proc.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        workers = [int(p) for p in children.read_text().split()] if children.exists() else []
        return [master, *workers]

    def kill(self) -> list[int]:
        """kill -9 the whole process group; returns the pids that were killed."""
        assert self.proc is not None
        pids = self.pids()
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        for pid in pids[1:]:  # the workers: gone or zombies once the group is killed
            deadline = time.monotonic() + 10
            while alive(pid) and time.monotonic() < deadline:
                time.sleep(0.01)
        return pids

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}; see {self.log}")
            client = Client(self.port, 2)
            try:
                status, _ = client.request("GET", "/healthz", None, {"X-Forwarded-Proto": "https"})
                if status == 200:
                    return
            except NETWORK_ERRORS:
                pass
            finally:
                client.close()
            time.sleep(0.05)
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout} s; see {self.log}")


def wait_listening(port: int, deadline: float) -> None:
    """Poll until something accepts connections on `port`, or until `deadline`."""
    while time.perf_counter() < deadline:
        try:
            socket.create_connection((LOOPBACK, port), timeout=1).close()
        except OSError:
            time.sleep(0.05)
        else:
            return


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in {"Z", "X"}


class Killer:
    """In --kill mode: once `threshold` requests have completed, kill -9 the server, and start
    it again at once, from a thread of its own while the burst goes on."""

    def __init__(self, server: Server, *, threshold: int, armed: bool) -> None:
        self.server, self.threshold, self.armed = server, threshold, armed
        self.fired = threading.Event()
        self.completed = 0
        self.report: dict[str, Any] = {}
        self.thread = threading.Thread(target=self._run, daemon=True)
        if armed:
            self.thread.start()

    def on_done(self, count: int) -> None:
        self.completed = count
        if self.armed and count >= self.threshold:
            self.fired.set()

    def _run(self) -> None:
        self.fired.wait()
        self.report["completed at kill"] = self.completed
        self.report["pids"] = self.server.kill()
        self.report["restart s"] = self.server.start()
        self.report["completed at restart"] = self.completed

    def join(self) -> None:
        self.fired.set()  # a burst too short to reach the threshold still kills once
        self.thread.join(timeout=120)


# --- the database --------------------------------------------------------------------------


def recreate_database(url: str) -> None:
    """DROP and CREATE the benchmark database (loopback, name ending in _bench only)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.hostname not in {LOOPBACK, "localhost", "::1"}:
        raise SystemExit(f"Refusing to touch a database that is not on loopback: {url}")
    if not name.endswith("_bench"):
        raise SystemExit(f"Refusing to drop {name!r}: the benchmark database's name ends in _bench")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def populate(n_projects: int, n_applicants: int) -> Setup:
    """The program, the open term, the projects and the applicants (services and ORM)."""
    from django.core.management import call_command
    from django.utils import timezone

    from cohort.applications.services import ProfileData, save_profile
    from cohort.core.models import User
    from cohort.core.tokens import create_api_token
    from cohort.projects.models import Organization, Project
    from cohort.terms.models import Milestone, Program, Term

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    now = timezone.now()
    program = Program.objects.create(
        name="Bench Mentorship", slug="bench", max_applications=LIMIT, require_lfc102=False
    )
    term = Term.objects.create(program=program, year=now.year, number=1, title="Bench term")
    Milestone.objects.create(
        term=term,
        key="applications_open",
        label="Mentee applications open",
        raw="now",
        start=now - timedelta(hours=1),
        end=now + timedelta(days=1),
        has_time=True,
    )
    orgs = [
        Organization.objects.create(program=program, name=f"Org {n}", slug=f"org-{n}")
        for n in range(max(1, n_projects // 4))
    ]
    projects = Project.objects.bulk_create(
        Project(
            term=term,
            organization=orgs[n % len(orgs)],
            slug=f"project-{n}",
            position=n,
            title=f"Project {n}",
            status=Project.Status.PUBLISHED,
            status_changed_at=now,
            prerequisites={"cover_letter": True},
        )
        for n in range(n_projects)
    )
    applicants = []
    for n in range(n_applicants):
        user = User.objects.create_user(f"applicant{n}", email=f"applicant{n}@example.org")
        save_profile(
            user,
            ProfileData(
                name=f"Applicant {n}",
                country="DE",
                time_zone="Europe/Berlin",
                is_adult=True,
                can_work=True,
                first_mentorship=True,
                no_coc_violation=True,
            ),
        )
        _, raw = create_api_token(user, name="bench")
        applicants.append(Applicant(user.pk, raw))
    return Setup(term.pk, [p.pk for p in projects], applicants, time.perf_counter() - started)


# --- checks --------------------------------------------------------------------------------


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""
    info: bool = False  # a figure to read, not a pass/fail check


@dataclass
class Ledger:
    """What the clients were told, request by request (after any retries)."""

    final: dict[int, Outcome] = field(default_factory=dict)  # job index -> last outcome


def already_applied(outcome: Outcome) -> bool:
    return outcome.status == 409 and "already applied" in outcome.detail


def run_checks(
    jobs: list[Job], ledger: Ledger, applicants: list[Applicant], term_id: int, *, killed: bool
) -> list[Check]:
    from django.db.models import Count

    from cohort.applications.models import Application, ApplicationEvent

    rows = list(
        Application.objects.filter(term_id=term_id).values_list(
            "id", "mentee_id", "project_id", "status", "active_slot"
        )
    )
    stored = {(mentee, project): (pk, status) for pk, mentee, project, status, _ in rows}
    by_id = {pk: (mentee, project) for pk, mentee, project, _, _ in rows}
    acked = {i: o for i, o in ledger.final.items() if o.status == 201 and jobs[i].method == "POST"}
    present = {i: o for i, o in ledger.final.items() if already_applied(o)}
    checks: list[Check] = []

    def add(name: str, bad: list[Any], total: int | None = None) -> None:
        shown = ", ".join(map(str, bad[:5])) + (" …" if len(bad) > 5 else "")
        detail = f"{len(bad)} of {total} fail: {shown}" if bad and total is not None else shown
        checks.append(
            Check(
                name, not bad, detail if bad else (f"{total} checked" if total is not None else "")
            )
        )

    def pair(i: int) -> tuple[int, int]:
        return (applicants[jobs[i].applicant].user_id, jobs[i].project)

    add(
        "every 201 id is stored, with its mentee and project",
        [o.app_id for i, o in acked.items() if by_id.get(o.app_id or 0) != pair(i)],
        len(acked),
    )
    add(
        "every acknowledged application holds its cover letter (status submitted)",
        [
            o.app_id
            for o in acked.values()
            if stored.get(by_id.get(o.app_id or 0, (0, 0)), (0, ""))[1] != "submitted"
        ],
        len(acked),
    )
    dupes = list(
        Application.objects.filter(term_id=term_id)
        .values("mentee", "project")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("mentee", "project")
    )
    add("no (mentee, project) stored twice", dupes, len(rows))
    over = list(
        Application.objects.filter(term_id=term_id)
        .active()
        .values("mentee")
        .annotate(n=Count("id"))
        .filter(n__gt=LIMIT)
        .values_list("mentee", "n")
    )
    add(f"no mentee with more than {LIMIT} active applications", over, len(applicants))
    explained = {pair(i) for i in acked} | {pair(i) for i in present}
    add(
        "every stored row was acknowledged (201, or 409 on a retry)",
        sorted(set(stored) - explained),
        len(stored),
    )
    add(
        "every 409 'already applied' is stored",
        [pair(i) for i in present if pair(i) not in stored],
        len(present),
    )
    if not killed:
        checks.append(
            Check(
                "count of 201s = rows created",
                len(acked) == len(rows),
                f"{len(acked)} 201s, {len(rows)} rows",
            )
        )
    else:
        checks.append(
            Check(
                "201s + retried 409s = rows created",
                len(acked) + len(present) == len(rows),
                f"{len(acked)} + {len(present)}, {len(rows)} rows",
            )
        )
    # The limit from the other side: 4-5 distinct projects each, nothing withdrawn, so every
    # mentee whose requests all got an answer ends with exactly LIMIT applications.
    answered: dict[int, bool] = {}
    for i, job in enumerate(jobs):
        if job.method == "POST":
            o = ledger.final.get(i)
            uid = applicants[job.applicant].user_id
            answered[uid] = answered.get(uid, True) and o is not None and o.status != 0
    active = Counter(mentee for (mentee, _), (_, st) in stored.items() if st != "withdrawn")
    add(
        f"every mentee whose requests were all answered has exactly {LIMIT}",
        [uid for uid, ok in answered.items() if ok and active[uid] != LIMIT],
        sum(answered.values()),
    )
    refusals = [o for o in ledger.final.values() if o.status == 400]
    add(
        f"every 400 is the limit of {LIMIT}",
        sorted({o.detail[:80] for o in refusals if f"already have {LIMIT} active" not in o.detail}),
        len(refusals),
    )
    add(
        "no 5xx, 429 or other unexpected status",
        sorted(
            {o.status for o in ledger.final.values() if o.status not in {0, 201, 400, 409}}
            | {
                o.status
                for o in ledger.final.values()
                if o.status == 409 and not already_applied(o)
            }
        ),
        len(ledger.final),
    )
    # Not a check: a status change commits first and queues its e-mail after the commit
    # (on_commit), so a kill in between leaves a change without a queued notification.
    from django_tasks_db.models import DBTaskResult

    events = ApplicationEvent.objects.filter(
        application__term_id=term_id, kind="status", status="submitted"
    )
    queued = {
        r["args"][0]
        for r in DBTaskResult.objects.filter(
            task_path__endswith="notify_application_event_task"
        ).values_list("args_kwargs", flat=True)
    }
    missing = events.exclude(pk__in=queued).count()
    checks.append(
        Check(
            "'submitted' changes with a queued e-mail task (not a check)",
            True,
            f"{events.count() - missing} of {events.count()}",
            info=True,
        )
    )
    add(
        "every request got an HTTP answer (after retries)",
        [o.error for o in ledger.final.values() if o.status == 0 and o.sent],
        len(ledger.final),
    )
    return checks


# --- reporting -----------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Stats:
    name: str
    requests: int
    answered: int
    rate: float
    p50: float
    p99: float


def stats(name: str, outcomes: list[Outcome], wall: float) -> Stats:
    lat = [o.latency for o in outcomes if o.status]
    return Stats(
        name,
        sum(o.sent for o in outcomes),
        len(lat),
        len(lat) / wall if wall else math.nan,
        percentile(lat, 50) * 1000,
        percentile(lat, 99) * 1000,
    )


def print_table(rows: list[Stats], concurrency: int) -> None:
    apply, minimal, healthz = rows
    print(f"| requests ({concurrency} connections) | sent | answered | req/s | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for s in rows:
        print(
            f"| {s.name} | {s.requests} | {s.answered} | {s.rate:.0f} | {s.p50:.1f} | {s.p99:.1f} |"
        )
    for name, base in (("minimal insert", minimal), ("healthz", healthz)):
        print(
            f"| apply ÷ {name} | | | {apply.rate / base.rate:.2f}× | "
            f"{apply.p50 / base.p50:.1f}× | {apply.p99 / base.p99:.1f}× |"
        )


# --- main ----------------------------------------------------------------------------------


def plan(setup: Setup, lo: int, hi: int, max_requests: int, seed: int) -> list[Job]:
    """4 or 5 (lo..hi, alternating) distinct random projects per applicant, an applicant's
    requests next to each other, at most `max_requests` in all."""
    rng = random.Random(seed)  # noqa: S311  # a benchmark's choices, not a secret
    jobs: list[Job] = []
    for n in range(len(setup.applicants)):
        k = lo + n % (hi - lo + 1)
        for project in rng.sample(setup.projects, k):
            jobs.append(Job(len(jobs), "POST", "/api/v1/applications", n, project))
    return jobs[:max_requests]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--kill", action="store_true", help="kill -9 the server mid-burst")
    parser.add_argument("--kill-at", type=float, default=0.4, help="fraction of the burst done")
    parser.add_argument("--applicants", type=int, default=500, help="mentees, one token each")
    parser.add_argument("--projects", type=int, default=40, help="published projects")
    parser.add_argument("--min-apps", type=int, default=4, help="applications per applicant")
    parser.add_argument("--max-apps", type=int, default=5, help="(alternating from min to max)")
    parser.add_argument("--max-requests", type=int, default=5000, help="cap on apply POSTs")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds per phase")
    parser.add_argument("--request-timeout", type=float, default=30, help="seconds")
    parser.add_argument("--concurrency", type=int, default=32, help="client connections")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--worker-class", default="gthread", choices=["gthread", "sync"], help="gunicorn -k"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument(
        "--rate-limit-apply",
        default="100/h/user,100000/h/ip",
        help="RATE_LIMIT_APPLY for the server; the burst comes from one IP",
    )
    parser.add_argument("--seed", type=int, default=1, help="for the random projects")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help="dropped and recreated: loopback only, name ending in _bench",
    )
    args = parser.parse_args()
    if not 2 <= args.min_apps <= args.max_apps:
        parser.error("--min-apps must be at least 2 and at most --max-apps")
    if args.max_apps > args.projects:
        parser.error("--max-apps cannot exceed --projects")

    workdir = Path(tempfile.mkdtemp(prefix="cohort-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": args.database_url,
        # The server's own: the site's URLs and POST /bench/minimal-insert (load_urls.py).
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": secrets.token_hex(32),  # tokens are HMAC'd with it: shared with the server
        "ALLOWED_HOSTS": LOOPBACK,
        "BEHIND_TLS_PROXY": "1",
        "RATE_LIMIT_APPLY": args.rate_limit_apply,
        "LOG_LEVEL": "WARNING",
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "STATIC_ROOT": str(workdir / "static"),
    }
    env.pop("TASKS_BACKEND", None)  # the production default: django_tasks_db
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    recreate_database(args.database_url)
    import django

    django.setup()
    setup = populate(args.projects, args.applicants)
    jobs = plan(setup, args.min_apps, args.max_apps, args.max_requests, args.seed)
    print(
        f"setup: {len(setup.projects)} projects, {len(setup.applicants)} applicants with tokens, "
        f"{setup.seconds:.1f} s; {len(jobs)} application POSTs planned"
    )

    server = Server(
        args, {**env, "DJANGO_SETTINGS_MODULE": "load_settings"}, workdir / "gunicorn.log"
    )
    boot = server.start()
    print(
        f"server: gunicorn {args.workers} × {args.worker_class}"
        + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
        + f" on {LOOPBACK}:{server.port}, ready in {boot:.1f} s; log {server.log}"
    )
    load = Load(server.port, args.concurrency, args.time_limit, args.request_timeout)
    warm = [Job(i, "GET", "/healthz") for i in range(args.concurrency * 10)]
    run_jobs(warm, setup.applicants, load)  # not measured: workers load the URLconf, connect

    load_before = os.getloadavg()[0]
    killer = Killer(server, threshold=max(1, int(len(jobs) * args.kill_at)), armed=args.kill)
    try:
        outcomes, wall = run_jobs(jobs, setup.applicants, load, on_done=killer.on_done)
        first = list(outcomes)
        ledger = Ledger(dict(enumerate(outcomes)))
        retried: list[int] = []
        if args.kill:
            killer.join()
            retried = [i for i, o in enumerate(outcomes) if o.sent and o.status == 0]
            for attempt in range(3):
                todo = [i for i in retried if ledger.final[i].status == 0]
                if not todo:
                    break
                again, _ = run_jobs([jobs[i] for i in todo], setup.applicants, load)
                for i, o in zip(todo, again, strict=True):
                    ledger.final[i] = o
                killer.report[f"retry round {attempt + 1}"] = len(todo)
        sent = sum(o.sent for o in first)
        load_burst = os.getloadavg()[0]
        # The yardstick: as many POSTs with the same tokens, auth and API, one INSERT each.
        minimal = [
            Job(i, "POST", "/bench/minimal-insert", jobs[i].applicant, jobs[i].project)
            for i in range(sent)
        ]
        inserted, minimal_wall = run_jobs(minimal, setup.applicants, load)
        baseline = [Job(i, "GET", "/healthz") for i in range(sent)]
        healthz, healthz_wall = run_jobs(baseline, setup.applicants, load)
        load_after = os.getloadavg()[0]
    finally:
        server.stop()

    checks = run_checks(jobs, ledger, setup.applicants, setup.term_id, killed=args.kill)

    print()
    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"mode {'--kill' if args.kill else 'burst'}; gunicorn {args.workers} × "
        f"{args.worker_class}"
        + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
        + f"; 1-minute load average {load_before:.2f} before the burst, {load_burst:.2f} "
        f"after it, {load_after:.2f} after the healthz GETs"
    )
    print()
    print("| first answer to each apply POST | count |")
    print("|---|---:|")
    for key, n in sorted(Counter(label(o) for o in first).items()):
        print(f"| {key} | {n} |")
    if args.kill:
        print()
        statuses = Counter(label(ledger.final[i]) for i in retried)
        print(
            f"kill -9 of pids {killer.report.get('pids')} after "
            f"{killer.report.get('completed at kill')} of {len(jobs)} requests had completed; "
            f"server back in {killer.report.get('restart s', 0):.1f} s (at "
            f"{killer.report.get('completed at restart')}); "
            f"{len(retried)} requests failed with a connection error and were retried: "
            + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        )
    print()
    print_table(
        [
            stats("`POST /api/v1/applications`", first, wall),
            stats("`POST /bench/minimal-insert` (same auth, one INSERT)", inserted, minimal_wall),
            stats("`GET /healthz`", healthz, healthz_wall),
        ],
        args.concurrency,
    )
    print()
    print("| check | result |")
    print("|---|---|")
    for check in checks:
        verdict = "info" if check.info else "ok" if check.ok else "FAILED"
        print(f"| {check.name} | {verdict}: {check.detail} |")
    if not all(c.ok for c in checks):
        print(f"\nSome checks failed; the server log is {server.log}")
        sys.exit(1)


def label(outcome: Outcome) -> str:
    if outcome.status == 0:
        return f"connection error ({outcome.error})" if outcome.sent else "not sent (time limit)"
    if outcome.status == 201:
        return "201 acknowledged"
    if outcome.status == 400:
        return "400 refused" + (
            f" (already {LIMIT} active)" if f"already have {LIMIT} active" in outcome.detail else ""
        )
    if outcome.status == 409:
        return "409 already applied" if already_applied(outcome) else "409 conflict (raced)"
    return str(outcome.status)


if __name__ == "__main__":
    main()

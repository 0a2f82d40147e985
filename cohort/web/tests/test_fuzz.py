"""Fuzzing: no request, however hostile, gets a 5xx (issue 10, finding 6; ADR 0007).

Two parts, both in the normal suite (`make test` on SQLite, `.ci/run` again on PostgreSQL):

- the API: schemathesis reads the ninja OpenAPI schema and sends every operation valid and
  invalid requests (its examples, coverage and fuzzing phases: NUL bytes, huge numbers,
  long and odd unicode strings, wrong types), as anonymous, a mentee, a mentor and a
  program admin. Half the time a path id is swapped for one that exists, so the fuzzed
  bodies reach the services and the database, not only the 404;
- the pages: hypothesis builds page URLs (the routes with hostile path segments) and query
  strings, and GETs them as anonymous and as a logged-in admin.

Every response must be below 500. The CI profile is derandomized, so a run is reproducible;
`FUZZ_EXAMPLES=500 .venv/bin/pytest cohort/web/tests/test_fuzz.py` runs longer (the
default is a few dozen examples per operation, the whole module well under a minute).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from cohort.applications.models import Application
from cohort.applications.tests.conftest import (
    DEADLINE,
    World,
    complete_application,
    in_window,
    world,
)
from cohort.core.tokens import create_api_token
from cohort.formats.issueform import IssueForm
from cohort.proposals.services import create_proposal
from cohort.selection import services as selection
from cohort.terms.models import Milestone
from config.api import api

__all__ = ["in_window", "world"]  # fixtures, imported for pytest

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
ROLES = (None, "mentee1", "alice", "admin")  # anonymous, a mentee, a mentor, a program admin
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same examples on every run: a failure is reproducible
    deadline=None,
    database=None,  # nothing stored between runs: CI and a laptop see the same examples
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one world per operation, shared by its examples
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


def _app() -> Callable[..., Any]:
    """Django as a WSGI app for schemathesis, as Django's test client runs it: the test's
    database connection stays open (each request would otherwise close it at its end, inside
    the test's transaction), and the response is read and closed at once (schemathesis would
    leave a file download open)."""
    handler = WSGIHandler()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return app


schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = _app()
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True)


@pytest.fixture
def stage(world: World, in_window: Any) -> dict[str, Any]:
    """Rows every kind of path id can point at, and a token per role."""
    first = complete_application(world, "mentee1", world.antrea)
    complete_application(world, "mentee2", world.antrea)
    Application.objects.filter(pk=first.pk).update(status=Application.Status.SHORTLISTED)
    Milestone.objects.create(
        term=world.term,
        key="proposals_open",
        label="Project proposals",
        raw="Jul 1 - Aug 31",
        start=datetime(2024, 7, 1, tzinfo=UTC),
        end=datetime(2024, 9, 1, tzinfo=UTC),
        has_time=True,
    )
    proposal = create_proposal(
        world.term,
        IssueForm({"CNCF Project": "Antrea", "Program name": "Fuzzing"}),
        actor=world.user("alice"),
    )
    after_deadline = DEADLINE + timedelta(hours=1)
    round_ = selection.run_round(world.term, actor=world.user("admin"), now=after_deadline)
    tokens = {name: create_api_token(world.user(name), name="fuzz")[1] for name in ROLES if name}
    return {
        "tokens": tokens,
        "ids": {
            "/applications/": first.pk,
            "/projects/": world.antrea.pk,
            "/terms/": world.term.pk,
            "/proposals/": proposal.pk,
            "/selection/rounds/": round_.pk,
            "/selection/overrides/": 1,
            "/me/offers/": 1,
        },
        "kinds": ["resume", "cover_letter", "coding_challenge"],
        "segments": {  # real values for the pages' path segments, by name
            "ids": [first.pk, world.antrea.pk, world.term.pk, proposal.pk, round_.pk],
            "program": [world.program.slug],
            "term": [world.term.url_key],
            "project": [world.antrea.slug],
            "kind": ["resume", "cover_letter", "coding_challenge"],
        },
    }


def _real_ids(case: schemathesis.Case[Any], stage: dict[str, Any]) -> None:
    """Point the case's path ids at existing rows, so the request gets past the 404."""
    path = case.path.removeprefix("/api/v1")
    for name in list(case.path_parameters or {}):
        if name == "kind":
            case.path_parameters[name] = stage["kinds"][0]
            continue
        for prefix, pk in stage["ids"].items():
            if path.startswith(prefix):
                case.path_parameters[name] = pk


# What schemathesis rarely draws by itself: numbers past SQLite's and PostgreSQL's integers,
# control characters, unpaired surrogates, strings of a megabyte, odd unicode.
HOSTILE_INTS = st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 2**64, 10**20, -(2**63) - 1])
HOSTILE_TEXT = st.sampled_from(
    [
        "\x00",
        "a\x00b",
        "\x1b[31m",
        "\x0c",
        "\ud800",
        "\U0010ffff",
        "\u202e" + "gnp.exe",
        "e\u0301" * 500,
        "𝕏" * 5_000,
        "x" * 1_000_000,
        "%00",
        "line\r\nline",
        " ",
        "",
    ]
)


def _hostile(value: Any, data: st.DataObject, *, in_url: bool = False) -> Any:
    """`value` with some of its leaves (ints, strings, also inside lists and objects)
    swapped for hostile ones. In a URL (path and query), only text that UTF-8 can carry: an
    unpaired surrogate has no bytes a client could percent-encode (the page fuzz below sends
    such bytes raw instead)."""
    if isinstance(value, dict):
        return {key: _hostile(item, data, in_url=in_url) for key, item in value.items()}
    if isinstance(value, list):
        return [_hostile(item, data, in_url=in_url) for item in value]
    if isinstance(value, bool) or not data.draw(st.booleans()):
        return value
    if isinstance(value, int):
        return data.draw(HOSTILE_INTS)
    if isinstance(value, str):
        text = URL_ENCODABLE_TEXT if in_url else HOSTILE_TEXT
        return data.draw(st.one_of(text, HOSTILE_INTS.map(str)))
    return value


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES), real=st.booleans(), data=st.data())
@FUZZ_SETTINGS
def test_api_never_answers_5xx(
    case: schemathesis.Case[Any],
    role: str | None,
    real: bool,
    data: st.DataObject,
    stage: dict[str, Any],
) -> None:
    if data.draw(st.booleans()):
        case.query = _hostile(case.query, data, in_url=True) if case.query else case.query
        case.path_parameters = _hostile(case.path_parameters, data, in_url=True)
        if isinstance(case.body, dict | list):
            case.body = _hostile(case.body, data)
    if real:
        _real_ids(case, stage)
    headers = {"Authorization": f"Bearer {stage['tokens'][role]}"} if role else {}
    case.call_and_validate(headers=headers, checks=[not_a_server_error])


# --- the pages -----------------------------------------------------------------------------

CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
SKIPPED = ("admin/", "api/", "accounts/")  # Django's and allauth's own pages; the API above


def _routes(patterns: list[Any] | None = None, prefix: str = "") -> list[str]:
    """Every page route of the site ("proposals/<id:pk>/"), from the URL map itself, so a
    new page is fuzzed without being listed here."""
    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED):
            continue
        if isinstance(entry, URLResolver):
            routes.extend(_routes(entry.url_patterns, route))
        else:
            routes.append(route)
    return sorted(set(routes))


ROUTES = _routes()
PARAMETERS = st.sampled_from(  # the pages' query and form names, and a hostile one
    [
        *("q", "page", "state", "term", "name", "text", "url", "notes", "reason", "message"),
        *("score", "slots", "response_days", "applications", "ids", "action", "country"),
        *("time_zone", "skills", "links", "github", "project", "rank-1", "\x00"),
    ]
)
# Hostile text twice: hypothesis picks each branch of `one_of` alike, so it comes up half the
# time. No megabyte strings in URLs (a server refuses a request line past a few KB anyway).
URL_TEXT = HOSTILE_TEXT.filter(lambda text: len(text) < 10_000)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


URL_ENCODABLE_TEXT = URL_TEXT.filter(_utf8)
VALUES = st.one_of(URL_TEXT, URL_TEXT, HOSTILE_INTS.map(str), st.text(max_size=20))
QUERY_NAMES = st.one_of(st.sampled_from(["q", "page", "state", "term"]), PARAMETERS)


@st.composite
def _page_request(
    draw: st.DrawFn, route: str, stage: dict[str, Any]
) -> tuple[str, str, dict[str, bytes]]:
    """(method, URL, form): `route` with each segment real or hostile, a query string, and
    for a POST a form."""
    real = stage["segments"]

    def segment(match: re.Match[str]) -> str:
        kind, name = match["kind"] or "str", match["name"]
        if kind in ("id", "int"):
            value = draw(st.one_of(st.sampled_from(real["ids"]), HOSTILE_INTS).map(str))
        else:
            value = draw(st.one_of(st.sampled_from(real.get(name, ["x"])), VALUES))
        return quote(_wire(value), safe="") or "x"

    path = "/" + CONVERTER.sub(segment, route)
    query = draw(st.dictionaries(QUERY_NAMES, VALUES, max_size=3))
    url = f"{path}?{urlencode({_wire(k): _wire(v) for k, v in query.items()})}" if query else path
    method = draw(st.sampled_from(["GET", "POST"]))
    form = draw(st.dictionaries(PARAMETERS, VALUES, max_size=4)) if method == "POST" else {}
    return method, url, {key: _wire(value) for key, value in form.items()}


@pytest.fixture
def clients(stage: dict[str, Any], world: World) -> dict[str | None, Client]:
    made: dict[str | None, Client] = {None: Client()}
    for name in ROLES:
        if name:
            made[name] = Client()
            made[name].force_login(world.user(name))
    return made


@pytest.mark.parametrize("route", ROUTES)
def test_page_never_answers_5xx(
    route: str, stage: dict[str, Any], clients: dict[str | None, Client]
) -> None:
    # Besides what hypothesis draws: each segment a NUL byte, then each id past 2**63, with a
    # NUL and a huge number in the query string, every time.
    nul = "/" + CONVERTER.sub("%00", route) + "?q=%00&page=%00"
    huge = "/" + CONVERTER.sub(_huge_or_real(stage), route) + f"?page={2**64}&term={2**63}"

    @given(role=st.sampled_from(ROLES), request=_page_request(route, stage))
    @example(role="admin", request=("GET", nul, {})).via("a NUL in every segment")
    @example(role="admin", request=("GET", huge, {})).via("ids past 2**63")
    @example(role="admin", request=("POST", huge, {"q": b"\x00", "\x00": b"1"})).via("form")
    @FUZZ_SETTINGS
    def visit(role: str | None, request: tuple[str, str, dict[str, bytes]]) -> None:
        method, url, form = request
        client = clients[role]
        response = client.get(url) if method == "GET" else client.post(url, form)
        if response.streaming:  # a file download: reading it to the end closes the file
            b"".join(response.streaming_content)  # type: ignore[attr-defined]  # FileResponse
        assert response.status_code < 500, (role, method, url, form)

    visit()


def _huge_or_real(stage: dict[str, Any]) -> Callable[[re.Match[str]], str]:
    def segment(match: re.Match[str]) -> str:
        if (match["kind"] or "str") in ("id", "int"):
            return str(2**63)
        return str(stage["segments"].get(match["name"], ["x"])[0])

    return segment


def _wire(text: str) -> bytes:
    """UTF-8, an unpaired surrogate included (as the invalid bytes a client could send)."""
    return text.encode("utf-8", "surrogatepass")

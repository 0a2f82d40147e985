"""The real-browser suite: Chromium (Debian's package) driven by Playwright, against the demo
on a live server, as a newcomer would meet it after `make run`.

`check_page(page, name)` is the one page check of the suite (issue 12): at the desktop width
and at 390 px, axe-core finds no serious or critical violation (docs/decisions/0010) and
the page does not scroll sideways.

One server for the session: a fresh SQLite database in a temporary folder, migrated, loaded
with `cohort demo`, served by `manage.py runserver` on a free port. Each test gets its own
browser context (cookies) and page. Every step's screenshot is saved under
`e2e/artifacts/` (ignored by git); a failing test also leaves a Playwright trace there.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]  # no type hints
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "e2e" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
WIDTHS: tuple[ViewportSize, ...] = (DESKTOP, PHONE)
# The demo's people (`cohort demo`, password "demo"); "visitor" is nobody logged in.
ROLES = ("visitor", "mentee1", "mentor", "maintainer", "admin")
# axe-core's impacts that fail a page (docs/decisions/0010); "minor" and "moderate" do not.
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
AXE = Axe()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if os.environ.get("E2E_BASE_URL"):  # a server of your own, already loaded with the demo
        yield os.environ["E2E_BASE_URL"].rstrip("/")
        return
    folder = tmp_path_factory.mktemp("e2e")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/e2e.sqlite3", "DEBUG": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [python, "manage.py", "demo"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    port = _free_port()
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(
        [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as answer:  # noqa: S310 (our own server)
                if answer.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError((folder / "server.log").read_text()) from None
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.exit(f"{CHROMIUM} is missing: apt-get install -y chromium", returncode=2)
    with sync_playwright() as playwright:
        launched = _launch(playwright)
        yield launched
        launched.close()


def _launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM)


@pytest.fixture
def context(
    browser: Browser, base_url: str, request: pytest.FixtureRequest
) -> Iterator[BrowserContext]:
    yield from traced_context(browser, base_url, request)


def traced_context(
    browser: Browser,
    base_url: str,
    request: pytest.FixtureRequest,
    storage_state: Path | None = None,
) -> Iterator[BrowserContext]:
    """A fresh browser context (logged in when given a `storage_state`), traced; the trace is
    kept under e2e/artifacts/ when the test fails."""
    ARTIFACTS.mkdir(exist_ok=True)
    ctx = browser.new_context(base_url=base_url, viewport=DESKTOP, storage_state=storage_state)
    ctx.tracing.start(screenshots=True, snapshots=True)
    yield ctx
    failed = getattr(request.node, "failed", False)
    ctx.tracing.stop(path=ARTIFACTS / f"{request.node.name}.trace.zip" if failed else None)
    ctx.close()


@pytest.fixture(scope="session")
def logged_in(
    browser: Browser, base_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path | None]:
    """Each role's cookies, logged in once for the session: role -> storage-state file
    (None for the visitor)."""
    folder = tmp_path_factory.mktemp("roles")
    states: dict[str, Path | None] = {"visitor": None}
    for role in ROLES[1:]:
        ctx = browser.new_context(base_url=base_url, viewport=DESKTOP)
        page = ctx.new_page()
        log_in(page, role)
        assert page.locator("button", has_text="Log out").count(), f"{role} could not log in"
        path = folder / f"{role}.json"
        ctx.storage_state(path=path)
        states[role] = path
        ctx.close()
    return states


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    report = yield
    if getattr(report, "when", "") == "call" and getattr(report, "failed", False):
        item.failed = True  # type: ignore[attr-defined]  # read by the context fixture
    return report


class Steps:
    """Screenshots of a journey, one per step, numbered, under e2e/artifacts/<test>/."""

    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def shot(self, label: str) -> None:
        self.count += 1
        self.page.screenshot(path=self.folder / f"{self.count:02d}-{label}.png", full_page=True)


@pytest.fixture
def steps(page: Page, request: pytest.FixtureRequest) -> Steps:
    return Steps(page, request.node.name)


def log_in(page: Page, username: str, password: str = "demo") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (0 when nothing overflows)."""
    width: int = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return width


# The deepest elements whose right edge passes the viewport's: what to fix when a page
# scrolls sideways.
_WIDE_ELEMENTS = """() => {
  const limit = document.documentElement.clientWidth;
  const wide = [...document.body.querySelectorAll('*')].filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.right > limit + 0.5;
  });
  const leaves = wide.filter(el => !wide.some(other => other !== el && el.contains(other)));
  return leaves.slice(0, 5).map(el => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    const right = Math.round(el.getBoundingClientRect().right);
    return `${el.tagName.toLowerCase()}${id}${cls} (right edge ${right} px)`;
  });
}"""


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it stands, one line each:
    the rule id, its impact, and the elements it names."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)  # once per page, not once per width
    response = page.evaluate("() => axe.run({resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}; "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def page_problems(page: Page) -> list[str]:
    """What is wrong with the page at its current width: axe's serious and critical
    violations, and how far it scrolls sideways (with the elements that stick out)."""
    problems = axe_violations(page)
    overflow = horizontal_overflow(page)
    if overflow > 0:
        wide: list[str] = page.evaluate(_WIDE_ELEMENTS)
        problems.append(f"scrolls sideways by {overflow} px: " + "; ".join(wide))
    return problems


def check_page(page: Page, name: str, widths: tuple[ViewportSize, ...] = WIDTHS) -> None:
    """Assert that the page, as it stands, has no serious or critical axe-core violation and
    does not scroll sideways, at each width (by default 1280 px and 390 px). The viewport is
    restored afterwards; a failing width leaves a screenshot under e2e/artifacts/pages/."""
    before = page.viewport_size
    found: list[str] = []
    for size in widths:
        page.set_viewport_size(size)
        problems = page_problems(page)
        if problems:
            folder = ARTIFACTS / "pages"
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=folder / f"{name}-{size['width']}.png", full_page=True)
            found += [f"{size['width']} px: {problem}" for problem in problems]
    if before is not None:
        page.set_viewport_size(before)
    assert not found, f"{name} ({page.url}):\n  " + "\n  ".join(found)

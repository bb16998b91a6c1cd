"""Fixtures for the screens' tests (docs/screens.md): a live daphne on the test
database, headless Chromium driven by Playwright, pages signed in per role."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.liveserver import ROOT, HttpClient, run_daphne

CHROMIUM = "/usr/bin/chromium"
# No background connections of Chromium's own (issue 9): only the hub is ever contacted.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("HUB_SCREENSHOT_DIR", ROOT / "var" / "screenshots"))
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def token_for(username: str) -> str:
    from hub.models import Staff
    from hub.services.tokens import token_issue

    return token_issue(staff=Staff.objects.get(username=username), label="test")


@pytest.fixture(scope="session")
def live_hub(django_db_setup) -> str:
    """Base URL of a daphne serving the test database, for the whole run."""
    with run_daphne("screens") as server:
        yield server.http


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (.ci/browser installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which Django
    # takes for async code; the test's own ORM calls are plain sync code, so allow
    # them while the browser is open (pytest-django's advice for Playwright).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Screen:
    """One browser context (a device) with its page, signed in as a user."""

    def __init__(self, browser, base: str, token: str | None, viewport: dict):
        self.base = base
        self.context = browser.new_context(viewport=viewport)
        # Generous for page loads and sign-in (PBKDF2 in the live server) on a loaded CI
        # machine; the waits that are the behaviour under test set their own timeout.
        self.context.set_default_timeout(15000)
        if token:
            # What the sign-in page stores: the screens read the token from localStorage.
            self.context.add_init_script(f"localStorage.setItem('hub.token', {token!r});")
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("websocket", lambda ws: self.requests.append(ws.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        # Chromium also logs network failures: HTTP error answers (a wrong password is
        # meant to answer 401) and sockets refused while offline. The tests check those
        # themselves; what is collected here are the screens' own errors.
        network = ("Failed to load resource", "WebSocket connection to")
        if message.type == "error" and not message.text.startswith(network):
            self.errors.append(message.text)

    def open(self, path: str, *, live: bool = True):
        self.page.goto(self.base + path)
        if live:
            self.page.wait_for_selector('#conn[data-state="live"]')
        return self.page

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def assert_healthy(self):
        """Nothing but the hub was contacted; no script errors; nothing overflows sideways;
        every button has an accessible name."""
        host = self.base.split("//", 1)[1]
        foreign = [
            u
            for u in self.requests
            if not (u.startswith(f"http://{host}/") or u.startswith(f"ws://{host}/"))
            and not u.startswith("data:")
        ]
        assert foreign == [], foreign
        assert self.errors == [], self.errors
        width = self.page.viewport_size["width"]
        scroll = self.page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"page is {scroll}px wide in a {width}px viewport"
        unnamed = self.page.evaluate(
            """[...document.querySelectorAll('button')].filter(b =>
                 b.offsetParent !== null &&
                 !(b.getAttribute('aria-label') || b.textContent).trim()).map(b => b.outerHTML)"""
        )
        assert unnamed == [], unnamed

    def close(self):
        self.context.close()


@pytest.fixture
def screens(browser, live_hub, transactional_demo) -> Callable[..., Screen]:
    """screens("chef") -> a Screen signed in as chef (viewport 1280x800 unless given)."""
    opened: list[Screen] = []

    def make(username: str | None, viewport: dict = DESKTOP) -> Screen:
        screen = Screen(browser, live_hub, token_for(username) if username else None, viewport)
        opened.append(screen)
        return screen

    yield make
    for screen in opened:
        screen.close()


@pytest.fixture
def rest(live_hub, transactional_demo) -> Callable[[str], HttpClient]:
    """rest("waiter") -> a JSON client of the live server signed in as that user."""
    return lambda username: HttpClient(live_hub, token_for(username))


BROWSER_TEST_SECONDS = 30


@pytest.fixture(autouse=True)
def _bounded_in_time(request):
    """Browser tests stay under 30 s each (issue 9); Playwright's own waits are 5 s."""
    if "browser" not in request.keywords:
        yield
        return
    started = time.monotonic()
    yield
    took = time.monotonic() - started
    assert took < BROWSER_TEST_SECONDS, f"{request.node.name} took {took:.1f}s"

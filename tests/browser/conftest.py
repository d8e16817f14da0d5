"""Browser fixtures: the app served on a free local port, headless Chromium pages, axe-core.

Reuse from another test folder with ``from tests.browser.conftest import live_server,
browser, browser_page  # noqa: F401`` in that folder's conftest.py. Mark tests
``@pytest.mark.browser``.

    def test_x(seeded_app, live_server, browser_page):
        browser_page.goto(live_server.url + "/frameworks/")
        assert_axe_clean(browser_page)

Every page runs under the app's Content-Security-Policy: ``browser_page`` (and any context
opened with ``checked_context``) fails its test on a policy violation or a JavaScript error.
"""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from course.extensions import db

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_PATH = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# axe-core is loaded from this path on the page's own origin (answered by a Playwright route), so
# the Content-Security-Policy's script-src 'self' lets it run, as it would not an inline script.
AXE_ROUTE = "/__tests__/axe.min.js"
# Each Content-Security-Policy violation fires a securitypolicyviolation event; this script, run
# first in every page, logs it to the console (Chromium's own "Refused to ..." line does not reach
# Playwright) and counts it in window.cspViolations so a test can wait for one.
CSP_LISTENER = """window.cspViolations = 0;
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations++;
  console.error(`Content-Security-Policy violation: ${e.effectiveDirective} blocked ${e.blockedURI}`
                + ` in ${e.sourceFile || document.URL}:${e.lineNumber}`);
}, true);"""
CSP_MESSAGES = ("Refused to ", "Content-Security-Policy violation: ")


@dataclass
class LiveServer:
    """A running app: ``url`` is its base address, e.g. ``http://127.0.0.1:40123``."""

    app: Flask
    server: BaseWSGIServer
    url: str


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` (the function-scoped fixture, fresh schema) on a free port in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, server=server, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright's sync API, one per test module.

    Module scope, not session: only one sync Playwright can run in a process at a time, and
    other folders (tests/player, tests/scorm's kit harness) start their own; each must close
    its Playwright before the next module's starts.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (make install-test)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def watch_csp(context: Any) -> list[str]:
    """The Content-Security-Policy violations of every page of ``context``, as they happen."""
    found: list[str] = []
    context.add_init_script(CSP_LISTENER)
    context.on("console", lambda message: message.text.startswith(CSP_MESSAGES) and found.append(message.text))
    return found


@contextmanager
def checked_context(browser: Any, **options: Any) -> Iterator[Any]:
    """A browser context (``options`` as for ``new_context``) whose pages may not break the
    Content-Security-Policy or throw a JavaScript error; axe-core is served at ``AXE_ROUTE``."""
    context = browser.new_context(**options)
    context.route(f"**{AXE_ROUTE}", lambda route: route.fulfill(path=AXE_PATH, content_type="text/javascript"))
    violations = watch_csp(context)
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    try:
        yield context
    finally:
        context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    """A fresh page in its own checked context (no cookies shared between tests), en-GB, 1280x800."""
    with checked_context(browser, locale="en-GB", viewport={"width": 1280, "height": 800}) as context:
        context.set_default_timeout(10_000)
        yield context.new_page()


def inject_axe(page: Any) -> None:
    """Load axe-core into ``page`` from its own origin (a page of a ``checked_context``)."""
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH} not found: run `npm ci` (make install-test)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        origin = re.match(r"https?://[^/]+", page.url)
        assert origin, f"axe-core needs a page served over HTTP, not {page.url}"
        page.add_script_tag(url=origin.group(0) + AXE_ROUTE)


def axe_violations(page: Any, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.x A/AA rules by default) on ``page``; its violations, [] if none.

    A click on a link returns once the next page has started to arrive, before it is parsed: axe
    would meet a document with no <head> yet, or check half a page. So it waits for the page's
    load event first."""
    page.wait_for_load_state("load")
    inject_axe(page)
    run_options = options or {
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    }
    return page.evaluate("async (opts) => (await axe.run(document, opts)).violations", run_options)


def assert_axe_clean(page: Any, where: str | None = None, options: dict[str, Any] | None = None) -> None:
    """Fail, listing each violation, unless axe-core finds none on ``page`` (named by ``where``,
    or by its URL)."""
    violations = axe_violations(page, options)
    assert violations == [], f"axe on {where or page.url}:\n{describe_violations(violations)}"


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """A readable summary of axe violations for assertion messages."""
    lines = []
    for v in violations:
        targets = [json.dumps(node.get("target")) for node in v.get("nodes", [])][:5]
        lines.append(f"{v['id']} ({v.get('impact')}): {v.get('help')} at {', '.join(targets)}")
    return "\n".join(lines)


def sign_in(page: Any, base_url: str, email: str, password: str, next_path: str | None = None) -> None:
    """Sign in through the real form (labels as a user sees them)."""
    target = f"{base_url}/login" + (f"?next={next_path}" if next_path else "")
    page.goto(target)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

"""Browser fixtures: the app served on a free local port, headless Chromium pages, axe-core.

Reuse from another test folder with ``from tests.browser.conftest import live_server,
browser, browser_page  # noqa: F401`` in that folder's conftest.py. Mark tests
``@pytest.mark.browser``.

    def test_x(seeded_app, live_server, browser_page):
        browser_page.goto(live_server.url + "/frameworks/")
        assert axe_violations(browser_page) == []
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterator
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


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    """A fresh page in its own context (no cookies shared between tests), en-GB, 1280x800."""
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def axe_violations(page: Any, options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.x A/AA rules by default) on ``page``; its violations, [] if none."""
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH} not found: run `npm ci` (make install-test)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_PATH.read_text(encoding="utf-8"))
    run_options = options or {
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
    }
    return page.evaluate("async (opts) => (await axe.run(document, opts)).violations", run_options)


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

"""Fixtures for the player's browser tests: a served copy of the player and a Chromium page."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from player_site import CHROMIUM_ARGS, build_site, marking_js, serve  # noqa: E402

from tests.browser.conftest import checked_context  # noqa: E402

CHROMIUM = os.environ.get("SCORM_KIT_CHROMIUM", "/usr/bin/chromium")


# Module scope: a sync Playwright left running would break later tests that start their own
# (the SCORM kit's LmsRun) with "Sync API inside the asyncio loop".
@pytest.fixture(scope="module")
def browser():
    if not marking_js().is_file():
        pytest.skip("scorm_export/player/marking.js has not landed yet")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def site(tmp_path):
    """site(launch) -> URL of index.html of a fresh player copy with the fixture course."""
    servers = []

    def make(launch: dict, name: str = "site") -> str:
        folder = build_site(tmp_path / name, launch)
        ctx = serve(folder)
        base = ctx.__enter__()
        servers.append(ctx)
        return base + "/index.html"

    yield make
    for ctx in servers:
        ctx.__exit__(None, None, None)


@pytest.fixture
def page(browser):
    """A page in a context that fails the test on a Content-Security-Policy violation."""
    with checked_context(browser, viewport={"width": 1024, "height": 800}) as context:
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.errors = errors
        yield pg

"""The learner's dashboard on a phone (360 px): compact, with one link back to where the learner left off.

The demo learner (``carecourse init --demo``) is enrolled on the shipped course (23 modules). Before
issue 18 the page was 14,579 px tall at 360 px; the module list and each module's figures now fold.
"""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from course.extensions import db
from course.learning.models import Attempt

from tests.browser.conftest import assert_axe_clean, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def stored_location(app) -> str | None:
    """Where the server last heard the demo learner was in the module they opened."""
    with app.app_context():
        return db.session.scalar(select(Attempt.location).order_by(Attempt.id.desc()).limit(1))


def height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_dashboard_is_compact_at_360px_and_links_to_where_the_learner_left_off(seeded_app, live_server, browser_page):
    page, base = browser_page, live_server.url
    page.set_viewport_size(PHONE)
    sign_in(page, base, "learner@example.org", "demo-learner-pass", next_path="/learn/")
    expect(page.get_by_role("heading", name="My learning", level=1)).to_be_visible()
    first = page.get_by_role("link", name="Start: Understanding what affects relationships")
    expect(first).to_be_visible()
    print(f"dashboard at 360 px: {height(page)} px")
    assert height(page) <= 2 * PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_axe_clean(page)

    # Open a module, move to its second page, come back: one link says where.
    first.click()
    page.get_by_role("button", name="Next", exact=True).click()
    # the page's own line, not the live region that repeats it 60 ms later
    expect(page.locator("main p.crumb").first).to_have_text(re.compile(r"^Page 2 of \d+$"))
    # The page turn reaches the server on the player's own schedule (or as the page closes, which
    # may be after the dashboard has read it): wait until it has, as a learner's later visit would.
    deadline = time.monotonic() + 30
    while stored_location(seeded_app) != "0:p1" and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert stored_location(seeded_app) == "0:p1"
    page.goto(f"{base}/learn/")
    text = page.locator(".cc-resume a").inner_text()
    assert text.startswith("Continue where you left off: Understanding what affects relationships (Page 2 of "), text

    # Every module is one summary away, each in a few lines with its figures folded.
    page.get_by_text("All 23 modules").click()
    expect(page.get_by_role("link", name="Start Helping people identify beneficial relationships")).to_be_visible()
    print(f"dashboard at 360 px with the module list open: {height(page)} px")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_axe_clean(page)

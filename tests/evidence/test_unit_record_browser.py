"""The unit record in headless Chromium: at A4 print emulation nothing is wider than the page and
the navigation is hidden, table headers repeat on each page; on screen axe-core finds no problem.
Also the learner's dashboard (the time by kind and the unit record links) passes axe."""
from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import (assert_axe_clean, browser, browser_page, checked_context, live_server, sign_in)
from tests.evidence.test_unit_record import ROLES_SEEING, Scripted, scripted, url  # noqa: F401
from tests.helpers import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser
__all__ = ["browser", "browser_page", "live_server", "scripted"]  # fixtures used by name

A4_WIDTH = 794  # 210 mm at 96 CSS pixels to the inch

WIDER_THAN_PAGE = """(width) => [...document.querySelectorAll('body *')]
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
CLIPPED = """() => [...document.querySelectorAll('.ur td, .ur th, .ur dd')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).slice(0, 5).map(e => e.textContent.trim().slice(0, 40))"""


def test_the_record_prints_on_a4_and_passes_axe_on_screen(scripted: Scripted, live_server: Any,  # noqa: F811
                                                          browser: Any) -> None:  # noqa: F811
    with checked_context(browser, locale="en-GB", viewport={"width": A4_WIDTH, "height": 1123}) as context:
        page = context.new_page()
        sign_in(page, live_server.url, scripted.emails["lee"], DEFAULT_PASSWORD)
        page.goto(live_server.url + url(scripted))
        assert page.get_by_role("heading", level=1).inner_text() == "Unit record: Safe and consenting care"
        assert_axe_clean(page)
        assert page.locator(".site-header").is_visible()

        page.emulate_media(media="print")
        assert not page.locator(".site-header").is_visible()  # no navigation on paper
        assert not page.locator("nav").first.is_visible()
        assert not page.locator(".no-print").is_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= A4_WIDTH
        assert page.evaluate(WIDER_THAN_PAGE, A4_WIDTH) == []
        assert page.evaluate(CLIPPED) == []
        groups = page.evaluate("() => [...document.querySelectorAll('.ur-table thead')]"
                               ".map(e => getComputedStyle(e).display)")
        assert groups and set(groups) == {"table-header-group"}
        assert page.locator("#criterion-2\\.1").inner_text().count("IQA confirmed") == 1
        assert page.pdf(format="A4")[:4] == b"%PDF"


def test_the_dashboard_links_each_unit_record(scripted: Scripted, live_server: Any,  # noqa: F811
                                             browser_page: Any) -> None:  # noqa: F811
    page = browser_page
    sign_in(page, live_server.url, scripted.emails["lee"], DEFAULT_PASSWORD)
    page.goto(live_server.url + "/learn/")
    assert_axe_clean(page)
    # The unit records fold away with the time figures, so that a phone shows each course compactly.
    page.locator("summary", has_text="Your time and unit records").click()
    page.get_by_role("link", name="RECFW: Safe and consenting care").click()
    page.wait_for_url("**" + url(scripted))
    assert page.locator("#criterion-2\\.3").inner_text().count("Evidence submitted") == 1

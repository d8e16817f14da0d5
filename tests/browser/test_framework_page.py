"""The framework page in a real browser: the demo tutor reads HSCCLD327 K13."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import assert_axe_clean, checked_context, sign_in

pytestmark = pytest.mark.browser

K13_TEXT = "how to manage risks and safeguarding restrictions on relationships"


def test_tutor_reads_k13_on_the_framework_page(seeded_app, live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/frameworks/HSCCLD327")
    assert page.url.startswith(f"{live_server.url}/login?next=")  # login first
    page.get_by_label("Email address").fill("tutor@example.org")
    page.get_by_label("Password").fill("demo-tutor-pass")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/frameworks/HSCCLD327")

    assert page.get_by_role("heading", level=1).inner_text() == \
        "Work with individuals to develop and maintain relationships"
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="K13", exact=True))
    assert row.count() == 1
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells == [K13_TEXT, "Knowledge", "No"]
    assert page.get_by_role("status").inner_text().strip() == "Signed in as Demo Tutor."

    assert_axe_clean(page)


def test_framework_pages_are_accessible_and_fit_a_phone(seeded_app, live_server, browser):
    with checked_context(browser, locale="en-GB", viewport={"width": 360, "height": 740}) as context:
        page = context.new_page()
        sign_in(page, live_server.url, "learner@example.org", "demo-learner-pass")
        for path in ("/frameworks/", "/frameworks/QCF-RELNET", "/frameworks/NOS-EFFREL"):
            page.goto(live_server.url + path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 360, f"{path} scrolls sideways on a 360px phone ({width}px)"
            assert_axe_clean(page, path)
        # The stacked phone layout keeps the table's semantics: K13 is still a row of cells.
        page.goto(f"{live_server.url}/frameworks/HSCCLD327")
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="K13", exact=True))
        assert row.get_by_role("cell").all_inner_texts() == [K13_TEXT, "Knowledge", "No"]


def test_keyboard_skip_link_and_login_page(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/login")
    assert_axe_clean(page)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # A wrong password: the error is announced in an alert and the fields stay labelled.
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    assert re.search("email address or password is not right", page.get_by_role("alert").inner_text())
    assert_axe_clean(page)

"""Issue 18: an essay typed fast and the page reloaded at once comes back exactly (the app's player)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_axe_clean, sign_in
from tests.helpers import DEFAULT_PASSWORD
from tests.learning.conftest import make_course, q_essay, q_tf  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

TEXT = ("I sat with Mr Okafor and asked what he wanted for lunch; he chose the soup, "
        "and I wrote his choice in his care plan so that the next shift would know it too.")


def test_an_essay_typed_fast_survives_a_reload_300ms_later_exactly(app, live_server, browser_page, make_course):  # noqa: F811
    essay = dict(q_essay(), min_words=40)
    c = make_course([essay, q_tf()], pass_mark=0.5)
    page, base = browser_page, live_server.url
    sign_in(page, base, c.learner.email, DEFAULT_PASSWORD)
    page.goto(f"{base}/learn/{c.course_slug}/{c.module_slug}")
    for _ in range(2):
        page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Start quiz").click()
    box = page.get_by_label("Your answer")
    box.press_sequentially(TEXT)  # as fast as the browser takes keys
    count = page.locator("p.count").first
    expect(count).to_have_text("34 words (at least 40)")
    page.wait_for_timeout(300)
    page.reload()
    expect(page.get_by_role("heading", name="Question 1 of 2")).to_be_visible()
    assert page.get_by_label("Your answer").input_value() == TEXT
    # The server gets it too (the tab's copy is sent again after the reload).
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_label("True").check()
    page.get_by_role("button", name="Submit quiz").click()
    # Under the minimum: Submit says why, in words on the page, and submits nothing.
    expect(page.locator("p.count").first).to_have_text(
        "Your answer has 34 words; write at least 40. Your quiz has not been submitted yet.")
    expect(page.get_by_role("heading", name="Question 1 of 2")).to_be_visible()
    assert_axe_clean(page)
    box = page.get_by_label("Your answer")
    box.press("End")
    box.press_sequentially(" It was his lunch and his choice, and that is what matters most to him.")
    expect(page.locator("p.count").first).to_have_text("49 words (at least 40)")
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Submit quiz").click()
    page.get_by_role("button", name="Submit all and finish").click()  # the summary asks first, always
    expect(page.get_by_role("heading", name="Results")).to_be_visible()

"""An RQF unit's framework page in a real browser: the figures, axe-clean, fits a phone."""
from __future__ import annotations

import pytest

from tests.browser.conftest import assert_axe_clean, checked_context, sign_in
from tests.helpers import DEFAULT_PASSWORD
from tests.units.test_rqf_app import store_both

pytestmark = pytest.mark.browser


def test_rqf_unit_pages_show_the_figures_and_are_accessible(app, live_server, browser, create_user):
    store_both(app)
    learner = create_user("learner")
    with checked_context(browser, locale="en-GB", viewport={"width": 360, "height": 740}) as context:
        page = context.new_page()
        sign_in(page, live_server.url, learner.email, DEFAULT_PASSWORD)
        page.goto(f"{live_server.url}/frameworks/T-601-8291")
        facts = page.locator("dl.facts").inner_text()
        assert "Level\n2" in facts and "Credit value\n2" in facts and "Guided learning hours\n15" in facts
        assert "credit 2 × 10 = 20 hours (the unit gives only its credit value)" in facts
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="3.3", exact=True))
        assert row.get_by_role("cell").all_inner_texts() == [
            "Report any difficulties with swallowing in line with agreed ways of working", "Performance", "Yes"]
        for path in ("/frameworks/", "/frameworks/R-650-2231", "/frameworks/T-601-8291"):
            page.goto(live_server.url + path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 360, f"{path} scrolls sideways on a 360px phone ({width}px)"
            assert_axe_clean(page, path)

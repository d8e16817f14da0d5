"""Finding a criterion in a real browser, by keyboard only: from the Frameworks list to a unit,
live filtering on the unit page, and the search across units landing on the criterion's row."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_axe_clean, checked_context, sign_in

pytestmark = pytest.mark.browser


def _tab_to(page, name: str, limit: int = 80) -> None:
    """Press Tab until the focused element's accessible text (or label) is ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const el = document.activeElement;"
            " return (el.labels && el.labels.length ? el.labels[0].textContent : el.textContent).trim(); }")
        if focused == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def _shown_codes(page) -> list[str]:
    return page.get_by_role("rowheader").all_inner_texts()


def test_keyboard_from_the_list_to_a_unit_and_live_search(seeded_app, live_server, browser_page):
    page = browser_page
    sign_in(page, live_server.url, "assessor@example.org", "demo-assessor-pass")
    page.goto(f"{live_server.url}/frameworks/")
    _tab_to(page, "HSCCLD327")  # the unit's code is a link now
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/frameworks/HSCCLD327")
    assert len(_shown_codes(page)) == 35

    _tab_to(page, "Search this unit's criteria")
    page.keyboard.type("K1")
    count = page.locator("#fw-count")
    assert count.get_attribute("aria-live") == "polite"
    expect(count).to_have_text("11 criteria match “K1” (35 in this unit).")
    assert _shown_codes(page) == ["K1"] + [f"K{n}" for n in range(10, 20)]
    assert page.locator("tr#criterion-K13 th mark").inner_text() == "K1"
    assert page.get_by_role("heading", name="P.1 Performance criteria").count() == 0  # its outcome is hidden
    assert page.url == f"{live_server.url}/frameworks/HSCCLD327?q=K1"
    assert_axe_clean(page)

    # Words in any order; Enter filters in place (no reload) and announces at once.
    page.keyboard.press("Control+A")
    page.keyboard.type("Relationships manage")
    page.keyboard.press("Enter")
    expect(count).to_have_text("1 criterion matches “Relationships manage” (35 in this unit).")
    assert _shown_codes(page) == ["K13"]
    assert page.locator("tr#criterion-K13 td mark").all_inner_texts() == ["manage", "relationships"]

    page.keyboard.press("Control+A")
    page.keyboard.type("nothing like this")
    expect(count).to_have_text("No criteria match “nothing like this” (35 in this unit).")
    assert _shown_codes(page) == []

    # Clearing the box shows every criterion again, unmarked.
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    expect(count).to_have_text("")
    assert len(_shown_codes(page)) == 35
    assert page.locator("table.criteria mark").count() == 0
    assert page.url == f"{live_server.url}/frameworks/HSCCLD327"


def test_search_across_units_lands_on_the_criterion(seeded_app, live_server, browser_page):
    page = browser_page
    sign_in(page, live_server.url, "learner@example.org", "demo-learner-pass")
    page.goto(f"{live_server.url}/frameworks/")
    _tab_to(page, "Search the criteria of every unit")
    page.keyboard.type("abuse")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/frameworks/?q=abuse")
    assert page.locator("#fw-count").inner_text() == "7 criteria match “abuse”."
    assert page.get_by_role("row").count() == 8  # the header and seven criteria
    assert_axe_clean(page)

    _tab_to(page, "K29")  # NOS-CONTACT's K29 comes before NOS-EFFREL's
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "NOS-CONTACT K29"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/frameworks/NOS-CONTACT#criterion-K29")
    row = page.locator("tr#criterion-K29")
    expect(row).to_be_in_viewport()
    assert page.evaluate("() => document.querySelector(':target').id") == "criterion-K29"
    assert len(_shown_codes(page)) == 71  # the whole unit, with the criterion in view


def test_search_pages_fit_a_phone(seeded_app, live_server, browser):
    with checked_context(browser, locale="en-GB", viewport={"width": 360, "height": 740}) as context:
        context.set_default_timeout(10_000)
        page = context.new_page()
        sign_in(page, live_server.url, "iqa@example.org", "demo-iqa-pass")
        for path in ("/frameworks/?q=dignity", "/frameworks/NOS-EFFREL?q=K1", "/frameworks/?q=" + "x" * 201):
            page.goto(live_server.url + path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 360, f"{path} scrolls sideways on a 360px phone ({width}px)"
            assert_axe_clean(page, path)
        page.goto(f"{live_server.url}/frameworks/NOS-EFFREL")
        page.get_by_label("Search this unit's criteria").fill("dignity")
        expect(page.locator("#fw-count")).to_have_text("1 criterion matches “dignity” (81 in this unit).")
        assert _shown_codes(page) == ["K16"]
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, f"a unit page with a search scrolls sideways ({width}px)"

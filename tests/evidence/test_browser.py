"""The evidence chain in headless Chromium: a learner records evidence with a file and the
declaration, an assessor accepts it for two criteria and refers a third, and the learner's pages
then show those states; every page on the way is axe-clean."""
from __future__ import annotations

import re
from typing import Any

import pytest

from course.evidence.records import DECLARATION
from tests.browser.conftest import (assert_axe_clean, browser, browser_page, checked_context, live_server, sign_in)
from tests.evidence.conftest_evidence import world
from tests.helpers import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser
__all__ = ["browser", "browser_page", "live_server", "world"]  # fixtures used by name


def test_learner_records_assessor_judges_learner_sees(world, live_server: Any, browser: Any, browser_page: Any,
                                                      tmp_path) -> None:
    photo = tmp_path / "lunch-photo.pdf"  # a PNG with the wrong name: stored as what it is
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    page = browser_page
    sign_in(page, live_server.url, "ann@a.test", DEFAULT_PASSWORD)
    page.get_by_role("link", name="My evidence").click()
    assert_axe_clean(page)
    page.get_by_role("link", name="Record evidence for Care at work").click()
    assert_axe_clean(page)
    page.get_by_label("Kind of evidence").select_option(label="Observation")
    page.get_by_label("Date it happened").fill("2026-11-02")
    page.get_by_label("Title").fill("Supporting lunch choices")
    page.get_by_label("Description").fill("My manager watched me offer Mr Okafor a choice of lunch.")
    page.locator("summary", has_text="TESTFW P.1").click()
    page.get_by_label("P1 do the first thing").check()
    page.get_by_label("P2 do the second thing").check()
    page.locator("summary", has_text="TESTFW K.1").click()
    page.get_by_label("K1 know the first thing").check()
    page.get_by_label("Files (optional)").set_input_files(str(photo))
    page.get_by_label(DECLARATION).check()
    page.get_by_role("button", name="Record evidence").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Supporting lunch choices"
    assert page.get_by_role("link", name="lunch-photo.png").is_visible()
    assert "Awaiting the assessor" in page.locator("dl.facts").inner_text()
    assert_axe_clean(page)

    with checked_context(browser, locale="en-GB", viewport={"width": 1280, "height": 800}) as context:
        assessor = context.new_page()
        sign_in(assessor, live_server.url, "assessor@a.test", DEFAULT_PASSWORD)
        assessor.get_by_role("link", name="Evidence to assess").click()
        assert_axe_clean(assessor)
        assessor.get_by_role("link", name=re.compile(r"^Assess")).click()
        assert_axe_clean(assessor)
        assessor.get_by_role("group", name=re.compile(r"^TESTFW\/P1 ")).get_by_label("Met", exact=True).check()
        assessor.get_by_label("Comment on TESTFW/P1").fill("Seen offering a choice at lunch.")
        assessor.get_by_role("group", name=re.compile(r"^TESTFW\/P2 ")).get_by_label("Met", exact=True).check()
        assessor.get_by_role("group", name=re.compile(r"^TESTFW\/K1 ")).get_by_label("Referred", exact=True).check()
        assessor.get_by_role("button", name="Save decisions").click()
        assessor.wait_for_load_state()
        assert assessor.get_by_role("alert").inner_text().startswith("There is a problem")
        assert "TESTFW/K1: Say why it is referred: a comment is required." in assessor.get_by_role("alert").inner_text()
        assert_axe_clean(assessor)
        assessor.get_by_label("Comment on TESTFW/K1").fill("Explain why consent matters, in your own words.")
        assessor.get_by_role("button", name="Save decisions").click()
        assessor.wait_for_load_state()
        assert "3 decisions saved." in assessor.locator(".flashes").inner_text()
        assert_axe_clean(assessor)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My evidence").click()
    row = page.get_by_role("row", name=re.compile("Supporting lunch choices"))
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[2:] == ["1", "Assessed", "TESTFW/P1: Met\nTESTFW/P2: Met\nTESTFW/K1: Referred"]
    assert_axe_clean(page)
    page.get_by_role("link", name="Supporting lunch choices").click()
    table = page.get_by_role("table", name=re.compile("^The criteria this evidence claims"))
    rows = [r.get_by_role("cell").all_inner_texts() for r in table.get_by_role("row").all()[1:]]
    assert [r[0].split(" by ")[0] for r in rows] == ["Met", "Met", "Referred"]
    assert [r[1:] for r in rows] == [["Seen offering a choice at lunch.", "Met"], ["", "Met"],
                                     ["Explain why consent matters, in your own words.", "Referred"]]
    assert_axe_clean(page)


def test_staff_evidence_pages_pass_axe(world, live_server: Any, browser_page: Any) -> None:
    page = browser_page
    sign_in(page, live_server.url, "assessor@a.test", DEFAULT_PASSWORD)
    ann = world.users["learner"].id
    page.goto(f"{live_server.url}/evidence/learners")
    assert_axe_clean(page)
    page.goto(f"{live_server.url}/evidence/courses/{world.course_id}/learners/{ann}")
    assert_axe_clean(page)
    page.get_by_role("button", name=re.compile("^Use this marked essay as evidence")).click()
    page.wait_for_load_state()
    assert "The essay is now evidence" in page.locator(".flashes").inner_text()
    assert_axe_clean(page)
    page.locator("dl.facts").get_by_role("link", name="Essay: Reflect on consent").click()
    assert_axe_clean(page)
    page.goto(f"{live_server.url}/evidence/courses/{world.course_id}/learners/{ann}/new")
    page.get_by_role("button", name="Record evidence").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").inner_text().startswith("There is a problem")
    assert_axe_clean(page)

"""In headless Chromium: the IQA opens the sample, confirms one decision and sends another back;
every quality-assurance page passes axe-core (WCAG 2.1 A/AA and best practice)."""
from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_axe_clean, browser, browser_page, live_server, sign_in
from tests.evidence.iqa_fixtures import IqaCourse, iqa_course  # noqa: F401
from tests.helpers import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser
__all__ = ["browser", "browser_page", "live_server"]  # fixtures used by name


def test_iqa_confirms_one_decision_and_sends_one_back(iqa_course: IqaCourse, live_server: Any,
                                                       browser_page: Any) -> None:
    page = browser_page
    sign_in(page, live_server.url, "iqa@a.test", DEFAULT_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Quality assurance").click()
    assert_axe_clean(page)
    page.get_by_role("link", name="Sampling plan and sample of Care at work").click()
    assert page.locator("#sample-summary").inner_text() == "4 decisions sampled, 0 reviewed."
    assert_axe_clean(page)

    page.get_by_role("link", name="Review decision 3").click()
    assert page.locator("#criterion-text").inner_text() == "TESTFW/P1: do the first thing"
    assert page.locator("#assessor-comment").inner_text() == "Seen doing it (3)."
    assert_axe_clean(page)
    page.get_by_label("Agree with the decision").check()
    page.get_by_role("button", name="Record review").click()
    page.wait_for_url("**/iqa/courses/care/")
    assert page.get_by_text("You agreed with the decision on TESTFW/P1.").is_visible()

    page.get_by_role("link", name="Review decision 6").click()
    page.get_by_label("Send it back to the assessor with actions").check()
    page.get_by_role("button", name="Record review").click()  # no actions yet: refused
    assert page.get_by_role("alert").inner_text().endswith(
        "Say what the assessor must do: actions are required when you send a decision back.")
    assert_axe_clean(page)
    page.get_by_label("Actions for the assessor").fill("Add where and when you observed it.")
    page.get_by_role("button", name="Record review").click()
    page.wait_for_url("**/iqa/courses/care/")
    assert page.get_by_text("You sent back the decision on TESTFW/P2.").is_visible()

    assert page.locator("#sample-summary").inner_text() == "4 decisions sampled, 2 reviewed."
    statuses = {row: page.locator(f"#decision-{row} td").last.inner_text() for row in (1, 3, 6, 10)}
    assert statuses[1] == "Not reviewed" and statuses[10] == "Not reviewed"
    assert statuses[3].startswith("Agreed, ") and statuses[6].startswith("Sent back with actions, ")
    assert_axe_clean(page)

    page.get_by_role("link", name="Question mapping sign-off").click()
    assert_axe_clean(page)
    page.get_by_role("button", name="Sign off all 2 unsigned questions of Knowing").click()
    assert page.get_by_text("Signed off 2 questions of Knowing.").is_visible()
    page.goto(f"{live_server.url}/iqa/courses/care/audit")
    assert page.locator("#audit-count").inner_text() == "4 entries."
    assert_axe_clean(page)

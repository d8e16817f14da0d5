"""The whole chain in headless Chromium, by four people in their own browsers: a learner submits
workplace evidence, an assessor accepts it for two criteria, an IQA samples the decisions and
confirms the one sampled, and then the learner's pages, the tutor's criteria map, its CSV, the unit
record (learner's and IQA's view) and the audit trail all say the same thing about each criterion."""
from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from course.evidence.records import DECLARATION
from tests.browser.conftest import assert_axe_clean, browser, browser_page, checked_context, live_server, sign_in
from tests.evidence.conftest_evidence import P1, P2, world
from tests.helpers import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser
__all__ = ["browser", "browser_page", "live_server", "world"]  # fixtures used by name


def _state(page: Any, ref: str, selector: str) -> str:
    """The state label shown for ``ref`` on a page whose criterion rows carry an id."""
    return page.locator(f"#criterion-{ref.replace('/', '-')} {selector}").first.inner_text().strip()


def _new_page(browser: Any, contexts: list[Any]) -> Any:
    context = checked_context(browser, locale="en-GB", viewport={"width": 1280, "height": 800})
    contexts.append(context)
    return context.__enter__().new_page()


def test_learner_assessor_iqa_and_every_page_agree(world, live_server: Any, browser: Any, browser_page: Any,
                                                   tmp_path: Any) -> None:
    base = live_server.url
    course_id, learner_id = world.course_id, world.users["learner"].id
    contexts: list[Any] = []
    try:
        # 1. The learner records an observation claiming P1 and P2, with a file and the declaration.
        photo = tmp_path / "observation.pdf"
        photo.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
        learner = browser_page
        sign_in(learner, base, "ann@a.test", DEFAULT_PASSWORD)
        learner.get_by_role("link", name="My evidence").click()
        learner.get_by_role("link", name="Record evidence for Care at work").click()
        learner.get_by_label("Kind of evidence").select_option(label="Observation")
        learner.get_by_label("Date it happened").fill("2026-11-02")
        learner.get_by_label("Title").fill("Supporting lunch choices")
        learner.get_by_label("Description").fill("My manager watched me offer Mr Okafor a choice of lunch.")
        learner.locator("summary", has_text="TESTFW P.1").click()
        learner.get_by_label("P1 do the first thing").check()
        learner.get_by_label("P2 do the second thing").check()
        learner.get_by_label("Files (optional)").set_input_files(str(photo))
        learner.get_by_label(DECLARATION).check()
        learner.get_by_role("button", name="Record evidence").click()
        learner.wait_for_load_state()
        assert learner.get_by_role("link", name="observation.pdf").is_visible()

        learner.goto(f"{base}/learn/courses/care/criteria")
        assert _state(learner, P1, ".cr-state") == "Evidence submitted"
        assert _state(learner, P2, ".cr-state") == "Evidence submitted"

        # 2. The assessor accepts it for both criteria.
        assessor = _new_page(browser, contexts)
        sign_in(assessor, base, "assessor@a.test", DEFAULT_PASSWORD)
        assessor.get_by_role("link", name="Evidence to assess").click()
        assessor.get_by_role("link", name=re.compile(r"^Assess")).click()
        assessor.get_by_role("group", name=re.compile(r"^TESTFW\/P1 ")).get_by_label("Met", exact=True).check()
        assessor.get_by_label("Comment on TESTFW/P1").fill("Seen offering a choice at lunch.")
        assessor.get_by_role("group", name=re.compile(r"^TESTFW\/P2 ")).get_by_label("Met", exact=True).check()
        assessor.get_by_role("button", name="Save decisions").click()
        assessor.wait_for_load_state()
        assert "2 decisions saved." in assessor.locator(".flashes").inner_text()

        # 3. The IQA opens the sample (the default plan: every assessor each quarter, 25%, so one of
        #    the two decisions), reads which criterion was sampled and agrees with it.
        iqa = _new_page(browser, contexts)
        sign_in(iqa, base, "iqa@a.test", DEFAULT_PASSWORD)
        iqa.get_by_role("navigation", name="Main").get_by_role("link", name="Quality assurance").click()
        iqa.get_by_role("link", name="Sampling plan and sample of Care at work").click()
        assert iqa.locator("#sample-summary").inner_text() == "1 decision sampled, 0 reviewed."
        iqa.get_by_role("link", name=re.compile(r"^Review decision \d+$")).click()
        sampled = iqa.locator("#criterion-text").inner_text().split(":")[0]
        assert sampled in (P1, P2)
        unsampled = P2 if sampled == P1 else P1
        iqa.get_by_label("Agree with the decision").check()
        iqa.get_by_role("button", name="Record review").click()
        iqa.wait_for_url("**/iqa/courses/care/")
        assert iqa.locator("#sample-summary").inner_text() == "1 decision sampled, 1 reviewed."
        assert_axe_clean(iqa)

        expected = {sampled: "IQA confirmed", unsampled: "Met"}

        # 4. Every page says the same. The learner's own criteria page and dashboard count:
        learner.goto(f"{base}/learn/courses/care/criteria")
        assert {ref: _state(learner, ref, ".cr-state") for ref in expected} == expected
        assert_axe_clean(learner)
        learner.goto(f"{base}/learn/")
        counts = learner.locator(f"#criteria-{course_id}").inner_text()
        assert "1 IQA confirmed" in counts and "1 Met" in counts, counts

        # ... the learner's unit record, reached from My learning:
        learner.locator("summary", has_text="Your time and unit records").click()
        learner.get_by_role("link", name=re.compile(r"^TESTFW: ")).click()
        assert {ref: _state(learner, ref.split("/")[1], ".ur-state") for ref in expected} == expected
        assert_axe_clean(learner)

        # ... the tutor's criteria map and its CSV download:
        tutor = _new_page(browser, contexts)
        sign_in(tutor, base, "tutor@a.test", DEFAULT_PASSWORD)
        tutor.goto(f"{base}/reports/courses/{course_id}/learners/{learner_id}/criteria")
        assert {ref: _state(tutor, ref, ".cr-state") for ref in expected} == expected
        assert "Seen offering a choice at lunch." in tutor.locator(f"#criterion-{P1.replace('/', '-')}").inner_text()
        assert_axe_clean(tutor)
        response = tutor.request.get(f"{base}/reports/courses/{course_id}/learners/{learner_id}/criteria.csv")
        assert response.status == 200
        rows = {r["criterion"]: r for r in csv.DictReader(io.StringIO(response.text()))}
        assert {ref: rows[ref]["status"] for ref in expected} == expected

        # ... the IQA's view of the same unit record (what an external quality assurer is shown):
        iqa.goto(learner.url)
        assert {ref: _state(iqa, ref.split("/")[1], ".ur-state") for ref in expected} == expected

        # ... and the audit trail holds each step, newest first.
        iqa.goto(f"{base}/iqa/courses/care/audit")
        text = iqa.locator("main table").inner_text()
        positions = [text.index(label) for label in ("IQA review", "Decision made", "Evidence recorded")]
        assert positions == sorted(positions), text
        assert text.count("Decision made") == 2
    finally:
        for context in reversed(contexts):
            context.__exit__(None, None, None)

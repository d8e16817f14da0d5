"""In Chromium: a tutor authors a question (the criteria search, "Add option" in place), saves
it, then tries an answer in the preview; the preview passes axe-core."""
from __future__ import annotations

import pytest

from tests.browser.conftest import assert_axe_clean, sign_in
from tests.helpers import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def test_author_a_single_choice_question_then_try_it(app, live_server, browser_page, create_framework,
                                                     create_user, stored):
    create_framework("TESTFW")
    tutor = create_user("tutor", org="Org A")
    page = browser_page
    sign_in(page, live_server.url, tutor.email, DEFAULT_PASSWORD, next_path="/questions/new?type=single_choice")
    page.get_by_label("Question id").fill("trust-1")
    page.get_by_label("Title").fill("Building trust")
    page.get_by_label("Question text").fill("Which **builds** trust?")
    page.get_by_label("Search criteria").fill("second thing")
    assert page.locator(".criterion:not([hidden])").count() == 2  # P2 and K2 mention "second thing"
    page.get_by_label("TESTFW/K2 know the second thing").check()
    page.get_by_label("Text", exact=True).nth(0).fill("Listening")
    page.locator('input[name="options-0-correct"]').check()
    page.locator('input[name="options-0-feedback"]').fill("Yes: listening shows respect.")
    page.get_by_label("Text", exact=True).nth(1).fill("Rushing")
    page.get_by_label("Text", exact=True).nth(2).fill("Deciding for them")
    page.get_by_label("Text", exact=True).nth(3).fill("Asking first")
    page.get_by_role("button", name="Add option").click()  # in place, no reload
    assert page.locator('input[name="options-rows"]').input_value() == "5"
    assert page.locator('input[name="options-4-id"]').input_value() == "e"
    page.locator('textarea[name="options-4-text"]').fill("Ignoring them")
    page.get_by_role("button", name="Save question").last.click()
    page.wait_for_url(f"{live_server.url}/questions/trust-1")
    [saved] = stored("trust-1")
    assert [o["id"] for o in saved["data"]["options"]] == ["a", "b", "c", "d", "e"]
    assert saved["data"]["options"][4]["text"] == "Ignoring them"
    assert saved["data"]["criteria"] == ["TESTFW/K2"]

    page.get_by_role("link", name="Preview and try").click()
    assert page.locator(".question-stem strong").inner_text() == "builds"
    assert_axe_clean(page)
    page.get_by_label("Listening").check()
    page.get_by_role("button", name="Check answer").click()
    assert page.locator(".result .mark").inner_text() == "Score 1 out of 1 (correct)"
    assert page.locator(".result .feedback li").all_inner_texts() == ["Yes: listening shows respect."]


def test_add_step_in_place_copies_a_renamed_empty_step(live_server, browser_page, create_framework, create_user):
    create_framework("TESTFW")
    tutor = create_user("tutor", org="Org A")
    page = browser_page
    sign_in(page, live_server.url, tutor.email, DEFAULT_PASSWORD, next_path="/questions/new?type=scenario")
    # A new scenario starts with one step; each "Add step" copies the last, renamed and emptied.
    assert page.locator('input[name="steps-rows"]').input_value() == "1"
    page.locator('textarea[name="steps-0-question-stem"]').fill("First step stem")
    page.get_by_role("button", name="Add step").click()
    page.locator('textarea[name="steps-1-question-stem"]').fill("Second step stem")
    page.get_by_role("button", name="Add step").click()
    assert page.locator('input[name="steps-rows"]').input_value() == "3"
    assert page.locator('input[name="steps-2-id"]').input_value() == "s3"
    assert page.locator('input[name="steps-2-question-id"]').input_value() == "s3-q"
    assert page.locator('textarea[name="steps-2-question-stem"]').input_value() == ""
    assert page.locator('input[name="steps-2-question-options-rows"]').input_value() == "4"
    assert page.locator('input[name="steps-2-question-options-3-id"]').input_value() == "d"
    assert page.locator("#f-steps-2 > legend").inner_text() == "Step 3"
    assert page.get_by_role("button", name="Remove step 3").count() == 1
    assert page.get_by_role("button", name="Move step 2 down").count() == 1
    assert page.locator("#f-steps-2 summary", has_text="More settings").inner_text() == "More settings for step 3"
    # The new steps are offered wherever a step chooses where to go next.
    assert page.locator('select[name="steps-0-next"] option').all_inner_texts() == [
        "The next step in the list", "Step 1: First step stem", "Step 2: Second step stem", "Step 3", "End of the scenario"]


def test_export_for_moodle_43_shows_what_is_converted(live_server, browser_page, create_framework, create_user,
                                                      put_question):
    from tests.questions.test_export_moodle_version import ordering_question

    create_framework("TESTFW")
    tutor = create_user("tutor", org="Org A")
    put_question(tutor.organisation_id, ordering_question())
    page = browser_page
    sign_in(page, live_server.url, tutor.email, DEFAULT_PASSWORD, next_path="/questions/")
    assert page.get_by_label("For Moodle version").input_value() == "5.3"
    page.get_by_label("Export your current questions as").select_option("moodle")
    page.get_by_label("For Moodle version").select_option("4.3")
    assert_axe_clean(page)
    page.get_by_role("button", name="Export").click()
    page.wait_for_url(f"{live_server.url}/questions/export/summary?format=moodle&moodle_version=4.3")
    assert page.get_by_role("heading", level=2).first.inner_text() == "1 question in Moodle XML for Moodle 4.3"
    assert page.locator("ul.converted li").all_inner_texts() == [
        "steps: Moodle 4.3 has no ordering question type (core from 4.4): exported as a matching question, "
        "each item matched to its place (1st, 2nd, ...), an equal share of the marks for each item placed right"]
    assert_axe_clean(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download questions-moodle-4.3.xml").click()
    assert download.value.suggested_filename == "questions-moodle-4.3.xml"

"""Issue 18, the learner in the player (preview runtime, fixture course): the submit summary, the word
count, the correct answer after the final attempt, marks and criteria in the results, matching at 360 px.
"""

from __future__ import annotations

import re

import pytest
from test_player_browser import EVERY_AXE_RULE, M01, heading_focused, no_horizontal_scroll

from tests.browser.conftest import assert_axe_clean, checked_context

pytestmark = pytest.mark.browser


def start_quiz(page) -> None:
    for _ in range(2):
        page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Start quiz").click()
    heading_focused(page, "Question 1 of 9")


def next_question(page) -> None:
    page.get_by_role("button", name="Next", exact=True).click()


def answer_all_but_question_3(page) -> None:
    page.get_by_label("Sit with him and ask how he is feeling").check()
    next_question(page)
    page.get_by_label("Privacy").check()
    page.get_by_label("Dignity").check()
    next_question(page)
    next_question(page)  # question 3 (true or false) left unanswered
    page.get_by_label("Advocate").select_option("r1")
    page.get_by_label("Care worker").select_option("r2")
    next_question(page)
    next_question(page)  # an ordering left as shown is an answer: the order shown
    page.get_by_label("Gap 1").fill("20")
    page.get_by_label("Gap 2").select_option("soap")
    next_question(page)
    page.get_by_label("Your answer").fill("37.2")
    next_question(page)
    page.get_by_label("Your answer").fill("I listen and I keep my word.")
    next_question(page)
    page.get_by_label("Check she is safe and ask where it hurts").check()
    page.get_by_role("button", name="Continue scenario").click()
    page.get_by_label("True").check()
    page.get_by_role("button", name="Continue scenario").click()


def test_submit_lists_the_unanswered_question_which_links_to_it(page, tmp_path):
    from player_site import build_site, fixture_course, serve

    from scorm_export.document import criterion_texts, question_criteria

    course = fixture_course()
    # What a package's module file and the app's page carry: each criterion's text by reference.
    course["criteria"] = criterion_texts(course, question_criteria(course["questions"]))
    with serve(build_site(tmp_path / "texts", M01, course)) as base:
        page.goto(base + "/index.html")
        submit_with_one_unanswered(page)


def submit_with_one_unanswered(page) -> None:
    start_quiz(page)
    answer_all_but_question_3(page)
    # The count counts the ordering only once it is moved or submitted (as before issue 18).
    assert page.locator(".count").last.inner_text() == "You have answered 7 of 9 questions."
    page.get_by_role("button", name="Submit quiz").click()

    heading_focused(page, "Before you submit")
    assert page.locator(".summary p").first.inner_text() == "You have not answered 1 question of 9."
    assert page.locator(".summary li").all_inner_texts() == [
        "Question 1: Trust: answered", "Question 2: Rights: answered", "Question 3: Consent: not answered",
        "Question 4: Roles: answered", "Question 5: Hand washing: answered", "Question 6: Hand washing time: answered",
        "Question 7: Temperature: answered", "Question 8: Reflection: answered", "Question 9: A fall: answered"]
    page.wait_for_function("() => document.getElementById('cc-live').textContent === 'Before you submit: 1 question not answered'")
    assert_axe_clean(page, "the submit summary", EVERY_AXE_RULE)
    # Nothing was submitted: the quiz is still open.
    assert page.get_by_role("button", name="Submit all and finish").is_visible()
    assert not page.get_by_role("heading", name="Results").is_visible()

    page.get_by_role("link", name="Question 3: Consent").focus()
    page.keyboard.press("Enter")
    heading_focused(page, "Question 3 of 9")
    page.get_by_label("True").check()
    for _ in range(6):
        next_question(page)
    page.get_by_role("button", name="Submit quiz").click()
    # All answered: the summary still asks (as Moodle does), saying so.
    heading_focused(page, "Before you submit")
    assert page.locator(".summary p").first.inner_text() == "You have answered all 9 questions."
    assert page.locator(".summary li").all_inner_texts()[2] == "Question 3: Consent: answered"
    page.wait_for_function("() => document.getElementById('cc-live').textContent === 'Before you submit: all 9 answered'")
    page.get_by_role("button", name="Submit all and finish").click()
    heading_focused(page, "Results")
    # Marks to one decimal at most, percentages whole; each criterion by code and text.
    # (The ordering's shown order comes from a random seed, so the marks vary: their form does not.)
    assert re.fullmatch(r"Your score: [78](\.5)? of 8 \((88|94|100)%\)", page.locator(".score").inner_text())
    rows = [r.split("\t") for r in page.locator("table.criteria tbody tr").all_inner_texts()]
    assert [r[0] for r in rows] == ["TST/K1: how to build trust with the people you support",
                                    "TST/K2: the rights of individuals", "TST/K3: infection prevention and control"]
    assert page.errors == []


def test_back_to_the_quiz_and_submit_now(page, site):
    page.goto(site(M01))
    start_quiz(page)
    for _ in range(8):
        next_question(page)
    page.get_by_role("button", name="Submit quiz").click()
    heading_focused(page, "Before you submit")
    # Eight not answered: the ordering (answered as shown) is.
    assert page.locator(".summary li").all_inner_texts() == [
        "Question 1: Trust: not answered", "Question 2: Rights: not answered", "Question 3: Consent: not answered",
        "Question 4: Roles: not answered", "Question 5: Hand washing: answered",
        "Question 6: Hand washing time: not answered", "Question 7: Temperature: not answered",
        "Question 8: Reflection: not answered", "Question 9: A fall: not answered"]
    page.get_by_role("button", name="Return to attempt").click()
    heading_focused(page, "Question 9 of 9")
    page.get_by_role("button", name="Submit quiz").click()
    heading_focused(page, "Before you submit")
    page.keyboard.press("Escape")  # Escape returns to the attempt too, submitting nothing
    heading_focused(page, "Question 9 of 9")
    page.get_by_role("button", name="Submit quiz").click()
    page.get_by_role("button", name="Submit all and finish").click()
    heading_focused(page, "Results")
    assert re.fullmatch(r"Your score: [01](\.5)? of 8 \((0|6|13|19)%\)", page.locator(".score").inner_text())


def test_word_count_is_read_out_on_a_pause_and_submit_says_why_it_is_blocked(page, tmp_path):
    from player_site import build_site, fixture_course, serve

    course = fixture_course()
    next(q for q in course["questions"] if q["id"] == "essay-trust")["min_words"] = 10
    with serve(build_site(tmp_path / "essay", M01, course)) as base:
        page.goto(base + "/index.html")
        start_quiz(page)
        for _ in range(7):
            next_question(page)
        box, count = page.get_by_label("Your answer"), page.locator("p.count").first
        assert count.inner_text() == "0 words of 50 (at least 10)"
        # The player announces the question 60 ms after showing it; wait for that before typing.
        page.wait_for_function("() => document.getElementById('cc-live').textContent === 'Question 8 of 9'")
        box.press_sequentially("I listen and")
        assert count.inner_text() == "3 words of 50 (at least 10)"
        assert page.locator("#cc-live").inner_text() == "Question 8 of 9"  # not at every keystroke
        page.wait_for_function("() => document.getElementById('cc-live').textContent === '3 words of 50 (at least 10)'")
        next_question(page)
        page.get_by_role("button", name="Submit quiz").click()
        heading_focused(page, "Your answer has 3 words; write at least 10. Your quiz has not been submitted yet.")
        assert page.get_by_role("heading", name="Question 8 of 9").is_visible()


def test_the_correct_answer_shows_after_the_final_attempt_only(page, tmp_path):
    from player_site import build_site, fixture_course, serve

    course = fixture_course()
    quiz = next(m for m in course["modules"] if m["slug"] == "m01-all-types")["quiz"]
    quiz.update(attempts=2, option_feedback="after_final_attempt", mode="summative")
    with serve(build_site(tmp_path / "final", M01, course)) as base:
        page.goto(base + "/index.html")
        for attempt in (1, 2):
            if attempt == 1:
                start_quiz(page)
            else:
                page.get_by_role("button", name="Try again").click()
                page.get_by_role("button", name="Start quiz").click()
            for _ in range(2):
                next_question(page)
            page.get_by_label("False").check()  # wrong: consent can be withdrawn
            for _ in range(6):
                next_question(page)
            page.get_by_role("button", name="Submit quiz").click()
            page.get_by_role("button", name="Submit all and finish").click()
            page.get_by_role("button", name="Review answers").click()
            heading_focused(page, "Review answers")
            keys = page.locator(".key")
            if attempt == 1:
                assert keys.count() == 0 and "The correct answer" not in page.locator("main").inner_text()
                page.get_by_role("button", name="Back to results").click()
        # After the final attempt: each question's best answer, shown in its own (locked) controls.
        q3 = page.locator("ol.review > li").nth(2)
        assert q3.locator(".key p").first.inner_text() == "The correct answer:"
        assert q3.locator(".key").get_by_label("True").is_checked()
        assert not q3.locator(".mark + .key").get_by_label("False").is_checked()
        assert page.locator("ol.review > li").nth(3).locator(".key select").evaluate_all("s => s.map(x => x.value)") == ["r1", "r2"]
        assert page.locator("ol.review > li").nth(7).locator(".key").count() == 0  # an essay has no key
        assert_axe_clean(page, "review with the correct answers", EVERY_AXE_RULE)


def test_matching_selects_fit_a_360px_screen(browser, site):
    url = site(M01)
    with checked_context(browser, viewport={"width": 360, "height": 740}) as context:
        page = context.new_page()
        page.goto(url)
        start_quiz(page)
        for _ in range(3):
            next_question(page)
        heading_focused(page, "Question 4 of 9")
        boxes = page.locator("select").evaluate_all("s => s.map(x => x.getBoundingClientRect()).map(r => [r.left, r.right])")
        assert boxes and all(left >= 0 and right <= 360 for left, right in boxes), boxes
        no_horizontal_scroll(page, "matching")

"""A summative quiz in a SCORM package's player (SCORM 1.2, in headless Chromium): what the intro
says, the feedback texts held back until the final attempt, a retake drawn from a new seed, and
options shuffled though the question says not; option_feedback "never" in an immediate quiz."""

from __future__ import annotations

import copy
import json

import pytest

from player_site import build_site, fixture_course, serve
from question_bank.draw import assemble_quiz
from tests.player.test_player_browser import FAKE_API_12

pytestmark = pytest.mark.browser

SUMMATIVE_QUIZ = {
    "title": "Final check", "pass_mark": 1.0, "criterion_threshold": None, "attempts": 2, "grading": "highest",
    "shuffle": True, "feedback": "after_submission", "time_limit_minutes": None, "mode": "summative",
    "option_feedback": "after_final_attempt", "shuffle_options": True,
    "items": [{"question": "sc-gloves", "version": 1}, {"draw": {"count": 1, "tag": "drawn"}}],
}
STEMS = {"tf-draw-1": "Hand gel replaces washing visibly dirty hands.", "tf-draw-2": "Aprons are single use."}
# Seeds from crypto.getRandomValues, in turn; the page keeps the rest for later calls.
SEEDS_SCRIPT = """(() => {
  const seeds = %s;
  const next = (a) => { a[0] = seeds.length > 1 ? seeds.shift() : seeds[0]; return a; };
  Object.defineProperty(window.crypto, "getRandomValues", {value: next});
})();"""


def course_with(quiz: dict) -> dict:
    course = copy.deepcopy(fixture_course())
    module = next(m for m in course["modules"] if m["slug"] == "m02-immediate")
    module["quiz"] = quiz
    for q in course["questions"]:
        if q["id"] in STEMS:
            q["feedback_true"], q["feedback_false"] = f"{q['id']}: TRUE-FEEDBACK", f"{q['id']}: FALSE-FEEDBACK"
    return course


def drawn(course: dict, seed: int) -> list[dict]:
    quiz = next(m for m in course["modules"] if m["slug"] == "m02-immediate")["quiz"]
    return assemble_quiz(quiz, course["questions"], seed)


def seed_drawing(course: dict, question: str, skip: set[int] = frozenset(), gloves: list[str] | None = None) -> int:
    """A seed whose draw takes ``question`` (and shows the gloves options in the order ``gloves``)."""
    return next(s for s in range(1, 500) if s not in skip and any(e["question"] == question for e in drawn(course, s))
                and (gloves is None or any(e["order"] == gloves for e in drawn(course, s))))


def suspended(page) -> dict:
    return json.loads(page.evaluate("window.API.cmi['cmi.suspend_data']"))["m"]["1"]


def answer_both(page) -> None:
    """Gloves: the wrong option ("Too rarely." its feedback); the drawn statement: True."""
    for n in (1, 2):
        if page.get_by_label("Once a day").count():
            page.get_by_label("Once a day").check()
        else:
            page.get_by_label("True").check()
        if n == 1:
            page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Submit quiz").click()
    page.get_by_role("button", name="Submit all and finish").click()  # the summary asks first, always
    page.get_by_role("heading", name="Results").wait_for()


def shown_questions(page) -> tuple[list[str], list[str]]:
    """The drawn statement (its stem) and the gloves question's options (ids) as shown; back on question 1."""
    stems, options = [], []
    for n in (1, 2):
        text = page.locator("main").inner_text()
        stems += [stem for stem in STEMS.values() if stem in text]
        if "When do you change gloves?" in text:
            options = page.locator("input[type=radio]").evaluate_all("els => els.map(e => e.value)")
        if n == 1:
            page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Previous").click()
    return stems, options


def test_summative_quiz_in_a_scorm_package(page, tmp_path):
    course = course_with(SUMMATIVE_QUIZ)
    first = seed_drawing(course, "tf-draw-1", gloves=["b", "a"])  # not as written
    again = seed_drawing(course, "tf-draw-1", {first})
    other = seed_drawing(course, "tf-draw-2")
    page.add_init_script(FAKE_API_12)
    page.add_init_script(SEEDS_SCRIPT % json.dumps([first, again, other] + [again] * 8))
    with serve(build_site(tmp_path / "summative", {"adapter": "scorm12", "module": "m02-immediate"}, course)) as base:
        page.goto(base + "/index.html")
        page.get_by_role("button", name="Next", exact=True).click()
        intro = page.locator("main").inner_text()
        assert ("2 attempts; feedback after you submit. The explanations of each answer show after your final "
                "attempt.") in intro
        page.get_by_role("button", name="Start quiz").click()
        assert suspended(page)["s"] == first
        stems, options = shown_questions(page)
        assert stems == [STEMS["tf-draw-1"]]
        # The question says shuffle: false; the quiz shuffles its options, by the seed as assembleQuiz does.
        assert options == ["b", "a"]
        answer_both(page)
        assert page.get_by_text("You have 1 attempt left.").is_visible()
        page.get_by_role("button", name="Review answers").click()
        review = page.locator("main").inner_text()
        assert review.count("Not correct (0 of 1 mark)") == 2  # marks and verdicts, no texts
        assert "Too rarely." not in review and "FEEDBACK" not in review

        page.get_by_role("button", name="Back to results").click()
        page.get_by_role("button", name="Try again").click()
        assert "This is attempt 2 of 2." in page.locator("main").inner_text()
        page.get_by_role("button", name="Start quiz").click()
        assert suspended(page)["s"] == other  # a new seed: of those tried, the one drawing another question
        stems, _ = shown_questions(page)
        assert stems == [STEMS["tf-draw-2"]]
        answer_both(page)
        assert "Not passed" in page.locator("main").inner_text()
        assert page.get_by_role("button", name="Try again").count() == 0  # no attempt left
        page.get_by_role("button", name="Review answers").click()
        review = page.locator("main").inner_text()
        # The final attempt: every text, as the learner answered.
        assert "Too rarely." in review and "tf-draw-2: TRUE-FEEDBACK" in review
        assert "Correct (1 of 1 mark)" in review
    assert page.errors == []


def test_never_keeps_the_texts_back_even_when_checking_as_you_go(page, tmp_path):
    quiz = dict(SUMMATIVE_QUIZ, feedback="immediate", option_feedback="never", attempts=1, shuffle=False,
                items=[{"question": "sc-gloves", "version": 1}])
    course = course_with(quiz)
    with serve(build_site(tmp_path / "never", {"adapter": "preview", "module": "m02-immediate"}, course)) as base:
        page.goto(base + "/index.html")
        page.get_by_role("button", name="Next", exact=True).click()
        assert "1 attempt; feedback as you answer. You will see your marks, not the explanations of each answer." \
            in page.locator("main").inner_text()
        page.get_by_role("button", name="Start quiz").click()
        page.get_by_label("Once a day").check()
        page.get_by_role("button", name="Check answer").click()
        verdict = page.locator(".feedback").inner_text()
        assert verdict.startswith("Not correct (0 of 1 mark)") and "Too rarely." not in verdict
        page.get_by_role("button", name="Submit quiz").click()
        page.get_by_role("button", name="Submit all and finish").click()  # the summary asks first, always
        page.get_by_role("button", name="Review answers").click()
        assert "Too rarely." not in page.locator("main").inner_text()
    assert page.errors == []


def test_always_shows_the_texts_as_before(page, tmp_path):
    quiz = dict(SUMMATIVE_QUIZ, feedback="immediate", option_feedback="always", attempts=1, shuffle=False,
                items=[{"question": "sc-gloves", "version": 1}])
    course = course_with(quiz)
    with serve(build_site(tmp_path / "always", {"adapter": "preview", "module": "m02-immediate"}, course)) as base:
        page.goto(base + "/index.html")
        page.get_by_role("button", name="Next", exact=True).click()
        page.get_by_role("button", name="Start quiz").click()
        page.get_by_label("Once a day").check()
        page.get_by_role("button", name="Check answer").click()
        assert "Too rarely." in page.locator(".feedback").inner_text()
    assert page.errors == []

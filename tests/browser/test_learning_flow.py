"""A learner takes a module in the app's player: enrol, quiz with a scenario, reload, submit, results.

Also axe-core on the learner pages: the dashboard, a content page, a quiz showing every question
type, and the review page.
"""
from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from course.extensions import db
from course.learning.hours import duration
from course.learning.models import Attempt, TimeOnTask
from tests.browser.conftest import REPO_ROOT, assert_axe_clean, sign_in
from tests.helpers import DEFAULT_PASSWORD
from tests.learning.conftest import make_course, q_scenario, q_single, q_tf  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

PLAYER_FIXTURE = REPO_ROOT / "tests" / "player" / "fixtures" / "course.json"


def next_button(page):
    return page.get_by_role("button", name="Next", exact=True)


def wait_saved(page, app, attempt_id: int, check) -> None:
    """Wait until the server holds what ``check(attempt)`` wants (autosaves are asynchronous)."""
    # A generous deadline, not a timing assertion: on a busy machine (CI runs two test workers
    # beside Chromium) an autosave has taken over 5 s to land.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with app.app_context():
            attempt = db.session.get(Attempt, attempt_id)
            if check(attempt):
                return
            db.session.remove()
        # Not time.sleep: Playwright runs a test's page.route handlers only while the test is in one
        # of its calls, so a request a test intercepts would hang, and the player's saves behind it.
        page.wait_for_timeout(50)
    raise AssertionError("the player's autosave did not reach the server within 30 s")


def test_enrol_take_quiz_reload_resume_submit(app, live_server, browser_page, make_course, create_user):  # noqa: F811
    c = make_course([q_single(), q_tf(), q_scenario()], enrol=False, pass_mark=0.5, attempts=3, mode="summative")
    page, base = browser_page, live_server.url

    # The tutor enrols the learner.
    sign_in(page, base, c.tutor.email, DEFAULT_PASSWORD)
    page.goto(f"{base}/learn/tutor/courses/{c.course_id}/learners")
    page.get_by_label("Full name").fill(c.learner.name)
    page.get_by_label("Email address").fill(c.learner.email)
    page.get_by_label("Cohort (optional)").fill("November")
    page.get_by_role("button", name="Enrol learner").click()
    expect(page.get_by_text(f"{c.learner.name} ({c.learner.email}) is enrolled.")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The learner's dashboard, then the module.
    sign_in(page, base, c.learner.email, DEFAULT_PASSWORD, next_path="/learn/")
    expect(page.get_by_role("heading", name="My learning", level=1)).to_be_visible()
    # The module list folds (issue 18: compact on a phone); the first module is one link away.
    expect(page.get_by_role("link", name="Start: Choices and rights")).to_be_visible()
    page.get_by_text("All 1 module").click()
    expect(page.get_by_text("0 of 2 pages seen. Quiz: Not started")).to_be_visible()
    assert_axe_clean(page, "the dashboard")
    page.get_by_role("link", name="Start Choices and rights").click()
    expect(page.get_by_role("heading", name="Why choice matters")).to_be_visible()
    assert_axe_clean(page, "a content page")
    next_button(page).click()
    next_button(page).click()
    page.get_by_role("button", name="Start quiz").click()
    attempt_id = page.evaluate("window.CC_LAUNCH.app.attempt.id")

    # Answer two questions and half of the scenario.
    page.get_by_label("Mr Okafor").check()
    next_button(page).click()
    page.get_by_label("True").check()
    next_button(page).click()
    page.get_by_label("Agree with her son").check()
    page.get_by_role("button", name="Continue scenario").click()
    expect(page.get_by_text("Who should you talk to now?")).to_be_visible()
    # Answers are saved one by one; the player's state (which it resumes from) follows them.
    wait_saved(page, app, attempt_id, lambda a: a.responses.get("2") == {"path": ["s1"], "answers": {"s1": "b"}}
               and a.responses.get("0") == "a" and a.responses.get("1") is True)
    wait_saved(page, app, attempt_id, lambda a: ((a.state or {}).get("m", {}).get("0", {}).get("a") or [None] * 3)[2:3]
               and a.state["m"]["0"]["a"][2][0] == "0")  # the scenario's path code: step s1 taken

    # Reload mid-quiz: the same question, every answer intact.
    page.reload()
    expect(page.get_by_role("heading", name="Question 3 of 3")).to_be_visible()
    expect(page.get_by_label("Agree with her son")).to_be_checked()  # step 1, answered
    expect(page.get_by_text("Who should you talk to now?")).to_be_visible()  # the branch it led to
    page.get_by_role("button", name="Previous").click()
    expect(page.get_by_label("True")).to_be_checked()
    page.get_by_role("button", name="Previous").click()
    expect(page.get_by_label("Mr Okafor")).to_be_checked()
    next_button(page).click()
    next_button(page).click()
    page.get_by_label("Mrs Patel", exact=True).check()
    page.get_by_role("button", name="Continue scenario").click()
    expect(page.get_by_text("You have reached the end of this case.")).to_be_visible()
    page.get_by_role("button", name="Submit quiz").click()
    page.get_by_role("button", name="Submit all and finish").click()  # the summary asks first, always

    # The server's mark and the per-criterion results.
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    expect(page.get_by_text("Your score: 3 of 4 (75%)")).to_be_visible()
    rows = page.locator("table.criteria tbody tr").all_inner_texts()
    rows = [re.sub(r"\s+", " ", r).strip() for r in rows]
    assert len(rows) == 2, rows
    # This attempt met each criterion's rule; the criterion's state is the status function's.
    assert rows[0].startswith("TESTFW/K1") and rows[0].endswith("67% Quiz rule met in this attempt Knowledge shown"), rows
    assert rows[1].startswith("TESTFW/K2") and rows[1].endswith("100% Quiz rule met in this attempt Knowledge shown"), rows
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert (attempt.status, attempt.score, attempt.max_score, attempt.passed) == ("finished", 3.0, 4.0, True)

    # Read the results for a while (the player adds up active time every 5 s), then leave: the
    # dashboard shows the mark, the criteria and the time recorded.
    page.wait_for_timeout(6000)
    page.get_by_role("button", name="Exit").click()
    page.wait_for_url(f"{base}/learn/")
    for _ in range(50):
        with app.app_context():
            seconds = db.session.scalar(select(TimeOnTask.seconds)) or 0
            db.session.remove()
        if seconds:
            break
        page.wait_for_timeout(100)
    assert seconds > 0
    page.reload()
    expect(page.get_by_role("link", name="Continue where you left off: Choices and rights (Quiz)")).to_be_visible()
    for summary in page.locator("summary").all():  # unfold the figures (outer folds first)
        summary.click()
    text = " ".join(page.locator("main").inner_text().split())
    # Online study in plain words (course.learning.hours), never seconds.
    assert f"Online study {duration(seconds / 60)} of 30 minutes planned" in text
    assert "Passed" in text and "75% (highest of 1 attempt)" in text and "2 of 3" in text
    assert "Criteria: 2 Not started, 2 Knowledge shown." in text  # P1 and P2 need workplace evidence
    assert "Criteria 2 Knowledge shown" in text  # the module's own criteria (its outcome K.1)
    assert_axe_clean(page, "the dashboard after an attempt")
    page.get_by_role("link", name="Review attempt 1 at Choices and rights").click()
    expect(page.get_by_text("Score: 3 of 4 (75%)")).to_be_visible()
    assert_axe_clean(page, "the review page")
    review_url = page.url
    page.get_by_role("link", name="All my criteria on").click()
    expect(page.get_by_role("heading", name="My criteria: Relationships", level=1)).to_be_visible()
    assert page.locator("#criterion-TESTFW-K1 td").nth(1).inner_text() == "Knowledge shown"
    assert page.locator("#criterion-TESTFW-P1 td").nth(1).inner_text() == "Not started"
    assert_axe_clean(page, "the learner's criteria page")
    # Readable on a 360 px phone: nothing wider than the screen.
    page.set_viewport_size({"width": 360, "height": 740})
    for path in (review_url, f"{base}/learn/", f"{base}/learn/courses/{c.course_slug}/criteria"):
        page.goto(path)
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide at 360 px"


def open_quiz(page, base: str, c) -> int:  # noqa: ANN001
    """Sign the learner in, open the module, go past its pages and start the quiz; the attempt id."""
    sign_in(page, base, c.learner.email, DEFAULT_PASSWORD)
    page.goto(f"{base}/learn/{c.course_slug}/{c.module_slug}")
    next_button(page).click()
    next_button(page).click()
    page.get_by_role("button", name="Start quiz").click()
    expect(page.get_by_role("heading", name="Question 1 of 3")).to_be_visible()
    return page.evaluate("window.CC_LAUNCH.app.attempt.id")


def criteria_rows(page) -> list[str]:  # noqa: ANN001
    rows = page.locator("table.criteria tbody tr").all_inner_texts()
    return [re.sub(r"\s+", " ", r).strip() for r in rows]


def test_reload_before_the_state_reached_the_server_shows_every_answer(app, live_server, browser_page, make_course):  # noqa: F811
    """The answers saved one by one go over the older state the server holds when the page opens."""
    c = make_course([q_single(), q_tf(), q_scenario()], pass_mark=0.5)
    page, base = browser_page, live_server.url
    attempt_id = open_quiz(page, base, c)
    wait_saved(page, app, attempt_id, lambda a: (a.state or {}).get("m", {}).get("0", {}).get("s") is not None)
    # From here no state save reaches the server (on reload too); the answers do.
    page.route("**/state", lambda route: route.fulfill(status=200, content_type="application/json", body="{}"))
    page.get_by_label("Mr Okafor").check()
    next_button(page).click()
    page.get_by_label("True").check()
    next_button(page).click()
    page.get_by_label("Agree with her son").check()
    page.get_by_role("button", name="Continue scenario").click()
    wait_saved(page, app, attempt_id, lambda a: a.responses.get("2") == {"path": ["s1"], "answers": {"s1": "b"}}
               and a.responses.get("0") == "a" and a.responses.get("1") is True)
    page.reload()
    with app.app_context():
        state = db.session.get(Attempt, attempt_id).state
    assert not state["m"]["0"].get("a") and state["m"]["0"]["q"] == 0, state  # the server's state knows none of them
    expect(page.get_by_role("heading", name="Question 1 of 3")).to_be_visible()
    expect(page.get_by_label("Mr Okafor")).to_be_checked()
    next_button(page).click()
    expect(page.get_by_label("True")).to_be_checked()
    next_button(page).click()
    expect(page.get_by_label("Agree with her son")).to_be_checked()
    expect(page.get_by_text("Who should you talk to now?")).to_be_visible()
    page.get_by_label("Mrs Patel", exact=True).check()
    page.get_by_role("button", name="Continue scenario").click()
    page.get_by_role("button", name="Submit quiz").click()
    page.get_by_role("button", name="Submit all and finish").click()  # the summary asks first, always
    expect(page.get_by_text("Your score: 3 of 4 (75%)")).to_be_visible()


def test_submit_quiz_pressed_while_a_step_is_being_checked_keeps_the_summary(app, live_server, browser_page, make_course):  # noqa: F811
    """A learner quicker than the server: Continue scenario, then Submit quiz before the step's mark
    comes back. The mark arriving must not draw the question back over the summary (it did, and
    "Submit all and finish" vanished)."""
    c = make_course([q_single(), q_tf(), q_scenario()], pass_mark=0.5)
    page, base = browser_page, live_server.url
    attempt_id = open_quiz(page, base, c)
    page.get_by_label("Mr Okafor").check()
    next_button(page).click()
    page.get_by_label("True").check()
    next_button(page).click()
    held = []  # the step's check, kept from the server until the summary is on screen
    page.route("**/check", lambda route: held.append(route))
    page.get_by_label("Agree with her son").check()
    page.get_by_role("button", name="Continue scenario").click()
    deadline = time.monotonic() + 30
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    assert held, "Continue scenario sent no check"
    page.get_by_role("button", name="Submit quiz").click()
    expect(page.get_by_role("heading", name="Before you submit")).to_be_visible()
    with page.expect_response("**/check"):
        held[0].continue_()
    page.unroute("**/check")
    wait_saved(page, app, attempt_id, lambda a: (a.responses.get("2") or {}).get("path") == ["s1"])
    page.evaluate("new Promise(done => setTimeout(done, 100))")  # the mark's callback has run
    expect(page.get_by_role("heading", name="Before you submit")).to_be_visible()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible()


def test_results_show_the_servers_mark_per_criterion(app, live_server, browser_page, make_course):  # noqa: F811
    """An answer given in another window counts: the server marks it, and the results show the server's figures."""
    c = make_course([q_single(), q_tf(), q_scenario()], pass_mark=0.5)
    page, base = browser_page, live_server.url
    attempt_id = open_quiz(page, base, c)
    page.get_by_label("Mr Okafor").check()
    wait_saved(page, app, attempt_id, lambda a: a.responses.get("0") == "a")
    other = page.context.new_page()  # the same learner, a second window on the same attempt
    other.goto(f"{base}/learn/{c.course_slug}/{c.module_slug}")
    expect(other.get_by_label("Mr Okafor")).to_be_checked()
    next_button(other).click()
    other.get_by_label("True").check()
    wait_saved(page, app, attempt_id, lambda a: a.responses.get("1") is True)
    # The first window never saw that answer: its own marking would give TESTFW/K2 0%.
    next_button(page).click()
    expect(page.get_by_label("True")).not_to_be_checked()
    next_button(page).click()
    page.get_by_role("button", name="Submit quiz").click()
    # This window shows two questions unanswered, so the player asks first (issue 18: submit summary).
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.get_by_role("heading", name="Results")).to_be_visible()
    expect(page.get_by_text("Your score: 2 of 4 (50%)")).to_be_visible()
    expect(page.locator("p.verdict strong")).to_have_text("Passed")
    practice = "A practice (formative) quiz: its results do not count as evidence."
    # Each criterion by its code and its text (issue 18).
    assert criteria_rows(page) == [f"TESTFW/K1: know the first thing 33% Quiz rule not met in this attempt {practice} Not started",
                                   f"TESTFW/K2: know the second thing 100% Quiz rule met in this attempt {practice} Not started"]
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.criteria_results["TESTFW/K2"] == {"score": 1.0, "max": 1.0, "fraction": 1.0, "met": True}
    other.close()


def test_a_short_visit_is_counted_when_the_page_is_hidden(app, live_server, browser_page, make_course):  # noqa: F811
    """Under 30 active seconds and the page hidden (another tab, a phone locked): those seconds reach the server."""
    c = make_course()
    page, base = browser_page, live_server.url
    sign_in(page, base, c.learner.email, DEFAULT_PASSWORD)
    page.goto(f"{base}/learn/{c.course_slug}/{c.module_slug}")
    expect(page.get_by_role("heading", name="Why choice matters")).to_be_visible()
    page.wait_for_timeout(3500)
    page.evaluate("""() => { Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
                             document.dispatchEvent(new Event("visibilitychange")); }""")
    for _ in range(50):
        with app.app_context():
            seconds = db.session.scalar(select(TimeOnTask.seconds)) or 0
            db.session.remove()
        if seconds:
            break
        page.wait_for_timeout(100)
    assert 2 <= seconds <= 5, seconds
    assert page.get_by_role("heading", name="Why choice matters").is_visible()  # the page never left


@pytest.fixture
def every_type_course(app, make_course):  # noqa: F811
    """A course whose quiz holds one question of every type (the player's own test fixture)."""
    from course.frameworks.service import store_framework

    doc = json.loads(PLAYER_FIXTURE.read_text(encoding="utf-8"))
    with app.app_context():
        store_framework(doc["frameworks"][0], source="test")
        db.session.commit()
    module = next(m for m in doc["modules"] if m["slug"] == "m01-all-types")
    questions = [q for q in doc["questions"] if any(i.get("question") == q["id"] for i in module["quiz"]["items"])]
    return make_course(questions, items=module["quiz"]["items"], pass_mark=0.5)


def test_axe_on_every_question_type(app, live_server, browser_page, every_type_course):
    c, page, base = every_type_course, browser_page, live_server.url
    sign_in(page, base, c.learner.email, DEFAULT_PASSWORD)
    page.goto(f"{base}/learn/{c.course_slug}/{c.module_slug}")
    next_button(page).click()
    next_button(page).click()
    page.get_by_role("button", name="Start quiz").click()
    kinds = page.evaluate("window.CC_COURSE.questions.map(q => q.type)")
    assert sorted(kinds) == sorted(["single_choice", "multiple_response", "true_false", "matching", "ordering",
                                    "short_answer", "numeric", "essay", "scenario"])
    for n in range(1, 10):
        expect(page.get_by_role("heading", name=f"Question {n} of 9")).to_be_visible()
        assert_axe_clean(page, f"question {n}")
        if n < 9:
            next_button(page).click()


def test_axe_on_tutor_pages(app, live_server, browser_page, make_course):  # noqa: F811
    """The tutor's learners, offline learning, marking queue and essay pages pass axe too."""
    from course.learning import attempts, submission
    from course.learning.models import AnswerMark
    from course.models import User
    from course.authoring.models import Module
    from tests.learning.conftest import q_essay

    c = make_course([q_tf(), q_essay()])
    with app.app_context():
        attempt = attempts.start_attempt(db.session.get(User, c.learner.id), db.session.get(Module, c.module_id))
        submission.submit_attempt(attempt, [True, "I listened first."])
        db.session.commit()
        item_id = db.session.scalar(select(AnswerMark.id).where(AnswerMark.pending.is_(True)))
    page, base = browser_page, live_server.url
    sign_in(page, base, c.tutor.email, DEFAULT_PASSWORD)
    for path in ("/learn/tutor/", f"/learn/tutor/courses/{c.course_id}/learners", f"/learn/tutor/courses/{c.course_id}/offline",
                 "/learn/tutor/marking"):
        page.goto(base + path)
        assert_axe_clean(page, path)
    page.get_by_role("link", name=re.compile("^Mark ")).click()
    expect(page.get_by_text("I listened first.")).to_be_visible()
    assert_axe_clean(page, "the essay marking page")
    page.get_by_label("Score").fill("1")
    page.get_by_label("Comment for the learner").fill("Say how you checked her wishes.")
    page.get_by_role("button", name="Save mark").click()
    expect(page.get_by_text("No essays are waiting to be marked.")).to_be_visible()
    with app.app_context():
        assert db.session.get(AnswerMark, item_id).pending is False

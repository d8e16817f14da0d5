"""The player in headless Chromium: keyboard only, every question type, resume, axe-core, 360 px.

The player is served from a local static server with the fixture course (tests/player/fixtures)
and the localStorage-backed ``preview`` runtime, so no LMS or app is needed.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import assert_axe_clean, checked_context

# The player is checked against every axe-core rule, not only the WCAG-tagged ones.
EVERY_AXE_RULE = {"resultTypes": ["violations"]}

pytestmark = pytest.mark.browser

M01 = {"adapter": "preview", "module": "m01-all-types"}
# A SCORM 1.2 LMS in the page itself (window.API), keeping the CMI in window.API.cmi.
FAKE_API_12 = """
window.API = (() => {
  const cmi = {"cmi.core.entry": "ab-initio", "cmi.core.student_id": "L1", "cmi.core.student_name": "Doe, Jane"};
  const count = (p) => new Set(Object.keys(cmi).filter((k) => k.startsWith(p) && k.endsWith(".id") && k.split(".").length === 4).map((k) => k.split(".")[2])).size;
  return {cmi, commits: 0, finished: 0,
    LMSInitialize: () => "true", LMSGetLastError: () => "0",
    LMSFinish() { this.finished++; return "true"; }, LMSCommit() { this.commits++; return "true"; },
    LMSGetValue: (n) => n.endsWith("._count") ? String(count(n.slice(0, -6))) : (cmi[n] ?? ""),
    LMSSetValue: (n, v) => { cmi[n] = v; return "true"; }};
})();
"""


def focused(page) -> str:
    """Role and accessible-ish name of the focused element, for assertions and tab loops."""
    return page.evaluate("""() => {
        const e = document.activeElement;
        if (!e) return "";
        const lab = e.labels && e.labels.length ? e.labels[0].textContent : "";
        return (e.getAttribute("aria-label") || lab || e.textContent || "").replace(/\\s+/g, " ").trim();
    }""")


def tab_to(page, name: str, limit: int = 80, back: bool = False) -> None:
    """Press Tab (Shift+Tab) until the focused control's name starts with name."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if focused(page).startswith(name):
            return
    raise AssertionError(f"could not reach {name!r} with the keyboard; focus is on {focused(page)!r}")


def press(page, name: str, key: str = "Enter") -> None:
    tab_to(page, name)
    page.keyboard.press(key)


def choose_radio(page, label: str) -> None:
    """Tab into the radio group, then arrow to the option (arrows select in a radio group)."""
    page.keyboard.press("Tab")
    for _ in range(10):
        if focused(page) == label:
            if not page.evaluate("document.activeElement.checked"):
                page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no radio {label!r}; focus is on {focused(page)!r}")


def heading_focused(page, text: str) -> None:
    page.wait_for_function("t => document.activeElement && document.activeElement.textContent === t", arg=text)


def stored(page) -> dict:
    key = page.evaluate("Object.keys(localStorage).find(k => k.startsWith('carecourse-preview:'))")
    return json.loads(page.evaluate("k => localStorage.getItem(k)", key))


def no_horizontal_scroll(page, where: str) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{where}: content is {widths[0]} px wide in a {widths[1]} px viewport"


def test_whole_module_by_keyboard_alone(page, site):
    page.add_init_script(FAKE_API_12)
    page.goto(site({"adapter": "scorm12", "module": "m01-all-types"}))
    assert page.get_by_text("Page 1 of 2", exact=True).is_visible()
    press(page, "Next")
    heading_focused(page, "Building trust")
    assert page.get_by_text("Page 2 of 2", exact=True).is_visible()
    press(page, "Next")
    heading_focused(page, "Check your knowledge")
    press(page, "Start quiz")
    heading_focused(page, "Question 1 of 9")

    choose_radio(page, "Sit with him and ask how he is feeling")
    press(page, "Next")
    heading_focused(page, "Question 2 of 9")
    press(page, "Privacy", "Space")
    press(page, "Dignity", "Space")
    press(page, "Next")
    choose_radio(page, "True")
    press(page, "Next")
    heading_focused(page, "Question 4 of 9")
    tab_to(page, "Advocate")
    page.keyboard.press("ArrowDown")
    tab_to(page, "Care worker")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    press(page, "Next")

    heading_focused(page, "Question 5 of 9")
    moved = 0
    for target, text in enumerate(["Wet hands", "Apply soap", "Rinse and dry"]):
        items = page.locator("ol.order li .txt").all_inner_texts()
        moves = items.index(text) - target
        if moves > 0:
            page.keyboard.press("Shift+Tab")  # start above the list so the first match is this item's
            tab_to(page, f"Move up: {text}")
            for _ in range(moves):
                page.keyboard.press("Enter")
            moved += moves
    assert page.locator("ol.order li .txt").all_inner_texts() == ["Wet hands", "Apply soap", "Rinse and dry"]
    if moved:
        # A function: Playwright evals a bare expression, which the Content-Security-Policy blocks.
        page.wait_for_function("() => document.getElementById('cc-live').textContent.includes('moved to position')")
    press(page, "Next")

    heading_focused(page, "Question 6 of 9")
    tab_to(page, "Gap 1")
    page.keyboard.type("20")
    tab_to(page, "Gap 2")
    page.keyboard.press("ArrowDown")
    press(page, "Next")
    tab_to(page, "Your answer")
    page.keyboard.type("37.2")
    press(page, "Next")
    tab_to(page, "Your answer")
    page.keyboard.type("I listen and I keep my word.")
    assert page.get_by_text("7 words of 50", exact=True).is_visible()
    press(page, "Next")

    heading_focused(page, "Question 9 of 9")
    assert page.get_by_text("Mrs Patel, 82, lives alone.", exact=True).is_visible()
    choose_radio(page, "Check she is safe and ask where it hurts")
    press(page, "Continue scenario")
    heading_focused(page, "Step 2")
    choose_radio(page, "True")
    press(page, "Continue scenario")
    heading_focused(page, "You have reached the end of this case.")
    cmi = page.evaluate("window.API.cmi")
    state = json.loads(cmi["cmi.suspend_data"])["m"]["0"]
    assert state["a"][8][0] == "01", "the scenario path s1 -> s2 is recorded"
    assert cmi["cmi.core.lesson_location"] == "0:q8"

    answered = 9 if moved else 8  # an ordering left as shown is only answered at submission
    assert page.locator(".count").last.inner_text() == f"You have answered {answered} of 9 questions."
    press(page, "Submit quiz")
    heading_focused(page, "Before you submit")  # always asked, by keyboard too
    press(page, "Submit all and finish")
    heading_focused(page, "Results")
    assert page.get_by_text("Passed", exact=True).is_visible()
    assert "8 of 8 (100%)" in page.locator(".score").inner_text()
    assert page.get_by_text("1 essay answer(s) recorded for your tutor, not marked here: your score and result "
                            "count only the automatically marked questions.", exact=True).is_visible()
    rows = page.locator("table.criteria tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["TST/K1", "TST/K2", "TST/K3"]
    assert all(r.endswith("Met") for r in rows)
    press(page, "Review answers")
    heading_focused(page, "Review answers")
    review = page.locator("main").inner_text()
    # .first: the learner's answer; the correct answer follows it in its own group (issue 18; "always" here).
    assert page.get_by_label("Privacy").first.is_checked() and page.get_by_label("Privacy").first.is_disabled()
    assert not page.get_by_label("Being told what to wear").first.is_checked()
    assert page.get_by_label("Advocate").first.input_value() == "r1" and page.get_by_label("Care worker").first.input_value() == "r2"
    assert page.get_by_label("Gap 1").first.input_value() == "20" and page.get_by_label("Gap 2").first.input_value() == "soap"
    assert page.get_by_label("Check she is safe and ask where it hurts").first.is_checked()
    assert "Yes: listening builds trust." in review
    assert review.count("Correct") >= 8
    cmi = page.evaluate("window.API.cmi")
    assert cmi["cmi.core.lesson_status"] == "passed" and cmi["cmi.core.score.raw"] == "100"
    ids = sorted(v for k, v in cmi.items() if k.startswith("cmi.interactions.") and k.count(".") == 3 and k.endswith(".id"))
    assert len(ids) == 10  # 8 questions + 2 scenario steps
    assert "scen-fall.s2.v1" in ids and "match-roles.v1" in ids  # the question, step and version; criteria are its objectives
    assert cmi["cmi.interactions.3.student_response"] == "a.1,b.2"
    assert {v for k, v in cmi.items() if k.startswith("cmi.objectives.") and k.endswith(".id")} == {"TST-K1", "TST-K2", "TST-K3"}
    assert len(cmi["cmi.suspend_data"]) < 4096
    page.get_by_role("button", name="Exit").click()
    assert page.evaluate("window.API.finished") == 1
    assert page.evaluate("window.API.cmi['cmi.core.exit']") == "suspend"  # always: the LMS gives the data back
    assert page.errors == []


def test_reload_mid_quiz_resumes_exactly(page, site):
    page.goto(site(M01))
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Start quiz").click()
    page.get_by_label("Tell him to cheer up").check()
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_label("Privacy").check()
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_label("False").check()
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_label("Care worker").select_option(label="Sets the tax rate")
    page.get_by_role("button", name="Next", exact=True).click()
    order = page.locator("ol.order li .txt").all_inner_texts()
    page.get_by_role("button", name=f"Move down: {order[0]}").click()
    moved = page.locator("ol.order li .txt").all_inner_texts()
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_label("Gap 1").fill("thirty")
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_label("Your answer").fill("Some words here")
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_label("Lift her up straight away").check()
    page.get_by_role("button", name="Continue scenario").click()
    assert page.get_by_text("She says her hip hurts. What now?", exact=True).is_visible()
    before = stored(page)["state"]

    page.reload()
    assert page.get_by_role("heading", name="Question 9 of 9").is_visible()
    assert page.get_by_label("Lift her up straight away").is_checked()
    assert page.get_by_label("Lift her up straight away").is_disabled()
    assert page.get_by_text("She says her hip hurts. What now?", exact=True).is_visible()
    page.get_by_role("button", name="Previous").click()
    assert page.get_by_label("Your answer").input_value() == "Some words here"
    page.get_by_role("button", name="Previous").click()
    page.get_by_role("button", name="Previous").click()
    assert page.get_by_label("Gap 1").input_value() == "thirty"
    page.get_by_role("button", name="Previous").click()
    assert page.locator("ol.order li .txt").all_inner_texts() == moved
    page.get_by_role("button", name="Previous").click()
    assert page.get_by_label("Care worker").input_value() == "r3"
    assert page.get_by_label("Advocate").input_value() == ""
    page.get_by_role("button", name="Previous").click()
    assert page.get_by_label("False").is_checked()
    page.get_by_role("button", name="Previous").click()
    assert page.get_by_label("Privacy").is_checked() and not page.get_by_label("Dignity").is_checked()
    page.get_by_role("button", name="Previous").click()
    assert page.get_by_label("Tell him to cheer up").is_checked()
    after = stored(page)["state"]
    assert after["m"]["0"]["s"] == before["m"]["0"]["s"] and after["m"]["0"]["a"] == before["m"]["0"]["a"]
    assert page.errors == []


def test_immediate_feedback_locks_checked_answers(page, site):
    page.goto(site({"adapter": "preview", "module": "m02-immediate", "start": "quiz"}))
    assert page.get_by_role("heading", name="Question 1 of 3").is_visible()
    for _ in range(3):
        heading = page.locator("h2").inner_text()
        if page.get_by_text("The case", exact=True).count():
            page.get_by_label("Lift her up straight away").check()
            page.get_by_role("button", name="Check answer").click()
            assert page.get_by_text("Lifting can injure her.", exact=True).is_visible()
            page.get_by_label("Call for medical help").check()
            page.get_by_role("button", name="Check answer").click()
            assert page.get_by_text("You have reached the end of this case.", exact=True).is_visible()
        else:
            first = page.locator("input[type=radio]").first
            first.check()
            page.get_by_role("button", name="Check answer").click()
            assert page.locator(".feedback .verdict").is_visible()
            assert page.evaluate("document.activeElement.classList.contains('feedback')")
            assert first.is_disabled()
            assert page.get_by_role("button", name="Check answer").count() == 0
        if heading != "Question 3 of 3":
            page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Submit quiz").click()
    page.get_by_role("button", name="Submit all and finish").click()  # the summary asks first, always
    assert page.get_by_role("heading", name="Results").is_visible()
    assert page.errors == []


def test_course_menu_and_reading_module(page, site):
    page.goto(site({"adapter": "preview", "module": None}))
    assert page.get_by_role("heading", level=1).inner_text() == "Player test course"
    assert page.get_by_role("heading", name="Modules").is_visible()
    page.get_by_role("button", name="Reading only").click()
    page.get_by_role("button", name="Next", exact=True).click()
    assert page.get_by_text("You have reached the end of this module.", exact=True).is_visible()
    page.get_by_role("button", name="Back to modules").click()
    assert page.locator("li", has_text="Reading only").get_by_text("Finished", exact=True).is_visible()
    assert page.locator("li", has_text="Every question type").get_by_text("Not started", exact=True).is_visible()


def test_no_lms_gives_a_clear_message_not_a_blank_page(page, site):
    page.goto(site({"adapter": "scorm12", "module": "m01-all-types"}))
    notice = page.get_by_role("alert")
    assert "could not connect to your learning system" in notice.inner_text()
    assert page.get_by_role("heading", name="Welcome").is_visible()
    assert page.errors == []


def test_axe_and_360px(browser, site):
    url = site(M01)
    for width in (1024, 360):
        with checked_context(browser, viewport={"width": width, "height": 740}) as context:
            check_at_width(context.new_page(), url, width)


def check_at_width(page, url: str, width: int) -> None:
    """axe-core and no sideways scrolling on every screen of module 1, ``width`` pixels wide."""
    page.goto(url)
    assert_axe_clean(page, f"content page at {width}px", EVERY_AXE_RULE)
    no_horizontal_scroll(page, "content page")
    # however long the module's title, the Exit button keeps its word on one line
    page.evaluate("document.querySelector('.top h1').textContent = 'Understanding relationships '.repeat(4)")
    exit_box = page.get_by_role("button", name="Exit").bounding_box()
    assert exit_box["height"] < 50 and exit_box["width"] > 50, exit_box
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Start quiz").click()
    for n in range(1, 10):
        assert page.get_by_role("heading", name=f"Question {n} of 9").is_visible()
        if width == 1024:
            assert_axe_clean(page, f"question {n}", EVERY_AXE_RULE)
        no_horizontal_scroll(page, f"question {n}")
        if n < 9:
            page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Submit quiz").click()
    # Nothing answered: the summary lists the questions first (issue 18).
    assert_axe_clean(page, f"submit summary at {width}px", EVERY_AXE_RULE)
    no_horizontal_scroll(page, "submit summary")
    page.get_by_role("button", name="Submit all and finish").click()
    assert_axe_clean(page, f"results at {width}px", EVERY_AXE_RULE)
    no_horizontal_scroll(page, "results")
    page.get_by_role("button", name="Review answers").click()
    assert_axe_clean(page, f"review at {width}px", EVERY_AXE_RULE)
    no_horizontal_scroll(page, "review")


def assembled(module_slug: str, seed: int) -> list[dict]:
    """The items the server stores for an attempt (the app's player plays these, never its own draw)."""
    from player_site import fixture_course

    from question_bank.draw import assemble_quiz

    course = fixture_course()
    quiz = next(m for m in course["modules"] if m["slug"] == module_slug)["quiz"]
    return assemble_quiz(quiz, course["questions"], seed)


def test_app_adapter_autosaves_and_shows_the_server_mark(page, site):
    sent = []

    def handle(route, request):
        sent.append((request.url.rsplit("/", 1)[1], request.headers.get("x-csrftoken"), json.loads(request.post_data)))
        body = {"score": 1.5, "max": 3, "fraction": 0.5, "passed": False,  # criteria: the server's, not the player's
                "criteria": [{"ref": "TST/K1", "score": 1.5, "max": 2, "fraction": 0.75, "met": False,
                              "attempt_result": "Quiz rule not met in this attempt", "note": "",
                              "state": "not_started", "label": "Not started", "reasons": []}]} \
            if request.url.endswith("/submit") else {}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("**/learn/api/attempts/7/*", handle)
    launch = {"adapter": "app", "module": "m02-immediate", "start": "quiz",
              "app": {"api": "/learn/api/attempts/7", "csrf": "tok-1",
                      "attempt": {"seed": 42, "state": None, "items": assembled("m02-immediate", 42)}}}
    page.goto(site(launch))
    assert page.get_by_role("heading", name="Question 1 of 3").is_visible()
    page.locator("input[type=radio]").first.check()
    for _ in range(2):
        page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Submit quiz").click()
    page.get_by_role("button", name="Submit all and finish").click()  # two questions unanswered: the summary asks first
    page.get_by_role("heading", name="Results").wait_for()
    assert "1.5 of 3 (50%)" in page.locator(".score").inner_text()
    assert page.get_by_text("Not passed", exact=True).is_visible()
    rows = [" ".join(r.split()) for r in page.locator("table.criteria tbody tr").all_inner_texts()]
    # In the app the attempt says only whether the rule was met in it; the state is the server's.
    assert rows == ["TST/K1 75% Quiz rule not met in this attempt Not started"]
    paths = [s[0] for s in sent]
    assert paths.index("answers") < paths.index("submit") and "state" in paths
    assert all(s[1] == "tok-1" for s in sent)
    answer = sent[paths.index("answers")][2]
    assert answer["index"] == 0 and answer["version"] == 1 and "response" in answer
    submit = next(s[2] for s in sent if s[0] == "submit")
    assert len(submit["responses"]) == 3
    assert page.errors == []


def test_app_essay_awaits_the_tutor_the_server_decides(page, site):
    """In the app the server's mark counts: with an essay to mark, no pass or fail yet."""
    one_essay = {"adapter": "app", "module": "m01-all-types", "start": "quiz",
                 "app": {"api": "/learn/api/attempts/8", "csrf": "t",
                         "attempt": {"seed": 1, "state": None, "items": assembled("m01-all-types", 1)}}}
    items = [{"index": i, "score": 1, "max": 1, "correct": True, "pending": False, "feedback": []} for i in range(9)]
    items[7] = {"index": 7, "score": 0, "max": 2, "correct": None, "pending": True, "feedback": []}

    def handle(route, request):
        body = ({"status": "pending_marking", "score": 7, "max": 8, "fraction": 0.875, "passed": None, "pending": 1,
                 "items": items} if request.url.endswith("/submit") else {})
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("**/learn/api/attempts/8/*", handle)
    page.goto(site(one_essay))
    for _ in range(7):
        page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("heading", name="Question 8 of 9").wait_for()
    page.get_by_label("Your answer", exact=True).fill("I listen and I keep my word.")
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Submit quiz").click()
    page.get_by_role("button", name="Submit all and finish").click()  # questions unanswered: the summary asks first
    page.get_by_role("heading", name="Results").wait_for()
    assert "7 of 8 (88%)" in page.locator(".score").inner_text()
    assert page.locator("p.verdict strong").inner_text() == "Awaiting your tutor's marking"
    assert page.get_by_text("Awaiting your tutor's marking: 1 essay answer(s). Your result is provisional until then.",
                            exact=True).is_visible()
    page.get_by_role("button", name="Review answers").click()
    page.get_by_role("heading", name="Review answers").wait_for()
    assert page.locator(".mark .verdict strong").nth(7).inner_text() == "Awaiting your tutor's marking"
    assert page.errors == []


def test_time_limit_counts_down_survives_a_reload_and_submits_at_zero(page, tmp_path):
    from player_site import build_site, fixture_course, serve

    course = fixture_course()
    quiz = next(m for m in course["modules"] if m["slug"] == "m02-immediate")["quiz"]
    quiz["time_limit_minutes"] = 6
    launch = {"adapter": "preview", "module": "m02-immediate"}
    said = "window.__said = []; new MutationObserver(() => { const t = document.getElementById('cc-live').textContent; if (t) __said.push(t); })" \
           ".observe(document.getElementById('cc-live'), {childList: true, characterData: true, subtree: true});"
    timer = page.locator("#cc-timer")
    with serve(build_site(tmp_path / "timed", launch, course)) as base:
        page.clock.install(time=1_800_000_000_000)
        page.clock.pause_at(1_800_000_001_000)  # time moves only when the test says so
        page.goto(base + "/index.html")
        page.get_by_role("button", name="Next", exact=True).click()
        assert "Time limit: 6 minutes" in page.locator("main").inner_text()
        assert not timer.is_visible()
        page.get_by_role("button", name="Start quiz").click()
        assert timer.inner_text() == "Time left: 6 minutes"
        page.evaluate(said)
        page.clock.run_for(59_000)
        assert timer.inner_text() == "Time left: 6 minutes"
        page.clock.run_for(2_000)
        assert timer.inner_text() == "Time left: 5 minutes"
        assert [t for t in page.evaluate("__said") if "left" in t] == ["5 minutes left"]
        page.locator("input[type=radio]").first.check()
        start = stored(page)["state"]["m"]["1"]["t"]
        assert isinstance(start, int)

        page.reload()  # the countdown goes on from the saved start
        assert page.get_by_role("heading", name="Question 1 of 3").is_visible()
        assert timer.inner_text() == "Time left: 5 minutes"
        assert stored(page)["state"]["m"]["1"]["t"] == start
        page.evaluate(said)
        page.clock.run_for(4 * 60_000 - 1_000)  # 5:00 in all
        assert timer.inner_text() == "Time left: 1 minute"
        page.clock.run_for(30_000)
        assert timer.inner_text() == "Time left: 30 seconds"
        assert [t for t in page.evaluate("__said") if "left" in t] == ["1 minute left"]  # once, not every second
        page.clock.run_for(31_000)
        page.get_by_role("heading", name="Results").wait_for()
        assert page.locator("#cc-notice").inner_text() == "Time is up: your quiz has been submitted with the answers you gave."
        assert page.get_by_role("alert").is_visible()
        assert not timer.is_visible()
        assert stored(page)["state"]["m"]["1"]["z"] == 1
    assert page.errors == []


# A SCORM 1.2 LMS that, like a real one, keeps only what was committed: on LMSCommit/LMSFinish it
# stores the CMI in sessionStorage, and a page load starts from what was stored ("resume").
PERSISTING_API_12 = """
window.API = (() => {
  const saved = JSON.parse(sessionStorage.getItem("lms") || "null");
  const cmi = saved ? Object.assign(saved, {"cmi.core.entry": "resume"})
    : {"cmi.core.entry": "ab-initio", "cmi.core.student_id": "L1", "cmi.core.student_name": "Doe, Jane", "cmi.core.lesson_mode": "normal"};
  const store = () => { sessionStorage.setItem("lms", JSON.stringify(cmi)); sessionStorage.setItem("commits", String(+(sessionStorage.getItem("commits") || 0) + 1)); return "true"; };
  const count = (p) => new Set(Object.keys(cmi).filter((k) => k.startsWith(p) && k.endsWith(".id") && k.split(".").length === 4).map((k) => k.split(".")[2])).size;
  return {cmi, LMSInitialize: () => "true", LMSGetLastError: () => "0", LMSFinish: store, LMSCommit: store,
    LMSGetValue: (n) => n.endsWith("._count") ? String(count(n.slice(0, -6))) : (cmi[n] ?? ""),
    LMSSetValue: (n, v) => { cmi[n] = v; return "true"; }};
})();
"""
# The browser dies: from now on nothing reaches the LMS (what the page tries on leaving is lost).
CRASH = """() => { window.API.LMSCommit = window.API.LMSFinish = () => "false"; }"""


def test_a_browser_that_dies_between_commits_loses_no_answer(page, site):
    """Answers given since the last commit live in the browser's journal: the next launch in the
    same browser resumes from it, though the LMS only ever stored the last commit."""
    page.add_init_script(PERSISTING_API_12)
    url = site({"adapter": "scorm12", "module": "m01-all-types"})
    page.goto(url)
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Start quiz").click()
    choose_radio(page, "Sit with him and ask how he is feeling")
    page.get_by_role("button", name="Next", exact=True).click()  # a question left: committed
    page.get_by_label("Privacy").check()
    page.get_by_label("Dignity").check()
    committed = json.loads(page.evaluate("sessionStorage.getItem('lms')"))
    assert committed["cmi.core.lesson_location"] == "0:q1"
    assert '"a":["0"]' in committed["cmi.suspend_data"], "question 2's answer was not committed yet"
    page.evaluate(CRASH)
    page.goto(url)
    page.get_by_role("heading", name="Question 2 of 9").wait_for()
    assert page.get_by_label("Privacy").is_checked() and page.get_by_label("Dignity").is_checked()
    # and it reaches the LMS at the next commit
    page.get_by_role("button", name="Next", exact=True).click()
    stored = json.loads(page.evaluate("sessionStorage.getItem('lms')"))
    assert stored["cmi.core.lesson_location"] == "0:q2"
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('carecourse:'))") == [], "committed: journal dropped"
    assert page.errors == []


def test_exit_closes_a_window_the_lms_opened(browser, site):
    """In a new window (opened by the LMS's page) Exit ends the session and closes the window."""
    url = site({"adapter": "scorm12", "module": "m01-all-types"})
    with checked_context(browser) as context:
        lms = context.new_page()
        lms.add_init_script(FAKE_API_12)
        lms.goto(url)  # any page of the LMS's origin
        with context.expect_page() as opened:
            lms.evaluate(f"window.open({json.dumps(url)}, 'sco')")
        popup = opened.value
        popup.wait_for_load_state()
        with popup.expect_event("close"):
            try:
                popup.get_by_role("button", name="Exit").click()
            except PlaywrightError:
                # The click's own handler may close the window before Playwright hears back from
                # the mouse-up; that closing is what this test waits for, anything else is not.
                if not popup.is_closed():
                    raise


def test_an_ordering_left_as_shown_can_be_checked(page, tmp_path):
    """The order shown may be right: Check answer takes it as the answer (it said "Answer the
    question first", so a learner who found the items in order could not go on)."""
    from player_site import build_site, fixture_course, serve

    course = fixture_course()
    module = next(m for m in course["modules"] if m["slug"] == "m01-all-types")
    module["quiz"]["feedback"] = "immediate"
    with serve(build_site(tmp_path / "ordering", {"adapter": "preview", "module": "m01-all-types", "start": "quiz"}, course)) as base:
        page.goto(base + "/index.html")
        for _ in range(4):
            page.get_by_role("button", name="Next", exact=True).click()
        page.get_by_role("heading", name="Question 5 of 9").wait_for()
        shown = page.locator("ol.order li .txt").all_inner_texts()
        page.get_by_role("button", name="Check answer").click()
        page.locator(".feedback .verdict").wait_for()
        assert page.locator("ol.order li .txt").all_inner_texts() == shown
        assert page.get_by_role("button", name="Move up: " + shown[1]).count() == 0, "checked: final"
    assert page.errors == []

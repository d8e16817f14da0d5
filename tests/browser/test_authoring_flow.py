"""A tutor builds a course in the browser: HSCCLD327, a module, a page, a scenario with two child
questions (K13, K15) through the question form, a quiz with a random draw, then reads the coverage
matrix (K13 covered, K14 not).
"""
from __future__ import annotations

import time

import pytest

from course.extensions import db
from course.models import Organisation
from tests.authoring.conftest import scenario, units_app  # noqa: F401  (units_app: fixture)
from tests.browser.conftest import assert_axe_clean, checked_context, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def tutor_email(units_app, create_user):
    with units_app.app_context():
        org = Organisation(name="Care Skills Ltd")
        db.session.add(org)
        db.session.commit()
        org_id = org.id
    return create_user("tutor", org_id, password=PASSWORD, name="Tess Tutor").email


def author_scenario(page, base):
    """The scenario "okafor-visits" through the question form: two single-choice steps, K13 and K15."""
    page.goto(f"{base}/questions/new?type=scenario")
    page.get_by_label("Question id").first.fill("okafor-visits")
    page.get_by_label("Title").first.fill("Mr Okafor's visits")
    page.get_by_label("Question text").first.fill("Read the case about Mr Okafor, then answer each step.")
    # Criteria are found by search in the framework tree, then ticked.
    page.locator("#criteria-search").fill("HSCCLD327/K1")
    page.locator("#f-crit-HSCCLD327-K13").check()
    page.locator("#f-crit-HSCCLD327-K15").check()
    assert page.locator("#criteria-chosen .chip .code").all_inner_texts() == ["HSCCLD327/K13", "HSCCLD327/K15"]
    page.get_by_role("textbox", name="Person", exact=True).fill("Mr Okafor, 78, who lives alone")
    page.get_by_role("textbox", name="Setting", exact=True).fill("His flat")
    page.get_by_role("textbox", name="Situation", exact=True).fill("His son wants to stop his visits to a friend because of a fall.")
    page.get_by_role("button", name="Add step").click()  # a new scenario starts with one step
    for n, (ref, stem) in enumerate([("HSCCLD327/K13", "How do you manage the risk of the visits?"),
                                     ("HSCCLD327/K15", "How might stopping the visits affect him?")]):
        step = f"f-steps-{n}"
        page.locator(f"#{step}-id").fill(f"s{n + 1}")
        page.get_by_text(f"More settings for step {n + 1}").click()  # the question's own id is there
        page.locator(f"#{step}-question-id").fill(f"c{n + 1}")
        page.locator(f"#{step}-question-stem").fill(stem)
        page.locator(f"#steps-{n}-question-criteria-search").fill(ref)
        page.locator(f"#{step}-question-criteria-{ref.replace('/', '-')}").check()
        page.locator(f"#{step}-question-options-0-id").fill("a")
        page.locator(f"#{step}-question-options-0-text").fill("Talk it through with him and agree a plan")
        page.locator(f"#{step}-question-options-0-correct").check()
        page.locator(f"#{step}-question-options-1-id").fill("b")
        page.locator(f"#{step}-question-options-1-text").fill("Do what the family asks")
    # The form offers four options per step; this scenario uses two.
    for n in (1, 0):
        for option in (4, 3):
            page.get_by_role("button", name=f"Remove option {option}").nth(n).click()
            page.wait_for_load_state()
    page.get_by_role("button", name="Save question").last.click()
    page.wait_for_load_state()
    errors = page.locator(".error-message").all_inner_texts()
    assert errors == [], errors


def assert_accessible(page):
    assert_axe_clean(page)


def test_tutor_builds_a_course_and_reads_its_coverage(units_app, tutor_email, live_server, browser_page):
    page = browser_page
    base = live_server.url
    sign_in(page, base, tutor_email, PASSWORD)
    author_scenario(page, base)
    with units_app.app_context():
        from course.bank.service import current_questions

        (stored,) = current_questions(db.session.scalar(db.select(Organisation)))
        assert (stored.question_id, stored.version, stored.criteria) == \
            ("okafor-visits", 1, ["HSCCLD327/K13", "HSCCLD327/K15"])
        children = [step["question"] for step in stored.data["steps"]]
        assert [(c["id"], c["criteria"], len(c["options"])) for c in children] == \
            [("c1", ["HSCCLD327/K13"], 2), ("c2", ["HSCCLD327/K15"], 2)]

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="Create a course").click()
    page.get_by_label("Title").fill("Relationships in care")
    page.get_by_label("HSCCLD327: Work with individuals to develop and maintain relationships").check()
    assert_accessible(page)
    page.get_by_role("button", name="Create course").click()
    page.wait_for_url(f"{base}/courses/relationships-in-care/")
    assert page.get_by_role("heading", level=1).inner_text() == "Relationships in care"

    page.get_by_role("link", name="Add a module").click()
    page.get_by_label("Title").fill("Risk and relationships")
    page.get_by_role("checkbox", name="K.1:").check()
    assert_accessible(page)
    page.get_by_role("button", name="Add module").click()
    page.wait_for_url(f"{base}/courses/relationships-in-care/modules/risk-and-relationships/")

    page.get_by_role("link", name="Add a page").click()
    page.get_by_label("Title").fill("Why relationships matter")
    page.get_by_label("Content (Markdown)").fill("# Why it matters\n\nPeople **thrive** with friends.")
    preview = page.locator("#page-preview")
    preview.locator("h3", has_text="Why it matters").wait_for()  # the live preview, through the server (under the title: "#" gives <h3>)
    assert preview.locator("strong").inner_text() == "thrive"
    assert_accessible(page)
    page.get_by_role("button", name="Save page").click()
    page.wait_for_url(f"{base}/courses/relationships-in-care/modules/risk-and-relationships/pages/why-relationships-matter")

    page.goto(f"{base}/courses/relationships-in-care/modules/risk-and-relationships/")
    page.get_by_role("link", name="Build the quiz").click()
    page.get_by_label("Number of questions").fill("1")
    page.get_by_label("Evidencing criterion").select_option("HSCCLD327/K13")
    page.get_by_role("button", name="Add draw").click()
    page.wait_for_url("**/quiz#items-heading")
    items = page.locator(".quiz-items li")
    assert items.count() == 1
    assert "Random draw: 1 question evidencing HSCCLD327/K13" in items.first.inner_text()
    assert_accessible(page)

    page.goto(f"{base}/courses/relationships-in-care/")
    page.get_by_role("link", name="Coverage matrix").click()
    k13 = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="K13", exact=False)).filter(
        has_text="how to manage risks and safeguarding restrictions on relationships")
    assert k13.count() == 1
    # A new quiz is formative: practice, not evidence of knowledge. Its scenario's keys are the
    # longest options, so a test-wise learner reaches the bar (not flagged: it is practice).
    assert k13.get_by_role("cell").nth(0).inner_text().strip() == \
        "⚠ No summative question\nPractised in risk-and-relationships (formative)\n" \
        "test-wise 100% in risk-and-relationships (reaches its bar)"

    page.goto(f"{base}/courses/relationships-in-care/modules/risk-and-relationships/quiz")
    page.get_by_label("Mode").select_option("summative")
    page.get_by_role("button", name="Save quiz settings").click()
    assert page.get_by_label("Attempts allowed (0 for unlimited)").input_value() == "3"
    page.goto(f"{base}/courses/relationships-in-care/coverage")
    assert k13.get_by_role("cell").nth(0).inner_text().strip() == \
        "⚠ Thin pool\nOnly 1 item in its summative pools (fewer than 3).\n" \
        "⚠ Passable without knowledge: test-wise 100% in risk-and-relationships (reaches its bar)"
    assert "okafor-visits v1" in k13.get_by_role("cell").nth(1).inner_text()
    assert k13.get_by_role("cell").nth(2).inner_text().strip() == "1"
    k14 = page.locator("#crit-HSCCLD327-K14")
    assert k14.get_by_role("cell").nth(0).inner_text().strip() == "⚠ No question"
    assert_accessible(page)


def test_authoring_pages_fit_a_phone(units_app, tutor_email, live_server, browser):
    from course.authoring import quizzes, service

    from course.bank.service import save_questions

    with units_app.app_context():
        org = db.session.scalar(db.select(Organisation).where(Organisation.name == "Care Skills Ltd"))
        save_questions([scenario("okafor-visits", ["HSCCLD327/K13", "HSCCLD327/K15"],
                                 [("risk", ["HSCCLD327/K13"]), ("loss", ["HSCCLD327/K15"])])],
                       organisation=org, user=None)
        course = service.create_course(organisation=org, user=None, title="Phone course",
                                       frameworks=["HSCCLD327", "QCF-RELNET"])
        module = service.add_module(course, title="Risks", outcomes=["HSCCLD327/K.1"], workplace=["HSCCLD327/P1"])
        service.add_page(module, title="Intro", body="# Hello\n\nA long line " * 20)
        quizzes.add_draw(quizzes.set_quiz(module), 1, criterion="HSCCLD327/K15")
        service.add_module(course, title="Networks", outcomes=["QCF-RELNET/1"])
        db.session.commit()
    with checked_context(browser, locale="en-GB", viewport={"width": 360, "height": 740}) as context:
        page = context.new_page()
        sign_in(page, live_server.url, tutor_email, PASSWORD)
        for path in ("/courses/", "/courses/phone-course/", "/courses/phone-course/modules/risks/",
                     "/courses/phone-course/modules/risks/pages/intro", "/courses/phone-course/modules/risks/quiz",
                     "/courses/phone-course/coverage", "/courses/phone-course/coverage/print", "/courses/phone-course/files/", "/courses/import",
                     "/courses/phone-course/settings"):
            page.goto(live_server.url + path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
                .filter(e => e.getBoundingClientRect().right > 361 && !e.closest('.table-scroll'))
                .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)""")
            assert width <= 360, f"{path} scrolls sideways on a 360px phone ({width}px): {wide}"
            assert_accessible(page)


def test_text_typed_before_the_editor_s_script_ran_is_previewed(units_app, tutor_email, live_server, browser_page):
    """On a slow connection the tutor can type before authoring.js has run (it did in CI, under
    load): the preview then shows that text as soon as the script runs, with no further key."""
    page, base = browser_page, live_server.url
    sign_in(page, base, tutor_email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="Create a course").click()
    page.get_by_label("Title").fill("Slow line")
    page.get_by_label("HSCCLD327: Work with individuals to develop and maintain relationships").check()
    page.get_by_role("button", name="Create course").click()
    page.wait_for_url(f"{base}/courses/slow-line/")
    page.get_by_role("link", name="Add a module").click()
    page.get_by_label("Title").fill("Friends")
    page.get_by_role("checkbox", name="K.1:").check()
    page.get_by_role("button", name="Add module").click()
    page.wait_for_url(f"{base}/courses/slow-line/modules/friends/")
    held = []  # the page editor's script, kept back until the tutor has typed
    page.route("**/static/authoring.js*", lambda route: held.append(route))
    page.get_by_role("link", name="Add a page").click()
    page.get_by_label("Content (Markdown)").fill("# Who matters\n\nPeople **thrive** with friends.")
    preview = page.locator("#page-preview")
    deadline = time.monotonic() + 30
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    assert held and preview.inner_text() == "Nothing to preview yet."  # the script has not run
    for route in held:
        route.continue_()
    page.unroute("**/static/authoring.js*")
    preview.locator("h3", has_text="Who matters").wait_for()
    assert preview.locator("strong").inner_text() == "thrive"

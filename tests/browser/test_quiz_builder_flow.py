"""A tutor builds a draw-based quiz by keyboard only (the live count, its warning when the draw asks
too many, saving), previews it as a learner (nothing recorded), and inserts an image into a page
at the cursor (README: Quiz builder; Pages and images)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course.authoring import service, uploads
from course.extensions import db
from course.models import Organisation
from tests.authoring.conftest import choice, units_app  # noqa: F401  (units_app: fixture)
from tests.browser.conftest import assert_axe_clean, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
QUIZ = "/courses/care/modules/risks/quiz"


@pytest.fixture
def tutor_email(units_app, create_user):
    from course.bank.service import save_questions

    with units_app.app_context():
        org = Organisation(name="Care Skills Ltd")
        db.session.add(org)
        db.session.commit()
        save_questions([choice(f"k13-{n}", ["HSCCLD327/K13"], title=f"Risk question {n}") for n in (1, 2, 3)]
                       + [choice("k15-1", ["HSCCLD327/K15"])], organisation=org, user=None)
        course = service.create_course(organisation=org, user=None, title="Care", frameworks=["HSCCLD327"])
        module = service.add_module(course, title="Risks", outcomes=["HSCCLD327/K.1"])
        service.add_page(module, title="Why", body="Intro.\n\nMore.")
        uploads.add_upload(course, filename="ward.png", data=PNG)
        db.session.commit()
        org_id = org.id
    return create_user("tutor", org_id, password=PASSWORD, name="Tess Tutor").email


def assert_accessible(page):
    assert_axe_clean(page)


def tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until ``selector`` has the focus, as a keyboard user gets there."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def recorded(app) -> tuple[int, int, int]:
    from course.learning.models import Attempt, ModuleProgress, TimeOnTask

    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Attempt, TimeOnTask, ModuleProgress))


def test_a_tutor_builds_a_draw_quiz_by_keyboard_and_previews_it(units_app, tutor_email, live_server, browser_page):
    page = browser_page
    base = live_server.url
    sign_in(page, base, tutor_email, PASSWORD)
    page.goto(base + QUIZ)
    status = page.locator("#draw-matches")
    assert status.inner_text() == "Choose a criterion or enter a tag to see how many questions match."

    tab_to(page, "#draw-count")
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    page.keyboard.press("Tab")  # the criterion list
    assert page.evaluate("document.activeElement.id") == "draw-criterion"
    page.keyboard.type("K13")  # a list's type-ahead picks "K13: ..."
    assert page.locator("#draw-criterion").input_value() == "HSCCLD327/K13"
    warning = ("Warning: 3 questions in your bank match this draw. Fewer than it asks for: "
               "it asks for 5 but only 3 can be drawn.")
    page.wait_for_function("t => document.getElementById('draw-matches').innerText === t", arg=warning)
    assert status.get_attribute("class") == "draw-matches warning"
    assert_accessible(page)

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.wait_for_function("t => document.getElementById('draw-matches').innerText === t",
                           arg="3 questions in your bank match this draw.")
    tab_to(page, "#draw-heading ~ form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{QUIZ}#items-heading")
    item = page.locator(".quiz-items li").first
    assert "Random draw: 2 questions evidencing HSCCLD327/K13" in item.inner_text()
    assert page.locator("#item-1-matches").inner_text() == "3 questions in your bank match this draw."
    assert_accessible(page)

    before = recorded(units_app)
    posts: list[str] = []
    page.on("request", lambda request: request.method != "GET" and posts.append(request.url))
    tab_to(page, f'a[href="{QUIZ}/preview"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{QUIZ}/preview")
    assert page.locator("#cc-notice").inner_text().startswith("Preview as a learner: nothing you do here is recorded")
    page.get_by_role("heading", name="Question 1 of 2").wait_for()
    page.get_by_role("radio", name="Right").first.check()
    page.get_by_role("button", name="Check answer").click()  # marked in the page, as in a SCORM package
    page.locator(".feedback").filter(has_text="Correct").first.wait_for()
    assert_accessible(page)
    page.wait_for_timeout(100)  # let any request the player might send start (none may)
    assert recorded(units_app) == before == (0, 0, 0)
    assert posts == []  # the read-only runtime sends nothing
    page.get_by_role("button", name="Exit").click()
    page.wait_for_url(f"**{QUIZ}")


def test_insert_image_puts_the_markdown_at_the_cursor(units_app, tutor_email, live_server, browser_page):
    page = browser_page
    base = live_server.url
    sign_in(page, base, tutor_email, PASSWORD)
    page.goto(base + "/courses/care/modules/risks/pages/why")
    body = page.locator("#body")
    body.focus()
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowDown")  # the empty line between the paragraphs
    page.keyboard.press("ArrowDown")
    # Alt text is required: the message sits by its field and the field gets the focus.
    page.locator("#insert-image-file").set_input_files({"name": "Ward Round.png", "mimeType": "image/png", "buffer": PNG})
    page.get_by_role("button", name="Insert image").click()
    alt_error = page.locator("#insert-image-alt-error")
    assert alt_error.text_content() == "Error: Describe the image for someone who cannot see it (alt text)."
    assert page.evaluate("document.activeElement.id") == "insert-image-alt"
    assert page.locator("#insert-image-alt").get_attribute("aria-describedby") == \
        "insert-image-alt-hint insert-image-alt-error"
    assert_accessible(page)
    page.locator("#insert-image-alt").fill("Nurses on a ward round")
    page.get_by_role("button", name="Insert image").click()
    page.locator("#insert-image-status").filter(has_text="Image inserted").wait_for()
    assert alt_error.is_hidden()
    assert body.input_value() == "Intro.\n\n![Nurses on a ward round](/courses/care/files/ward-round.png)More."
    preview = page.locator("#page-preview img")
    preview.wait_for()
    assert preview.get_attribute("alt") == "Nurses on a ward round"
    # One of the course's images, picked from the list, goes where the cursor now is.
    page.get_by_label("Image", exact=True).select_option("ward.png")
    assert page.locator("#insert-image-upload").is_hidden()
    page.locator("#insert-image-alt").fill("An empty ward")
    body.evaluate("el => el.setSelectionRange(el.value.length, el.value.length)")
    page.get_by_role("button", name="Insert image").click()
    page.locator("#insert-image-status").filter(has_text="ward.png)").wait_for()
    assert body.input_value().endswith("More.![An empty ward](/courses/care/files/ward.png)")
    assert_accessible(page)
    page.get_by_role("button", name="Save page").click()
    page.wait_for_load_state()
    with units_app.app_context():
        from course.authoring.models import Page, Upload

        # (a browser sends a textarea's line ends as CRLF)
        assert db.session.scalar(select(Page)).body == ("Intro.\r\n\r\n![Nurses on a ward round](/courses/care/files/"
                                                        "ward-round.png)More.![An empty ward](/courses/care/files/ward.png)")
        assert sorted(db.session.scalars(select(Upload.filename))) == ["ward-round.png", "ward.png"]

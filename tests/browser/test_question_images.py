"""In Chromium: a Moodle file with a picture goes through the import page into the bank, the tutor
sees the picture in the preview and finds the question flagged "Not mapped"; a learner sees the
picture of a quiz question in the player. axe-core finds nothing on those pages."""
from __future__ import annotations

import copy

import pytest
from playwright.sync_api import expect

from course.bank.media import store_media
from course.extensions import db
from tests.browser.conftest import assert_axe_clean, sign_in
from tests.helpers import DEFAULT_PASSWORD
from tests.learning.conftest import make_course, q_single  # noqa: F401  (fixture)
from tests.qbank_formats.test_media import RED, moodle

pytestmark = pytest.mark.browser

LOADED = "img => img.complete && img.naturalWidth === 1"  # the 1×1 test PNG arrived and decoded


def test_import_a_pictured_question_and_preview_it(live_server, browser_page, create_framework, create_user,
                                                   tmp_path):
    create_framework("TESTFW")
    tutor = create_user("tutor", org="Org A")
    source = tmp_path / "apple.xml"
    source.write_bytes(moodle("Apple", RED).replace(b"criterion:TESTFW/K1", b"bank"))
    page, base = browser_page, live_server.url
    sign_in(page, base, tutor.email, DEFAULT_PASSWORD, next_path="/questions/import")
    page.get_by_label("Question file").set_input_files(str(source))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Imported 1 question(s)")).to_be_visible()
    expect(page.get_by_text("Images: 2.")).to_be_visible()
    expect(page.get_by_text("1 question(s) carry no criterion reference (Apple)")).to_be_visible()
    assert_axe_clean(page, "the import report")

    page.goto(f"{base}/questions/")
    expect(page.get_by_text("1 question is not mapped to a criterion yet")).to_be_visible()
    page.get_by_label("Only questions not mapped to a criterion").check()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table.questions tbody tr")).to_have_count(1)
    expect(page.locator("table.questions").get_by_text("Not mapped")).to_be_visible()
    assert_axe_clean(page, "the list of unmapped questions")

    page.get_by_role("link", name="Apple").click()
    page.get_by_role("link", name="Preview and try").click()
    apple = page.get_by_role("img", name="An apple")
    expect(apple).to_have_attribute("src", "/questions/media/apple.png")
    assert apple.evaluate(LOADED)
    assert page.get_by_role("img", name="A pear").evaluate(LOADED)
    assert_axe_clean(page, "the preview with pictures")

    page.goto(f"{base}/questions/Apple/delete")
    expect(page.get_by_text("every version of it (1) will be deleted")).to_be_visible()
    assert_axe_clean(page, "the delete page")
    page.get_by_role("button", name="Delete the question").press("Enter")  # by keyboard
    expect(page.get_by_text("Question 'Apple' deleted.")).to_be_visible()


def test_the_learner_sees_the_question_picture_in_the_player(app, live_server, browser_page, make_course):  # noqa: F811
    pictured = q_single("q-apple", stem='<p>Whose apple is this? <img src="media/apple.png" alt="A red apple"></p>',
                        stem_format="html")
    c = make_course([copy.deepcopy(pictured)])
    with app.app_context():
        store_media({"media/apple.png": RED}, [pictured], organisation=c.org_id)
        db.session.commit()
    page, base = browser_page, live_server.url
    sign_in(page, base, c.learner.email, DEFAULT_PASSWORD, next_path=f"/learn/{c.course_slug}/{c.module_slug}")
    for _ in range(2):
        page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Start quiz").click()
    apple = page.get_by_role("img", name="A red apple")
    expect(apple).to_be_visible()
    expect(apple).to_have_attribute("src", f"/learn/{c.course_slug}/media/apple.png")
    assert apple.evaluate(LOADED)
    assert_axe_clean(page, "a quiz question with a picture")

"""A tutor's page edit meets someone else's save: the browser shows the 409 page with an alert,
the typed text, and a link to the latest version; the page passes axe."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from course.authoring import service
from course.authoring.models import Page
from course.extensions import db
from tests.authoring.test_edit_conflicts import org_id  # noqa: F401  (fixture: course c1, module m1, page p1)
from tests.browser.conftest import assert_axe_clean, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def test_a_stale_page_save_is_explained_and_keeps_the_text(app, org_id, create_user, live_server, browser_page):
    email = create_user("tutor", org_id, password=PASSWORD).email
    page = browser_page
    base = live_server.url
    url = f"{base}/courses/c1/modules/m1/pages/p1"
    sign_in(page, base, email, PASSWORD, "/courses/c1/modules/m1/pages/p1")
    page.goto(url)
    page.get_by_label("Content (Markdown)").fill("My careful rewrite")

    with app.app_context():  # someone else saves meanwhile
        stored = db.session.scalar(select(Page).where(Page.slug == "p1"))
        service.update_page(stored, body="Their body")
        db.session.commit()

    with page.expect_response(lambda r: r.url == url and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save page").click()
    assert answer.value.status == 409
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "Someone else saved this page after you opened it" in alert.inner_text()
    assert page.get_by_label("Content (Markdown)").input_value() == "My careful rewrite"
    assert_axe_clean(page)

    alert.get_by_role("link", name="reload the latest version").click()
    page.wait_for_load_state()
    assert page.url == url
    assert page.get_by_label("Content (Markdown)").input_value() == "Their body"
    page.get_by_label("Content (Markdown)").fill("My careful rewrite, again")
    page.get_by_role("button", name="Save page").click()
    page.wait_for_load_state()
    with app.app_context():
        assert db.session.scalar(select(Page).where(Page.slug == "p1")).body == "My careful rewrite, again"

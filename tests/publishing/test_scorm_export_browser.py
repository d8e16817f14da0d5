"""In Chromium: check a course's package, press Download, and take the package from the export
job's page, which axe-core finds clean."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from course.extensions import db
from tests.browser.conftest import assert_axe_clean, browser, browser_page, live_server, sign_in  # noqa: F401
from tests.helpers import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def test_the_export_job_page_offers_the_checked_package(app, live_server, browser_page, create_user):
    from course.reports.demo import DEMO_DATA_ORGANISATION, generate

    tutor = create_user("tutor", org=DEMO_DATA_ORGANISATION)
    with app.app_context():
        generate(learners=1, modules=2, slug="walk")
        db.session.commit()
    page, base = browser_page, live_server.url
    sign_in(page, base, tutor.email, DEFAULT_PASSWORD, next_path="/courses/walk/scorm")
    page.get_by_role("button", name="Check package").click()
    page.get_by_role("button", name="Download walk-scorm12.zip").click()
    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f]{32}$"))
    expect(page.get_by_role("heading", name="Package ready: walk-scorm12.zip")).to_be_visible()
    assert_axe_clean(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download walk-scorm12.zip").click()
    assert download.value.suggested_filename == "walk-scorm12.zip"

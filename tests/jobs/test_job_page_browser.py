"""In Chromium, with jobs in a thread of the app (as `make run` runs them): the upload leads to the
job page, whose live region follows the job's progress and which shows the result by itself when
the job finishes; axe-core finds nothing on it while running or finished."""
from __future__ import annotations

import dataclasses
import re
import threading

import pytest
from playwright.sync_api import expect

from course.jobs import registry
from course.jobs.backends import backend, init_backend
from tests.browser.conftest import assert_axe_clean, sign_in
from tests.helpers import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

GIFT = b"// criterion: TESTFW/K1\n::Trust:: Listening builds trust. {TRUE}\n"


def test_the_job_page_follows_an_import_to_its_result(app, live_server, browser_page, create_framework,
                                                       create_user, monkeypatch, tmp_path):
    create_framework("TESTFW")
    tutor = create_user("tutor", org="Org A")
    app.config["JOBS_BACKEND"] = "thread"
    init_backend(app)
    release = threading.Event()
    kind = registry.get_kind("import-questions")

    def held(job):
        """The real import, held at its first step until the test has looked at the page."""
        job.progress(1, 2, "held by the test")
        assert release.wait(30), "the test never released the job"
        return kind.run(job)

    monkeypatch.setitem(registry._KINDS, "import-questions", dataclasses.replace(kind, run=held))
    source = tmp_path / "trust.gift"
    source.write_bytes(GIFT)
    page, base = browser_page, live_server.url
    try:
        sign_in(page, base, tutor.email, DEFAULT_PASSWORD, next_path="/questions/import")
        page.get_by_label("Question file").set_input_files(str(source))
        page.get_by_role("button", name="Import").click()
        expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f]{32}$"))
        expect(page.get_by_role("heading", name="Question import: trust.gift")).to_be_visible()
        live_region = page.locator("#job-state[role=status][aria-live=polite]")
        expect(live_region).to_have_text("Step 1 of 2: held by the test.")
        expect(page.locator("#job-bar")).to_have_attribute("value", "1")
        assert_axe_clean(page)

        release.set()  # the page notices by itself, with no click
        expect(page.get_by_role("heading", name="Imported 1 question(s)")).to_be_visible()
        expect(page.get_by_text("true_false: 1")).to_be_visible()
        assert_axe_clean(page)
    finally:
        release.set()
        backend(app).wait()

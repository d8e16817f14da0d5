"""In headless Chromium: a learner finds "My data" and downloads it; an admin opens a learner's
erasure preview, types the email, confirms and reads the outcome. Both pages axe-clean."""
from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from tests.browser.conftest import assert_axe_clean, browser, browser_page, checked_context, live_server, sign_in
from tests.helpers import DEFAULT_PASSWORD
from tests.privacy.privacy_world import world

pytestmark = pytest.mark.browser
__all__ = ["browser", "browser_page", "live_server", "world"]  # fixtures used by name


def test_learner_downloads_and_admin_erases(world, live_server: Any, browser: Any, browser_page: Any) -> None:
    base = live_server.url
    ann_id = world.users["ann"].id

    learner = browser_page
    sign_in(learner, base, "ann@a.test", DEFAULT_PASSWORD)
    learner.goto(f"{base}/learn/")
    learner.get_by_role("link", name="My data").click()
    learner.wait_for_url("**/privacy/my-data")
    assert learner.get_by_role("heading", level=1).inner_text() == "My data"
    assert_axe_clean(learner)
    with learner.expect_download() as info:
        learner.get_by_role("link", name="Download my data (ZIP)").click()
    archive = zipfile.ZipFile(io.BytesIO(open(info.value.path(), "rb").read()))
    assert json.loads(archive.read("data.json"))["profile"]["name"] == "Ann Archer"

    with checked_context(browser, locale="en-GB", viewport={"width": 1280, "height": 800}) as context:
        context.set_default_timeout(10_000)
        admin = context.new_page()
        sign_in(admin, base, "admin@a.test", DEFAULT_PASSWORD)
        admin.get_by_role("navigation", name="Main").get_by_role("link", name="Learners' data").click()
        admin.get_by_role("link", name="Erase Ann Archer").click()
        assert admin.get_by_role("heading", level=1).inner_text() == "Erase Ann Archer"
        assert "Care at work" in admin.locator("#kept").inner_text()
        assert "Old course" in admin.locator("#deleted").inner_text()
        assert_axe_clean(admin)
        admin.get_by_label("The learner's email address").fill("ann@a.test")
        admin.keyboard.press("Enter")  # the keyboard submits the form as the button does
        admin.wait_for_url(f"**/privacy/learners/{ann_id}/erased")
        assert admin.get_by_role("heading", level=1).inner_text() == f"Erased learner #{ann_id}: erased"
        assert "Records deleted (retention passed, 1 course(s))" in admin.locator("#done").inner_text()
        assert_axe_clean(admin)

"""In headless Chromium: an admin invites a learner, who chooses a password from the emailed link
and lands signed in; later the learner forgets it, resets it from the sign-in page's link and
signs in with the new one. Mail goes through the test SMTP server."""
from __future__ import annotations

from typing import Any

import pytest

from tests.accounts.conftest import Mailbox
from tests.browser.conftest import (
    axe_violations,
    browser,
    browser_page,
    checked_context,
    describe_violations,
    live_server,
    sign_in,
)
from tests.helpers import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser
__all__ = ["browser", "browser_page", "live_server"]  # fixtures used by name

FIRST = "tea and toast at ten"
SECOND = "biscuits after lunch"


def _axe_clean(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{page.url}:\n{describe_violations(violations)}"


def _choose_password(page: Any, link: str, password: str) -> None:
    page.goto(link)
    _axe_clean(page)
    page.get_by_label("New password").fill(password)
    page.get_by_label("Type the password again").fill(password)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_load_state()


def test_invitation_then_forgotten_password(create_org, create_user, mailbox: Mailbox, live_server: Any,
                                             browser: Any, browser_page: Any) -> None:
    base = live_server.url
    org = create_org("Sunrise Care")
    create_user("admin", org=org, email="ada@care.test", name="Ada Admin")

    admin = browser_page
    sign_in(admin, base, "ada@care.test", DEFAULT_PASSWORD)
    admin.get_by_role("link", name="Users").click()
    admin.get_by_role("link", name="Invite someone").click()
    admin.get_by_label("Full name").fill("Bea Brown")
    admin.get_by_label("Email address").fill("bea@care.test")
    admin.get_by_label("Role").select_option(label="Learner")
    admin.get_by_role("button", name="Send invitation").click()
    admin.wait_for_load_state()
    assert "1 invitation sent by email." in admin.locator(".flashes").inner_text()
    row = admin.get_by_role("row", name="Bea Brown")
    assert "Invited (link until" in row.inner_text()
    _axe_clean(admin)

    assert [m["To"] for m in mailbox.messages] == ["bea@care.test"]
    invitation = mailbox.link(mailbox.messages[0])

    with checked_context(browser, locale="en-GB", viewport={"width": 1280, "height": 800}) as context:
        context.set_default_timeout(10_000)
        learner = context.new_page()
        _choose_password(learner, invitation, FIRST)
        assert "Your password is set. Welcome, Bea Brown." in learner.locator(".flashes").inner_text()
        assert learner.locator(".account .who").inner_text().startswith("Bea Brown")
        assert learner.get_by_role("link", name="My learning").is_visible()

        learner.get_by_role("button", name="Sign out").click()
        learner.wait_for_load_state()
        learner.get_by_role("link", name="Forgot your password?").click()
        learner.get_by_label("Email address").fill("bea@care.test")
        learner.get_by_role("button", name="Send me a link").click()
        learner.wait_for_load_state()
        assert "If an account uses that address, we have sent it a link." in learner.locator(".flashes").inner_text()

        assert [m["To"] for m in mailbox.messages] == ["bea@care.test", "bea@care.test"]
        reset = mailbox.link(mailbox.messages[1])
        assert reset != invitation
        _choose_password(learner, reset, SECOND)
        assert "sign in with it now" in learner.locator(".flashes").inner_text()

        sign_in(learner, base, "bea@care.test", SECOND)
        assert "Signed in as Bea Brown." in learner.locator(".flashes").inner_text()
        assert learner.get_by_role("link", name="My learning").is_visible()

        learner.goto(invitation)
        assert learner.get_by_role("heading", level=1).inner_text() == "This link cannot be used"
        assert "already been used" in learner.locator("main").inner_text()

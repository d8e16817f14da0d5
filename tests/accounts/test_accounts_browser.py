"""In headless Chromium: an admin invites a learner, who chooses a password from the emailed link
and lands signed in; later the learner forgets it, resets it from the sign-in page's link and
signs in with the new one. Mail goes through the test SMTP server."""
from __future__ import annotations

from typing import Any

import pytest

from tests.accounts.conftest import Mailbox
from tests.browser.conftest import (
    assert_axe_clean,
    browser,
    browser_page,
    checked_context,
    live_server,
    sign_in,
)
from tests.helpers import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser
__all__ = ["browser", "browser_page", "live_server"]  # fixtures used by name

FIRST = "tea and toast at ten"
SECOND = "biscuits after lunch"


def _choose_password(page: Any, link: str, password: str) -> None:
    page.goto(link)
    assert_axe_clean(page)
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
    assert_axe_clean(admin)

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


def test_a_large_enrolment_s_invitations_job_page_by_keyboard(app: Any, create_org, create_user, mailbox: Mailbox,
                                                               live_server: Any, browser_page: Any, tmp_path) -> None:
    """A tutor's CSV of 21 learners with invitations, while the mail server is down: the job page
    lists the 21 not mailed (axe-clean); once it is back, "Invite these 21 again" by keyboard mails them."""
    from course.authoring.models import Course
    from course.extensions import db
    from tests.accounts.conftest import free_port

    org = create_org("Sunrise Care")
    tutor = create_user("tutor", org=org, email="tia@care.test", name="Tia Tutor")
    with app.app_context():
        course = Course(title="Care at work", slug="care", organisation_id=org.id, created_by_id=tutor.id)
        db.session.add(course)
        db.session.commit()
        course_id = course.id
    csv = tmp_path / "intake.csv"
    csv.write_text("name,email,cohort\n" + "".join(f"Learner {n:02d},learner{n:02d}@care.test,May\n" for n in range(1, 22)))
    working_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nothing listens there

    page, base = browser_page, live_server.url
    sign_in(page, base, "tia@care.test", DEFAULT_PASSWORD, next_path=f"/learn/tutor/courses/{course_id}/learners")
    page.locator("#csv-file").set_input_files(str(csv))
    page.get_by_label("Send invitations by email").check()
    page.get_by_role("button", name="Upload and enrol").click()
    page.get_by_role("heading", name="0 of 21 invitations sent by email").wait_for()
    assert page.get_by_role("row").count() == 22  # the header and one row a learner
    assert "set-password" not in page.content()
    assert_axe_clean(page)

    app.config["SMTP_PORT"] = working_port
    again = page.get_by_role("button", name="Invite these 21 again")
    again.focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="21 of 21 invitations sent by email").wait_for()
    assert_axe_clean(page)
    assert sorted(m["To"] for m in mailbox.messages) == [f"learner{n:02d}@care.test" for n in range(1, 22)]

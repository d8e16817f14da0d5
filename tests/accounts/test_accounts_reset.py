"""Forgot password: the same answer for every address; a single-use link that ends the other
sessions and lifts the sign-in lock; nothing shown to the requester without a mail server."""
from __future__ import annotations

import datetime as dt
import logging

import pytest

from sqlalchemy import select

from course.accounts.models import AccountToken
from course.auth import throttle
from course.extensions import db
from course.models import User
from tests.accounts.conftest import LINK_RE, signed_in
from tests.helpers import DEFAULT_PASSWORD, login

SAME = "If an account uses that address, we have sent it a link."
NEW_PASSWORD = "another long password"


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _forgot(client, email):
    return client.post("/account/forgot-password", data={"email": email})


def test_the_sign_in_page_links_to_forgot_password(client):
    assert 'href="/account/forgot-password"' in client.get("/login").get_data(as_text=True)
    page = client.get("/account/forgot-password")
    assert page.status_code == 200 and "for 60 minutes" in page.get_data(as_text=True)


def test_same_answer_whether_or_not_the_address_has_an_account(app, client, create_user, mailbox):
    create_user("learner", email="lee@care.test")
    create_user("learner", email="gone@care.test", active=False)
    answers = []
    for email in ("nobody@care.test", "LEE@care.test", "gone@care.test"):
        response = _forgot(client, email)
        assert response.status_code == 302 and response.headers["Location"] == "/login"
        answers.append(client.get("/login").get_data(as_text=True).count(SAME))
    assert answers == [1, 1, 1]
    assert [m["To"] for m in mailbox.messages] == ["lee@care.test"]
    assert mailbox.messages[0]["Subject"] == "Reset your carecourse password"


def test_a_second_request_within_a_minute_sends_nothing(app, client, create_user, mailbox):
    create_user("learner", email="lee@care.test")
    _forgot(client, "lee@care.test")
    _forgot(client, "lee@care.test")
    assert len(mailbox.messages) == 1


def test_one_address_gets_ten_mails_a_window_then_the_same_answer_and_nothing_sent(
        app, client, create_user, mailbox, clock, caplog):
    for n in range(12):
        create_user("learner", email=f"staff{n:02d}@care.test")
    with caplog.at_level(logging.WARNING):
        for n in range(12):
            response = _forgot(client, f"staff{n:02d}@care.test")
            assert response.status_code == 302 and response.headers["Location"] == "/login"
            assert client.get("/login").get_data(as_text=True).count(SAME) == 1
    # the first ten addresses asked about get their mail, the eleventh and twelfth nothing
    assert [m["To"] for m in mailbox.messages] == [f"staff{n:02d}@care.test" for n in range(10)]
    assert "reset request 11 from 127.0.0.1 in 900 s: nothing sent" in caplog.text
    # another address is not held up by this one
    other = app.test_client()
    other.post("/account/forgot-password", data={"email": "staff10@care.test"},
               environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert mailbox.messages[-1]["To"] == "staff10@care.test"
    # a quiet window later the address may ask again
    clock.move(minutes=16)
    _forgot(client, "staff11@care.test")
    assert mailbox.messages[-1]["To"] == "staff11@care.test" and len(mailbox.messages) == 12


def test_unlock_address_lifts_the_reset_count_too(app, client, create_user, mailbox):
    create_user("learner", email="lee@care.test")
    app.config["RESET_ADDRESS_REQUESTS"] = 0
    _forgot(client, "lee@care.test")
    assert mailbox.messages == []
    result = app.test_cli_runner().invoke(args=["unlock-address", "127.0.0.1"])
    assert result.exit_code == 0, result.output
    app.config["RESET_ADDRESS_REQUESTS"] = 1
    _forgot(client, "lee@care.test")
    assert [m["To"] for m in mailbox.messages] == ["lee@care.test"]


def test_reset_link_is_single_use_ends_other_sessions_and_lifts_the_lock(app, client, create_user, mailbox):
    lee = create_user("learner", email="lee@care.test")
    elsewhere = app.test_client()
    assert login(elsewhere, "lee@care.test").status_code == 302 and signed_in(elsewhere)
    with app.app_context():
        for _ in range(6):
            throttle.record_failure("lee@care.test", "203.0.113.9")
        db.session.commit()
        assert throttle.wait_until("lee@care.test", "203.0.113.9") is not None
    _forgot(client, "lee@care.test")
    link = mailbox.link(mailbox.messages[0])
    with app.app_context():
        row = db.session.scalar(select(AccountToken))
        assert row.expires_at - row.created_at == dt.timedelta(hours=1)

    page = client.get(_path(link))
    assert "Choose a new password" in page.get_data(as_text=True)
    done = client.post(_path(link), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert not signed_in(client)
    assert "Your password has been changed and you are signed out everywhere" in \
        client.get("/login").get_data(as_text=True)

    assert not signed_in(elsewhere)
    with app.app_context():
        assert throttle.wait_until("lee@care.test", "203.0.113.9") is None
        assert User.by_email("lee@care.test").check_password(NEW_PASSWORD)
    assert login(app.test_client(), lee.email, DEFAULT_PASSWORD).status_code == 401
    assert login(app.test_client(), lee.email, NEW_PASSWORD).status_code == 302

    used = client.post(_path(link), data={"password": "yet another password", "confirm": "yet another password"})
    assert used.status_code == 410
    assert "This link has already been used." in used.get_data(as_text=True)
    with app.app_context():
        assert User.by_email("lee@care.test").check_password(NEW_PASSWORD)


def test_reset_link_expires_after_the_configured_minutes(app, client, create_user, mailbox, monkeypatch):
    create_user("learner", email="lee@care.test")
    _forgot(client, "lee@care.test")
    link = mailbox.link(mailbox.messages[0])
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=61)
    monkeypatch.setattr("course.accounts.tokens.utcnow", lambda: later)
    response = client.get(_path(link))
    assert response.status_code == 410
    assert "This link has expired. Ask for a new one." in response.get_data(as_text=True)


def test_unknown_links_get_a_clear_page(client):
    response = client.get("/account/set-password/not-a-real-token")
    assert response.status_code == 404
    assert "This link is not valid." in response.get_data(as_text=True)


def test_without_a_mail_server_the_link_is_only_logged(app, client, create_user, mailbox, caplog):
    app.config["SMTP_HOST"] = ""
    create_user("learner", email="lee@care.test")
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        response = _forgot(client, "lee@care.test")
    page = client.get("/login").get_data(as_text=True)
    assert SAME in page
    assert not LINK_RE.search(page) and not LINK_RE.search(response.get_data(as_text=True))
    logged = LINK_RE.findall(caplog.text)
    assert len(logged) == 1
    assert client.get(_path(logged[0])).status_code == 200
    assert mailbox.messages == []


def test_bad_address_is_named_and_nothing_is_sent(client, mailbox):
    response = _forgot(client, "not an address")
    assert response.status_code == 422
    assert "Enter an email address like name@example.org." in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_of_two_requests_racing_with_one_link_only_one_sets_the_password(app, client, create_user, mailbox):
    from course.accounts import tokens

    create_user("learner", email="lee@care.test")
    _forgot(client, "lee@care.test")
    token = mailbox.link(mailbox.messages[0]).rsplit("/", 1)[1]
    with app.app_context():
        first, second = tokens.find(token), tokens.find(token)  # both looked up before either is used
        tokens.redeem(first.row, NEW_PASSWORD)
        db.session.commit()
        with pytest.raises(tokens.AlreadyUsed):
            tokens.redeem(second.row, "the loser's password")
        db.session.rollback()
        assert User.by_email("lee@care.test").check_password(NEW_PASSWORD)

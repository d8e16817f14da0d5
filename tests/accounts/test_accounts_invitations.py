"""Invitations: an admin invites one person, or a tutor enrols learners with "send invitations";
the link sets a password once, before it expires; a new invitation replaces the old link."""
from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from sqlalchemy import func, select

from course.accounts.models import AccountToken
from course.extensions import db
from course.models import User
from tests.accounts.conftest import LINK_RE, free_port, signed_in
from tests.helpers import login

NEW_PASSWORD = "a long enough password"


def _path(link: str) -> str:
    """The path of an absolute link (the test client speaks to the app directly)."""
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _invite(client, name="Bea Brown", email="bea@care.test", role="learner"):
    return client.post("/admin/users/invite", data={"name": name, "email": email, "role": role})


def _set(client, link, password=NEW_PASSWORD, confirm=None):
    return client.post(_path(link), data={"password": password, "confirm": confirm or password})


@pytest.fixture
def admin(login_as, create_org):
    org = create_org("Sunrise Care")
    return login_as("admin", org=org, name="Ada Admin")


def test_invite_mails_a_link_that_sets_the_password_once_and_signs_in(app, client, admin, mailbox):
    response = _invite(client)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    assert "1 invitation sent by email." in client.get("/admin/users").get_data(as_text=True)
    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert message["To"] == "bea@care.test"
    assert message["From"] == "carecourse <courses@provider.test>"
    assert message["Subject"] == "Your carecourse account: choose a password"
    assert message.get_content_type() == "multipart/alternative"
    link = mailbox.link(message)
    assert link in message.get_body(preferencelist=("html",)).get_content()
    text = mailbox.text(message)
    assert "Ada Admin has made you a carecourse account as a learner at Sunrise Care." in text
    with app.app_context():
        bea = User.by_email("bea@care.test")
        assert (bea.role, bea.organisation.name, bea.password_hash) == ("learner", "Sunrise Care", "")
        stored = db.session.scalar(select(AccountToken))
        assert stored.token_hash != link.rsplit("/", 1)[1]  # only the hash is kept
        assert stored.expires_at - stored.created_at == dt.timedelta(days=7)

    learner = app.test_client()
    page = learner.get(_path(link))
    assert page.status_code == 200
    assert "Choose your password" in page.get_data(as_text=True)
    assert "bea@care.test" in page.get_data(as_text=True)
    response = _set(learner, link)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert signed_in(learner)
    home = learner.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Your password is set. Welcome, Bea Brown." in home

    again = app.test_client().get(_path(link))
    assert again.status_code == 410
    assert "This link has already been used." in again.get_data(as_text=True)
    assert login(app.test_client(), "bea@care.test", NEW_PASSWORD).status_code == 302


def test_password_rule_is_the_cli_rule_and_a_refusal_changes_nothing(app, client, admin, mailbox):
    _invite(client)
    link = mailbox.link(mailbox.messages[0])
    learner = app.test_client()
    short = _set(learner, link, "ninechars")
    assert short.status_code == 422
    assert "The password must have at least 10 characters." in short.get_data(as_text=True)
    differ = _set(learner, link, NEW_PASSWORD, "something else entirely")
    assert differ.status_code == 422
    assert "The two passwords are not the same." in differ.get_data(as_text=True)
    with app.app_context():
        assert User.by_email("bea@care.test").password_hash == ""
    assert _set(learner, link).status_code == 302


def test_link_expires_after_the_configured_days(app, client, admin, mailbox, monkeypatch):
    app.config["INVITE_DAYS"] = 2
    _invite(client)
    link = mailbox.link(mailbox.messages[0])
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2, minutes=1)
    monkeypatch.setattr("course.accounts.tokens.utcnow", lambda: later)
    response = app.test_client().get(_path(link))
    assert response.status_code == 410
    assert "This link has expired." in response.get_data(as_text=True)
    assert _set(app.test_client(), link).status_code == 410
    with app.app_context():
        assert User.by_email("bea@care.test").password_hash == ""


def test_resend_replaces_the_old_link(app, client, admin, mailbox):
    _invite(client)
    with app.app_context():
        bea_id = User.by_email("bea@care.test").id
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "Invited (link until" in listing and "Send a new invitation" in listing
    response = client.post(f"/admin/users/{bea_id}/invite")
    assert response.status_code == 302
    assert len(mailbox.messages) == 2
    old, new = (mailbox.link(m) for m in mailbox.messages)
    assert old != new
    stale = app.test_client().get(_path(old))
    assert stale.status_code == 404
    assert "This link is not valid." in stale.get_data(as_text=True)
    assert _set(app.test_client(), new).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AccountToken)) == 1


def test_inviting_an_address_with_an_account_is_refused(app, client, admin, create_user, mailbox):
    create_user("tutor", org=admin.organisation_id, email="tia@care.test")
    create_user("learner", org="Elsewhere Ltd", email="zed@else.test")
    own = _invite(client, email="TIA@care.test")
    assert own.status_code == 422
    assert "tia@care.test already has an account: find it on the Users page." in own.get_data(as_text=True)
    other = _invite(client, email="zed@else.test")
    assert other.status_code == 422
    assert "zed@else.test cannot be invited with this email address." in other.get_data(as_text=True)
    assert "Elsewhere" not in other.get_data(as_text=True)
    bad = _invite(client, email="not-an-address")
    assert bad.status_code == 422
    assert "Enter an email address like name@example.org." in bad.get_data(as_text=True)
    assert mailbox.messages == []


def test_resend_refused_for_someone_with_a_password(app, client, admin, create_user, mailbox):
    tia = create_user("tutor", org=admin.organisation_id, name="Tia Tutor")
    response = client.post(f"/admin/users/{tia.id}/invite", follow_redirects=True)
    assert "Tia Tutor already has a password" in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_without_a_mail_server_the_link_is_shown_to_the_admin_and_logged(app, client, admin, mailbox, caplog):
    app.config["SMTP_HOST"] = ""
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        response = _invite(client)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "No mail server is configured: give each person their link below" in body
    links = LINK_RE.findall(body)
    assert len(set(links)) == 1
    assert links[0] in caplog.text and "bea@care.test" in caplog.text
    assert mailbox.messages == []
    assert _set(app.test_client(), links[0]).status_code == 302


def test_mail_failure_shows_the_error_and_the_link(app, client, admin, mailbox):
    app.config["SMTP_PORT"] = free_port()  # nothing listens there
    response = _invite(client)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "0 invitations sent; 1 could not be mailed: give those people their link below." in body
    assert f"the mail server 127.0.0.1:{app.config['SMTP_PORT']} could not be reached" in body
    link = LINK_RE.findall(body)[0]
    assert _set(app.test_client(), link).status_code == 302


def _course(app, org_id, tutor_id):
    from course.authoring.models import Course

    with app.app_context():
        course = Course(title="Care at work", slug="care", organisation_id=org_id, created_by_id=tutor_id)
        db.session.add(course)
        db.session.commit()
        return course.id


def test_csv_with_invitations_mails_each_new_learner_without_a_password(
        app, client, login_as, create_user, create_org, mailbox):
    org = create_org("Sunrise Care")
    tutor = login_as("tutor", org=org)
    course_id = _course(app, org.id, tutor.id)
    create_user("learner", org=org, email="has.password@care.test")
    client.post(f"/learn/tutor/courses/{course_id}/learners",
                data={"one-name": "Already On", "one-email": "already@care.test"})
    csv = ("name,email,cohort\nAmy A,amy@care.test,May\nBen B,ben@care.test,May\n"
           "Has Password,has.password@care.test,May\nAlready On,already@care.test,May\n")
    response = client.post(f"/learn/tutor/courses/{course_id}/learners/csv", data={
        "csv-file": (io.BytesIO(csv.encode()), "learners.csv"), "csv-invite": "y"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert sorted(m["To"] for m in mailbox.messages) == ["amy@care.test", "ben@care.test"]
    page = client.get(f"/learn/tutor/courses/{course_id}/learners").get_data(as_text=True)
    assert "4 learners enrolled (2 new accounts)." in page
    assert "2 invitations sent by email." in page


def test_enrol_one_with_invitation(app, client, login_as, create_user, create_org, mailbox):
    org = create_org("Sunrise Care")
    tutor = login_as("tutor", org=org)
    course_id = _course(app, org.id, tutor.id)
    response = client.post(f"/learn/tutor/courses/{course_id}/learners",
                           data={"one-name": "Cal C", "one-email": "cal@care.test", "one-invite": "y"})
    assert response.status_code == 302
    assert [m["To"] for m in mailbox.messages] == ["cal@care.test"]
    client.post(f"/learn/tutor/courses/{course_id}/learners", data={"one-name": "Dee D", "one-email": "dee@care.test"})
    assert len(mailbox.messages) == 1
    create_user("learner", org=org, email="eve@care.test")  # has a password already
    response = client.post(f"/learn/tutor/courses/{course_id}/learners",
                           data={"one-name": "Eve E", "one-email": "eve@care.test", "one-invite": "y"},
                           follow_redirects=True)
    assert "No invitation was needed: every learner enrolled now already has a password" in \
        response.get_data(as_text=True)
    assert len(mailbox.messages) == 1

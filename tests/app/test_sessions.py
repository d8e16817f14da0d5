"""Server-side sessions: signing out, a new password and an admin end them; so do the idle and
absolute time limits. Pages then send people to sign in, JSON endpoints answer 401 JSON."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from course import ConfigError, create_app
from course.extensions import db
from course import models
from course.models import User
from tests.api.conftest import token_for
from tests.helpers import login

ENDED = "Your session has ended: sign in again."
ENDED_JSON = {"error": "unauthorized", "code": 401, "message": ENDED, "reason": "session_ended"}


def _copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    return copy


def _signed_in(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def _sent_to_sign_in(client, path="/frameworks/"):
    """The page ``client`` is sent to when it opens ``path``: (Location, text of that page)."""
    response = client.get(path)
    assert response.status_code == 302, response.status_code
    return response.headers["Location"], client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_copied_cookie_stops_working_after_sign_out(app, create_user):
    user = create_user("learner")
    browser = _signed_in(app, user)
    copy = _copy_of(app, browser)
    assert copy.get("/frameworks/").status_code == 200
    assert browser.post("/logout").status_code == 302

    location, page = _sent_to_sign_in(copy)
    assert location == "/login?next=/frameworks/"
    assert ENDED in page
    # Said once: the stale id is forgotten, so the next visit is an ordinary signed-out one.
    location, page = _sent_to_sign_in(copy)
    assert "Please sign in to see that page." in page and ENDED not in page
    with app.app_context():
        assert db.session.scalars(select(models.UserSession)).all() == []


def test_the_home_page_says_the_session_has_ended(app, create_user):
    user = create_user("tutor")
    browser = _signed_in(app, user)
    copy = _copy_of(app, browser)
    browser.post("/logout")
    response = copy.get("/")
    assert response.headers["Location"] == "/login"
    assert ENDED in copy.get("/login").get_data(as_text=True)


def test_json_endpoints_answer_401_json_when_the_session_has_ended(app, create_user):
    learner, tutor = create_user("learner"), create_user("tutor", org="Org A")
    learner_browser, tutor_browser = _signed_in(app, learner), _signed_in(app, tutor)
    learner_copy, tutor_copy = _copy_of(app, learner_browser), _copy_of(app, tutor_browser)
    assert tutor_copy.get("/api/v1/frameworks").status_code == 200
    learner_browser.post("/logout")
    tutor_browser.post("/logout")

    for response in (learner_copy.get("/learn/api/attempts/1"),
                     learner_copy.post("/learn/api/attempts/1/heartbeat", json={"active_seconds": 30}),
                     learner_copy.post("/learn/api/progress/1/state", json={"state": "", "location": None})):
        assert response.status_code == 401
        assert response.json == ENDED_JSON
    api = tutor_copy.get("/api/v1/frameworks")
    assert api.status_code == 401
    assert api.json["message"] == ENDED and api.json["status"] == "Unauthorized"


def test_a_new_password_ends_every_session_of_that_user(app, runner, create_user):
    user, someone_else = create_user("tutor"), create_user("tutor")
    phone, laptop, colleague = _signed_in(app, user), _signed_in(app, user), _signed_in(app, someone_else)
    result = runner.invoke(args=["set-password", user.email, "--password", "a brand new password"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Password set for {user.email}; 2 sessions ended\n"
    for browser in (phone, laptop):
        assert ENDED in _sent_to_sign_in(browser, "/courses/")[1]
    assert colleague.get("/courses/").status_code == 200
    assert login(phone, user.email, "a brand new password").status_code == 302
    assert phone.get("/courses/").status_code == 200


def test_sign_out_everywhere_ends_every_session_but_not_api_tokens(app, runner, create_user):
    user, someone_else = create_user("tutor", org="Org A"), create_user("tutor", org="Org A")
    secret = token_for(app, user)
    one, two, colleague = _signed_in(app, user), _signed_in(app, user), _signed_in(app, someone_else)

    result = runner.invoke(args=["sign-out-everywhere", user.email.upper()])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Signed {user.email} out: 2 sessions ended\n"
    assert ENDED in _sent_to_sign_in(one, "/courses/")[1]
    assert two.get("/api/v1/frameworks").json["message"] == ENDED
    assert colleague.get("/courses/").status_code == 200
    # Bearer tokens are separate credentials: revoked on the API tokens page, not here.
    token_call = app.test_client().get("/api/v1/frameworks", headers={"Authorization": f"Bearer {secret}"})
    assert token_call.status_code == 200
    assert runner.invoke(args=["sign-out-everywhere", user.email]).stdout == f"Signed {user.email} out: 0 sessions ended\n"
    missing = runner.invoke(args=["sign-out-everywhere", "ghost@example.org"])
    assert missing.exit_code == 1 and missing.stderr == "error: no user with email ghost@example.org\n"


def test_a_session_ends_after_the_idle_time(app, create_user, clock):
    app.config["SESSION_IDLE_MINUTES"] = 30
    browser = _signed_in(app, create_user("learner"))
    for _ in range(5):  # active every 29 minutes: still signed in after two hours and more
        clock.move(minutes=29)
        assert browser.get("/frameworks/").status_code == 200
    clock.move(minutes=30)
    assert ENDED in _sent_to_sign_in(browser)[1]


def test_a_session_ends_at_the_absolute_time_however_active(app, create_user, clock):
    app.config["SESSION_MAX_HOURS"] = 2
    browser = _signed_in(app, create_user("learner"))
    for _ in range(23):  # a request every 5 minutes, up to 1 h 55 min
        clock.move(minutes=5)
        assert browser.get("/frameworks/").status_code == 200
    clock.move(minutes=5)
    assert ENDED in _sent_to_sign_in(browser)[1]


def test_last_seen_is_written_at_most_once_a_minute(app, create_user, count_queries, clock):
    browser = _signed_in(app, create_user("learner"))

    def session_updates(statements):
        return [s for s in statements if s.lstrip().upper().startswith("UPDATE USER_SESSION")]

    with count_queries() as queries:
        for _ in range(5):
            clock.move(seconds=11)
            assert browser.get("/frameworks/").status_code == 200
    assert session_updates(queries.statements) == []
    clock.move(seconds=5)  # a minute since sign-in
    with count_queries() as queries:
        for _ in range(3):
            assert browser.get("/frameworks/").status_code == 200
    assert len(session_updates(queries.statements)) == 1
    with app.app_context():
        assert db.session.scalar(select(models.UserSession.last_seen_at)) == clock.now


def test_a_deactivated_user_is_signed_out(app, create_user):
    user = create_user("learner")
    browser = _signed_in(app, user)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert ENDED in _sent_to_sign_in(browser)[1]


def test_the_cookie_names_a_session_not_a_user(app, create_user):
    user = create_user("learner")
    browser = _signed_in(app, user)
    with browser.session_transaction() as session:
        session_id = session["_user_id"]
    assert session_id != str(user.id) and len(session_id) >= 40
    with app.app_context():
        stored = db.session.scalar(select(models.UserSession.token_hash))
        assert stored != session_id and session_id not in stored

    # A cookie that names a user id (forged, or from before server-side sessions) signs no one in.
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert forged.get("/frameworks/").status_code == 302


def test_signing_in_clears_away_expired_sessions(app, create_user, clock):
    user = create_user("learner")
    _signed_in(app, user)
    _signed_in(app, user)
    clock.move(hours=13)
    _signed_in(app, user)
    with app.app_context():
        assert len(db.session.scalars(select(models.UserSession)).all()) == 1


def test_time_limits_come_from_the_environment(monkeypatch):
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"}
    defaults = create_app(config).config
    assert (defaults["SESSION_IDLE_MINUTES"], defaults["SESSION_MAX_HOURS"]) == (60, 12)
    monkeypatch.setenv("CARECOURSE_SESSION_IDLE_MINUTES", "45")
    monkeypatch.setenv("CARECOURSE_SESSION_MAX_HOURS", "8")
    configured = create_app(config).config
    assert (configured["SESSION_IDLE_MINUTES"], configured["SESSION_MAX_HOURS"]) == (45, 8)
    for bad in ("half an hour", "0", "-5"):
        monkeypatch.setenv("CARECOURSE_SESSION_IDLE_MINUTES", bad)
        with pytest.raises(ConfigError) as info:
            create_app(config)
        assert str(info.value) == f"CARECOURSE_SESSION_IDLE_MINUTES must be a whole number of at least 1, not {bad!r}"

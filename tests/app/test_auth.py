"""Sign-in, sign-out, the role decorator, CSRF and the failed sign-in throttle."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Blueprint, jsonify
from sqlalchemy import select

from course import create_app
from course.auth import public, roles_required, throttle
from course.dbtypes import utcnow
from course.extensions import db
from course.models import LoginThrottle, User
from tests.helpers import DEFAULT_PASSWORD, login

WRONG = "The email address or password is not right."
LOCKED = "Too many failed sign-in attempts."


def test_sign_in_and_out(client, create_user):
    user = create_user("tutor", name="Tess Tutor")
    response = login(client, user.email.upper())  # emails are matched in any case
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/frameworks/")
    assert page.status_code == 200
    assert "Signed in as Tess Tutor." in page.get_data(as_text=True)
    assert "Tess Tutor" in page.get_data(as_text=True)

    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/frameworks/").status_code == 302


def test_logout_needs_post(client, login_as):
    login_as("learner")
    assert client.get("/logout").status_code == 405
    assert client.get("/frameworks/").status_code == 200


@pytest.mark.parametrize("email,password", [
    ("tutor1@example.test", "wrong password"),
    ("nobody@example.test", DEFAULT_PASSWORD),
])
def test_wrong_credentials_same_message(client, create_user, email, password):
    create_user("tutor")
    response = login(client, email, password)
    assert response.status_code == 401
    assert WRONG in response.get_data(as_text=True)
    assert client.get("/frameworks/").status_code == 302


def test_inactive_user_cannot_sign_in(client, create_user):
    user = create_user("learner", active=False)
    response = login(client, user.email)
    assert response.status_code == 401
    assert WRONG in response.get_data(as_text=True)


def test_empty_form_shows_field_errors_tied_to_inputs(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<p class="error-message" id="email-error">' in html
    assert "Enter your email address." in html
    assert re.search(r'<input[^>]*aria-describedby="email-error"[^>]*aria-invalid="true"', html)
    assert re.search(r'<input[^>]*aria-describedby="password-error"', html)


def test_next_is_followed_when_local(client, create_user):
    user = create_user("tutor")
    first = client.get("/frameworks/")
    assert first.headers["Location"] == "/login?next=/frameworks/"
    page = client.get(first.headers["Location"])
    assert "Please sign in to see that page." in page.get_data(as_text=True)
    response = client.post("/login?next=/frameworks/", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/frameworks/"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_next_never_leaves_the_site(client, create_user, target):
    user = create_user("tutor")
    response = client.post("/login", query_string={"next": target},
                           data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_signed_in_user_visiting_login_is_sent_on(client, login_as):
    login_as("admin")
    response = client.get("/login")
    assert response.status_code == 302


def test_password_is_hashed(app, create_user):
    user = create_user("learner", password="s3cret-words")
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert "s3cret-words" not in stored.password_hash
        assert stored.check_password("s3cret-words")
        assert not stored.check_password("s3cret-Words")


# ---- the role decorator itself, on a throwaway blueprint -------------------------------------

@pytest.fixture
def guarded_app(tmp_path):
    from tests.helpers import make_app

    bp = Blueprint("guarded", __name__)

    @bp.get("/admin-only")
    @roles_required("admin")
    def admin_only():
        return "admin page"

    @bp.get("/api/v1/tutors")
    @roles_required("admin", "tutor")
    def api_tutors():
        return jsonify(ok=True)

    @bp.get("/open")
    @public
    def open_page():
        return "open"

    app = make_app(tmp_path)
    app.register_blueprint(bp)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_roles_required_pages(guarded_app, create_user):
    client = guarded_app.test_client()
    assert client.get("/open").get_data(as_text=True) == "open"
    assert client.get("/admin-only").status_code == 302
    with guarded_app.app_context():
        for role, status in (("learner", 403), ("tutor", 403), ("admin", 200)):
            user = User(email=f"{role}@x.test", name=role, role=role)
            user.set_password("pw")
            db.session.add(user)
        db.session.commit()
    for role, status in (("learner", 403), ("tutor", 403), ("admin", 200)):
        c = guarded_app.test_client()
        login(c, f"{role}@x.test", "pw")
        response = c.get("/admin-only")
        assert response.status_code == status, role
    forbidden = guarded_app.test_client()
    login(forbidden, "learner@x.test", "pw")
    assert "does not have access" in forbidden.get("/admin-only").get_data(as_text=True)


def test_roles_required_api_answers_json(guarded_app):
    client = guarded_app.test_client()
    response = client.get("/api/v1/tutors")
    assert response.status_code == 401
    assert response.json == {"error": "unauthorized", "code": 401, "message": "Sign in to use this API."}
    with guarded_app.app_context():
        user = User(email="l@x.test", name="L", role="learner")
        user.set_password("pw")
        db.session.add(user)
        db.session.commit()
    login(client, "l@x.test", "pw")
    response = client.get("/api/v1/tutors")
    assert response.status_code == 403
    assert response.is_json and response.json["error"] == "forbidden"


def test_roles_required_refuses_unknown_role():
    with pytest.raises(ValueError, match="unknown role"):
        roles_required("superuser")


def test_roles_are_recorded_on_the_view():
    @roles_required("tutor")
    def view():
        return ""

    assert view.required_roles == frozenset({"tutor"})
    assert roles_required()(view).required_roles == frozenset({"admin", "tutor", "learner"})


# ---- CSRF -------------------------------------------------------------------------------------

def _token(html: str) -> str:
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1)


def test_csrf_enforced_on_login(csrf_app):
    with csrf_app.app_context():
        user = User(email="t@x.test", name="T", role="tutor")
        user.set_password("pw")
        db.session.add(user)
        db.session.commit()
    client = csrf_app.test_client()
    response = client.post("/login", data={"email": "t@x.test", "password": "pw"})
    assert response.status_code == 400
    assert "The form had expired or was sent from elsewhere." in response.get_data(as_text=True)
    assert client.get("/frameworks/").status_code == 302

    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "t@x.test", "password": "pw", "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/frameworks/").status_code == 200

    # Signing out is a form too.
    assert client.post("/logout").status_code == 400
    page = client.get("/frameworks/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": _token(page)}).status_code == 302
    assert client.get("/frameworks/").status_code == 302


# ---- throttle ---------------------------------------------------------------------------------

def _fail(client, email, ip="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": "nope"},
                       environ_base={"REMOTE_ADDR": ip})


def test_five_failures_lock_the_email_for_fifteen_minutes(client, create_user, monkeypatch):
    user = create_user("tutor")
    for attempt in range(4):
        assert _fail(client, user.email).status_code == 401, attempt
    locked = _fail(client, user.email)
    assert locked.status_code == 429
    assert locked.headers["Retry-After"] == "900"
    assert LOCKED in locked.get_data(as_text=True)
    assert "try again in 15 minutes. An administrator can lift the lock sooner." in locked.get_data(as_text=True)

    # The right password does not get through while locked, from another address either.
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 429
    assert client.get("/frameworks/").status_code == 302

    later = utcnow() + dt.timedelta(minutes=14)
    monkeypatch.setattr(throttle, "utcnow", lambda: later)
    monkeypatch.setattr("course.auth.views.utcnow", lambda: later)
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "try again in 1 minute." in response.get_data(as_text=True)
    assert 55 <= int(response.headers["Retry-After"]) <= 60

    later = utcnow() + dt.timedelta(minutes=15, seconds=1)
    monkeypatch.setattr(throttle, "utcnow", lambda: later)
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_failures_outside_the_window_do_not_add_up(client, create_user, monkeypatch):
    user = create_user("tutor")
    start = utcnow()
    for minute in (0, 4, 8, 12, 16, 20):  # never five within 15 minutes
        moment = start + dt.timedelta(minutes=minute)
        monkeypatch.setattr(throttle, "utcnow", lambda moment=moment: moment)
        assert _fail(client, user.email).status_code == 401, minute


def test_success_clears_the_email_count(app, client, create_user):
    user = create_user("tutor")
    for _ in range(4):
        _fail(client, user.email)
    with app.app_context():
        assert db.session.get(User, user.id).failed_logins == 4
    assert login(client, user.email).status_code == 302
    client.post("/logout")
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.failed_logins == 0
        assert stored.last_login_at is not None
    for _ in range(4):
        assert _fail(client, user.email).status_code == 401


def test_one_address_trying_many_emails_is_locked(client, create_user):
    user = create_user("learner")
    for n in range(19):
        assert _fail(client, f"guess{n}@example.test", ip="10.0.0.7").status_code == 401
    assert _fail(client, "guess-last@example.test", ip="10.0.0.7").status_code == 429
    blocked = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert blocked.status_code == 429
    elsewhere = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD},
                            environ_base={"REMOTE_ADDR": "10.0.0.8"})
    assert elsewhere.status_code == 302


def test_throttle_is_shared_between_app_processes(app, create_user):
    """Two app instances on one database (two gunicorn workers) see the same lock."""
    user = create_user("tutor")
    worker_a = app.test_client()
    for _ in range(5):
        _fail(worker_a, user.email)
    other = create_app(dict(app.config))
    worker_b = other.test_client()
    response = worker_b.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD},
                             environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert response.status_code == 429
    with other.app_context():
        keys = set(db.session.scalars(select(LoginThrottle.key)))
        assert f"email:{user.email}" in keys
        db.engine.dispose()


def test_old_throttle_rows_are_pruned(app, client, monkeypatch):
    start = utcnow()
    for n in range(3):
        _fail(client, f"someone{n}@example.test", ip=f"10.2.0.{n}")
    with app.app_context():
        assert LoginThrottle.count() == 6
    later = start + dt.timedelta(minutes=16)
    monkeypatch.setattr(throttle, "utcnow", lambda: later)
    _fail(client, "fresh@example.test", ip="10.3.0.1")
    with app.app_context():
        assert set(db.session.scalars(select(LoginThrottle.key))) == {"email:fresh@example.test", "ip:10.3.0.1"}


def test_behind_a_proxy_the_forwarded_address_is_throttled(tmp_path):
    from tests.helpers import make_app

    app = make_app(tmp_path, PROXY_FIX_X_FOR=1, LOGIN_MAX_FAILURES_PER_IP=3)
    client = app.test_client()
    with app.app_context():
        user = User(email="p@x.test", name="P", role="tutor")
        user.set_password("pw-for-proxy")
        db.session.add(user)
        db.session.commit()
    behind = {"HTTP_X_FORWARDED_FOR": "203.0.113.5", "REMOTE_ADDR": "10.0.0.2"}
    for n in range(3):
        client.post("/login", data={"email": f"g{n}@x.test", "password": "no"}, environ_base=behind)
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.7", "REMOTE_ADDR": "10.0.0.2"}
    assert client.post("/login", data={"email": "p@x.test", "password": "pw-for-proxy"},
                       environ_base=behind).status_code == 429
    assert client.post("/login", data={"email": "p@x.test", "password": "pw-for-proxy"},
                       environ_base=other).status_code == 302
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("role", "start"), [("learner", "/learn/"), ("tutor", "/courses/"), ("admin", "/courses/")]
)
def test_home_sends_each_role_to_its_work(client, login_as, role, start):
    login_as(role)
    assert client.get("/").headers["Location"] == start

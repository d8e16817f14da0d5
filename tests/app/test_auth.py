"""Sign-in, sign-out, the role decorator, CSRF and the sign-in delays."""
from __future__ import annotations

import re

import pytest
from flask import Blueprint, jsonify
from sqlalchemy import select

from course import create_app
from course.auth import public, roles_required
from course.extensions import db
from course.models import LoginThrottle, User
from tests.helpers import DEFAULT_PASSWORD, login

WRONG = "The email address or password is not right."


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
    assert roles_required()(view).required_roles == frozenset({"admin", "tutor", "assessor", "iqa", "learner"})


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


# ---- sign-in delays (course/auth/throttle.py) --------------------------------------------------

CARE_HOME = "203.0.113.5"  # one public address shared by a care home's staff


def _fail(client, email, ip="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": "nope"},
                       environ_base={"REMOTE_ADDR": ip})


def _sign_in(client, email, ip="10.0.0.1", password=DEFAULT_PASSWORD):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def _wait(words):
    return f"Too many failed sign-in attempts: wait {words}, then try again. An administrator can lift the wait sooner."


def _trusted_browser(app, user, ip):
    """A browser where ``user`` has signed in before (it holds the trusted-device cookie)."""
    browser = app.test_client()
    assert _sign_in(browser, user.email, ip).status_code == 302
    assert browser.post("/logout").status_code == 302
    return browser


@pytest.mark.parametrize("known", [True, False], ids=["known account", "unknown email"])
def test_the_fifth_failure_makes_the_account_wait_at_that_address(app, create_user, clock, known):
    user = create_user("tutor")
    email = user.email if known else "nobody@example.test"
    client = app.test_client()
    for attempt in range(4):
        response = _fail(client, email)
        assert response.status_code == 401, attempt
        assert "Retry-After" not in response.headers
        assert WRONG in response.get_data(as_text=True)
    fifth = _fail(client, email)
    assert fifth.status_code == 429
    assert fifth.headers["Retry-After"] == "5"
    assert WRONG in fifth.get_data(as_text=True) and _wait("5 seconds") in fifth.get_data(as_text=True)

    # While it waits even the right password is refused unchecked (and the refusal does not count).
    clock.move(seconds=4)
    waiting = _sign_in(client, email)
    assert waiting.status_code == 429
    assert waiting.headers["Retry-After"] == "1"
    assert _wait("1 second") in waiting.get_data(as_text=True)
    assert WRONG not in waiting.get_data(as_text=True)
    clock.move(seconds=1)
    after = _sign_in(client, email)
    if known:
        assert after.status_code == 302
    else:  # the sixth failure: twice the wait
        assert after.status_code == 429 and after.headers["Retry-After"] == "10"


@pytest.mark.parametrize("known", [True, False], ids=["known account", "unknown email"])
def test_each_further_failure_doubles_the_wait_up_to_five_minutes(app, create_user, clock, known):
    user = create_user("tutor")
    email = user.email if known else "nobody@example.test"
    client = app.test_client()
    for _ in range(4):
        _fail(client, email)
    for seconds, words in ((5, "5 seconds"), (10, "10 seconds"), (20, "20 seconds"), (40, "40 seconds"),
                           (80, "2 minutes"), (160, "3 minutes"), (300, "5 minutes"), (300, "5 minutes")):
        response = _fail(client, email)
        assert response.status_code == 429, seconds
        assert response.headers["Retry-After"] == str(seconds)
        assert _wait(words) in response.get_data(as_text=True)
        clock.move(seconds=seconds)
    assert _sign_in(client, email).status_code == (302 if known else 429)


def test_a_quiet_quarter_of_an_hour_forgets_the_failures(client, create_user, clock):
    user = create_user("tutor")
    for _ in range(4):
        assert _fail(client, user.email).status_code == 401
        clock.move(minutes=14)  # failures 14 minutes apart still add up...
    assert _fail(client, user.email).status_code == 429
    clock.move(minutes=15)  # ...but after 15 quiet minutes the count starts again
    for _ in range(4):
        assert _fail(client, user.email).status_code == 401
    assert _fail(client, user.email).status_code == 429


def test_success_clears_the_count_of_that_browser(app, client, create_user):
    user = create_user("tutor")
    for _ in range(4):
        _fail(client, user.email)
    with app.app_context():
        assert db.session.get(User, user.id).failed_logins == 4
    assert _sign_in(client, user.email).status_code == 302
    client.post("/logout")
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.failed_logins == 0
        assert stored.last_login_at is not None
    for _ in range(4):
        assert _fail(client, user.email).status_code == 401


def test_a_colleague_behind_the_same_address_is_not_slowed_while_another_account_is_hammered(app, create_user, clock):
    target = create_user("learner")
    colleague = create_user("learner")
    her_own_browser = _trusted_browser(app, target, CARE_HOME)
    attacker = app.test_client()
    for _ in range(40):  # each try as soon as it is allowed: 40 counted failures
        response = _fail(attacker, target.email, ip=CARE_HOME)
        assert response.status_code in (401, 429)
        clock.move(seconds=int(response.headers.get("Retry-After", 0)))
    assert _fail(attacker, target.email, ip=CARE_HOME).headers["Retry-After"] == "300"

    assert _sign_in(app.test_client(), colleague.email, ip=CARE_HOME).status_code == 302
    # The hammered account itself: a new browser at that address waits; her own browser does not.
    assert _sign_in(app.test_client(), target.email, ip=CARE_HOME).status_code == 429
    assert _sign_in(her_own_browser, target.email, ip=CARE_HOME).status_code == 302


def test_one_address_trying_many_accounts_waits_at_most_a_minute(app, create_user, clock):
    user = create_user("learner")
    regular = _trusted_browser(app, user, CARE_HOME)
    sprayer = app.test_client()
    for n in range(29):
        assert _fail(sprayer, f"guess{n}@example.test", ip=CARE_HOME).status_code == 401, n
    thirtieth = _fail(sprayer, "guess-last@example.test", ip=CARE_HOME)
    assert thirtieth.status_code == 429 and thirtieth.headers["Retry-After"] == "5"

    new_browser = _sign_in(app.test_client(), user.email, ip=CARE_HOME)
    assert new_browser.status_code == 429
    assert _wait("5 seconds") in new_browser.get_data(as_text=True)
    assert _sign_in(app.test_client(), user.email, ip="198.51.100.7").status_code == 302
    assert _sign_in(regular, user.email, ip=CARE_HOME).status_code == 302  # a browser she used before
    regular.post("/logout")

    waits = []
    for n in range(6):  # each new account doubles the wait, to a minute at most
        clock.move(seconds=int(_fail(sprayer, "again@example.test", ip=CARE_HOME).headers["Retry-After"]))
        response = _fail(sprayer, f"more{n}@example.test", ip=CARE_HOME)
        waits.append(response.headers["Retry-After"])
    assert waits == ["10", "20", "40", "60", "60", "60"]


def test_many_addresses_trying_one_account_wait_at_most_a_minute(app, create_user, clock):
    user = create_user("tutor")
    own_browser = _trusted_browser(app, user, "192.0.2.1")
    botnet = app.test_client()
    for n in range(19):
        assert _fail(botnet, user.email, ip=f"10.4.0.{n}").status_code == 401, n
    twentieth = _fail(botnet, user.email, ip="10.4.1.1")
    assert twentieth.status_code == 429 and twentieth.headers["Retry-After"] == "5"
    assert _sign_in(app.test_client(), user.email, ip="10.9.9.9").status_code == 429  # a new browser
    assert _sign_in(own_browser, user.email, ip="10.9.9.9").status_code == 302  # hers, anywhere
    own_browser.post("/logout")
    waits = []
    for n in range(6):
        clock.move(seconds=60)
        waits.append(_fail(botnet, user.email, ip=f"10.5.0.{n}").headers["Retry-After"])
    assert waits == ["10", "20", "40", "60", "60", "60"]


def test_a_trusted_browser_is_trusted_only_for_its_account_and_cannot_be_forged(app, create_user):
    ada = create_user("learner")
    bea = create_user("learner")
    browser = _trusted_browser(app, ada, CARE_HOME)
    sprayer = app.test_client()
    for n in range(30):
        _fail(sprayer, f"guess{n}@example.test", ip=CARE_HOME)
    assert _sign_in(browser, bea.email, ip=CARE_HOME).status_code == 429
    forged = app.test_client()
    forged.set_cookie("carecourse_device", browser.get_cookie("carecourse_device").value[:-2] + "xx")
    assert _sign_in(forged, ada.email, ip=CARE_HOME).status_code == 429
    assert _sign_in(browser, ada.email, ip=CARE_HOME).status_code == 302


def test_the_device_cookie_is_http_only_and_signed(client, create_user):
    user = create_user("learner")
    response = _sign_in(client, user.email)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("carecourse_device="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Max-Age=15552000" in header
    assert user.email not in header and "password" not in header


def test_delays_are_shared_between_app_processes(app, create_user):
    """Two app instances on one database (two gunicorn workers) see the same wait."""
    user = create_user("tutor")
    worker_a = app.test_client()
    for _ in range(5):
        _fail(worker_a, user.email)
    other = create_app(dict(app.config))
    worker_b = other.test_client()
    response = _sign_in(worker_b, user.email)
    assert response.status_code == 429
    with other.app_context():
        keys = set(db.session.scalars(select(LoginThrottle.key)))
        assert f"pair:10.0.0.1 {user.email}" in keys
        db.engine.dispose()


def test_quiet_throttle_rows_are_pruned(app, client, clock):
    for n in range(3):
        _fail(client, f"someone{n}@example.test", ip=f"10.2.0.{n}")
    with app.app_context():
        assert LoginThrottle.count() == 9  # pair, account and address for each
    clock.move(minutes=16)
    _fail(client, "fresh@example.test", ip="10.3.0.1")
    with app.app_context():
        assert set(db.session.scalars(select(LoginThrottle.key))) == {
            "pair:10.3.0.1 fresh@example.test", "account:fresh@example.test", "address:10.3.0.1"}


def test_behind_a_proxy_the_forwarded_address_is_counted(tmp_path):
    from tests.helpers import make_app

    app = make_app(tmp_path, PROXY_FIX_X_FOR=1, LOGIN_ADDRESS_ACCOUNTS=3)
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


def test_an_admin_lists_and_lifts_delays(app, runner, create_user, clock):
    user = create_user("learner", email="ada@example.org")
    client = app.test_client()
    assert runner.invoke(args=["sign-in-delays"]).stdout == "No sign-in delays.\n"
    for _ in range(5):
        _fail(client, user.email, ip=CARE_HOME)
    for n in range(30):
        _fail(client, f"guess{n}@example.test", ip="198.51.100.7")
    clock.move(seconds=2)
    listing = runner.invoke(args=["sign-in-delays"])
    assert listing.exit_code == 0
    assert listing.stdout.splitlines() == [
        "  wait  failures  what                              who",
        "    3s        30  accounts from address             198.51.100.7",
        "    3s         5  account from address              ada@example.org from 203.0.113.5",
    ]

    lifted = runner.invoke(args=["unlock-user", "ADA@example.org"])
    assert lifted.stdout == "Lifted the sign-in delays on ada@example.org\n"
    assert _sign_in(app.test_client(), user.email, ip=CARE_HOME).status_code == 302
    assert runner.invoke(args=["unlock-user", user.email]).stdout == "ada@example.org had no sign-in delay\n"

    assert _sign_in(app.test_client(), user.email, ip="198.51.100.7").status_code == 429
    lifted = runner.invoke(args=["unlock-address", "198.51.100.7"])
    assert lifted.stdout == "Lifted the sign-in delays on 198.51.100.7\n"
    assert _sign_in(app.test_client(), user.email, ip="198.51.100.7").status_code == 302
    assert runner.invoke(args=["sign-in-delays"]).stdout == "No sign-in delays.\n"


@pytest.mark.parametrize(
    ("role", "start"), [("learner", "/learn/"), ("tutor", "/courses/"), ("admin", "/courses/"),
                        ("assessor", "/evidence/queue"), ("iqa", "/iqa/")]
)
def test_home_sends_each_role_to_its_work(client, login_as, role, start):
    login_as(role)
    assert client.get("/").headers["Location"] == start

"""App-wide behaviour: configuration, SQLite pragmas, error pages, navigation, headers."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import Blueprint, render_template_string
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import text

from course import ConfigError, _database_uri, create_app
from course.auth import public, roles_required
from course.core.nav import _ITEMS, nav_item
from course.dbtypes import UTC, utcnow
from course.extensions import db
from course.models import Organisation, User
from tests.helpers import make_app


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "x"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/carecourse.sqlite3"


@pytest.mark.parametrize("given,used", [
    ("postgres://u:p@db/cc", "postgresql+psycopg://u:p@db/cc"),
    ("postgresql://u@db/cc", "postgresql+psycopg://u@db/cc"),
    ("postgresql+psycopg://u@db/cc", "postgresql+psycopg://u@db/cc"),
    ("sqlite:////srv/cc.sqlite3", "sqlite:////srv/cc.sqlite3"),
])
def test_database_url_from_environment(monkeypatch, given, used):
    monkeypatch.setenv("DATABASE_URL", given)
    assert create_app({"SECRET_KEY": "x"}).config["SQLALCHEMY_DATABASE_URI"] == used
    assert _database_uri(given) == used


@pytest.mark.parametrize("variable", ["FLASK_ENV", "CARECOURSE_ENV"])
def test_production_refuses_the_dev_secret(monkeypatch, variable):
    monkeypatch.setenv(variable, "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "a-long-random-value-from-the-environment")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'w.sqlite3'}"})
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_times_are_stored_utc_and_read_back_aware(app, create_user):
    user = create_user("learner")
    moment = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    with app.app_context():
        stored = db.session.get(User, user.id)
        stored.last_login_at = moment
        db.session.commit()
        db.session.expire_all()
        again = db.session.get(User, user.id)
        assert again.last_login_at == moment
        assert again.last_login_at.tzinfo == UTC
        assert again.created_at <= utcnow()
        again.last_login_at = dt.datetime(2026, 1, 1)  # naive: refused
        with pytest.raises(Exception, match="naive datetime"):
            db.session.flush()
        db.session.rollback()


def test_emails_are_stored_lower_case_and_unique(app):
    with app.app_context():
        db.session.add(User(email=" Mixed@Example.ORG ", name="M", role="tutor"))
        db.session.commit()
        assert User.by_email("mixed@example.org").email == "mixed@example.org"
        db.session.add(User(email="MIXED@example.org", name="N", role="tutor"))
        with pytest.raises(Exception):
            db.session.commit()
        db.session.rollback()


def test_role_must_be_known(app):
    with app.app_context():
        db.session.add(User(email="x@example.org", name="X", role="superuser"))
        with pytest.raises(Exception):
            db.session.commit()
        db.session.rollback()


def test_organisation_has_users(app, create_org, create_user):
    org = create_org("Acme Care")
    create_user("tutor", org=org)
    create_user("learner", org="Acme Care")
    with app.app_context():
        stored = db.session.get(Organisation, org.id)
        assert sorted(u.role for u in stored.users) == ["learner", "tutor"]


def test_pages_are_landmarked_and_send_safety_headers(client, login_as):
    login_as("tutor")
    response = client.get("/frameworks/")
    html = response.get_data(as_text=True)
    assert '<html lang="en-GB">' in html
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    for landmark in ("<header", '<nav aria-label="Main">', '<main id="main"', "<footer"):
        assert landmark in html
    assert '<div class="flashes" role="status" aria-live="polite">' in html
    assert '<meta name="csrf-token" content="' in html
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"  # never framed (CSP frame-ancestors 'none')


def test_not_found_page_and_json(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "<h1>Page not found</h1>" in page.get_data(as_text=True)
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    # The JSON API's documented error body (its OpenAPI document's Error schema).
    assert api.json == {"error": "not_found", "code": 404, "status": "Not Found", "errors": {},
                        "message": "There is no API endpoint at this address; /api/v1/openapi.json lists them."}
    other = client.get("/api/no-such-thing")
    assert other.status_code == 404
    assert other.json == {"error": "not_found", "code": 404, "message": "There is no page at this address."}


@pytest.fixture
def extra_app(tmp_path):
    """The app with a throwaway area: a nav link for tutors and a view raising ValidationError."""
    bp = Blueprint("extra", __name__)
    nav_item("Courses", "extra.courses", roles=("admin", "tutor"), order=20)

    class Thing(Schema):
        title = fields.String(required=True)

    @bp.get("/courses/")
    @roles_required("admin", "tutor")
    def courses():
        return render_template_string('{% extends "base.html" %}{% block content %}<h1>Courses</h1>{% endblock %}')

    @bp.post("/api/v1/things")
    @public
    def things():
        Thing().load({})

    @bp.post("/things")
    @public
    def things_form():
        raise ValidationError({"title": ["Missing data for required field."], "_schema": ["Bad."]})

    app = make_app(tmp_path)
    app.register_blueprint(bp)
    yield app
    _ITEMS.pop("extra.courses")
    with app.app_context():
        db.engine.dispose()


def test_nav_shows_links_for_the_role(extra_app):
    with extra_app.app_context():
        for role in ("tutor", "learner"):
            user = User(email=f"{role}@x.test", name=role, role=role)
            user.set_password("pw")
            db.session.add(user)
        db.session.commit()
    tutor, learner = extra_app.test_client(), extra_app.test_client()
    tutor.post("/login", data={"email": "tutor@x.test", "password": "pw"})
    learner.post("/login", data={"email": "learner@x.test", "password": "pw"})
    tutor_html = tutor.get("/courses/").get_data(as_text=True)
    assert '<li><a href="/frameworks/">Frameworks</a></li>' in tutor_html
    assert '<li><a href="/courses/" aria-current="page">Courses</a></li>' in tutor_html
    learner_html = learner.get("/frameworks/").get_data(as_text=True)
    assert '<li><a href="/frameworks/" aria-current="page">Frameworks</a></li>' in learner_html
    assert "/courses/" not in learner_html
    assert tutor_html.index('href="/frameworks/"') < tutor_html.index('href="/courses/"')  # by order


def test_validation_errors_become_422(extra_app):
    client = extra_app.test_client()
    response = client.post("/api/v1/things", json={})
    assert response.status_code == 422
    assert response.json["error"] == "unprocessable_entity"
    assert response.json["errors"] == {"title": ["Missing data for required field."]}
    page = client.post("/things")
    assert page.status_code == 422
    assert "title: Missing data for required field.; Bad." in page.get_data(as_text=True)


def test_form_macros_tie_hints_and_errors(app):
    from flask import render_template_string
    from flask_wtf import FlaskForm
    from wtforms import RadioField, SelectChoice, StringField
    from wtforms.validators import DataRequired

    class Form(FlaskForm):
        title = StringField("Title", validators=[DataRequired("Enter a title.")])
        level = RadioField("Level", choices=[SelectChoice("easy", "Easy"), SelectChoice("hard", "Hard")],
                           validators=[DataRequired("Choose a level.")])

    template = ('{% from "_forms.html" import field, choices %}'
                '{{ field(form.title, hint="A short name") }}{{ choices(form.level, hint="Pick one") }}')
    with app.test_request_context(method="POST", data={}):
        form = Form()
        assert not form.validate()
        html = render_template_string(template, form=form)
    assert '<label for="title">Title</label>' in html
    assert 'aria-describedby="title-hint title-error"' in html and 'aria-invalid="true"' in html
    assert '<p class="error-message" id="title-error"><span class="visually-hidden">Error: </span>Enter a title.</p>' in html
    assert '<fieldset class="field choices field-error" id="level" aria-describedby="level-hint level-error">' in html
    assert "<legend>Level</legend>" in html
    assert '<label for="level-1">Hard</label>' in html


def test_oversized_request_gets_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "x" * 2048, "password": "y"})
    assert response.status_code == 413
    assert "The upload is too large." in response.get_data(as_text=True)

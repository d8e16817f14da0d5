"""Lost updates refused: two tutors open the same edit form, one saves, the other's save is a 409.

Each edit form (course settings, module, page, quiz settings) carries the version it was loaded
from (``common.version_token``: the row's updated_at); a save from an older version changes
nothing, keeps what the tutor typed and links to the latest version.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from course.authoring import common, quizzes, service
from course.authoring.models import Course, Module, Page, Quiz
from course.extensions import db
from course.models import Organisation
from tests.helpers import login

TOKEN_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


@pytest.fixture
def org_id(app, create_framework):
    """Organisation "Ours": course c1 (TESTFW) with module m1 (page p1, a quiz) and module m2 (no quiz)."""
    create_framework("TESTFW")
    with app.app_context():
        org = Organisation(name="Ours")
        db.session.add(org)
        db.session.flush()
        course = service.create_course(organisation=org, user=None, title="Course one", slug="c1",
                                       frameworks=["TESTFW"])
        module = service.add_module(course, title="Module one", slug="m1", outcomes=["TESTFW/K.1"])
        service.add_page(module, title="Page one", slug="p1", body="First body")
        quizzes.set_quiz(module, title="Quiz one")
        service.add_module(course, title="Module two", slug="m2")
        db.session.commit()
        return org.id


@pytest.fixture
def tutors(app, org_id, create_user):
    """Two tutors of the organisation, each signed in on their own client."""
    clients = []
    for _ in range(2):
        user = create_user("tutor", org_id)
        client = app.test_client()
        assert login(client, user.email).status_code == 302
        clients.append(client)
    return clients


@dataclass
class Kind:
    name: str
    url: str
    fields: Any  # text -> the form data a tutor saves, with ``text`` typed in the edited field
    stored: Any  # () -> the edited field's stored value (inside an app context)
    row: Any  # () -> the row whose version the form carries
    typed: Any  # (text) -> how the typed text appears in the re-rendered form's HTML


def _course() -> Course:
    return db.session.scalar(select(Course).where(Course.slug == "c1"))


def _module() -> Module:
    return db.session.scalar(select(Module).where(Module.slug == "m1"))


def _page() -> Page:
    return db.session.scalar(select(Page).where(Page.slug == "p1"))


def _quiz() -> Quiz | None:
    return _module().quiz


def _input(name: str, text: str) -> str:
    return f'id="{name}" maxlength="300" name="{name}" required type="text" value="{html.escape(text)}"'


KINDS = [
    Kind(
        "course", "/courses/c1/settings",
        lambda text: {"title": "Course one", "slug": "c1", "description": text, "language": "en-GB"},
        lambda: _course().description, _course,
        lambda text: f">\r\n{html.escape(text)}</textarea>",
    ),
    Kind(
        "module", "/courses/c1/modules/m1/",
        lambda text: {"title": text, "slug": "m1", "outcomes": ["TESTFW/K.1"], "target_minutes": "45"},
        lambda: _module().title, _module, lambda text: _input("title", text),
    ),
    Kind(
        "page", "/courses/c1/modules/m1/pages/p1",
        lambda text: {"title": "Page one", "slug": "p1", "body": text, "action": "save"},
        lambda: _page().body, _page, lambda text: f">\r\n{html.escape(text)}</textarea>",
    ),
    Kind(
        "quiz", "/courses/c1/modules/m1/quiz",
        lambda text: {"title": text, "pass_mark": "70", "attempts": "2", "grading": "last",
                      "feedback": "immediate"},
        lambda: _quiz().title, _quiz, lambda text: _input("title", text),
    ),
]


def version_in(page: str) -> str:
    """The version token in the edit form's hidden field."""
    found = re.findall(r'<input id="base_version" name="base_version" type="hidden" value="([^"]*)">', page)
    assert len(found) == 1
    return found[0]


def loaded_version(response) -> str:
    """The version token of an edit form shown with 200."""
    assert response.status_code == 200, response.get_data(as_text=True)
    return version_in(response.get_data(as_text=True))


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_a_save_from_an_older_version_is_refused_with_409(app, tutors, kind):
    first, second = tutors
    with app.app_context():
        original = common.version_token(kind.row())
        before = kind.stored()
    assert TOKEN_RE.match(original)

    # Both tutors open the form; it carries the row's version.
    first_version = loaded_version(first.get(kind.url))
    assert first_version == original
    second_version = loaded_version(second.get(kind.url))
    assert second_version == original

    # The second tutor saves first.
    saved = second.post(kind.url, data={**kind.fields("Saved by the second tutor"),
                                        "base_version": second_version})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with app.app_context():
        assert kind.stored() == "Saved by the second tutor" != before
        newer = common.version_token(kind.row())
    assert newer != original

    # The first tutor's save, from the version they loaded, is refused and changes nothing.
    typed = "Typed by the first tutor <b>& kept</b>"
    refused = first.post(kind.url, data={**kind.fields(typed), "base_version": first_version})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', page, re.S)
    assert summary is not None
    message = f"Someone else saved this {kind.name} after you opened it, so your changes have not been saved."
    assert message in summary.group(1)
    assert f'<a href="{kind.url}">reload the latest version</a>' in summary.group(1)
    assert kind.typed(typed) in page  # what they typed is still in the form
    assert version_in(page) == first_version  # still the version they edited
    with app.app_context():
        assert kind.stored() == "Saved by the second tutor"
        assert common.version_token(kind.row()) == newer

    # Saving again from the same stale form is refused again (never a silent overwrite).
    assert first.post(kind.url, data={**kind.fields(typed), "base_version": first_version}).status_code == 409

    # A fresh load carries the new version, and saves.
    fresh = loaded_version(first.get(kind.url))
    assert fresh == newer
    again = first.post(kind.url, data={**kind.fields("Typed by the first tutor"), "base_version": fresh})
    assert again.status_code == 302, again.get_data(as_text=True)
    with app.app_context():
        assert kind.stored() == "Typed by the first tutor"
        assert common.version_token(kind.row()) not in (original, newer)


def test_a_quiz_created_meanwhile_is_a_conflict(app, tutors):
    first, second = tutors
    url = "/courses/c1/modules/m2/quiz"
    assert loaded_version(first.get(url)) == ""  # no quiz yet
    form = {"title": "Quiz", "pass_mark": "80", "attempts": "0", "grading": "highest", "feedback": "immediate"}
    assert second.post(url, data={**form, "title": "Second's quiz", "base_version": ""}).status_code == 302
    refused = first.post(url, data={**form, "title": "First's quiz", "base_version": ""})
    assert refused.status_code == 409
    assert "Someone else saved this quiz after you opened it" in refused.get_data(as_text=True)
    with app.app_context():
        module = db.session.scalar(select(Module).where(Module.slug == "m2"))
        assert module.quiz.title == "Second's quiz"


def test_a_preview_keeps_the_loaded_version(app, tutors):
    first, second = tutors
    url = "/courses/c1/modules/m1/pages/p1"
    version = loaded_version(first.get(url))
    assert second.post(url, data={"title": "Page one", "slug": "p1", "body": "Second", "action": "save",
                                  "base_version": loaded_version(second.get(url))}).status_code == 302
    preview = first.post(url, data={"title": "Page one", "slug": "p1", "body": "First", "action": "preview",
                                    "base_version": version})
    assert loaded_version(preview) == version
    saved = first.post(url, data={"title": "Page one", "slug": "p1", "body": "First", "action": "save",
                                  "base_version": version})
    assert saved.status_code == 409
    with app.app_context():
        assert _page().body == "Second"


def test_a_failed_draw_shows_the_stored_quiz_settings_and_version(app, tutors):
    """After a failed draw the settings form shows the stored settings and their version."""
    first, _ = tutors
    response = first.post("/courses/c1/modules/m1/quiz/draws", data={"draw-count": "1", "draw-tag": "nothing"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Only 0 questions tagged “nothing” can be drawn, and this draw asks for 1" in page
    with app.app_context():
        assert version_in(page) == common.version_token(_quiz())
    assert _input("title", "Quiz one") in page


def test_a_form_without_a_version_is_not_checked(app, tutors):
    """Clients posting without ``base_version`` (scripts written before the check) still save."""
    first, _ = tutors
    response = first.post("/courses/c1/settings", data={"title": "Renamed", "slug": "c1", "language": "en-GB"})
    assert response.status_code == 302
    with app.app_context():
        assert _course().title == "Renamed"


def test_version_tokens_round_trip_through_the_database(app, org_id):
    """Microseconds and the time zone survive SQLite and PostgreSQL: the token made from the value
    written equals the one read back."""
    with app.app_context():
        page = _page()
        written = dt.datetime(2024, 3, 31, 1, 30, 5, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        page.updated_at = written
        db.session.flush()
        assert common.version_token(page) == "2024-03-30T23:30:05.123456Z"
        db.session.commit()
        db.session.expire_all()
        reread = _page()
        assert reread.updated_at == written
        assert common.version_token(reread) == "2024-03-30T23:30:05.123456Z"
        # A save made now (utcnow, microseconds) reads back identically too.
        service.update_page(reread, body="Changed")
        in_memory = common.version_token(reread)
        db.session.commit()
        db.session.expire_all()
        assert common.version_token(_page()) == in_memory
        assert TOKEN_RE.match(in_memory)


def test_check_version_rules(app, org_id):
    with app.app_context():
        page = _page()
        token = common.version_token(page)
        common.check_version(page, None)  # no version sent: no check
        common.check_version(page, token)
        common.check_version(page, ["other", token])
        common.check_version(page, "*")
        common.check_version(None, "")  # "no quiz yet" while there is none
        for stale in ("", "2000-01-01T00:00:00.000000Z", ["other"], []):
            with pytest.raises(common.StaleEditError) as caught:
                common.check_version(page, stale)
            assert caught.value.kind == "page" and caught.value.field == "version"
        with pytest.raises(common.StaleEditError):
            common.check_version(None, "*")
        with pytest.raises(common.StaleEditError):
            service.update_course(_course(), title="Never", expected_version="stale")
        db.session.rollback()
        assert _course().title == "Course one"

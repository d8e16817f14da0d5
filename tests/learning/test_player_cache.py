"""The player page's cache of a module's document (course/learning/player_cache.py): an open
after the first builds nothing again, and every edit of what the page shows is seen at once, also
by another app process on the same database."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from course import create_app
from course.authoring.models import Course, Module, Page
from course.extensions import db
from course.models.frameworks import Criterion
from tests.helpers import login
from tests.learning.conftest import q_single, q_tf


def course_of(page: str) -> dict:
    return json.loads(re.search(r"window\.CC_COURSE = (\{.*?\});</script>", page).group(1))


def open_module(client, c) -> dict:
    response = client.get(f"/learn/{c.course_slug}/{c.module_slug}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return course_of(response.get_data(as_text=True))


def criterion_text(doc: dict, code: str) -> str:
    return next(c["text"] for o in doc["frameworks"][0]["outcomes"] for c in o["criteria"] if c["code"] == code)


def test_a_second_open_reads_no_pages_or_framework_rows(client, make_course, count_queries):
    c = make_course([q_single(), q_tf()])
    login(client, c.learner.email)
    with count_queries() as first:
        cold = open_module(client, c)
    with count_queries() as second:
        warm = open_module(client, c)
    assert warm == cold
    touched = [s for s in first.statements if re.search(r"FROM (criterion|outcome|course_page)\b", s)]
    assert len(touched) >= 3  # the first open built the document from these tables...
    assert [s for s in second.statements if re.search(r"FROM (criterion|outcome|course_page|framework)\b", s)] == []
    assert second.count <= first.count - 4  # ...the second read none of them


def test_edits_to_page_module_course_and_criterion_show_on_the_next_open(client, make_course, app):
    c = make_course([q_single(), q_tf()])
    login(client, c.learner.email)
    before = open_module(client, c)
    assert before["modules"][0]["pages"][0]["html"] == "<p>People choose for <strong>themselves</strong>.</p>\n"
    assert criterion_text(before, "K1") != "Rewritten K1."
    with app.app_context():
        page = db.session.scalar(select(Page).where(Page.module_id == c.module_id, Page.slug == "intro"))
        page.body = "People choose **freely**."
        db.session.commit()
    assert open_module(client, c)["modules"][0]["pages"][0]["html"] == "<p>People choose <strong>freely</strong>.</p>\n"
    with app.app_context():
        db.session.get(Module, c.module_id).title = "Choices, rights and risks"
        db.session.get(Course, c.course_id).title = "Relationships renamed"
        db.session.commit()
    doc = open_module(client, c)
    assert doc["modules"][0]["title"] == "Choices, rights and risks"
    assert doc["course"]["title"] == "Relationships renamed"
    with app.app_context():
        criterion = db.session.scalar(select(Criterion).where(Criterion.code == "K1"))
        criterion.text = "Rewritten K1."
        db.session.commit()
    assert criterion_text(open_module(client, c), "K1") == "Rewritten K1."
    with app.app_context():
        db.session.delete(db.session.scalar(select(Page).where(Page.module_id == c.module_id, Page.slug == "rights")))
        db.session.commit()
    assert [p["slug"] for p in open_module(client, c)["modules"][0]["pages"]] == ["intro"]


def test_an_edit_by_another_process_shows_on_the_next_open(client, make_course, app):
    c = make_course([q_single()])
    login(client, c.learner.email)
    assert open_module(client, c)["modules"][0]["pages"][1]["title"] == "Rights"
    keys = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "WTF_CSRF_ENABLED",
            "MIGRATIONS_DIR", "SEEDS_DIR", "JOBS_BACKEND")
    other = create_app({k: app.config[k] for k in keys if k in app.config})
    with other.app_context():
        page = db.session.scalar(select(Page).where(Page.module_id == c.module_id, Page.slug == "rights"))
        page.title = "Rights and duties"
        db.session.commit()
        db.engine.dispose()
    assert open_module(client, c)["modules"][0]["pages"][1]["title"] == "Rights and duties"


def test_the_content_version_rises_only_for_the_courses_an_edit_touches(make_course, app):
    first, second = make_course([q_single()]), make_course([q_single()])
    with app.app_context():
        start = {i: db.session.get(Course, i).content_version for i in (first.course_id, second.course_id)}
        db.session.get(Module, first.module_id).target_minutes = 45
        db.session.commit()
        assert db.session.get(Course, first.course_id).content_version == start[first.course_id] + 1
        assert db.session.get(Course, second.course_id).content_version == start[second.course_id]
        # Both courses use TESTFW: a criterion edit raises both.
        db.session.scalar(select(Criterion).where(Criterion.code == "K2")).text = "Changed."
        db.session.commit()
        assert db.session.get(Course, first.course_id).content_version == start[first.course_id] + 2
        assert db.session.get(Course, second.course_id).content_version == start[second.course_id] + 1
        # A setting the player does not show raises nothing.
        db.session.get(Course, second.course_id).require_signed_mappings = True
        db.session.commit()
        assert db.session.get(Course, second.course_id).content_version == start[second.course_id] + 1


def test_an_autosave_on_the_same_page_neither_reads_pages_nor_loses_them(client, make_course, app, count_queries):
    from course.learning.models import ModuleProgress

    c = make_course([q_single()])
    login(client, c.learner.email)
    html = client.get(f"/learn/{c.course_slug}/{c.module_slug}").get_data(as_text=True)
    api = json.loads(re.search(r"window\.CC_LAUNCH = (\{.*?\});</script>", html).group(1))["app"]["api"]
    with count_queries() as moved:
        assert client.post(f"{api}/state", json={"state": {"v": 1}, "location": "0:p1"}).status_code == 200
    with count_queries() as stayed:
        assert client.post(f"{api}/state", json={"state": {"v": 1, "answered": 1}, "location": "0:p1"}).status_code == 200
    pages_read = lambda q: [s for s in q.statements if re.search(r"FROM (course_page|module_progress)\b", s)]  # noqa: E731
    assert len(pages_read(moved)) == 2 and pages_read(stayed) == []
    with app.app_context():
        progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.module_id == c.module_id))
        assert (progress.pages_seen, progress.pages_done) == (2, True)

"""My learning's "Continue where you left off": the module last opened and the place in it."""
from __future__ import annotations

import datetime as dt

from course.authoring.models import Module
from course.extensions import db
from course.learning import attempts, player_state, resume, time_on_task
from course.models import User
from course.models.base import UTC
from tests.helpers import login


def at(seconds: int) -> dt.datetime:
    return dt.datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC) + dt.timedelta(seconds=seconds)


def test_before_any_module_is_opened_the_first_one_starts(make_course, ctx):
    c = make_course()
    point = resume.resume_point(db.session.get(User, c.learner.id))
    assert (point.module.title, point.place, point.started) == ("Choices and rights", "Start", False)


def test_the_last_module_opened_and_the_page_it_was_left_on(make_course, ctx):
    c = make_course()
    user, module = db.session.get(User, c.learner.id), db.session.get(Module, c.module_id)
    time_on_task.open_session(user, module, now=at(0))
    a = attempts.start_attempt(user, module, seed=1)
    player_state.save_state(a, {"v": 1}, "0:p1")
    db.session.commit()
    point = resume.resume_point(user)
    assert (point.module.title, point.place, point.started) == ("Choices and rights", "Page 2 of 2: Rights", True)
    player_state.save_state(a, {"v": 1, "x": 1}, "0:q1")
    assert resume.resume_point(user).place == "Quiz, question 2"


def test_places_in_words(make_course, ctx):
    module = db.session.get(Module, make_course().module_id)
    assert [resume.place_in(module, loc) for loc in (None, "0:p0", "0:p9", "0:q0", "0:r", "menu")] == [
        "Page 1 of 2: Why choice matters", "Page 1 of 2: Why choice matters", "Page 2 of 2: Rights",
        "Quiz, question 1", "Quiz", "Page 1 of 2: Why choice matters"]


def test_the_dashboard_links_to_it_and_another_learners_modules_never_show(client, make_course, app):
    c, other = make_course(), make_course()
    with app.app_context():
        user, module = db.session.get(User, other.learner.id), db.session.get(Module, other.module_id)
        time_on_task.open_session(user, module, now=at(0))
        db.session.commit()
    login(client, c.learner.email)
    page = " ".join(client.get("/learn/").get_data(as_text=True).split())
    assert f'<a class="button" href="/learn/{c.course_slug}/{c.module_slug}">Start: Choices and rights</a>' in page
    assert other.course_slug not in page

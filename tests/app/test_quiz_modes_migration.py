"""Migration 5d1e7c3a9f42 (quiz modes) up and down on a database holding a quiz: the quiz stays,
formative as it always was, and the new columns refuse values the app never writes."""
from __future__ import annotations

import logging

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from course.extensions import db
from tests.app.test_migrations import REPO_MIGRATIONS, _empty_app

BEFORE, AFTER = "5d0e7c41a2f6", "5d1e7c3a9f42"
pytestmark = pytest.mark.skipif(not REPO_MIGRATIONS, reason="the project's migrations are generated at integration")


@pytest.fixture(autouse=True)
def keep_logging():
    """Alembic's env.py reconfigures logging; put it back as it was (as test_migrations does)."""
    manager = logging.Logger.manager
    before = {name: lg.disabled for name, lg in manager.loggerDict.items() if isinstance(lg, logging.Logger)}
    handlers, level = logging.root.handlers[:], logging.root.level
    yield
    for name, lg in list(manager.loggerDict.items()):
        if isinstance(lg, logging.Logger):
            lg.disabled = before.get(name, False)
    logging.root.handlers[:] = handlers
    logging.root.setLevel(level)


def quiz_columns() -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("course_quiz")}


ROWS = (
    "INSERT INTO organisation (id, name, created_at, updated_at) VALUES (1, 'Org', :t, :t)",
    "INSERT INTO course (id, organisation_id, slug, title, description, language, created_at, updated_at)"
    " VALUES (1, 1, 'c', 'Course', '', 'en-GB', :t, :t)",
    "INSERT INTO course_module (id, course_id, position, slug, title, outcomes, target_minutes, workplace,"
    " created_at, updated_at) VALUES (1, 1, 0, 'm', 'Module', '[]', 0, '[]', :t, :t)",
    "INSERT INTO course_quiz (id, module_id, title, pass_mark, attempts, grading, shuffle, feedback, items,"
    " created_at, updated_at) VALUES (1, 1, 'Quiz', 0.8, 2, 'last', true, 'after_submission', '[]', :t, :t)",
)


def add_quiz() -> None:
    with db.engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement), {"t": "2026-12-01 10:00:00"})


def test_quiz_modes_migration_up_and_down(tmp_path):
    directory = str(REPO_MIGRATIONS[0])
    app = _empty_app(tmp_path, REPO_MIGRATIONS[0])
    with app.app_context():
        upgrade(directory=directory, revision=BEFORE)
        assert not {"mode", "option_feedback", "shuffle_options"} & quiz_columns()
        add_quiz()
        upgrade(directory=directory, revision=AFTER)
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT attempts, grading, shuffle, feedback, mode, option_feedback,"
                                    " shuffle_options FROM course_quiz")).one()
        assert tuple(row) == (2, "last", True, "after_submission", "formative", "always", False)
        for column, value in (("mode", "exam"), ("option_feedback", "sometimes")):
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(text(f"UPDATE course_quiz SET {column} = :v"), {"v": value})
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE course_quiz SET mode = 'summative', option_feedback = 'never'"))
        downgrade(directory=directory, revision=BEFORE)
        assert not {"mode", "option_feedback", "shuffle_options"} & quiz_columns()
        with db.engine.connect() as conn:
            assert tuple(conn.execute(text("SELECT id, attempts, grading FROM course_quiz")).one()) == (1, 2, "last")

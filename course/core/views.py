"""Home page and health check."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, jsonify, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from course.auth import sessions
from course.auth.decorators import public
from course.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/")
@public
def home() -> Any:
    """Send people where their work is: learners to their learning, tutors and admins to the
    courses, assessors to the evidence awaiting them, IQAs to quality assurance; anyone else to
    sign in."""
    if not current_user.is_authenticated:
        if sessions.has_ended():
            flash(sessions.ENDED_MESSAGE, "info")
        return redirect(url_for("auth.login"))
    start = {"learner": "learning.dashboard", "tutor": "authoring.courses", "admin": "authoring.courses",
             "assessor": "evidence.queue", "iqa": "iqa.index"}
    return redirect(url_for(start.get(current_user.role, "frameworks.index")))


@bp.get("/healthz")
@public
def healthz() -> Any:
    """200 {"status": "ok"} when the database answers, 503 otherwise (for load balancers)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"; never a 500 page here
        current_app.logger.exception("health check: database unavailable")
        db.session.rollback()
        response = jsonify(status="error", database="unavailable")
        response.status_code = 503
        return response
    return jsonify(status="ok")

"""Home page and health check."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, url_for
from flask_login import current_user

from course.auth import sessions
from course.auth.decorators import public

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
    """The database, the job queue and its workers (course.core.health): 200 "ok" or "degraded"
    (no worker for the RQ queue), 503 "fail" (database or Redis unreachable)."""
    from course.core.health import health

    document, code = health()
    response = jsonify(document)
    response.status_code = code
    return response

"""What the API's resource modules share: their blueprints' error handling, the roles that may
use the API, ETag / If-Match, pagination, and committing a service's work once.

The resources are ``frameworks`` (read only), ``courses`` (with modules, pages and quizzes) and
``questions``. Each view checks roles (``api_roles``), scopes to the user's organisation
(another organisation's object is a 404), calls one service and commits once, rolling back on
error.
"""
from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.http import quote_etag

from course.api.core import ApiBlueprint, fail, handle_error
from course.authoring import common as authoring_common
from course.authoring import quizzes as authoring_quizzes
from course.extensions import db
from course.questions import service as question_service

AUTHORS = ("tutor", "admin")
NO_ORGANISATION = (404, "Your account belongs to no organisation.")


def api_blueprint(name: str, url_prefix: str, description: str) -> ApiBlueprint:
    """A blueprint of the API, whose errors are the API's JSON errors and whose JSON bodies are
    read by the app's safe reader (course.api.core.SafeJsonParser)."""
    blp = ApiBlueprint(name, __name__, url_prefix=url_prefix, description=description)
    # Code-specific too: Flask prefers the app's handler for a code over a blueprint's class handler.
    for code in (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429, 500):
        blp.register_error_handler(code, handle_error)
    blp.register_error_handler(HTTPException, handle_error)
    return blp


# Lost-update protection for courses, modules, pages and quizzes: each one's GET and save answer
# with an ETag, its version (``authoring_common.version_token``: updated_at to the microsecond, the
# same token as the web forms' hidden field). A PATCH/PUT that sends it back in If-Match is
# refused with 412 if someone saved the object since; without If-Match it applies as before.
ETAG_HEADER = {"ETag": {
    "description": "The object's version (when it was last saved); send it back in If-Match.",
    "schema": {"type": "string"},
}}
IF_MATCH = {
    "name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
    "description": "Optional: the ETag of the version you edited. If someone has saved the object "
                   "since, nothing is changed and the answer is 412 Precondition Failed (HTTP's "
                   "status for a failed If-Match; the web forms answer 409 for the same conflict). "
                   "Without If-Match the change is applied whatever the current version.",
}


def if_match() -> list[str] | None:
    """The versions the request's If-Match header names (["*"] for any), None without one."""
    if "If-Match" not in request.headers:
        return None
    tags = request.if_match
    return ["*"] if tags.star_tag else [tag for tag in tags if tag]  # no version is ever ""


def tagged(body: dict[str, Any], obj: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The response body with the object's version as its ETag header."""
    return body, {"ETag": quote_etag(authoring_common.version_token(obj))}


def one_page(items: list[Any], pagination: Any) -> list[Any]:
    """The requested page of ``items``, telling the paginator how many there are."""
    pagination.item_count = len(items)
    return items[pagination.first_item: pagination.last_item + 1]


def commit_or_fail(work: Any) -> Any:
    """Run ``work()`` and commit; a service error becomes 409 or 422, and nothing is stored."""
    try:
        result = work()
        db.session.commit()
        return result
    except authoring_quizzes.QuizItemsError as exc:
        db.session.rollback()
        errors: dict[str, list[str]] = {}
        for path, message in exc.problems:
            errors.setdefault(path.replace("[", ".").replace("]", ""), []).append(message)
        fail(422, "The quiz items cannot be used.", errors)
    except authoring_common.StaleEditError as exc:
        db.session.rollback()
        message = f"The {exc.kind} has changed since the version you edited; nothing was saved."
        fail(412, message, {"If-Match": [f"Someone saved the {exc.kind} after this version. GET it "
                                         "for its current ETag and apply your change to that."]})
    except authoring_common.ConflictError as exc:
        db.session.rollback()
        fail(409, exc.message, {exc.field or "_schema": [exc.message]})
    except authoring_common.AuthoringError as exc:
        db.session.rollback()
        fail(422, exc.message, {exc.field or "_schema": [exc.message]})
    except question_service.QuestionProblems as exc:
        db.session.rollback()
        errors = {}
        for path, message in exc.problems:
            errors.setdefault(path or "_schema", []).append(message)
        fail(409 if exc.conflict else 422,
             "The question conflicts with stored data." if exc.conflict else "The question is not valid.", errors)

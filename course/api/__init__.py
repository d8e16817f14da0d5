"""The JSON API under /api/v1 (flask-smorest): ``setup_api(app)`` binds it to the app.

Its OpenAPI 3.0.3 document is served at /api/v1/openapi.json. Authentication is the session
(same origin; unsafe methods need the CSRF token in an X-CSRFToken header) or a bearer token
from the API tokens page (``course.api.tokens``).
"""
from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Flask


def setup_api(app: Flask) -> None:
    """Configure the Api on ``app``, register its blueprints (CSRF-exempt: ``api_roles`` checks
    the CSRF header for session requests itself) and its JSON error handler."""
    # Imported here, not at the top: importing course.api.models (models.load_all) need not load auth.
    from course.auth.decorators import public
    from course.api.core import ApiError, CarecourseApi, guard_api_request, handle_error
    from course.api.docs import document_questions
    from course.api import courses, criteria, frameworks, questions
    from course.extensions import csrf

    app.config.setdefault("API_TITLE", "carecourse API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "Frameworks, courses, modules, pages, quizzes and questions of carecourse. "
                                "Errors are JSON {code, status, message, errors: {field: [messages]}, error} "
                                "(the Error schema). Text may not contain NUL (U+0000)."},
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "components": {"securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer"},
            "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
        }},
    })
    api = CarecourseApi(app)
    app.extensions["carecourse_api"] = api
    api.document_later(lambda: document_questions(api))
    for blp in (frameworks.bp, courses.bp, criteria.bp, questions.bp):
        api.register_blueprint(blp)
        csrf.exempt(blp)
    # First of all before_request hooks: an unknown path or method under /api/v1 must be the
    # API's 404 or 405, not the CSRF check's 400 that Flask-WTF's hook would answer first.
    app.before_request_funcs.setdefault(None, []).insert(0, guard_api_request)
    app.register_error_handler(ApiError, handle_error)
    # The document itself is public, like any API's description.
    endpoint = "api-docs.openapi_json"
    view = app.view_functions[endpoint]

    @public
    @wraps(view)
    def openapi_json(*args: Any, **kwargs: Any) -> Any:
        return view(*args, **kwargs)

    app.view_functions[endpoint] = openapi_json

"""The role decorator and the login manager's hooks."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, flash, redirect, request, url_for
from flask_login import current_user

from course.auth import sessions
from course.extensions import login_manager
from course.models.users import ROLES, User

F = TypeVar("F", bound=Callable[..., Any])

ANY_ROLE: tuple[str, ...] = ROLES
API_PREFIXES = ("/api/", "/learn/api/")


def is_api_path(path: str | None = None) -> bool:
    """Whether ``path`` (default: the current request's) is a JSON API path."""
    path = request.path if path is None else path
    return path.startswith(API_PREFIXES)


def _unauthenticated() -> Any:
    """401 JSON on API paths, else the sign-in page; saying so when a session has ended."""
    ended = sessions.has_ended()
    if is_api_path():
        from course.core import json_error

        if ended:
            return json_error(401, sessions.ENDED_MESSAGE, reason="session_ended")
        return json_error(401, "Sign in to use this API.")
    flash(sessions.ENDED_MESSAGE if ended else "Please sign in to see that page.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def roles_required(*roles: str) -> Callable[[F], F]:
    """Allow only signed-in users holding one of ``roles`` (none given: any signed-in user).

    Anonymous: redirect to the sign-in page, or 401 JSON on API paths. Other roles: 403.
    The roles are kept on the view as ``required_roles`` so the route tests can read them.
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")
    allowed = frozenset(roles or ROLES)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _unauthenticated()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = allowed  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def public(view: F) -> F:
    """Declare a view open to everyone, signed in or not."""
    view.public = True  # type: ignore[attr-defined]
    return view


def setup_login(app: Flask) -> None:
    """Configure Flask-Login for ``app``."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        # The cookie names a server-side session (course.auth.sessions), never a user id.
        return sessions.user_for(session_id)

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        return _unauthenticated()

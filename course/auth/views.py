"""Sign-in and sign-out pages."""
from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from course.auth import devices, sessions, throttle
from course.auth.decorators import public, roles_required
from course.auth.forms import LoginForm
from course.dbtypes import utcnow
from course.extensions import db
from course.models.users import User

bp = Blueprint("auth", __name__)

WRONG_MESSAGE = "The email address or password is not right."


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    """A hash to check when the email is unknown, so that costs as long as a wrong password."""
    return generate_password_hash("not a real password", method=method)


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _seconds_left(until: dt.datetime) -> int:
    return max(1, math.ceil((until - utcnow()).total_seconds()))


def _wait_message(until: dt.datetime) -> str:
    """How long to wait, in seconds under a minute and in whole minutes above."""
    seconds = _seconds_left(until)
    if seconds < 60:
        span = f"{seconds} second" + ("" if seconds == 1 else "s")
    else:
        minutes = math.ceil(seconds / 60)
        span = f"{minutes} minute" + ("" if minutes == 1 else "s")
    return (
        f"Too many failed sign-in attempts: wait {span}, then try again. "
        "An administrator can lift the wait sooner."
    )


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    """Show the sign-in form; sign the user in."""
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("core.home"))
    form = LoginForm()
    status = 200
    until = None
    if form.validate_on_submit():
        email = User.normalise_email(form.email.data or "")
        address = request.remote_addr
        user = User.by_email(email)
        device = devices.nonce_for(user)
        until = throttle.wait_until(email, address, device)
        if until is not None:
            form.form_errors.append(_wait_message(until))
            status = 429
        else:
            if user is None:
                method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
                check_password_hash(_dummy_hash(method), form.password.data or "")
            if user is not None and user.active and user.check_password(form.password.data or ""):
                throttle.record_success(user, address, device)
                sessions.start(user)
                db.session.commit()
                login_user(user)
                flash(f"Signed in as {user.name}.", "success")
                response = redirect(next_url or url_for("core.home"))
                devices.remember(response, user, device)
                return response
            until = throttle.record_failure(email, address, device)
            db.session.commit()
            form.form_errors.append(WRONG_MESSAGE)
            status = 401
            if until is not None:
                form.form_errors.append(_wait_message(until))
                status = 429
    elif request.method == "POST":
        status = 400
    response = current_app.make_response(
        (render_template("auth/login.html", form=form, next_url=next_url), status)
    )
    if status == 429 and until is not None:
        response.headers["Retry-After"] = str(_seconds_left(until))
    return response


@bp.post("/logout")
@roles_required()
def logout() -> Any:
    """Sign out (POST with the CSRF token, so another site cannot sign you out).

    The session's row goes, so a copy of the cookie no longer signs anyone in."""
    sessions.end(current_user.session_token)
    db.session.commit()
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))

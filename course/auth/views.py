"""Sign-in and sign-out pages."""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from course.auth import throttle
from course.auth.decorators import public, roles_required
from course.auth.forms import LoginForm
from course.dbtypes import utcnow
from course.extensions import db
from course.models.users import User

bp = Blueprint("auth", __name__)



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


def _lock_message(until: Any) -> str:
    minutes = max(1, math.ceil((until - utcnow()).total_seconds() / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many failed sign-in attempts. For your security, sign-in is locked: "
        f"try again in {minutes} {unit}. An administrator can lift the lock sooner."
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
        ip = request.remote_addr
        until = throttle.locked_until(email, ip)
        if until is not None:
            form.form_errors.append(_lock_message(until))
            status = 429
        else:
            user = User.by_email(email)
            if user is None:
                method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
                check_password_hash(_dummy_hash(method), form.password.data or "")
            if user is not None and user.active and user.check_password(form.password.data or ""):
                throttle.record_success(user)
                db.session.commit()
                login_user(user)
                flash(f"Signed in as {user.name}.", "success")
                return redirect(next_url or url_for("core.home"))
            until = throttle.record_failure(email, ip)
            db.session.commit()
            if until is not None:
                form.form_errors.append(_lock_message(until))
                status = 429
            else:
                form.form_errors.append("The email address or password is not right.")
                status = 401
    elif request.method == "POST":
        status = 400
    response = current_app.make_response(
        (render_template("auth/login.html", form=form, next_url=next_url), status)
    )
    if status == 429 and until is not None:
        response.headers["Retry-After"] = str(max(1, math.ceil((until - utcnow()).total_seconds())))
    return response


@bp.post("/logout")
@roles_required()
def logout() -> Any:
    """Sign out (POST with the CSRF token, so another site cannot sign you out)."""
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))

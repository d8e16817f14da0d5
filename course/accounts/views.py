"""Public pages: forgot password, and the page an invitation or reset link opens."""
from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from course.accounts import admin_views  # noqa: F401  (the admin pages, on the same blueprint)
from course.accounts import invitations, tokens
from course.accounts.blueprint import bp
from course.accounts.forms import ForgotPasswordForm, SetPasswordForm
from course.accounts.models import INVITE, RESET
from course.auth import devices, public, sessions, throttle
from course.auth.commands import MIN_PASSWORD_LENGTH
from course.extensions import db

__all__ = ["bp"]

SAME_ANSWER = "If an account uses that address, we have sent it a link."


@bp.route("/account/forgot-password", methods=["GET", "POST"])
@public
def forgot_password() -> Any:
    """Ask for a reset link. The answer is the same whether or not the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        requests = throttle.count_reset_request(request.remote_addr)
        if requests > current_app.config["RESET_ADDRESS_REQUESTS"]:
            db.session.commit()
            current_app.logger.warning("reset request %d from %s in %d s: nothing sent", requests,
                                       request.remote_addr, current_app.config["LOGIN_WINDOW_SECONDS"])
            flash(SAME_ANSWER, "success")
            return redirect(url_for("auth.login"))
        delivery = invitations.prepare_reset(form.email.data or "")
        db.session.commit()
        if delivery is not None:
            # Sent or logged, never shown: the person asking may not own the address.
            invitations.deliver([delivery], purpose=RESET)
        flash(SAME_ANSWER, "success")
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/account/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str) -> Any:
    """Choose a password through an invitation or reset link (single use, expiring)."""
    found = tokens.find(token)
    if found.problem is not None or found.row is None or found.user is None:
        status = 404 if found.row is None else 410
        return render_template("accounts/link_problem.html", problem=found.problem), status
    purpose = found.row.purpose
    form = SetPasswordForm()
    if form.validate_on_submit():
        user = found.user
        try:
            tokens.redeem(found.row, form.password.data or "")
        except tokens.AlreadyUsed:
            db.session.rollback()
            return render_template("accounts/link_problem.html", problem=tokens.USED), 410
        if current_user.is_authenticated:
            sessions.end(current_user.session_token)
            logout_user()  # whoever was signed in here, the link's owner now acts for themself
        if purpose == INVITE:
            throttle.record_success(user, request.remote_addr, None)
            sessions.start(user)
            db.session.commit()
            login_user(user)
            flash(f"Your password is set. Welcome, {user.name}.", "success")
            response = redirect(url_for("core.home"))
            devices.remember(response, user)
            return response
        db.session.commit()
        flash("Your password has been changed and you are signed out everywhere: sign in with it now.",
              "success")
        return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/set_password.html", form=form, user=found.user, purpose=purpose,
                           min_length=MIN_PASSWORD_LENGTH,
                           token=token), status

"""The API tokens page: tutors and admins create and revoke their bearer tokens."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from course.api.models import ApiToken
from course.auth.decorators import roles_required
from course.extensions import db

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens", template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@roles_required("tutor", "admin")
def index() -> Any:
    """List the user's tokens; POST creates one and shows its secret once."""
    secret = None
    if request.method == "POST":
        name = request.form.get("name", "").replace("\x00", "").strip()[:100]
        _, secret = ApiToken.issue(current_user, name or "API token")
        db.session.commit()
        flash("Token created. Copy it now: it is not shown again.", "success")
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ).all()
    return render_template("api/tokens.html", tokens=tokens, secret=secret)


@bp.post("/<int:token_id>/revoke")
@roles_required("tutor", "admin")
def revoke(token_id: int) -> Any:
    """Delete one of the user's tokens (another user's: 404)."""
    token = db.session.get(ApiToken, token_id) if token_id < 2**31 else None
    if token is None or token.user_id != current_user.id:
        abort(404)
    db.session.delete(token)
    db.session.commit()
    flash("Token revoked.", "success")
    return redirect(url_for("api_tokens.index"))

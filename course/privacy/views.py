"""Data protection pages: a learner's "My data" download; an admin's learners, downloads and erasure.

Thin: the ZIP comes from ``export``, the preview and erasure from ``erasure``. An admin reaches
only learners of their own organisation; anyone else's id is answered 404, as if it did not exist.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from course.auth.decorators import roles_required
from course.core.nav import nav_item
from course.evidence import audit
from course.evidence.models import AuditEntry
from course.extensions import db
from course.models.base import utcnow
from course.models.users import User
from course.privacy import erasure, export
from course.privacy.records import RECORD_LABELS, describe

bp = Blueprint("privacy", __name__, url_prefix="/privacy", template_folder="templates")

nav_item("Learners' data", "privacy.learners", roles=("admin",), order=85)


class ErasureForm(FlaskForm):
    """The confirmation: the learner's email address, typed."""

    email = StringField("The learner's email address", validators=[
        DataRequired("Type the learner's email address to confirm."),
        Length(max=254, message="An email address has at most 254 characters.")])


def _me() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _learner_of_my_organisation(user_id: int) -> User:
    """The learner ``user_id`` of the admin's organisation, else 404."""
    learner = db.session.get(User, user_id)
    admin = _me()
    if (learner is None or learner.role != "learner" or admin.organisation_id is None
            or learner.organisation_id != admin.organisation_id):
        abort(404)
    return learner


def _zip_response(learner: User, *, by: str) -> Response:
    now = utcnow()
    data = export.build_zip(learner, now)
    if learner.organisation_id is not None:
        audit.record("data.downloaded", organisation_id=learner.organisation_id, actor=_me(), subject_type="user",
                     subject_id=learner.id, learner_id=learner.id, new={"by": by, "bytes": len(data)})
    db.session.commit()
    filename = f"carecourse-data-{learner.id}-{now:%Y%m%d}.zip"
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.get("/my-data")
@roles_required("learner")
def my_data() -> Any:
    """What the download holds, and the button."""
    return render_template("privacy/my_data.html")


@bp.get("/my-data.zip")
@roles_required("learner")
def my_data_zip() -> Any:
    """The signed-in learner's subject-access ZIP (audited)."""
    return _zip_response(_me(), by="self")


@bp.get("/learners")
@roles_required("admin")
def learners() -> Any:
    """The organisation's learners, each with their download and erasure."""
    admin = _me()
    found = [] if admin.organisation_id is None else list(db.session.scalars(
        select(User).where(User.organisation_id == admin.organisation_id, User.role == "learner")
        .order_by(User.name, User.id)))
    return render_template("privacy/learners.html", learners=found, is_erased=erasure.is_erased)


@bp.get("/learners/<int:user_id>/data.zip")
@roles_required("admin")
def learner_zip(user_id: int) -> Any:
    """A learner's subject-access ZIP, for an admin of their organisation (audited)."""
    return _zip_response(_learner_of_my_organisation(user_id), by="admin")


@bp.route("/learners/<int:user_id>/erase", methods=["GET", "POST"])
@roles_required("admin")
def erase(user_id: int) -> Any:
    """Preview what erasure keeps and deletes; on a confirmed POST, erase and show the outcome."""
    learner = _learner_of_my_organisation(user_id)
    form = ErasureForm()
    status = 200
    if erasure.is_erased(learner):
        return redirect(url_for("privacy.erased", user_id=learner.id))
    if request.method == "POST":
        if form.validate_on_submit():
            if User.normalise_email(form.email.data or "") == learner.email:
                erasure.erase(learner, actor=_me())
                db.session.commit()
                return redirect(url_for("privacy.erased", user_id=learner.id))
            form.email.errors.append("That is not this learner's email address: nothing was erased. "
                                     "Type it exactly as shown above.")
        status = 422
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    plan = erasure.plan(learner)
    return render_template("privacy/erase.html", learner=learner, plan=plan, form=form, labels=RECORD_LABELS,
                           describe=describe), status


@bp.get("/learners/<int:user_id>/erased")
@roles_required("admin")
def erased(user_id: int) -> Any:
    """What the erasure of this learner did (from its audit entry: counts, never personal data)."""
    learner = _learner_of_my_organisation(user_id)
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "learner.erased", AuditEntry.subject_type == "user",
        AuditEntry.subject_id == str(learner.id), AuditEntry.organisation_id == learner.organisation_id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1))
    if entry is None and not erasure.is_erased(learner):
        abort(404)
    # Anonymised by the retention sweep rather than on request: no entry of its own to show.
    return render_template("privacy/erased.html", learner=learner, entry=entry, describe=describe)

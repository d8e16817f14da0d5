"""The admin's Users page and its actions, and inviting one person.

Every action is a POST (CSRF-checked by the app), finds the user only within the admin's own
organisation (another organisation's id is a 404), says what it did, and returns to the list
with the same search.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from course.accounts import directory, invitations, mail
from course.accounts.blueprint import bp
from course.accounts.forms import InviteForm, RoleForm
from course.accounts.tokens import pending_invitations
from course.auth import roles_required
from course.core.nav import nav_item
from course.extensions import db
from course.models.users import ROLE_LABELS, ROLES, User

nav_item("Users", "accounts.users", roles=("admin",), order=60)


def _admin() -> User:
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _list_args(source: Any, prefix: str = "") -> dict[str, Any]:
    """The list's search, role filter and page from ``source`` (the query string, or an action's
    form with ``prefix`` "back_"), bounded."""
    role = source.get(prefix + "role", "")
    page = source.get(prefix + "page", "1")
    return {
        "q": source.get(prefix + "q", "").strip()[:directory.MAX_SEARCH] or None,
        "role": role if role in ROLES else None,
        "page": int(page) if page.isdigit() and len(page) < 7 and int(page) > 1 else None,
    }


def _back() -> Any:
    return redirect(url_for("accounts.users", **{k: v for k, v in _list_args(request.form, "back_").items() if v}))


def _target(user_id: int) -> User:
    user = directory.user_in(current_user.organisation_id, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/admin/users")
@roles_required("admin")
def users() -> Any:
    """The organisation's users, searchable by name or email and filtered by role."""
    args = _list_args(request.args)
    found = directory.search(current_user.organisation_id, text=args["q"] or "", role=args["role"] or "",
                             page=args["page"] or 1)
    ids = [u.id for u in found.users]
    return render_template(
        "accounts/users.html", found=found, args=args, role_choices=[(role, ROLE_LABELS[role]) for role in ROLES], role_labels=ROLE_LABELS,
        invited=pending_invitations(ids), delayed=directory.delayed_emails([u.email for u in found.users]),
        role_form=RoleForm(),
    )


@bp.post("/admin/users/<int:user_id>/role")
@roles_required("admin")
def change_role(user_id: int) -> Any:
    """Give a user another role."""
    user = _target(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(f"Choose one of the roles for {user.name}.", "error")
        return _back()
    try:
        changed = directory.change_role(_admin(), user, form.role.data)
    except directory.Refused as exc:
        flash(str(exc), "error")
        return _back()
    db.session.commit()
    label = ROLE_LABELS[user.role]
    flash(f"{user.name} is now {label}." if changed else f"{user.name} was already {label}.", "success")
    return _back()


@bp.post("/admin/users/<int:user_id>/deactivate")
@roles_required("admin")
def deactivate(user_id: int) -> Any:
    """Stop a user signing in, and end their sessions."""
    return _set_active(user_id, False)


@bp.post("/admin/users/<int:user_id>/reactivate")
@roles_required("admin")
def reactivate(user_id: int) -> Any:
    """Let a deactivated user sign in again."""
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> Any:
    user = _target(user_id)
    try:
        changed = directory.set_active(_admin(), user, active)
    except directory.Refused as exc:
        flash(str(exc), "error")
        return _back()
    db.session.commit()
    if active:
        flash(f"{user.name} can sign in again." if changed else f"{user.name} was already active.", "success")
    else:
        flash(f"{user.name} is deactivated and signed out everywhere." if changed
              else f"{user.name} was already deactivated.", "success")
    return _back()


@bp.post("/admin/users/<int:user_id>/sign-out")
@roles_required("admin")
def sign_out_everywhere(user_id: int) -> Any:
    """End every session of a user, in every browser."""
    user = _target(user_id)
    ended = directory.sign_out_everywhere(user)
    db.session.commit()
    flash(f"{user.name} is signed out everywhere ({ended} session{'' if ended == 1 else 's'} ended).", "success")
    return _back()


@bp.post("/admin/users/<int:user_id>/unlock")
@roles_required("admin")
def lift_sign_in_delay(user_id: int) -> Any:
    """Lift the waits after failed sign-ins on a user's email address."""
    user = _target(user_id)
    waiting = directory.lift_sign_in_delay(user)
    db.session.commit()
    flash(f"Lifted the sign-in delay on {user.email}." if waiting else
          f"{user.email} had no sign-in delay; its failure counts are cleared.", "success")
    return _back()


@bp.post("/admin/users/<int:user_id>/invite")
@roles_required("admin")
def resend_invitation(user_id: int) -> Any:
    """Send a user without a password a new invitation; their old link stops working."""
    user = _target(user_id)
    if user.password_hash:
        flash(f"{user.name} already has a password: they can use \"Forgot your password?\" on the sign-in page.",
              "error")
        return _back()
    if not user.active:
        flash(f"{user.name} is deactivated: reactivate them before inviting them.", "error")
        return _back()
    return send_and_show([invitations.prepare_invitation(user, _admin())], url_for("accounts.users"))


def invite_learners(user_ids: list[int], by: User, back: str) -> Any:
    """Invite those of ``user_ids`` who have no password yet: in this request (``send_and_show``),
    or, when that is more than ``INVITATIONS_IN_REQUEST`` to mail, by a job whose page this
    answers with (course.accounts.jobs). Commits the enrolment or whatever the caller did first."""
    from course.accounts.jobs import INVITATIONS_IN_REQUEST, SEND_INVITATIONS
    from course.jobs.service import submit

    waiting = invitations.learners_to_invite(user_ids, by.organisation_id)
    if not mail.enabled() or len(waiting) <= INVITATIONS_IN_REQUEST:
        return send_and_show([invitations.prepare_invitation(user, by) for user in waiting], back)
    db.session.commit()
    job = submit(SEND_INVITATIONS, params={"user_ids": [user.id for user in waiting],
                                           "base_url": request.url_root, "back": back},
                 payload=None, organisation_id=by.organisation_id, owner_id=by.id)
    flash(f"Mailing {len(waiting):,} invitations: this page follows them.", "info")
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.post("/invitations/<job_id>/again")
@roles_required("tutor", "admin")
def invite_again(job_id: str) -> Any:
    """Invite again the learners an invitations job could not mail (new links; the old ones
    stop working), by mail if it can, else as links shown to give by hand."""
    from course.accounts.jobs import SEND_INVITATIONS
    from course.jobs.service import job_for

    job = job_for(current_user, job_id)
    if job is None or job.kind != SEND_INVITATIONS or job.status != "done":
        abort(404)
    ids = [int(f["user_id"]) for f in (job.result or {}).get("failed", [])]
    return invite_learners(ids, current_user._get_current_object(), url_for("jobs.show", job_id=job.id))


def send_and_show(deliveries: list[invitations.Delivery], back: str) -> Any:
    """Commit the links, send them, and either say so and go ``back``, or show the links that were
    not mailed. No links (nobody to invite): say so."""
    db.session.commit()
    if not deliveries:
        flash("No invitation was needed: every learner enrolled now already has a password or was "
              "already on the course.", "info")
        return redirect(back)
    invitations.deliver(deliveries)
    flash(invitations.summary(deliveries), "success" if all(d.sent for d in deliveries) else "error")
    if all(d.sent for d in deliveries):
        return redirect(back)
    # Shown here, never put in the session cookie.
    return render_template("accounts/links.html", deliveries=[d for d in deliveries if not d.sent], back=back)


@bp.route("/admin/users/invite", methods=["GET", "POST"])
@roles_required("admin")
def invite() -> Any:
    """Make an account for one person (name, email, role) and send them an invitation."""
    form = InviteForm()
    if form.validate_on_submit():
        email = User.normalise_email(form.email.data or "")
        existing = User.by_email(email)
        if existing is not None:
            same_org = existing.organisation_id == current_user.organisation_id
            form.email.errors = [*form.email.errors, (
                f"{email} already has an account: find it on the Users page." if same_org
                else f"{email} cannot be invited with this email address.")]
        else:
            user = User(email=email, name=(form.name.data or "").strip(), role=form.role.data,
                        organisation_id=current_user.organisation_id)
            db.session.add(user)
            db.session.flush()
            return send_and_show([invitations.prepare_invitation(user, _admin())], url_for("accounts.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/invite.html", form=form), status

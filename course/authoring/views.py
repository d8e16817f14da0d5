"""Authoring pages for tutors and admins: the authoring blueprint, its shared helpers, and the
courses, modules and pages (with the editor's live preview).

The blueprint's other pages live beside this module and register their routes on ``bp`` when
imported (see the foot of this module): ``file_views`` (course files), ``quiz_views`` (the quiz
builder), ``document_views`` (coverage, export and import) and ``builder_views`` (the quiz
builder's and page editor's helpers).

Every view works inside the signed-in user's organisation: another organisation's course is a
404, exactly like a course that does not exist. Views parse a form, call one service function
and commit once (rolling back on any error).
"""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from course.auth import roles_required
from course.authoring import common, service
from course.authoring.document import export_course
from course.authoring.estimates import course_estimates, page_minutes, whole_minutes
from course.authoring.forms import CourseForm, CourseSettingsForm, ModuleForm, PageForm
from course.authoring.models import Course, Module, Page
from course.core.nav import nav_item
from course.extensions import db
from course.models.frameworks import Framework
from course.models.users import Organisation
from question_bank.limits import PAGE_BODY_CHARS

bp = Blueprint("authoring", __name__, url_prefix="/courses", template_folder="templates")
nav_item("Courses", "authoring.courses", roles=("admin", "tutor"), order=20)

AUTHORS = ("tutor", "admin")


# --------------------------------------------------------------------------- helpers


def course_or_404(slug: str) -> Course:
    """The signed-in user's organisation's course, else 404 (never another organisation's).

    Every area's course pages (authoring, publishing) look courses up through this one function.
    """
    org_id = current_user.organisation_id
    course = service.get_course(org_id, slug) if org_id is not None else None
    if course is None:
        abort(404)
    return course


def module_or_404(course: Course, slug: str) -> Module:
    module = service.get_module(course, slug)
    if module is None:
        abort(404)
    return module


def _page_or_404(module: Module, slug: str) -> Page:
    page = service.get_page(module, slug)
    if page is None:
        abort(404)
    return page


def attach(form: Any, exc: common.AuthoringError) -> None:
    """Show a service error on its form field, else at the top of the form."""
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, "errors"):
        if not isinstance(target.errors, list):
            target.errors = list(target.errors)
        target.errors.append(exc.message)
    form.form_errors.append(exc.message)


def _load_version(form: Any, obj: Any) -> None:
    """When the form is shown (not submitted), put the version of ``obj`` in its hidden field."""
    if not form.is_submitted():
        form.base_version.data = common.version_token(obj)


def sent_version(form: Any) -> str | None:
    """The version a submitted form was loaded from; None if it sent none (no check then)."""
    return form.base_version.data if form.base_version.raw_data else None


def stale(form: Any, exc: common.StaleEditError, latest_url: str) -> None:
    """Explain an edit conflict at the top of the form (answered 409); the typed text stays."""
    form.edit_conflict = True
    form.form_errors.append(Markup(
        '{} Your text is still in the form below: copy what you want to keep, then '
        '<a href="{}">reload the latest version</a> and make your changes again.'
    ).format(exc.message, latest_url))


def form_status(*forms: Any) -> int:
    """409 after an edit conflict, 422 after other errors, else 200."""
    if any(getattr(f, "edit_conflict", False) for f in forms):
        return 409
    return 422 if any(f.form_errors for f in forms) else 200


def _minutes(value: int | None) -> str:
    """``90`` -> ``1 h 30 min``."""
    if value is None:
        return "–"
    hours, minutes = divmod(value, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


@bp.app_template_filter("minutes")
def minutes_filter(value: int | None) -> str:
    """Jinja filter: minutes as hours and minutes."""
    return _minutes(value)


def _outcome_groups(course: Course) -> list[dict[str, Any]]:
    """Frameworks with their outcomes and criteria, for the checkbox trees."""
    return [{"framework": fw, "outcomes": fw.outcomes} for fw in course.frameworks]


# --------------------------------------------------------------------------- courses


@bp.get("/")
@roles_required(*AUTHORS)
def courses() -> Any:
    """The organisation's courses."""
    org_id = current_user.organisation_id
    items = service.courses_for(org_id) if org_id is not None else []
    return render_template("authoring/courses.html", courses=items)


def _framework_choices() -> list[SelectChoice]:
    frameworks = db.session.scalars(db.select(Framework).order_by(Framework.code)).all()
    return [SelectChoice(fw.code, f"{fw.code}: {fw.title}") for fw in frameworks]


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_course() -> Any:
    """Create a course against one or more frameworks."""
    form = CourseForm()
    form.frameworks.choices = _framework_choices()
    form.form_errors = []
    if form.validate_on_submit():
        if current_user.organisation_id is None:
            form.form_errors.append("Your account belongs to no organisation, so it cannot own courses.")
        else:
            try:
                course = service.create_course(
                    organisation=db.session.get(Organisation, current_user.organisation_id),
                    user=current_user,
                    title=form.title.data,
                    slug=form.slug.data or None,
                    description=form.description.data or "",
                    language=form.language.data,
                    frameworks=form.frameworks.data or [],
                )
                db.session.commit()
            except common.AuthoringError as exc:
                db.session.rollback()
                attach(form, exc)
            else:
                flash(f"Course “{course.title}” created.", "success")
                return redirect(url_for("authoring.course", slug=course.slug))
    elif request.method == "POST":
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    return render_template("authoring/course_new.html", form=form), 200 if not form.form_errors else 422


@bp.get("/<slug>/")
@roles_required(*AUTHORS)
def course(slug: str) -> Any:
    """A course: modules in order with target minutes, the sum against each unit's GLH, and each
    module's estimated learning time against its target."""
    c = course_or_404(slug)
    # Estimated from the course document, so the page shows what an export would carry.
    estimates = list(zip(c.modules, course_estimates(export_course(c))))
    return render_template("authoring/course.html", course=c, glh=service.glh_summary(c),
                           estimates=estimates, whole_minutes=whole_minutes)


@bp.route("/<slug>/settings", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def course_settings(slug: str) -> Any:
    """Change the course's title, slug, description, language and export quality gate."""
    c = course_or_404(slug)
    form = CourseSettingsForm(obj=c)
    form.form_errors = []
    _load_version(form, c)
    if form.validate_on_submit():
        try:
            service.update_course(
                c, title=form.title.data, slug=form.slug.data, description=form.description.data or "",
                language=form.language.data, block_export_on_findings=form.block_export_on_findings.data,
                require_signed_mappings=form.require_signed_mappings.data,
                assessment_retention_years=form.assessment_retention_years.data,
                expected_version=sent_version(form),
            )
            db.session.commit()
        except common.StaleEditError as exc:
            db.session.rollback()
            stale(form, exc, url_for("authoring.course_settings", slug=c.slug))
        except common.AuthoringError as exc:
            db.session.rollback()
            attach(form, exc)
        else:
            flash("Course settings saved.", "success")
            return redirect(url_for("authoring.course", slug=c.slug))
    elif request.method == "POST":
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    return render_template("authoring/course_settings.html", course=c, form=form), form_status(form)


@bp.post("/<slug>/delete")
@roles_required(*AUTHORS)
def delete_course(slug: str) -> Any:
    """Delete the course and everything in it."""
    c = course_or_404(slug)
    title = c.title
    try:
        service.delete_course(c)
        db.session.commit()
    except common.AuthoringError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("authoring.course_settings", slug=slug))
    flash(f"Course “{title}” deleted.", "success")
    return redirect(url_for("authoring.courses"))


@bp.post("/<slug>/modules-per-outcome")
@roles_required(*AUTHORS)
def modules_per_outcome(slug: str) -> Any:
    """Add one module for each outcome of the course's frameworks."""
    c = course_or_404(slug)
    try:
        added = service.add_modules_per_outcome(c)
        db.session.commit()
    except common.AuthoringError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(f"{len(added)} modules added, one per outcome.", "success")
    return redirect(url_for("authoring.course", slug=c.slug))


# --------------------------------------------------------------------------- modules


def _module_form_page(c: Course, form: ModuleForm, module: Module | None) -> Any:
    status = form_status(form)
    defaults = {
        ref: service.default_target_minutes(c, [ref]) for ref in service.course_outcomes(c)
    }
    page_estimates = {} if module is None else {
        p.slug: whole_minutes(page_minutes({"slug": p.slug, "title": p.title, "body": p.body})) for p in module.pages}
    return render_template(
        "authoring/module_form.html", course=c, module=module, form=form, groups=_outcome_groups(c),
        defaults=defaults, page_estimates=page_estimates,
    ), status


@bp.route("/<slug>/modules/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_module(slug: str) -> Any:
    """Add a module: outcomes taught, target minutes (default from the outcomes), workplace criteria."""
    c = course_or_404(slug)
    form = ModuleForm()
    form.form_errors = []
    if form.validate_on_submit():
        try:
            module = service.add_module(
                c, title=form.title.data, slug=form.slug.data or None, outcomes=form.outcomes.data or [],
                target_minutes=form.target_minutes.data, workplace=form.workplace.data or [],
            )
            db.session.commit()
        except common.AuthoringError as exc:
            db.session.rollback()
            attach(form, exc)
        else:
            flash(f"Module “{module.title}” added ({_minutes(module.target_minutes)}).", "success")
            return redirect(url_for("authoring.module", slug=c.slug, module_slug=module.slug))
    elif request.method == "POST":
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    return _module_form_page(c, form, None)


@bp.route("/<slug>/modules/<module_slug>/", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def module(slug: str, module_slug: str) -> Any:
    """Edit a module; lists its pages and its quiz."""
    c = course_or_404(slug)
    m = module_or_404(c, module_slug)
    form = ModuleForm(obj=m)
    form.form_errors = []
    _load_version(form, m)
    if form.validate_on_submit():
        try:
            service.update_module(
                m, title=form.title.data, slug=form.slug.data or m.slug, outcomes=form.outcomes.data or [],
                target_minutes=form.target_minutes.data
                if form.target_minutes.data is not None
                else service.default_target_minutes(c, form.outcomes.data or []),
                workplace=form.workplace.data or [], expected_version=sent_version(form),
            )
            db.session.commit()
        except common.StaleEditError as exc:
            db.session.rollback()
            stale(form, exc, url_for("authoring.module", slug=c.slug, module_slug=m.slug))
        except common.AuthoringError as exc:
            db.session.rollback()
            attach(form, exc)
        else:
            flash("Module saved.", "success")
            return redirect(url_for("authoring.module", slug=c.slug, module_slug=m.slug))
    elif request.method == "POST":
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    return _module_form_page(c, form, m)


@bp.post("/<slug>/modules/<module_slug>/move")
@roles_required(*AUTHORS)
def move_module(slug: str, module_slug: str) -> Any:
    """Move a module up or down one place."""
    c = course_or_404(slug)
    m = module_or_404(c, module_slug)
    step = -1 if request.form.get("direction") == "up" else 1
    service.move_module(m, m.position + step)
    db.session.commit()
    return redirect(url_for("authoring.course", slug=c.slug) + f"#module-{m.slug}")


@bp.post("/<slug>/modules/<module_slug>/delete")
@roles_required(*AUTHORS)
def delete_module(slug: str, module_slug: str) -> Any:
    """Delete a module with its pages and quiz."""
    c = course_or_404(slug)
    m = module_or_404(c, module_slug)
    title = m.title
    try:
        service.delete_module(m)
        db.session.commit()
    except common.AuthoringError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("authoring.module", slug=c.slug, module_slug=m.slug))
    flash(f"Module “{title}” deleted.", "success")
    return redirect(url_for("authoring.course", slug=c.slug))


# --------------------------------------------------------------------------- pages


def _page_form(c: Course, m: Module, page: Page | None) -> Any:
    form = PageForm(obj=page)
    form.form_errors = []
    _load_version(form, page)
    preview_html = None
    if request.method == "POST" and request.form.get("action") == "preview":
        form.validate()
        preview_html = service.render_page(form.body.data or "")
        return render_template(
            "authoring/page_form.html", course=c, module=m, page=page, form=form, preview_html=preview_html
        )
    if form.validate_on_submit():
        try:
            if page is None:
                page = service.add_page(m, title=form.title.data, slug=form.slug.data or None, body=form.body.data or "")
            else:
                service.update_page(
                    page, title=form.title.data, slug=form.slug.data or page.slug, body=form.body.data or "",
                    expected_version=sent_version(form),
                )
            db.session.commit()
        except common.StaleEditError as exc:
            db.session.rollback()
            latest = url_for("authoring.edit_page", slug=c.slug, module_slug=m.slug, page_slug=page.slug)
            stale(form, exc, latest)
        except common.AuthoringError as exc:
            db.session.rollback()
            attach(form, exc)
        else:
            flash(f"Page “{page.title}” saved.", "success")
            return redirect(url_for("authoring.edit_page", slug=c.slug, module_slug=m.slug, page_slug=page.slug))
    elif request.method == "POST":
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    return render_template(
        "authoring/page_form.html", course=c, module=m, page=page, form=form, preview_html=preview_html
    ), form_status(form)


@bp.route("/<slug>/modules/<module_slug>/pages/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_page(slug: str, module_slug: str) -> Any:
    """Write a new page in Markdown, with a preview."""
    c = course_or_404(slug)
    return _page_form(c, module_or_404(c, module_slug), None)


@bp.route("/<slug>/modules/<module_slug>/pages/<page_slug>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_page(slug: str, module_slug: str, page_slug: str) -> Any:
    """Edit a page."""
    c = course_or_404(slug)
    m = module_or_404(c, module_slug)
    return _page_form(c, m, _page_or_404(m, page_slug))


@bp.post("/<slug>/modules/<module_slug>/pages/<page_slug>/move")
@roles_required(*AUTHORS)
def move_page(slug: str, module_slug: str, page_slug: str) -> Any:
    """Move a page up or down one place."""
    c = course_or_404(slug)
    m = module_or_404(c, module_slug)
    p = _page_or_404(m, page_slug)
    service.move_page(p, p.position + (-1 if request.form.get("direction") == "up" else 1))
    db.session.commit()
    return redirect(url_for("authoring.module", slug=c.slug, module_slug=m.slug) + "#pages-heading")


@bp.post("/<slug>/modules/<module_slug>/pages/<page_slug>/delete")
@roles_required(*AUTHORS)
def delete_page(slug: str, module_slug: str, page_slug: str) -> Any:
    """Delete a page."""
    c = course_or_404(slug)
    m = module_or_404(c, module_slug)
    p = _page_or_404(m, page_slug)
    title = p.title
    service.delete_page(p)
    db.session.commit()
    flash(f"Page “{title}” deleted.", "success")
    return redirect(url_for("authoring.module", slug=c.slug, module_slug=m.slug))


@bp.post("/<slug>/preview")
@roles_required(*AUTHORS)
def preview(slug: str) -> Any:
    """The sanitised HTML of the Markdown in ``body`` (the editor's live preview)."""
    course_or_404(slug)
    body = request.form.get("body", "")
    if len(body) > PAGE_BODY_CHARS:
        return jsonify(error="too_long", message="The page is too long to preview."), 413
    return jsonify(html=service.render_page(body))


# The blueprint's other pages are in their own modules, which add their routes to ``bp`` when
# imported. The app registers ``course.authoring.views:bp`` (``course.BLUEPRINTS``) and a blueprint
# takes no routes once registered, so every route module is imported here, where ``bp`` is made,
# and nowhere else. (The order is the routes' order before the split; the URL map is unchanged.)
from course.authoring import file_views  # noqa: E402,F401
from course.authoring import quiz_views  # noqa: E402,F401
from course.authoring import document_views  # noqa: E402,F401
from course.authoring import builder_views  # noqa: E402,F401

"""Authoring pages for tutors and admins: courses, modules, pages, uploads, quizzes, coverage.

Every view works inside the signed-in user's organisation: another organisation's course is a
404, exactly like a course that does not exist. Views parse a form, call one service function
and commit once (rolling back on any error).
"""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
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
from course.authoring import common, quiz_builder, quizzes, service, uploads
from course.authoring.coverage import add_testwise, course_coverage
from course.authoring.document import DocumentError, export_course
from course.authoring.estimates import course_estimates, page_minutes, quiz_minutes, whole_minutes
from course.authoring.forms import (
    AddQuestionForm,
    CourseForm,
    CourseSettingsForm,
    DrawForm,
    ImportForm,
    ModuleForm,
    PageForm,
    QuizForm,
    UploadForm,
)
from course.authoring.models import Course, Module, Page
from course.authoring.quality import course_quality, findings_counts_line, testwise_sentence
from course.core.headers import cacheable
from course.core.nav import nav_item
from course.core.request_limits import max_body, read_upload
from course.extensions import db
from course.models.frameworks import Framework
from course.models.users import Organisation
from course.questions.service import finding_dicts
from question_bank.limits import COURSE_DOCUMENT_BYTES, FORM_ENVELOPE_BYTES, PAGE_BODY_CHARS, TooLarge

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


def _module_or_404(course: Course, slug: str) -> Module:
    module = service.get_module(course, slug)
    if module is None:
        abort(404)
    return module


def _page_or_404(module: Module, slug: str) -> Page:
    page = service.get_page(module, slug)
    if page is None:
        abort(404)
    return page


def _attach(form: Any, exc: common.AuthoringError) -> None:
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


def _sent_version(form: Any) -> str | None:
    """The version a submitted form was loaded from; None if it sent none (no check then)."""
    return form.base_version.data if form.base_version.raw_data else None


def _stale(form: Any, exc: common.StaleEditError, latest_url: str) -> None:
    """Explain an edit conflict at the top of the form (answered 409); the typed text stays."""
    form.edit_conflict = True
    form.form_errors.append(Markup(
        '{} Your text is still in the form below: copy what you want to keep, then '
        '<a href="{}">reload the latest version</a> and make your changes again.'
    ).format(exc.message, latest_url))


def _status(*forms: Any) -> int:
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


def _bank_questions(course: Course) -> dict[str, dict[str, Any]]:
    return quizzes.bank_current_questions(course.organisation_id)


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
                _attach(form, exc)
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
                expected_version=_sent_version(form),
            )
            db.session.commit()
        except common.StaleEditError as exc:
            db.session.rollback()
            _stale(form, exc, url_for("authoring.course_settings", slug=c.slug))
        except common.AuthoringError as exc:
            db.session.rollback()
            _attach(form, exc)
        else:
            flash("Course settings saved.", "success")
            return redirect(url_for("authoring.course", slug=c.slug))
    elif request.method == "POST":
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    return render_template("authoring/course_settings.html", course=c, form=form), _status(form)


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
    status = _status(form)
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
            _attach(form, exc)
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
    m = _module_or_404(c, module_slug)
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
                workplace=form.workplace.data or [], expected_version=_sent_version(form),
            )
            db.session.commit()
        except common.StaleEditError as exc:
            db.session.rollback()
            _stale(form, exc, url_for("authoring.module", slug=c.slug, module_slug=m.slug))
        except common.AuthoringError as exc:
            db.session.rollback()
            _attach(form, exc)
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
    m = _module_or_404(c, module_slug)
    step = -1 if request.form.get("direction") == "up" else 1
    service.move_module(m, m.position + step)
    db.session.commit()
    return redirect(url_for("authoring.course", slug=c.slug) + f"#module-{m.slug}")


@bp.post("/<slug>/modules/<module_slug>/delete")
@roles_required(*AUTHORS)
def delete_module(slug: str, module_slug: str) -> Any:
    """Delete a module with its pages and quiz."""
    c = course_or_404(slug)
    m = _module_or_404(c, module_slug)
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
                    expected_version=_sent_version(form),
                )
            db.session.commit()
        except common.StaleEditError as exc:
            db.session.rollback()
            latest = url_for("authoring.edit_page", slug=c.slug, module_slug=m.slug, page_slug=page.slug)
            _stale(form, exc, latest)
        except common.AuthoringError as exc:
            db.session.rollback()
            _attach(form, exc)
        else:
            flash(f"Page “{page.title}” saved.", "success")
            return redirect(url_for("authoring.edit_page", slug=c.slug, module_slug=m.slug, page_slug=page.slug))
    elif request.method == "POST":
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    return render_template(
        "authoring/page_form.html", course=c, module=m, page=page, form=form, preview_html=preview_html
    ), _status(form)


@bp.route("/<slug>/modules/<module_slug>/pages/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_page(slug: str, module_slug: str) -> Any:
    """Write a new page in Markdown, with a preview."""
    c = course_or_404(slug)
    return _page_form(c, _module_or_404(c, module_slug), None)


@bp.route("/<slug>/modules/<module_slug>/pages/<page_slug>", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit_page(slug: str, module_slug: str, page_slug: str) -> Any:
    """Edit a page."""
    c = course_or_404(slug)
    m = _module_or_404(c, module_slug)
    return _page_form(c, m, _page_or_404(m, page_slug))


@bp.post("/<slug>/modules/<module_slug>/pages/<page_slug>/move")
@roles_required(*AUTHORS)
def move_page(slug: str, module_slug: str, page_slug: str) -> Any:
    """Move a page up or down one place."""
    c = course_or_404(slug)
    m = _module_or_404(c, module_slug)
    p = _page_or_404(m, page_slug)
    service.move_page(p, p.position + (-1 if request.form.get("direction") == "up" else 1))
    db.session.commit()
    return redirect(url_for("authoring.module", slug=c.slug, module_slug=m.slug) + "#pages-heading")


@bp.post("/<slug>/modules/<module_slug>/pages/<page_slug>/delete")
@roles_required(*AUTHORS)
def delete_page(slug: str, module_slug: str, page_slug: str) -> Any:
    """Delete a page."""
    c = course_or_404(slug)
    m = _module_or_404(c, module_slug)
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


# --------------------------------------------------------------------------- uploads


@bp.route("/<slug>/files/", methods=["GET", "POST"])
@max_body(lambda: uploads.max_upload_bytes() + FORM_ENVELOPE_BYTES)
@roles_required(*AUTHORS)
def files(slug: str) -> Any:
    """The course's images, and the upload form."""
    c = course_or_404(slug)
    form = UploadForm()
    form.form_errors = []
    if form.validate_on_submit():
        uploaded = form.file.data
        try:
            upload = uploads.add_upload(c, filename=uploaded.filename or "image", data=uploaded.read())
            db.session.commit()
        except common.AuthoringError as exc:
            db.session.rollback()
            _attach(form, exc)
        else:
            flash(f"Uploaded {upload.filename}.", "success")
            return redirect(url_for("authoring.files", slug=c.slug))
    elif request.method == "POST":
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    status = 422 if form.form_errors else 200
    return render_template(
        "authoring/files.html", course=c, form=form, limit=uploads.max_upload_bytes()
    ), status


def _may_read_files(c: Course) -> bool:
    if current_user.organisation_id == c.organisation_id:
        return True
    try:  # enrolments belong to the learning area; without it only the organisation's users
        from course.learning.enrolment import is_enrolled  # type: ignore[import-not-found]
    except ImportError:
        return False
    return bool(is_enrolled(current_user, c))


@bp.get("/<slug>/files/<name>")
@roles_required()
@cacheable
def file(slug: str, name: str) -> Any:
    """An uploaded image, for signed-in users of the course's organisation (or enrolled learners)."""
    from course.authoring.models import Upload

    candidates = db.session.scalars(db.select(Course).where(Course.slug == slug)).all()
    for c in candidates:
        if not _may_read_files(c):
            continue
        upload = db.session.scalar(db.select(Upload).where(Upload.course_id == c.id, Upload.filename == name))
        if upload is not None:
            response = Response(upload.data, mimetype=upload.content_type)
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Content-Security-Policy"] = "default-src 'none'"
            response.headers["Cache-Control"] = "private, max-age=300"
            return response
    abort(404)


@bp.post("/<slug>/files/<name>/delete")
@roles_required(*AUTHORS)
def delete_file(slug: str, name: str) -> Any:
    """Delete an uploaded image."""
    c = course_or_404(slug)
    upload = uploads.get_upload(c, name)
    if upload is None:
        abort(404)
    uploads.delete_upload(upload)
    db.session.commit()
    flash(f"Deleted {name}.", "success")
    return redirect(url_for("authoring.files", slug=c.slug))


# --------------------------------------------------------------------------- quizzes


def _quiz_page(c: Course, m: Module, form: QuizForm, draw_form: DrawForm, add_form: AddQuestionForm) -> Any:
    criteria = service.course_criteria(c)
    draw_form.criterion.choices = [SelectChoice("", "– choose a criterion –")] + [
        SelectChoice(ref, f"{crit.code}: {crit.text[:80]}", optgroup=f"{crit.framework.code} {crit.outcome.code}")
        for ref, crit in criteria.items()
    ]
    bank = _bank_questions(c)
    search = quiz_builder.search_bank(c.organisation_id, quiz_builder.search_filters(request.args),
                                      request.args.get("page", "1"))
    tags = sorted({t for q in bank.values() for t in q.get("tags") or []})
    from course.learning.models import Attempt

    in_progress = db.session.scalar(
        db.select(db.func.count()).select_from(Attempt).where(Attempt.module_id == m.id, Attempt.status == "in_progress"))
    quality = course_quality(c, module=m.slug).quiz(m.slug) if m.quiz is not None else None
    from course.evidence.signoff import quiz_unsigned

    awaiting_qa = quiz_unsigned(m)  # why learners cannot start it, when the IQA gate holds it back
    # Each item's estimated time to answer (a draw: its count times the mean of what it can draw).
    versions = quizzes.quiz_question_versions(c).get(m.id, []) if m.quiz is not None else []
    item_minutes = [quiz_minutes({"items": [item]}, versions) for item in (m.quiz.items if m.quiz else [])]
    return render_template(
        "authoring/quiz.html", course=c, module=m, quiz=m.quiz, form=form, draw_form=draw_form,
        add_form=add_form, search=search, criteria=criteria, type_labels=type_labels(),
        finding_filters=finding_filter_choices(), tags=tags, bank=bank, in_progress=in_progress,
        availability=quiz_builder.draw_availabilities(m, bank), availability_sentence=quiz_builder.availability_sentence,
        draw_count_url=url_for("authoring.draw_count", slug=c.slug, module_slug=m.slug),
        quality=quality, findings_counts_line=findings_counts_line, testwise_sentence=testwise_sentence,
        item_minutes=item_minutes, quiz_total_minutes=whole_minutes(sum(item_minutes)), whole_minutes=whole_minutes,
        finding_dicts=finding_dicts, awaiting_qa=awaiting_qa,
        awaiting_qa_list=", ".join(q.describe() for q in awaiting_qa),
        same_questions=m.quiz is not None and m.quiz.mode == "summative" and quizzes.only_fixed_items(m.quiz),
    ), _status(form, draw_form, add_form)


def _quiz_forms(m: Module, *, settings_post: bool = False) -> tuple[QuizForm, DrawForm, AddQuestionForm]:
    """The quiz page's three forms. The settings form shows the stored settings and version,
    except on its own POST (``settings_post``), where it keeps what the tutor typed."""
    quiz = m.quiz
    data = None
    if quiz is not None and not settings_post:
        data = {
            "title": quiz.title,
            "pass_mark": round(quiz.pass_mark * 100),
            "criterion_threshold": None if quiz.criterion_threshold is None else round(quiz.criterion_threshold * 100),
            "attempts": quiz.attempts,
            "grading": quiz.grading,
            "shuffle": quiz.shuffle,
            "feedback": quiz.feedback,
            "time_limit_minutes": quiz.time_limit_minutes,
            "mode": quiz.mode,
            "option_feedback": quiz.option_feedback,
            "shuffle_options": quiz.shuffle_options,
        }
    if settings_post:
        form = QuizForm()
    else:
        form = QuizForm(formdata=None, data=data)
        if quiz is None:
            form.title.data = f"{m.title}: quiz"[:300]
        form.base_version.data = common.version_token(quiz)
    draw_form, add_form = DrawForm(prefix="draw"), AddQuestionForm()
    for f in (form, draw_form, add_form):
        f.form_errors = []
    return form, draw_form, add_form


def _mode_governed(form: QuizForm, quiz: Any) -> dict[str, Any]:
    """The settings a mode sets, as the form sent them; when the tutor changed the mode, those left as
    they were are None, so that ``set_quiz`` gives them the new mode's defaults (a setting changed in
    the same save is kept)."""
    sent = {name: getattr(form, name).data for name in quizzes.MODE_DEFAULTS["formative"]}
    before = {name: getattr(quiz, name) if quiz is not None else quizzes.QUIZ_DEFAULTS[name] for name in sent}
    if form.mode.data == (quiz.mode if quiz is not None else quizzes.QUIZ_DEFAULTS["mode"]):
        return sent
    return {name: None if value == before[name] else value for name, value in sent.items()}


def _mode_summary(quiz: Any) -> str:
    """The settings a mode sets, in words, for the message after the mode changed."""
    attempts = f"{quiz.attempts} attempt{'s' if quiz.attempts != 1 else ''}" if quiz.attempts else "unlimited attempts"
    feedback = "feedback after submission" if quiz.feedback == "after_submission" else "immediate feedback"
    texts = {"always": "the feedback on each answer always shown",
             "after_final_attempt": "the feedback on each answer after the final attempt",
             "never": "no feedback on each answer"}[quiz.option_feedback]
    shuffled = [what for what, on in (("questions", quiz.shuffle), ("options", quiz.shuffle_options)) if on]
    order = f"{' and '.join(shuffled)} shuffled" if shuffled else "nothing shuffled"
    return f"{attempts}, {feedback}, {texts}, {order}"


@bp.route("/<slug>/modules/<module_slug>/quiz", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def quiz(slug: str, module_slug: str) -> Any:
    """The quiz builder: settings, then fixed questions and random draws."""
    c = course_or_404(slug)
    m = _module_or_404(c, module_slug)
    form, draw_form, add_form = _quiz_forms(m, settings_post=request.method == "POST")
    if request.method == "POST":
        if form.validate():
            mode_before = m.quiz.mode if m.quiz is not None else None
            try:
                saved = quizzes.set_quiz(
                    m, title=form.title.data, pass_mark=form.pass_mark.data / 100,
                    criterion_threshold=None if form.criterion_threshold.data is None else form.criterion_threshold.data / 100,
                    grading=form.grading.data, time_limit_minutes=form.time_limit_minutes.data, mode=form.mode.data,
                    **_mode_governed(form, m.quiz), expected_version=_sent_version(form),
                )
                summary = _mode_summary(saved) if saved.mode != mode_before else None
                db.session.commit()
            except common.StaleEditError as exc:
                db.session.rollback()
                _stale(form, exc, url_for("authoring.quiz", slug=c.slug, module_slug=m.slug))
            except common.AuthoringError as exc:
                db.session.rollback()
                _attach(form, exc)
            else:
                flash("Quiz settings saved." + (f" A {form.mode.data} quiz: {summary}." if summary else ""), "success")
                return redirect(url_for("authoring.quiz", slug=c.slug, module_slug=m.slug))
        else:
            form.form_errors = [e for errors in form.errors.values() for e in errors]
    return _quiz_page(c, m, form, draw_form, add_form)


@bp.post("/<slug>/modules/<module_slug>/quiz/draw-per-criterion")
@roles_required(*AUTHORS)
def draw_per_criterion(slug: str, module_slug: str) -> Any:
    """Replace the quiz's items by one draw per criterion they evidence, so each attempt differs."""
    c = course_or_404(slug)
    m = _module_or_404(c, module_slug)
    if m.quiz is None:
        abort(404)
    try:
        plan = quizzes.draw_per_criterion(m.quiz)
        db.session.commit()
    except common.AuthoringError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("authoring.quiz", slug=c.slug, module_slug=m.slug) + "#items-heading")
    total = sum(d["count"] for d in plan.draws)
    notes = [f"The quiz now draws {total} question{'s' if total != 1 else ''} per attempt: "
             + ", ".join(f"{d['count']} evidencing {d['criterion']}" for d in plan.draws) + "."]
    notes += [f"{ref} had {had} but its pool can give only {can}." for ref, (had, can) in plan.capped.items()]
    if plan.skipped:
        notes.append("No draw for " + ", ".join(plan.skipped) + ": nothing left in the question bank to draw "
                     "for it, or a framework this course is not built on.")
    flash(" ".join(notes), "success")
    return redirect(url_for("authoring.quiz", slug=c.slug, module_slug=m.slug) + "#items-heading")


@bp.post("/<slug>/modules/<module_slug>/quiz/questions")
@roles_required(*AUTHORS)
def add_quiz_question(slug: str, module_slug: str) -> Any:
    """Add a fixed question version to the quiz (creating the quiz with default settings)."""
    c = course_or_404(slug)
    m = _module_or_404(c, module_slug)
    form, draw_form, add_form = _quiz_forms(m)
    if add_form.validate():
        try:
            quiz = quizzes.set_quiz(m) if m.quiz is None else m.quiz
            quizzes.add_fixed_question(quiz, add_form.question.data.strip(), add_form.version.data)
            db.session.commit()
        except common.AuthoringError as exc:
            db.session.rollback()
            _attach(add_form, exc)
        else:
            flash(f"Question {add_form.question.data} added to the quiz.", "success")
            return redirect(url_for("authoring.quiz", slug=c.slug, module_slug=m.slug) + "#items-heading")
    else:
        add_form.form_errors = [e for errors in add_form.errors.values() for e in errors]
    return _quiz_page(c, m, form, draw_form, add_form)


@bp.post("/<slug>/modules/<module_slug>/quiz/draws")
@roles_required(*AUTHORS)
def add_quiz_draw(slug: str, module_slug: str) -> Any:
    """Add a random draw: N questions evidencing a criterion, or N with a tag."""
    c = course_or_404(slug)
    m = _module_or_404(c, module_slug)
    form, draw_form, add_form = _quiz_forms(m)
    if draw_form.validate():
        criterion = draw_form.criterion.data or None
        tag = (draw_form.tag.data or "").strip() or None
        if (criterion is None) == (tag is None):
            _attach(draw_form, common.AuthoringError("Choose a criterion or enter a tag (one of the two).", "criterion"))
        else:
            try:
                if criterion is None or criterion in service.course_criteria(c):
                    quiz_builder.check_enough(m, {"count": draw_form.count.data,
                                                  **({"criterion": criterion} if criterion else {"tag": tag})})
                quiz = quizzes.set_quiz(m) if m.quiz is None else m.quiz
                quizzes.add_draw(quiz, draw_form.count.data, criterion=criterion, tag=tag)
                db.session.commit()
            except common.AuthoringError as exc:
                db.session.rollback()
                _attach(draw_form, exc)
            else:
                what = f"evidencing {criterion}" if criterion else f"tagged “{tag}”"
                flash(f"Draw of {draw_form.count.data} {what} added to the quiz.", "success")
                return redirect(url_for("authoring.quiz", slug=c.slug, module_slug=m.slug) + "#items-heading")
    else:
        draw_form.form_errors = [e for errors in draw_form.errors.values() for e in errors]
    return _quiz_page(c, m, form, draw_form, add_form)


@bp.post("/<slug>/modules/<module_slug>/quiz/items/<int:index>/move")
@roles_required(*AUTHORS)
def move_quiz_item(slug: str, module_slug: str, index: int) -> Any:
    """Move a quiz item up or down one place."""
    c = course_or_404(slug)
    m = _module_or_404(c, module_slug)
    if m.quiz is None:
        abort(404)
    try:
        step = -1 if request.form.get("direction") == "up" else 1
        quizzes.move_quiz_item(m.quiz, index, index + step)
        db.session.commit()
    except common.AuthoringError:
        db.session.rollback()
        abort(404)
    return redirect(url_for("authoring.quiz", slug=c.slug, module_slug=m.slug) + "#items-heading")


@bp.post("/<slug>/modules/<module_slug>/quiz/items/<int:index>/delete")
@roles_required(*AUTHORS)
def delete_quiz_item(slug: str, module_slug: str, index: int) -> Any:
    """Remove a quiz item."""
    c = course_or_404(slug)
    m = _module_or_404(c, module_slug)
    if m.quiz is None:
        abort(404)
    try:
        quizzes.remove_quiz_item(m.quiz, index)
        db.session.commit()
    except common.AuthoringError:
        db.session.rollback()
        abort(404)
    flash("Quiz item removed.", "success")
    return redirect(url_for("authoring.quiz", slug=c.slug, module_slug=m.slug) + "#items-heading")


@bp.post("/<slug>/modules/<module_slug>/quiz/delete")
@roles_required(*AUTHORS)
def delete_quiz(slug: str, module_slug: str) -> Any:
    """Remove the module's quiz."""
    c = course_or_404(slug)
    m = _module_or_404(c, module_slug)
    closed = quizzes.delete_quiz(m)
    db.session.commit()
    flash("Quiz removed." + (f" {closed} attempt{'s' if closed != 1 else ''} in progress "
                             f"{'were' if closed != 1 else 'was'} submitted with the answers saved and marked; "
                             "the learners see the result and a note under My learning." if closed else ""), "success")
    return redirect(url_for("authoring.module", slug=c.slug, module_slug=m.slug))


# --------------------------------------------------------------------------- coverage


@bp.get("/<slug>/coverage")
@roles_required(*AUTHORS)
def coverage(slug: str) -> Any:
    """The coverage matrix: criteria by outcome against summative quizzes, their pools, formative practice."""
    c = course_or_404(slug)
    coverage = add_testwise(course_coverage(c), course_quality(c))
    return render_template("authoring/coverage.html", course=c, coverage=coverage, printing=False)


@bp.get("/<slug>/coverage/print")
@roles_required(*AUTHORS)
def coverage_print(slug: str) -> Any:
    """The coverage matrix laid out for printing (for an awarding body)."""
    c = course_or_404(slug)
    coverage = add_testwise(course_coverage(c), course_quality(c))
    return render_template("authoring/coverage.html", course=c, coverage=coverage, printing=True)


# --------------------------------------------------------------------------- course document


@bp.get("/<slug>/export")
@roles_required(*AUTHORS)
def export(slug: str) -> Any:
    """Download the course document (canonical JSON)."""
    from scorm_export.document import dump_document

    c = course_or_404(slug)
    try:
        data = dump_document(export_course(c))
    except DocumentError as exc:
        return render_template(
            "authoring/problems.html", course=c, problems=exc.problems,
            heading="This course cannot be exported yet",
        ), 422
    return Response(
        data,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{c.slug}.course.json"'},
    )


@bp.route("/import", methods=["GET", "POST"])
@max_body(COURSE_DOCUMENT_BYTES + FORM_ENVELOPE_BYTES)
@roles_required(*AUTHORS)
def import_document() -> Any:
    """Upload a course document: a job checks it and creates the course (every problem listed
    with its JSON path, nothing created), and the job's page follows it."""
    from course.authoring.jobs import IMPORT_COURSE
    from course.jobs.service import submit

    form = ImportForm()
    form.form_errors = []
    if form.validate_on_submit():
        if current_user.organisation_id is None:
            form.form_errors.append("Your account belongs to no organisation, so it cannot own courses.")
        else:
            try:
                data = read_upload(form.file.data, COURSE_DOCUMENT_BYTES)
            except TooLarge as exc:
                form.form_errors.append(f"The course document is {exc}; nothing was imported.")
            else:
                name = (form.file.data.filename or "course.json")[-200:]
                job = submit(IMPORT_COURSE, params={"filename": name}, payload=data,
                             organisation_id=current_user.organisation_id, owner_id=current_user.id)
                return redirect(url_for("jobs.show", job_id=job.id), 303)
    elif request.method == "POST":
        form.form_errors = [e for errors in form.errors.values() for e in errors]
    status = 422 if form.form_errors else 200
    return render_template("authoring/import.html", form=form), status


def type_labels() -> dict[str, str]:
    """Question types by name, for the bank search's Type filter."""
    from course.questions import spec

    return dict(spec.TYPE_LABELS)


def finding_filter_choices() -> list[tuple[str, str]]:
    """The bank search's Finding filter: any, serious, then each item-writing check by title."""
    from course.questions.service import FINDING_FILTERS
    from question_bank.quality import CHECKS

    return list(FINDING_FILTERS.items()) + sorted(((code, info.title) for code, info in CHECKS.items()),
                                                  key=lambda pair: pair[1])


from course.authoring import builder_views  # noqa: E402,F401  (its routes join this blueprint)

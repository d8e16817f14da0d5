"""Learner pages (dashboard, module player, review), the player's JSON API, and tutor pages.

JSON API (learner role; POST bodies are JSON and carry the CSRF token in ``X-CSRFToken``):

    POST /learn/api/attempts/<id>/answers    {index, response, question?, version?, revision?}
    POST /learn/api/attempts/<id>/check      {index, response, step?}   the server marks it; final
    POST /learn/api/attempts/<id>/state      {state, location, revision?}
    POST /learn/api/attempts/<id>/heartbeat  {active_seconds}
    POST /learn/api/attempts/<id>/submit     {responses: [...], result?, revision?}
    GET  /learn/api/attempts/<id>            the attempt to resume, and its result
    POST /learn/api/progress/<module_id>/state|heartbeat   a module without a quiz

Errors are JSON ``{error, message, ...}``: 404 not yours, 409 conflict (submitted, stale
revision, another attempt's item, a checked answer; with ``attempt`` holding the current state;
``code: "busy"`` when concurrent writes kept winning: send it again), 422 invalid.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from course.accounts.admin_views import invite_learners
from course.auth import roles_required
from course.auth.decorators import is_api_path
from course.authoring.models import Course, Module
from course.core.headers import cacheable, csp_nonce
from course.core.nav import nav_item
from course.core.request_limits import max_body
from course.evidence.display import counts_sentence, learner_record
from course.extensions import db
from course.learning import (
    answers,
    attempts,
    enrolment,
    errors,
    essays,
    overview,
    player_state,
    resume,
    results,
    submission,
    time_on_task,
)
from course.learning.attempt_criteria import attempt_criteria
from course.learning.display import answer_text, fmt, key_response, percent
from course.learning import hours
from course.learning.forms import CsvEnrolForm, EnrolForm, MarkEssayForm, OfflineForm
from course.learning.models import OFFLINE_KINDS, Attempt, Enrolment, OfflineLearning
from course.learning.player import (
    PLAYER_DIR,
    PLAYER_FILES,
    course_document,
    launch_data,
    minified_player_file,
    player_file_version,
    render_player_page,
)
from course.models.users import User
from course.bank.media import get_media, media_response
from question_bank.limits import ENROLMENT_CSV_BYTES, FORM_ENVELOPE_BYTES, JSON_BODY_BYTES
from question_bank.text import render_markdown, render_stem

bp = Blueprint("learning", __name__, url_prefix="/learn", template_folder="templates")
nav_item("My learning", "learning.dashboard", roles=("learner",), order=5)
nav_item("Learners", "learning.tutor_home", roles=("tutor", "admin"), order=40)
nav_item("Marking", "learning.marking_queue", roles=("tutor", "admin"), order=45)

T = TypeVar("T")
RETRIES = 3
# The player's saves of one attempt may race (two tabs, a retry overtaking its original): each
# lost race is retried on fresh data after a short random pause, so concurrent writers interleave.
SAVE_RETRIES = 8


@bp.app_template_filter("score")
def _score_filter(value: float | None) -> str:
    return fmt(value)


@bp.app_template_filter("percent")
def _percent_filter(value: float | None) -> str:
    return percent(value)


# Time in plain words (course.learning.hours): minutes under an hour, hours from an hour, never seconds.
bp.add_app_template_filter(hours.duration, "duration")
bp.add_app_template_global(hours.against, "time_against")
bp.add_app_template_global(hours.percent_of, "time_percent")
bp.add_app_template_global(hours.TIME_EXPLAINED, "time_explained")


@bp.errorhandler(errors.LearningError)
def learning_error(error: errors.LearningError) -> Any:
    """JSON on API paths, an error page elsewhere."""
    db.session.rollback()
    if is_api_path():
        names = {404: "not found", 409: "conflict", 422: "validation"}
        response = jsonify(error=names.get(error.status, "bad request"), message=error.message, **error.payload)
        response.status_code = error.status
        return response
    titles = {404: "Page not found", 409: "Not available", 422: "Cannot process"}
    return render_template("errors/error.html", status=error.status, title=titles.get(error.status, "Bad request"),
                           message=error.message), error.status


def run(operation: Callable[[], T], retries: int = RETRIES) -> T:
    """Run a service operation and commit; retried on fresh data when a concurrent write won.

    When every try lost, the answer is 409 with ``code: "busy"``: nothing was stored, and the
    player sends it again (it never drops a save)."""
    for attempt in range(retries):
        try:
            result = operation()
            db.session.commit()
            return result
        except (StaleDataError, IntegrityError):
            db.session.rollback()
            if attempt == retries - 1:
                raise errors.Conflict("Another window changed this at the same moment; please try again.",
                                      code="busy") from None
            time.sleep(random.uniform(0.002, 0.02) * (attempt + 1))
        except Exception:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 JSON error (saying what is wrong with a refused body)."""
    if not request.is_json:
        raise errors.LearningError("Send a JSON object with Content-Type: application/json.")
    body = request.get_json()  # a body load_json refuses: JsonBodyRefused, the app's JSON 400
    if not isinstance(body, dict):
        raise errors.LearningError("Send a JSON object with Content-Type: application/json.")
    return body


def me() -> User:
    """The signed-in user as a model instance (not the proxy)."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


# ---------------------------------------------------------------- learner lookups


def enrolled_course(slug: str) -> Course:
    """The signed-in learner's course with this slug, else 404."""
    course = db.session.scalar(
        select(Course).join(Enrolment, Enrolment.course_id == Course.id)
        .where(Enrolment.user_id == current_user.id, Course.slug == slug)
        .order_by(Course.id)
    )
    if course is None:
        abort(404)
    return course


def course_module(course: Course, slug: str) -> Module:
    """The course's module with this slug, else 404."""
    module = db.session.scalar(select(Module).where(Module.course_id == course.id, Module.slug == slug))
    if module is None:
        abort(404)
    return module


def enrolled_module(module_id: int) -> Module:
    """A module of a course the signed-in learner is enrolled on, else NotFound."""
    module = db.session.get(Module, module_id)
    if module is None or not enrolment.is_enrolled(me(), module.course):
        raise errors.NotFound("There is no such module.")
    return module


# ---------------------------------------------------------------- learner pages


@bp.get("/")
@roles_required("learner")
def dashboard() -> Any:
    """Enrolled courses; per module progress, time against target, attempts left, mark, criteria."""
    user = me()
    return render_template("learning/dashboard.html", overview=overview.learner_overview(user),
                           resume=resume.resume_point(user))


@bp.get("/courses/<course_slug>/criteria")
@roles_required("learner")
def my_criteria(course_slug: str) -> Any:
    """Every criterion of the course with its state, reasons and evidence (course.evidence.status),
    as the tutor's criteria map shows them."""
    course = enrolled_course(course_slug)
    record = learner_record(course, me().id)
    return render_template("learning/criteria.html", course=course, record=record,
                           counts=counts_sentence(record.counts))


@bp.get("/player/<name>")
@roles_required()
@cacheable
def player_file(name: str) -> Any:
    """The player's own JS and CSS files (scorm_export/player), minified as the SCORM zip carries
    them (as written when the app runs in debug mode, for reading in the browser)."""
    if name not in PLAYER_FILES:
        abort(404)
    if current_app.debug:
        return send_from_directory(PLAYER_DIR, name, max_age=3600)
    minified = minified_player_file(name, player_file_version(name))
    response = current_app.response_class(minified.data,
                                          mimetype="text/css" if name.endswith(".css") else "text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    response.set_etag(minified.etag)
    return response.make_conditional(request)


def learner_media_base(course: Course) -> str:
    """Where the learner's pages find the course's question images (see question_bank.text.resolve_media)."""
    return url_for("learning.media", course_slug=course.slug, name="_")[:-1]


@bp.get("/<course_slug>/media/<name>")
@roles_required("learner")
@cacheable
def media(course_slug: str, name: str) -> Any:
    """An image a question of the course shows (from its organisation's question bank)."""
    course = enrolled_course(course_slug)
    row = get_media(course.organisation_id, f"media/{name}")
    if row is None:
        abort(404)
    return media_response(row)


def _player_page(module: Module, attempt: Attempt | None) -> Any:
    user = me()
    time_on_task.open_session(user, module)
    progress = player_state.module_progress(user.id, module.id) if attempt is None else None
    questions = attempts.item_questions(attempt) if attempt is not None else {}
    db.session.commit()
    if attempt is not None:
        api = url_for("learning.api_attempt", attempt_id=attempt.id)
    else:
        api = url_for("learning.api_progress", module_id=module.id)
    doc = course_document(module, attempt, questions, with_quiz=attempt is not None,
                          media_base=learner_media_base(module.course))
    later = [m for m in module.course.modules if m.position > module.position]
    following = {"title": later[0].title, "url": url_for("learning.module_player", course_slug=module.course.slug,
                                                         module_slug=later[0].slug)} if later else None
    launch = launch_data(module, api=api, csrf=generate_csrf(), user=user, attempt=attempt, progress=progress,
                         exit_url=url_for("learning.dashboard"), next_module=following, questions=questions)
    html = render_player_page(
        title=module.title, course=doc, launch=launch,
        file_url=lambda name: url_for("learning.player_file", name=name, v=player_file_version(name)),
        nonce=csp_nonce(),
    )
    return html, 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/<course_slug>/<module_slug>")
@roles_required("learner")
def module_player(course_slug: str, module_slug: str) -> Any:
    """The module in the player: the open attempt (resumed), else a new one, else the last one."""
    course = enrolled_course(course_slug)
    module = course_module(course, module_slug)
    user = me()
    attempt = None
    if module.quiz is not None:
        attempt = attempts.open_attempt(user, module)
        if attempt is None:
            latest = db.session.scalar(
                select(Attempt).where(Attempt.user_id == user.id, Attempt.module_id == module.id)
                .order_by(Attempt.number.desc())
            )
            if latest is not None and request.args.get("new") != "1":
                attempt = latest  # its results; a new attempt is started from the dashboard
            else:
                try:
                    attempt = run(lambda: attempts.start_attempt(user, module))
                except errors.LearningError as exc:
                    if latest is None:
                        flash(exc.message, "error")
                        return redirect(url_for("learning.dashboard"))
                    attempt = latest
    return _player_page(module, attempt)


@bp.post("/<course_slug>/<module_slug>/attempts")
@roles_required("learner")
def new_attempt(course_slug: str, module_slug: str) -> Any:
    """Start a new attempt (the form on the dashboard), then open the module."""
    course = enrolled_course(course_slug)
    module = course_module(course, module_slug)
    user = me()
    try:
        run(lambda: attempts.start_attempt(user, module))
    except errors.LearningError as exc:
        flash(exc.message, "error")
        return redirect(url_for("learning.dashboard"))
    return redirect(url_for("learning.module_player", course_slug=course.slug, module_slug=module.slug))


@bp.get("/attempts/<int:attempt_id>")
@roles_required("learner")
def review(attempt_id: int) -> Any:
    """A submitted attempt: the server's mark, criteria, each answer with its mark and feedback."""
    attempt = attempts.get_attempt(attempt_id, me())
    if attempt.is_open:
        abort(404)
    return render_template("learning/review.html", **_review_context(attempt))


def _review_context(attempt: Attempt) -> dict[str, Any]:
    by_key = attempts.item_questions(attempt)
    media_base = learner_media_base(attempt.module.course)
    show_feedback = attempts.option_feedback_shown(attempt)

    def correct_answer(question: dict[str, Any]) -> str | None:
        # Only once the quiz lets the learner read the explanations, as the player's review.
        key = key_response(question) if show_feedback else None
        return None if key is None else answer_text(question, key)

    items = []
    for item in attempt.marks:
        question = by_key.get((item.question_id, item.version))
        if question is None:
            continue
        steps = []
        if question["type"] == "scenario":
            answers = (item.response or {}).get("answers", {})
            index = {s["id"]: s for s in question["steps"]}
            for sid in (item.response or {}).get("path", []):
                child = index[sid]["question"]
                steps.append({"stem": render_stem(child, media_base), "answer": answer_text(child, answers.get(sid)),
                              "correct": correct_answer(child)})
        case = question.get("case") or {}
        items.append({
            "item": item,
            "question": question,
            "stem": render_stem(question, media_base),
            "case": [(label, Markup(render_markdown(case[key]))) for key, label in
                     (("person", "Person"), ("setting", "Setting"), ("situation", "Situation")) if case.get(key)],
            "answer": answer_text(question, item.response),
            "correct": correct_answer(question),
            "steps": steps,
            "comments": [p["comment"] for p in (item.essays or {}).values() if p.get("comment")],
        })
    module = attempt.module
    criteria_text = _criteria_text(module.course)
    return {"attempt": attempt, "module": module, "course": module.course, "items": items,
            "criteria_text": criteria_text, "criteria": attempt_criteria(attempt), "quiz": attempt.quiz_snapshot,
            "show_feedback": show_feedback}


def _criteria_text(course: Course) -> dict[str, str]:
    out = {}
    for framework in course.frameworks:
        for outcome in framework.outcomes:
            for criterion in outcome.criteria:
                out[f"{framework.code}/{criterion.code}"] = criterion.text
    return out


# ---------------------------------------------------------------- the player's API


@bp.get("/api/attempts/<int:attempt_id>")
@roles_required("learner")
def api_attempt(attempt_id: int) -> Any:
    """The attempt to resume (state, answers by item, revision) and its result when submitted."""
    attempt = attempts.get_attempt(attempt_id, me())
    return jsonify(attempt=attempts.attempt_snapshot(attempt), result=results.result_json(attempt))


@bp.post("/api/attempts/<int:attempt_id>/answers")
@max_body(JSON_BODY_BYTES)
@roles_required("learner")
def api_answer(attempt_id: int) -> Any:
    """Autosave one answer as given; idempotent per item."""
    body = json_body()
    user = me()

    def op() -> int:
        attempt = attempts.get_attempt(attempt_id, user, for_update=True)
        answers.save_answer(attempt, body.get("index"), body.get("response"), question=body.get("question"),
                            version=body.get("version"), revision=body.get("revision"))
        db.session.flush()
        return attempt.revision  # read now: after the commit it would reload the whole attempt row

    return jsonify(saved=True, index=body.get("index"), revision=run(op, SAVE_RETRIES))


@bp.post("/api/attempts/<int:attempt_id>/check")
@roles_required("learner")
def api_check(attempt_id: int) -> Any:
    """Mark one answer as it is checked, or one scenario step as the learner moves on (final)."""
    body = json_body()
    user = me()

    def op() -> dict[str, Any]:
        attempt = attempts.get_attempt(attempt_id, user, for_update=True)
        return answers.check_answer(attempt, body.get("index"), body.get("response"), step=body.get("step"))

    return jsonify(run(op, SAVE_RETRIES))


@bp.post("/api/attempts/<int:attempt_id>/state")
@max_body(JSON_BODY_BYTES)
@roles_required("learner")
def api_state(attempt_id: int) -> Any:
    """Save the player's compact state and location."""
    body = json_body()
    user = me()

    def op() -> int:
        attempt = attempts.get_attempt(attempt_id, user, for_update=True)
        player_state.save_state(attempt, body.get("state"), body.get("location"), revision=body.get("revision"))
        db.session.flush()
        return attempt.revision  # read now: after the commit it would reload the whole attempt row

    return jsonify(saved=True, revision=run(op, SAVE_RETRIES))


@bp.post("/api/attempts/<int:attempt_id>/heartbeat")
@max_body(JSON_BODY_BYTES)
@roles_required("learner")
def api_heartbeat(attempt_id: int) -> Any:
    """Credit active time on the attempt's module (never more than wall-clock time)."""
    body = json_body()
    user = me()

    def op() -> tuple[int, int]:
        attempt = attempts.get_attempt(attempt_id, user)
        credited = time_on_task.record_heartbeat(user, attempt.module, body.get("active_seconds"))
        return credited, time_on_task.seconds_on(user, attempt.module)

    credited, total = run(op)
    return jsonify(credited=credited, seconds=total)


@bp.post("/api/attempts/<int:attempt_id>/submit")
@max_body(JSON_BODY_BYTES)
@roles_required("learner")
def api_submit(attempt_id: int) -> Any:
    """Mark the attempt on the server; a second submission returns the same result."""
    body = json_body()
    user = me()

    def op() -> Attempt:
        attempt = attempts.get_attempt(attempt_id, user, for_update=True)
        return submission.submit_attempt(attempt, body.get("responses"), client_result=body.get("result"),
                                      revision=body.get("revision"))

    attempt = run(op)
    return jsonify(results.result_json(attempt))


@bp.post("/api/progress/<int:module_id>/state")
@max_body(JSON_BODY_BYTES)
@roles_required("learner")
def api_progress_state(module_id: int) -> Any:
    """Save the player state of a module without a quiz."""
    body = json_body()
    user = me()

    def op() -> None:
        module = enrolled_module(module_id)
        player_state.save_module_state(player_state.module_progress(user.id, module.id), body.get("state"), body.get("location"))

    run(op)
    return jsonify(saved=True)


@bp.post("/api/progress/<int:module_id>/heartbeat")
@max_body(JSON_BODY_BYTES)
@roles_required("learner")
def api_progress_heartbeat(module_id: int) -> Any:
    """Credit active time on a module without a quiz."""
    body = json_body()
    user = me()

    def op() -> tuple[int, int]:
        module = enrolled_module(module_id)
        credited = time_on_task.record_heartbeat(user, module, body.get("active_seconds"))
        return credited, time_on_task.seconds_on(user, module)

    credited, total = run(op)
    return jsonify(credited=credited, seconds=total)


@bp.get("/api/progress/<int:module_id>")
@roles_required("learner")
def api_progress(module_id: int) -> Any:
    """A module's saved player state and pages seen (the base URL of the progress API)."""
    module = enrolled_module(module_id)
    progress = player_state.module_progress(me().id, module.id)
    db.session.commit()
    return jsonify(state=progress.state, location=progress.location, pages_seen=progress.pages_seen,
                   pages=len(module.pages))


# ---------------------------------------------------------------- tutor pages


def tutor_course(course_id: int) -> Course:
    """A course of the signed-in tutor's organisation, else 404."""
    course = db.session.get(Course, course_id)
    if course is None or course.organisation_id != current_user.organisation_id:
        abort(404)
    return course


@bp.get("/tutor/")
@roles_required("tutor", "admin")
def tutor_home() -> Any:
    """The organisation's courses with their learners and essays to mark."""
    courses = db.session.scalars(
        select(Course).where(Course.organisation_id == current_user.organisation_id).order_by(Course.title)
    ).all()
    counts = dict(db.session.execute(
        select(Enrolment.course_id, func.count()).join(Course, Enrolment.course_id == Course.id)
        .where(Course.organisation_id == current_user.organisation_id).group_by(Enrolment.course_id)
    ).all())
    pending = len(essays.pending_essays(current_user.organisation_id)) if current_user.organisation_id else 0
    return render_template("learning/tutor_home.html", courses=courses, counts=counts, pending=pending)


def _learners_page(course: Course, form: EnrolForm, csv_form: CsvEnrolForm, csv_problems: list[str] | None = None,
                   status: int = 200) -> Any:
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.course_id == course.id)
        .options(selectinload(Enrolment.user)).join(User, Enrolment.user_id == User.id).order_by(User.name)
    ).all()
    return render_template("learning/learners.html", course=course, form=form, csv_form=csv_form,
                           enrolments=enrolments, csv_problems=csv_problems or []), status


@bp.route("/tutor/courses/<int:course_id>/learners", methods=["GET", "POST"])
@roles_required("tutor", "admin")
def learners(course_id: int) -> Any:
    """Learners on a course; enrol one (creating the account if new)."""
    course = tutor_course(course_id)
    form = EnrolForm(prefix="one")
    csv_form = CsvEnrolForm(prefix="csv")
    if request.method == "POST":
        if not form.validate_on_submit():
            return _learners_page(course, form, csv_form, status=422)
        tutor = me()
        try:
            enrolled, created = run(lambda: enrolment.enrol_learner(
                course, name=form.name.data or "", email=form.email.data or "", cohort=form.cohort.data or "", by=tutor))
        except errors.Invalid as exc:
            form.email.errors = [*form.email.errors, exc.message]
            return _learners_page(course, form, csv_form, status=422)
        user = db.session.get(User, enrolled.user_id)
        flash(f"{user.name} ({user.email}) is enrolled" + (" with a new account." if created else "."), "success")
        back = url_for("learning.learners", course_id=course.id)
        if form.invite.data:
            return invite_learners([user.id], tutor, back)
        return redirect(back)
    return _learners_page(course, form, csv_form)


@bp.post("/tutor/courses/<int:course_id>/learners/csv")
@max_body(ENROLMENT_CSV_BYTES + FORM_ENVELOPE_BYTES)
@roles_required("tutor", "admin")
def learners_csv(course_id: int) -> Any:
    """Enrol every learner of a CSV (name, email, cohort); any bad row and nothing is imported."""
    course = tutor_course(course_id)
    form = EnrolForm(prefix="one", formdata=None)
    csv_form = CsvEnrolForm(prefix="csv")
    if not csv_form.validate_on_submit():
        return _learners_page(course, form, csv_form, status=422)
    data = csv_form.file.data.read(ENROLMENT_CSV_BYTES + 1)
    if len(data) > ENROLMENT_CSV_BYTES:
        return _learners_page(course, form, csv_form, ["the file is larger than 2 MB"], status=422)
    tutor = me()
    try:
        result = run(lambda: enrolment.enrol_from_csv(course, data, by=tutor))
    except enrolment.CsvError as exc:
        return _learners_page(course, form, csv_form, exc.problems, status=422)
    flash(f"{result.enrolled} learner{'s' if result.enrolled != 1 else ''} enrolled "
          f"({result.created} new account{'s' if result.created != 1 else ''}).", "success")
    back = url_for("learning.learners", course_id=course.id)
    if csv_form.invite.data:
        return invite_learners(result.newly_enrolled_ids, tutor, back)
    return redirect(back)


@bp.route("/tutor/courses/<int:course_id>/offline", methods=["GET", "POST"])
@roles_required("tutor", "admin")
def offline(course_id: int) -> Any:
    """Record learning done offline, by kind: guided sessions and assessments count toward GLH."""
    course = tutor_course(course_id)
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.course_id == course.id).join(User, Enrolment.user_id == User.id)
        .order_by(User.name)
    ).all()
    form = OfflineForm()
    form.learner.choices = [(0, "Choose a learner")] + [(e.user_id, f"{e.user.name} ({e.user.email})") for e in enrolments]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            learner = db.session.get(User, form.learner.data)
            if learner is None or not any(e.user_id == learner.id for e in enrolments):
                form.learner.errors = ["Choose a learner enrolled on this course."]
            else:
                outcomes = [o.strip() for o in (form.outcomes.data or "").replace(";", ",").split(",") if o.strip()]
                tutor = me()
                try:
                    run(lambda: time_on_task.record_offline(learner, course, date=form.date.data, minutes=form.minutes.data,
                                                       activity=form.activity.data or "", outcomes=outcomes,
                                                       kind=form.kind.data, by=tutor))
                except errors.Invalid as exc:
                    form.activity.errors = [exc.message]
                else:
                    flash(f"{form.minutes.data} minutes of {OFFLINE_KINDS[form.kind.data].lower()} recorded "
                          f"for {learner.name}.", "success")
                    return redirect(url_for("learning.offline", course_id=course.id))
        status = 422
    records = db.session.scalars(
        select(OfflineLearning).where(OfflineLearning.course_id == course.id)
        .order_by(OfflineLearning.date.desc(), OfflineLearning.id.desc()).limit(100)
    ).all()
    return render_template("learning/offline.html", course=course, form=form, records=records,
                           offline_kinds=OFFLINE_KINDS), status


@bp.get("/tutor/marking")
@roles_required("tutor", "admin")
def marking_queue() -> Any:
    """Essays awaiting marking on the organisation's courses, oldest first."""
    pending = essays.pending_essays(current_user.organisation_id) if current_user.organisation_id else []
    return render_template("learning/marking_queue.html", essays=pending)


@bp.route("/tutor/marking/<int:item_id>", methods=["GET", "POST"])
@roles_required("tutor", "admin")
def mark_essay(item_id: int) -> Any:
    """Mark one essay: score and comment; the attempt's mark is final when all its essays are marked."""
    if current_user.organisation_id is None:
        abort(404)
    try:
        item = essays.get_answer_mark(item_id, current_user.organisation_id)
    except errors.NotFound:
        abort(404)
    part = request.values.get("part", "")
    if part not in (item.essays or {}):
        abort(404)
    question = attempts.item_questions(item.attempt)[(item.question_id, item.version)]
    shown = question if part == "" else next(s["question"] for s in question["steps"] if s["id"] == part)
    answer = item.response if part == "" else (item.response or {}).get("answers", {}).get(part)
    info = item.essays[part]
    form = MarkEssayForm(data={"part": part, "score": info.get("score"), "comment": info.get("comment", "")})
    status = 200
    if request.method == "POST":
        form = MarkEssayForm()
        if form.validate_on_submit():
            tutor = me()
            try:
                run(lambda: essays.mark_essay(essays.get_answer_mark(item_id, tutor.organisation_id), part,
                                               float(form.score.data), form.comment.data or "", tutor=tutor))
            except errors.Invalid as exc:
                form.score.errors = [exc.message]
            else:
                flash("Mark saved.", "success")
                return redirect(url_for("learning.marking_queue"))
        status = 422
    return render_template(
        "learning/mark_essay.html", item=item, part=part, question=shown, stem=render_stem(shown, url_for("questions.media", name="_")[:-1]),
        guidance=render_markdown(shown.get("marker_guidance") or ""), answer=str(answer or ""), info=info,
        form=form, attempt=item.attempt, learner=item.attempt.user,
    ), status

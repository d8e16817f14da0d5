"""The quiz builder (the authoring blueprint's quiz pages): a module's quiz settings, its fixed
questions and random draws (adding, moving, removing, one draw per criterion), and removing the
quiz.

For tutors and admins of the course's organisation. Routes join ``course.authoring.views.bp``,
which imports this module; the builder's JSON and preview helpers are in ``builder_views``.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from wtforms import SelectChoice

from course.auth import roles_required
from course.authoring import common, quiz_builder, quizzes, service
from course.authoring.document import quiz_to_dict
from course.authoring.estimates import quiz_minutes, whole_minutes
from course.authoring.forms import AddQuestionForm, DrawForm, QuizForm
from course.authoring.models import Course, Module
from course.authoring.quality import course_quality, findings_counts_line, testwise_sentence
from course.authoring.views import (
    AUTHORS,
    attach,
    bp,
    course_or_404,
    form_status,
    module_or_404,
    sent_version,
    stale,
)
from course.extensions import db
from course.questions.service import finding_dicts


# --------------------------------------------------------------------------- the question bank


def _bank_questions(course: Course) -> dict[str, dict[str, Any]]:
    return quizzes.bank_current_questions(course.organisation_id)


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
    ), form_status(form, draw_form, add_form)


def _quiz_forms(m: Module, *, settings_post: bool = False) -> tuple[QuizForm, DrawForm, AddQuestionForm]:
    """The quiz page's three forms. The settings form shows the stored settings and version,
    except on its own POST (``settings_post``), where it keeps what the tutor typed."""
    quiz = m.quiz
    data = None
    if quiz is not None and not settings_post:
        # The settings as the course document holds them, with the marks as the form's percentages.
        data = {key: value for key, value in quiz_to_dict(quiz).items() if key != "items"}
        data["pass_mark"] = round(quiz.pass_mark * 100)
        if quiz.criterion_threshold is not None:
            data["criterion_threshold"] = round(quiz.criterion_threshold * 100)
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
    m = module_or_404(c, module_slug)
    form, draw_form, add_form = _quiz_forms(m, settings_post=request.method == "POST")
    if request.method == "POST":
        if form.validate():
            mode_before = m.quiz.mode if m.quiz is not None else None
            try:
                saved = quizzes.set_quiz(
                    m, title=form.title.data, pass_mark=form.pass_mark.data / 100,
                    criterion_threshold=None if form.criterion_threshold.data is None else form.criterion_threshold.data / 100,
                    grading=form.grading.data, time_limit_minutes=form.time_limit_minutes.data, mode=form.mode.data,
                    **_mode_governed(form, m.quiz), expected_version=sent_version(form),
                )
                summary = _mode_summary(saved) if saved.mode != mode_before else None
                db.session.commit()
            except common.StaleEditError as exc:
                db.session.rollback()
                stale(form, exc, url_for("authoring.quiz", slug=c.slug, module_slug=m.slug))
            except common.AuthoringError as exc:
                db.session.rollback()
                attach(form, exc)
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
    m = module_or_404(c, module_slug)
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
    m = module_or_404(c, module_slug)
    form, draw_form, add_form = _quiz_forms(m)
    if add_form.validate():
        try:
            quiz = quizzes.set_quiz(m) if m.quiz is None else m.quiz
            quizzes.add_fixed_question(quiz, add_form.question.data.strip(), add_form.version.data)
            db.session.commit()
        except common.AuthoringError as exc:
            db.session.rollback()
            attach(add_form, exc)
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
    m = module_or_404(c, module_slug)
    form, draw_form, add_form = _quiz_forms(m)
    if draw_form.validate():
        criterion = draw_form.criterion.data or None
        tag = (draw_form.tag.data or "").strip() or None
        if (criterion is None) == (tag is None):
            attach(draw_form, common.AuthoringError("Choose a criterion or enter a tag (one of the two).", "criterion"))
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
                attach(draw_form, exc)
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
    m = module_or_404(c, module_slug)
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
    m = module_or_404(c, module_slug)
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
    m = module_or_404(c, module_slug)
    closed = quizzes.delete_quiz(m)
    db.session.commit()
    flash("Quiz removed." + (f" {closed} attempt{'s' if closed != 1 else ''} in progress "
                             f"{'were' if closed != 1 else 'was'} submitted with the answers saved and marked; "
                             "the learners see the result and a note under My learning." if closed else ""), "success")
    return redirect(url_for("authoring.module", slug=c.slug, module_slug=m.slug))

"""The quiz builder's and page editor's helpers: the live count of a draw's questions, the learner
preview of a module or its quiz, the editor's Insert image, and a GET answer for every quiz form's
POST address (so reloading or revisiting the address a failed form left in the browser never gives
405). Registered on the authoring blueprint (``course.authoring.views`` imports this module)."""
from __future__ import annotations

from typing import Any

from flask import abort, jsonify, redirect, request, url_for

from course.auth import roles_required
from course.authoring import common, quiz_builder, uploads
from course.authoring.preview import preview_document, preview_launch
from course.authoring.views import AUTHORS, bp, course_or_404, module_or_404
from course.core.headers import csp_nonce
from course.core.request_limits import max_body
from course.extensions import db
from question_bank.limits import FORM_ENVELOPE_BYTES


def _error(exc: common.AuthoringError) -> Any:
    return jsonify(error="invalid", field=exc.field, message=exc.message), 422


# --------------------------------------------------------------------------- the live draw count


@bp.get("/<slug>/modules/<module_slug>/quiz/draw-count")
@roles_required(*AUTHORS)
def draw_count(slug: str, module_slug: str) -> Any:
    """How many bank questions a draw (``criterion`` or ``tag``, and ``count``) would match and could
    take if added to the quiz now (JSON; reads only). 422 names the field at fault."""
    module = module_or_404(course_or_404(slug), module_slug)
    try:
        draw = quiz_builder.parse_draw(module, request.args.get("criterion", "")[:1000],
                                       request.args.get("tag", "")[:1000], request.args.get("count", "1")[:20])
    except common.AuthoringError as exc:
        return _error(exc)
    found = quiz_builder.new_draw_availability(module, draw)
    return jsonify(criterion=draw.get("criterion"), tag=draw.get("tag"), count=found.count, matches=found.matches,
                   available=found.available, short=found.short,
                   message=quiz_builder.availability_sentence(found))


# --------------------------------------------------------------------------- preview as a learner


def _preview(slug: str, module_slug: str, *, quiz_first: bool) -> Any:
    from course.learning.player import player_file_version, render_player_page
    from course.questions.views import media_base

    course = course_or_404(slug)
    module = module_or_404(course, module_slug)
    if quiz_first and module.quiz is None:
        abort(404)
    back = (url_for("authoring.quiz", slug=course.slug, module_slug=module.slug) if quiz_first
            else url_for("authoring.module", slug=course.slug, module_slug=module.slug))
    html = render_player_page(
        title=f"Preview: {module.title}", course=preview_document(module, media_base=media_base()),
        launch=preview_launch(module, exit_url=back, quiz_first=quiz_first),
        file_url=lambda name: url_for("learning.player_file", name=name, v=player_file_version(name)),
        nonce=csp_nonce(),
    )
    # The player's notice line tells the tutor what this is (the player keeps it until it has news).
    html = html.replace(
        '<div id="cc-notice" class="notice" role="alert" hidden></div>',
        '<div id="cc-notice" class="notice" role="status">Preview as a learner: nothing you do here is recorded '
        '(no attempt, no time, no progress). Exit returns to the builder.</div>', 1)
    return html, 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}


@bp.get("/<slug>/modules/<module_slug>/preview")
@roles_required(*AUTHORS)
def preview_module(slug: str, module_slug: str) -> Any:
    """The module as a learner sees it (pages, then its quiz), in the learners' player; records nothing."""
    return _preview(slug, module_slug, quiz_first=False)


@bp.get("/<slug>/modules/<module_slug>/quiz/preview")
@roles_required(*AUTHORS)
def preview_quiz(slug: str, module_slug: str) -> Any:
    """The module's quiz as a learner takes it, marked in the page; records nothing."""
    return _preview(slug, module_slug, quiz_first=True)


# --------------------------------------------------------------------------- Insert image


@bp.post("/<slug>/files/insert")
@max_body(lambda: uploads.max_upload_bytes() + FORM_ENVELOPE_BYTES)
@roles_required(*AUTHORS)
def insert_image(slug: str) -> Any:
    """The Markdown of an image for the page editor to insert (JSON): an upload of the course
    (``existing``) or a new one (``file``, stored now), with its required ``alt`` text."""
    course = course_or_404(slug)
    try:
        alt = uploads.check_alt_text(request.form.get("alt", "")[:10_000])
        sent = request.files.get("file")
        existing = request.form.get("existing", "").strip()[:300]
        if sent is not None and sent.filename:
            upload = uploads.add_upload(course, filename=sent.filename, data=sent.read())
            created = True
        elif existing:
            upload = uploads.get_upload(course, existing)
            if upload is None:
                raise common.AuthoringError(f"This course has no image called {existing}.", "existing")
            created = False
        else:
            raise common.AuthoringError("Choose an image of this course or upload a new one.", "existing")
        db.session.commit()
    except common.AuthoringError as exc:
        db.session.rollback()
        return _error(exc)
    url = url_for("authoring.file", slug=course.slug, name=upload.filename)
    return jsonify(filename=upload.filename, url=url, uploaded=created, markdown=uploads.image_markdown(alt, url))


# --------------------------------------------------------------------------- GET at a form's POST address


def _back_to_quiz(slug: str, module_slug: str, anchor: str) -> Any:
    course = course_or_404(slug)
    module = module_or_404(course, module_slug)
    return redirect(url_for("authoring.quiz", slug=course.slug, module_slug=module.slug) + anchor, 303)


@bp.get("/<slug>/modules/<module_slug>/quiz/draws")
@roles_required(*AUTHORS)
def quiz_draws_page(slug: str, module_slug: str) -> Any:
    """The address a failed "Add draw" leaves in the browser: back to the builder's draw form."""
    return _back_to_quiz(slug, module_slug, "#draw-heading")


@bp.get("/<slug>/modules/<module_slug>/quiz/questions")
@roles_required(*AUTHORS)
def quiz_questions_page(slug: str, module_slug: str) -> Any:
    """The address a failed "Add" of a fixed question leaves: back to the bank search."""
    return _back_to_quiz(slug, module_slug, "#bank-heading")


@bp.get("/<slug>/modules/<module_slug>/quiz/draw-per-criterion")
@roles_required(*AUTHORS)
def draw_per_criterion_page(slug: str, module_slug: str) -> Any:
    """A GET at "Draw per criterion"'s address: the builder's list of questions."""
    return _back_to_quiz(slug, module_slug, "#items-heading")


@bp.get("/<slug>/modules/<module_slug>/quiz/items/<int:index>/move")
@roles_required(*AUTHORS)
def move_quiz_item_page(slug: str, module_slug: str, index: int) -> Any:
    """A GET at a "Move" button's address: the builder's list of questions."""
    return _back_to_quiz(slug, module_slug, "#items-heading")


@bp.get("/<slug>/modules/<module_slug>/quiz/items/<int:index>/delete")
@roles_required(*AUTHORS)
def delete_quiz_item_page(slug: str, module_slug: str, index: int) -> Any:
    """A GET at a "Remove" button's address: the builder's list of questions."""
    return _back_to_quiz(slug, module_slug, "#items-heading")


@bp.get("/<slug>/modules/<module_slug>/quiz/delete")
@roles_required(*AUTHORS)
def delete_quiz_page(slug: str, module_slug: str) -> Any:
    """A GET at "Remove quiz"'s address: the builder, where the button is."""
    return _back_to_quiz(slug, module_slug, "#remove-heading")

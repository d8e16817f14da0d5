"""Question authoring pages: the bank list, forms for every type, versions, preview and try-out."""
from __future__ import annotations

from typing import Any

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from course.auth.decorators import roles_required
from course.bank import service as bank
from course.core.headers import cacheable
from course.core.nav import nav_item
from course.core.request_limits import max_body
from course.extensions import db
from course.questions import editor, messages, service, spec
from course.questions.forms import EXPORT_FORMATS, EXTENSIONS, ImportForm
from question_bank import scenario_path
from question_bank.moodle_versions import DEFAULT_MOODLE_VERSION, MOODLE_VERSIONS
from question_bank.quality import CHECKS
from question_bank.limits import FORM_ENVELOPE_BYTES, QUESTION_FILE_BYTES, human_bytes
from question_bank.schemas import IDENT
from course.bank.media import get_media, media_response
from question_bank.text import render_markdown, render_stem

bp = Blueprint("questions", __name__, url_prefix="/questions", template_folder="templates")
nav_item("Questions", "questions.index", roles=("admin", "tutor"), order=30)

AUTHORS = ("tutor", "admin")


def _org_id() -> int:
    """The signed-in author's organisation; an account with none has no bank (404)."""
    if current_user.organisation_id is None:
        abort(404)
    return current_user.organisation_id


def _current_or_404(question_id: str):
    if not IDENT.match(question_id):
        abort(404)
    row = service.get_current(_org_id(), question_id)
    if row is None:
        abort(404)
    return row


@bp.get("/")
@roles_required(*AUTHORS)
def index() -> Any:
    """The organisation's questions (current versions), filtered by type, criterion, tag, text and
    quality finding."""
    filters = {key: request.args.get(key, "").replace("\x00", "").strip()[:200]
               for key in ("type", "criterion", "tag", "q")}
    if filters["type"] not in spec.TYPE_LABELS:
        filters["type"] = ""
    filters["unmapped"] = request.args.get("unmapped") == "1"
    filters["finding"] = request.args.get("finding", "")
    if filters["finding"] not in service.FINDING_FILTERS and filters["finding"] not in CHECKS:
        filters["finding"] = ""
    rows = []
    unmapped_count = 0
    findings: dict[str, list] = {}
    bank_findings: list = []
    if current_user.organisation_id is not None:
        rows = service.find_questions(current_user.organisation_id, type_name=filters["type"],
                                      criterion=filters["criterion"], tag=filters["tag"],
                                      text=filters["q"], unmapped_only=filters["unmapped"])
        findings = service.rows_findings(rows)
        if filters["finding"]:
            rows = [r for r in rows if service.has_finding(findings[r.question_id], filters["finding"])]
        unmapped_count = bank.count_unmapped(current_user.organisation_id)
        bank_findings = service.finding_dicts(service.bank_findings(current_user.organisation_id))
    return render_template("questions/index.html", rows=rows, filters=filters, unmapped_count=unmapped_count,
                           type_labels=spec.TYPE_LABELS, has_org=current_user.organisation_id is not None,
                           export_formats=EXPORT_FORMATS, moodle_versions=MOODLE_VERSIONS,
                           default_moodle_version=DEFAULT_MOODLE_VERSION, findings=findings,
                           bank_findings=bank_findings, checks=CHECKS, finding_filters=service.FINDING_FILTERS)


def _render_form(*, type_name: str, draft: dict, errors: dict[str, list[str]], general: list[str],
                 row: Any = None, status: int = 200, focus: str = "") -> Any:
    nodes = spec.form_nodes(type_name, with_id=row is None)
    question, _ = spec.draft_to_question(type_name, draft, question_id=None if row is None else row.question_id)
    frameworks = service.framework_tree()
    return render_template(
        "questions/form.html", nodes=nodes, draft=draft, errors=errors, general=general,
        type_name=type_name, type_label=spec.TYPE_LABELS[type_name], row=row,
        frameworks=frameworks, criteria_text={f"{fw.code}/{c.code}": c.text for fw in frameworks for c in fw.criteria},
        child_nodes=spec.child_nodes,
        findings=_draft_findings(type_name, draft, row), focus=focus,
        step_choices=editor.step_choices(draft) if type_name == "scenario" else [],
        graph=editor.graph_view(question, draft) if type_name == "scenario" else None,
        form_url=request.path + ("?type=" + type_name if row is None else ""),
    ), status


def _draft_findings(type_name: str, draft: dict, row: Any) -> list[dict]:
    """The item-quality findings of the question as the form holds it (saved or not), each with
    the form input it concerns (``input``) so the page can link to it."""
    question, fieldmap = spec.draft_to_question(
        type_name, draft, question_id=None if row is None else row.question_id)
    return service.findings_for_form(question, fieldmap)


@bp.post("/findings/<type_name>")
@max_body(FORM_ENVELOPE_BYTES)
@roles_required(*AUTHORS)
def draft_findings(type_name: str) -> Any:
    """The quality findings of an unsaved question form, as the tutor types (JSON; saves nothing).

    The form's own fields are posted as they are (CSRF token included); the reply carries the
    findings and the list rendered as the form page renders it.
    """
    if type_name not in spec.TYPE_LABELS:
        return {"error": f"unknown question type {type_name!r}"}, 404
    row = None
    question_id = request.form.get("question_id", "")
    if question_id:
        row = _current_or_404(question_id)
        if row.type != type_name:
            return {"error": f"question {question_id!r} is a {row.type}, not a {type_name}"}, 400
    nodes = spec.form_nodes(type_name, with_id=row is None)
    findings = _draft_findings(type_name, spec.parse_form(nodes, request.form), row)
    html = render_template("questions/_findings.html", findings=findings)
    return {"findings": findings, "html": html}


def _handle_post(type_name: str, row: Any) -> Any:
    """Re-render for an add/remove/apply button, or validate and save."""
    org_id = _org_id()
    nodes = spec.form_nodes(type_name, with_id=row is None)
    draft = spec.parse_form(nodes, request.form)
    if any(key in request.form for key in ("_add", "_remove", "_apply", "_move")):
        spec.apply_action(nodes, draft, request.form.get("_add"), request.form.get("_remove"),
                          request.form.get("_move"))
        return _render_form(type_name=type_name, draft=draft, errors={}, general=[], row=row,
                            focus=editor.focus_after(request.form, draft))
    question, fieldmap = spec.draft_to_question(
        type_name, draft, question_id=None if row is None else row.question_id)
    step_names = editor.step_names(draft) if type_name == "scenario" else None
    if row is None and not question["id"]:
        question["id"] = service.slugify(str(question.get("title", "")))
        draft["id"] = question["id"]
    try:
        if row is None:
            saved = service.create_question(question, organisation_id=org_id, user=current_user,
                                            step_names=step_names)
        else:
            try:
                base = int(request.form.get("base_version", ""))
            except ValueError:
                base = None
            saved = service.update_question(row.question_id, question, organisation_id=org_id,
                                            user=current_user, base_version=base, step_names=step_names)
    except service.QuestionProblems as exc:
        db.session.rollback()
        errors, general = spec.map_errors(exc.problems, fieldmap)
        return _render_form(type_name=type_name, draft=draft, errors=messages.plain_errors(errors),
                            general=general, row=row, status=409 if exc.conflict else 422)
    db.session.commit()
    if row is None:
        flash(f"Question {saved.question_id!r} saved as version 1.", "success")
    elif saved.version != row.version:
        flash(f"Saved as version {saved.version}: version {row.version} is used by attempts, so it is kept.",
              "success")
    else:
        flash(f"Version {saved.version} saved.", "success")
    return redirect(url_for("questions.detail", question_id=saved.question_id))


@bp.route("/import", methods=["GET", "POST"])
@max_body(QUESTION_FILE_BYTES + FORM_ENVELOPE_BYTES)
@roles_required(*AUTHORS)
def import_file() -> Any:
    """Upload a Moodle XML, GIFT, Aiken or QTI file: it is imported by a job (as `carecourse
    import-questions`), and the job's page follows it."""
    from course.bank.jobs import IMPORT_QUESTIONS
    from course.jobs.service import submit

    org_id = _org_id()
    form = ImportForm()
    error = None
    if form.validate_on_submit():
        data = form.file.data.read(QUESTION_FILE_BYTES + 1)
        if len(data) > QUESTION_FILE_BYTES:
            error = f"The file is larger than {human_bytes(QUESTION_FILE_BYTES)}, the limit for a question file."
        else:
            name = (form.file.data.filename or "upload")[-200:]
            params = {"filename": name, "source": name, "format": form.format.data,
                      "criteria": [ref for ref in re.split(r"[\s,]+", form.criteria.data or "") if ref],
                      "dry_run": bool(form.dry_run.data)}
            job = submit(IMPORT_QUESTIONS, params=params, payload=data, organisation_id=org_id,
                         owner_id=current_user.id)
            return redirect(url_for("jobs.show", job_id=job.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("questions/import.html", form=form, error=error), status


def _export_choice() -> tuple[str, str, str | None]:
    """(format, criterion, Moodle version) an export link asks for: 404 for an unknown format;
    a Moodle version this export does not know raises MoodleVersionError."""
    from question_bank.formats import check_moodle_version

    fmt = request.args.get("format", "moodle")
    if fmt not in EXTENSIONS:
        abort(404)
    criterion = request.args.get("criterion", "").replace("\x00", "").strip()[:200]
    version = None
    if fmt == "moodle":  # the form always sends a version; other formats ignore it
        version = check_moodle_version(request.args.get("moodle_version", "")[:40] or None)
    return fmt, criterion, version


def _export_file_name(fmt: str, version: str | None) -> str:
    return f"questions-{fmt}{'-' + version if version else ''}.{EXTENSIONS[fmt]}"


def _bad_moodle_version(exc: Exception) -> Any:
    return render_template("questions/export.html", error=f"moodle_version: {exc}", report=None,
                           format_label=dict(EXPORT_FORMATS)["moodle"], version=None), 400


@bp.get("/export")
@roles_required(*AUTHORS)
def export_file() -> Any:
    """Download the bank's current questions (optionally one criterion's) in an exchange format."""
    from question_bank.formats import MoodleVersionError

    org_id = _org_id()
    try:
        fmt, criterion, version = _export_choice()
    except MoodleVersionError as exc:
        return _bad_moodle_version(exc)
    data, warnings, count = service.export_questions(org_id, fmt, criterion, version)
    response = Response(data, mimetype="application/zip" if EXTENSIONS[fmt] == "zip" else "application/octet-stream")
    response.headers["Content-Disposition"] = f"attachment; filename={_export_file_name(fmt, version)}"
    response.headers["X-Questions-Exported"] = str(count - sum(1 for w in warnings if w.endswith("(not exported)")))
    return response


@bp.get("/export/summary")
@roles_required(*AUTHORS)
def export_summary() -> Any:
    """What an export will hold (questions converted for the chosen Moodle or left out, with the
    reasons), with the link that downloads it."""
    from question_bank.formats import MoodleVersionError

    org_id = _org_id()
    try:
        fmt, criterion, version = _export_choice()
    except MoodleVersionError as exc:
        return _bad_moodle_version(exc)
    report = service.export_report(org_id, fmt, criterion, version)
    args = {"format": fmt, **({"criterion": criterion} if criterion else {}),
            **({"moodle_version": version} if version else {})}
    return render_template("questions/export.html", report=report, error=None, criterion=criterion,
                           format_label=dict(EXPORT_FORMATS)[fmt], version=version,
                           download_url=url_for("questions.export_file", **args),
                           file_name=_export_file_name(fmt, version))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new() -> Any:
    """A new question of the type chosen (``?type=``): the list of types when none is."""
    type_name = request.values.get("type", "")
    if type_name not in spec.TYPE_LABELS:
        if request.method == "POST":
            abort(404)
        return render_template("questions/choose_type.html", type_labels=spec.TYPE_LABELS)
    _org_id()
    if request.method == "POST":
        return _handle_post(type_name, None)
    draft = spec.blank_draft(spec.form_nodes(type_name, with_id=True))
    if type_name == "short_answer":
        draft["stem"] = "The answer is {{g1}}."
    return _render_form(type_name=type_name, draft=draft, errors={}, general=[])


@bp.route("/<question_id>/edit", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit(question_id: str) -> Any:
    """Edit the current version (a new version when attempts use it)."""
    row = _current_or_404(question_id)
    if request.method == "POST":
        return _handle_post(row.type, row)
    draft = spec.question_to_draft(dict(row.data))
    return _render_form(type_name=row.type, draft=draft, errors={}, general=[], row=row)


@bp.get("/<question_id>")
@roles_required(*AUTHORS)
def detail(question_id: str) -> Any:
    """A question's current version and its version history."""
    row = _current_or_404(question_id)
    return render_template("questions/detail.html", row=row, versions=service.versions(_org_id(), question_id),
                           type_labels=spec.TYPE_LABELS, findings=service.findings_for_form(dict(row.data)))


@bp.route("/<question_id>/delete", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def delete(question_id: str) -> Any:
    """Confirm, then take the question out of the bank (deleted, or retired when attempts used it)."""
    row = _current_or_404(question_id)
    org_id = _org_id()
    if request.method == "POST":  # (CSRFProtect has checked the token)
        try:
            outcome = service.remove_question(org_id, question_id)
        except service.QuestionProblems as exc:
            blockers = [message for _path, message in exc.problems]
        else:
            db.session.commit()
            if outcome == "deleted":
                flash(f"Question {question_id!r} deleted.", "success")
            else:
                flash(f"Question {question_id!r} retired: attempts that used it keep it, and nothing else shows it.",
                      "success")
            return redirect(url_for("questions.index"))
    else:
        blockers = service.removal_blockers(org_id, question_id)
    in_use = any(v.in_use for v in service.versions(org_id, question_id))
    status = 409 if request.method == "POST" else 200
    return render_template("questions/delete.html", row=row, blockers=blockers, in_use=in_use), status


# --------------------------------------------------------------------------- preview


def read_response(question: dict, form: Any, prefix: str = "r") -> Any:
    """The response the preview form gives for ``question`` (None: not answered)."""
    kind = question["type"]
    if kind in ("single_choice", "numeric", "essay"):
        return form.get(prefix) or None
    if kind == "multiple_response":
        return form.getlist(prefix) or None
    if kind == "true_false":
        return {"true": True, "false": False}.get(form.get(prefix, ""))
    if kind == "matching":
        chosen = {p["id"]: form.get(f"{prefix}-{p['id']}") or None for p in question["premises"]}
        return chosen if any(chosen.values()) else None
    if kind == "ordering":
        order = [form.get(f"{prefix}-{n}", "") for n in range(len(question["items"]))]
        return [item for item in order if item] or None
    if kind == "short_answer":
        gaps = {g["id"]: form.get(f"{prefix}-{g['id']}", "") for g in question["gaps"]}
        return gaps if any(gaps.values()) else None
    if kind == "scenario":
        answers = {step["id"]: read_response(step["question"], form, f"{prefix}-{step['id']}")
                   for step in question["steps"]}
        path = scenario_path(question, answers)
        return {"path": path, "answers": {k: v for k, v in answers.items() if k in path and v is not None}}
    return None


def media_base() -> str:
    """Where the author's pages find the bank's question images (question_bank.text.resolve_media)."""
    return url_for("questions.media", name="_")[:-1]


@bp.get("/media/<name>")
@roles_required(*AUTHORS)
@cacheable
def media(name: str) -> Any:
    """An image of the organisation's bank (imported with its questions)."""
    row = get_media(_org_id(), f"media/{name}")
    if row is None:
        abort(404)
    return media_response(row)


def stem_html(question: dict, form: Any, prefix: str) -> Markup:
    """The stem as the learner sees it; a short answer's gaps become inputs."""
    html = render_stem(question, media_base())
    if question["type"] != "short_answer":
        return Markup(html)
    for number, gap in enumerate(question["gaps"], start=1):
        name = f"{prefix}-{gap['id']}"
        value = form.get(name, "")
        if gap.get("options"):
            options = "".join(
                f'<option value="{escape(o)}"{" selected" if o == value else ""}>{escape(o)}</option>'
                for o in gap["options"])
            widget = (f'<select name="{escape(name)}" aria-label="Gap {number}">'
                      f'<option value="">(choose)</option>{options}</select>')
        else:
            widget = (f'<input type="text" class="gap" name="{escape(name)}" value="{escape(value)}" '
                      f'aria-label="Gap {number}">')
        html = html.replace("{{" + gap["id"] + "}}", widget, 1)
    return Markup(html)


@bp.route("/<question_id>/preview", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def preview(question_id: str) -> Any:
    """The question as a learner sees it; posting an answer shows its mark and feedback."""
    org_id = _org_id()
    if not IDENT.match(question_id):
        abort(404)
    version = request.args.get("version", type=int)
    if version is not None and not 0 < version < 2**31:
        abort(404)
    row = (bank.get_version(question_id, version, organisation=org_id) if version
           else service.get_current(org_id, question_id))
    if row is None:
        abort(404)
    question = dict(row.data)
    result = error = None
    step_marks: dict[str, Any] = {}
    form = request.form if request.method == "POST" else MultiDict()
    if request.method == "POST":
        response = read_response(question, request.form)
        result, error = service.try_question(question, response)
        if question["type"] == "scenario" and result is not None:
            for step in question["steps"]:
                if step["id"] in response["path"]:
                    step_marks[step["id"]] = service.try_question(
                        step["question"], response["answers"].get(step["id"]), child=True)[0]
    return render_template(
        "questions/preview.html", row=row, question=question, result=result, error=error,
        step_marks=step_marks, form=form, stem_html=stem_html, markdown=lambda t: Markup(render_markdown(t or ""))
    ), (422 if error else 200)

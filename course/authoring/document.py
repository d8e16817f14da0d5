"""A course as the canonical course document (docs/formats.md), out and in.

``export_course`` builds the document from the database; ``import_course`` checks a document
completely (schema and cross references through ``scorm_export.document.load_document``, then
what only the app knows: stored frameworks, the organisation's slugs and question bank) and
only then creates the course, so an import is all or nothing. Every problem carries its JSON
path. Export, import into an empty database and export again give the same bytes.
"""
from __future__ import annotations

import base64
import re
from typing import Any

from question_bank.text import FILE_NAME, sniff_image
from scorm_export.document import (
    FORMAT,
    VERSION,
    DocumentError,
    DocumentRefused,
    dump_document,
    load_document,
    read_document,
)

from course.authoring import quizzes, service, uploads
from course.authoring.models import Course, CourseFramework, Module, Page, Quiz, Upload
from course.bank.media import encode_media, media_for, store_media
from course.extensions import db
from course.models.frameworks import Framework
from course.models.users import Organisation, User

__all__ = ["DocumentError", "DocumentRefused", "export_course", "export_course_bytes", "import_course",
           "check_document", "create_course"]


def framework_to_dict(framework: Framework) -> dict[str, Any]:
    """The framework JSON of docs/formats.md (the framework model's own serialisation)."""
    return framework.to_dict()


def _criteria_frameworks(questions: list[dict[str, Any]]) -> list[str]:
    codes: list[str] = []
    for q in questions:
        for ref in quizzes.question_criteria(q):
            code = ref.partition("/")[0]
            if code not in codes:
                codes.append(code)
    return codes


def quiz_to_dict(quiz: Quiz) -> dict[str, Any]:
    """A quiz as the course document holds it (also the settings an attempt keeps a copy of)."""
    return {
        "title": quiz.title,
        "pass_mark": quiz.pass_mark,
        "criterion_threshold": quiz.criterion_threshold,
        "attempts": quiz.attempts,
        "grading": quiz.grading,
        "shuffle": quiz.shuffle,
        "feedback": quiz.feedback,
        "time_limit_minutes": quiz.time_limit_minutes,
        "mode": quiz.mode,
        "option_feedback": quiz.option_feedback,
        "shuffle_options": quiz.shuffle_options,
        "items": [dict(item) for item in quiz.items or []],
    }


def module_document(module: Module, *, quiz: dict[str, Any] | None,
                    questions: list[dict[str, Any]]) -> dict[str, Any]:
    """The course document limited to ``module``, for the app's own player (a learner's module or
    a tutor's preview): the course's frameworks, the module's pages as written (their links to the
    course's files stay the app's addresses), and the ``quiz`` and ``questions`` the caller gives."""
    course = module.course
    return {
        "format": FORMAT,
        "version": VERSION,
        "course": {"slug": course.slug, "title": course.title, "description": course.description or "",
                   "language": course.language or "en-GB"},
        "frameworks": [f.to_dict() for f in course.frameworks],
        "modules": [{
            "slug": module.slug,
            "title": module.title,
            "outcomes": list(module.outcomes or []),
            "target_minutes": module.target_minutes,
            "pages": [{"slug": p.slug, "title": p.title, "body": p.body or ""} for p in module.pages],
            "quiz": quiz,
            "workplace": list(module.workplace or []),
        }],
        "questions": questions,
    }


def export_course(course: Course) -> dict[str, Any]:
    """The course document of ``course``: frameworks, modules, pages, quizzes, question versions.

    Questions: each fixed item's exact version and the current version of every question a
    draw could take, sorted by id and version. Frameworks: the course's, in its order, then any
    other framework those questions cite (sorted by code) so that every reference resolves.
    """
    versions = quizzes.quiz_question_versions(course)
    questions: dict[tuple[str, int], dict[str, Any]] = {}
    for module_questions in versions.values():
        for q in module_questions:
            questions.setdefault((q["id"], q["version"]), q)
    ordered_questions = [questions[key] for key in sorted(questions)]
    frameworks = list(course.frameworks)
    extra = sorted(set(_criteria_frameworks(ordered_questions)) - {fw.code for fw in frameworks})
    for code in extra:
        fw = Framework.by_code(code)
        if fw is not None:
            frameworks.append(fw)
    modules = []
    page_files: dict[str, bytes] = {}
    for module in course.modules:
        quiz = module.quiz
        pages = []
        for p in module.pages:
            body, used = _relative_upload_refs(course, p.body)
            page_files.update(used)
            pages.append({"slug": p.slug, "title": p.title, "body": body})
        modules.append(
            {
                "slug": module.slug,
                "title": module.title,
                "outcomes": list(module.outcomes),
                "target_minutes": module.target_minutes,
                "pages": pages,
                "quiz": None if quiz is None else quiz_to_dict(quiz),
                "workplace": list(module.workplace),
            }
        )
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "course": {
            "slug": course.slug,
            "title": course.title,
            "description": course.description,
            "language": course.language,
        },
        "frameworks": [framework_to_dict(fw) for fw in frameworks],
        "modules": modules,
        "questions": ordered_questions,
    }
    media = media_for(course.organisation_id, ordered_questions) | page_files
    if media:
        doc["media"] = encode_media(media)
    return doc


def _relative_upload_refs(course: Course, body: str) -> tuple[str, dict[str, bytes]]:
    """A page body with its links to the course's uploads (``/courses/<slug>/files/<name>``, as the
    editor writes them) made relative (``files/<name>``), and those files by their relative path.
    A link to a file the course does not have is left as written."""
    pattern = re.compile(rf"/courses/{re.escape(course.slug)}/files/({FILE_NAME})(?![\w.-])")
    used: dict[str, bytes] = {}

    def relative(match: re.Match[str]) -> str:
        upload = uploads.get_upload(course, match.group(1))
        if upload is None:
            return match.group(0)
        used[f"files/{upload.filename}"] = upload.data
        return f"files/{upload.filename}"

    return pattern.sub(relative, body or ""), used


def _absolute_upload_refs(body: str, slug: str, names: set[str]) -> str:
    """The reverse of _relative_upload_refs for a course imported as ``slug``."""
    if not names:
        return body
    pattern = re.compile(rf"(?<![\w/.-])files/({FILE_NAME})(?![\w.-])")
    return pattern.sub(
        lambda m: f"/courses/{slug}/files/{m.group(1)}" if m.group(1) in names else m.group(0), body
    )


def export_course_bytes(course: Course) -> bytes:
    """The canonical bytes of the course document (validated on the way out)."""
    return dump_document(export_course(course))


# --------------------------------------------------------------------------- import


def _diff(stored: Any, given: Any, path: str) -> list[tuple[str, str]]:
    """Where two framework JSON values differ, as (path, message); the first few only."""
    if isinstance(stored, dict) and isinstance(given, dict):
        out = []
        for key in sorted(set(stored) | set(given)):
            out += _diff(stored.get(key), given.get(key), f"{path}.{key}")
        return out
    if isinstance(stored, list) and isinstance(given, list):
        if len(stored) != len(given):
            return [(path, f"the stored framework has {len(stored)} entries here, the document {len(given)}")]
        out = []
        for n, (a, b) in enumerate(zip(stored, given)):
            out += _diff(a, b, f"{path}[{n}]")
        return out
    if stored != given:
        return [(path, f"differs from the stored framework: stored {stored!r}, document {given!r}")]
    return []


def _canonical_question(question: Any, n: int) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The bank's canonical form of one question (as stored), keeping its version."""
    from question_bank import ValidationError, dump_question, error_paths, load_question

    if not isinstance(question, dict):
        return {}, [(f"questions[{n}]", "a question is a JSON object")]
    try:
        return dict(dump_question(load_question(question)), version=question.get("version")), []
    except ValidationError as exc:
        return {}, [(f"questions[{n}].{p}" if p else f"questions[{n}]", m) for p, m in error_paths(exc)]


def check_document(
    data: bytes | str | dict[str, Any], *, organisation: Organisation, slug: str | None = None
) -> dict[str, Any]:
    """Validate a course document for import into ``organisation``; the loaded document.

    Raises DocumentError listing every problem as (JSON path, message). Checks the document
    itself, then: a framework already stored under the same code must be identical; the course
    slug must be free in the organisation; a question version already in the organisation's bank
    must have the same content.
    """
    from course.bank import service as bank

    problems: list[tuple[str, str]] = []
    valid = True
    data = read_document(data)  # DocumentRefused: too large, not JSON, a list over its limit
    try:
        doc = load_document(data)
    except DocumentError as exc:
        if any(path in ("", "format", "version") for path, _ in exc.problems):
            raise  # not a course document this build reads: nothing more to check
        # Go on with what the app alone can check, so that one pass lists every problem.
        problems += exc.problems
        valid = False
        doc = data
    frameworks = doc.get("frameworks") if isinstance(doc.get("frameworks"), list) else []
    for i, fw in enumerate(frameworks):
        code = fw.get("code") if isinstance(fw, dict) else None
        stored = Framework.by_code(code) if isinstance(code, str) else None
        if stored is not None:
            problems += _diff(framework_to_dict(stored), fw, f"frameworks[{i}]")
    info = doc.get("course") if isinstance(doc.get("course"), dict) else {}
    course_slug = slug or info.get("slug")
    if isinstance(course_slug, str) and Course.by_slug(organisation.id, course_slug) is not None:
        problems.append(("course.slug", f"your organisation already has a course with the slug {course_slug!r}"))
    questions = doc.get("questions") if isinstance(doc.get("questions"), list) else []
    canonical = []
    for n, q in enumerate(questions):
        loaded, qproblems = _canonical_question(q, n)
        if qproblems:
            if valid:  # else the document's own check reported them already
                problems += qproblems
            continue
        canonical.append(loaded)
        if not isinstance(loaded.get("version"), int):
            continue
        row = bank.get_version(loaded["id"], loaded["version"], organisation=organisation.id)
        if row is not None and dict(row.data, version=row.version) != loaded:
            problems.append((
                f"questions[{n}]",
                f"question {loaded['id']!r} version {loaded['version']} is already in your bank with different content",
            ))
    if problems:
        raise DocumentError(list(dict.fromkeys(problems)))
    doc["questions"] = canonical
    return doc


def _store_question_versions(questions: list[dict[str, Any]], *, organisation: Organisation, user: User | None) -> None:
    """Add the exact versions the document carries; the highest version of an id becomes current."""
    from course.bank import service as bank
    from course.bank.models import QuestionCriterion, QuestionVersion

    highest: dict[str, int] = {}
    for q in questions:
        highest[q["id"]] = max(highest.get(q["id"], 0), q["version"])
    for q in questions:
        if bank.get_version(q["id"], q["version"], organisation=organisation.id) is not None:
            continue  # identical (check_document made sure)
        current = bank.current_version(organisation.id, q["id"])
        make_current = q["version"] == highest[q["id"]] and (current is None or current.version < q["version"])
        if make_current and current is not None:
            current.is_current = False
            db.session.flush()
        row = QuestionVersion(
            question_id=q["id"],
            version=q["version"],
            organisation_id=organisation.id,
            type=q["type"],
            title=q["title"][:500],
            data=q,
            criteria=list(q["criteria"]),
            tags=list(q.get("tags") or []),
            is_current=make_current,
            in_use=False,
            created_by=user.id if user is not None else None,
        )
        for n, ref in enumerate(q["criteria"]):
            row.criterion_links.append(QuestionCriterion(criterion_ref=ref, position=n))
        db.session.add(row)
    db.session.flush()


def import_course(
    data: bytes | str | dict[str, Any],
    *,
    organisation: Organisation,
    user: User | None,
    slug: str | None = None,
) -> Course:
    """Create a course from a course document, all or nothing (flush only; the caller commits).

    Raises DocumentError (every problem with its JSON path) before anything is created.
    Frameworks missing from the database are created from the document; question versions
    missing from the organisation's bank are added with their exact version numbers.
    """
    doc = check_document(data, organisation=organisation, slug=slug)
    return create_course(doc, organisation=organisation, user=user, slug=slug)


def create_course(
    doc: dict[str, Any], *, organisation: Organisation, user: User | None, slug: str | None = None
) -> Course:
    """Create the course of a document ``check_document`` returned (flush only)."""
    from course.frameworks.service import FrameworkError, store_framework

    with db.session.begin_nested():
        frameworks = []
        for i, fw in enumerate(doc["frameworks"]):
            stored = Framework.by_code(fw["code"])
            if stored is None:
                try:
                    stored = store_framework(fw, source="course document")
                except FrameworkError as exc:
                    raise DocumentError([(f"frameworks[{i}]", str(exc))]) from None
            frameworks.append(stored)
        # the images first: a name the bank holds with a different image is renamed in the questions
        media = {path: base64.b64decode(text) for path, text in (doc.get("media") or {}).items()}
        questions, _ = store_media(media, doc["questions"], organisation=organisation)
        page_files = {path[len("files/"):]: data for path, data in media.items() if path.startswith("files/")}
        _store_question_versions(questions, organisation=organisation, user=user)
        info = doc["course"]
        course = Course(
            organisation_id=organisation.id,
            slug=slug or info["slug"],
            title=info["title"],
            description=info["description"],
            language=info["language"],
            created_by_id=user.id if user is not None else None,
        )
        for position, fw in enumerate(frameworks):
            course.course_frameworks.append(CourseFramework(framework=fw, position=position))
        for position, m in enumerate(doc["modules"]):
            module = Module(
                position=position,
                slug=m["slug"],
                title=m["title"],
                outcomes=list(m["outcomes"]),
                target_minutes=m["target_minutes"],
                workplace=list(m["workplace"]),
            )
            for page_position, p in enumerate(m["pages"]):
                body = _absolute_upload_refs(p["body"], course.slug, set(page_files))
                module.pages.append(
                    Page(
                        position=page_position,
                        slug=p["slug"],
                        title=p["title"],
                        body=body,
                        html=service.render_page(body),
                    )
                )
            quiz = m["quiz"]
            if quiz is not None:
                module.quiz = Quiz(
                    title=quiz["title"],
                    pass_mark=quiz["pass_mark"],
                    criterion_threshold=quiz["criterion_threshold"],
                    attempts=quiz["attempts"],
                    grading=quiz["grading"],
                    shuffle=quiz["shuffle"],
                    feedback=quiz["feedback"],
                    time_limit_minutes=quiz["time_limit_minutes"],
                    # A document from before quiz modes has none of these: it was formative.
                    mode=quiz.get("mode", "formative"),
                    option_feedback=quiz.get("option_feedback", "always"),
                    shuffle_options=quiz.get("shuffle_options", False),
                    items=[_item(item) for item in quiz["items"]],
                )
            course.modules.append(module)
        for name, data in sorted(page_files.items()):
            course.uploads.append(
                Upload(filename=name, content_type=sniff_image(data) or "application/octet-stream", data=data,
                       size=len(data))
            )
        db.session.add(course)
        db.session.flush()
    return course


def _item(item: dict[str, Any]) -> dict[str, Any]:
    if "draw" in item:
        return {"draw": dict(item["draw"])}
    return {"question": item["question"], "version": item["version"]}

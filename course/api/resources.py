"""The API's resources: frameworks (read), courses, modules, pages, quizzes, questions.

Each view checks roles (``api_roles``), scopes to the user's organisation (another
organisation's object is a 404), calls one service and commits once, rolling back on error.
"""
from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.http import quote_etag

from course.api.core import api_roles, api_user, fail, handle_error, organisation_id
from course.api.docs import (
    CODE,
    MODULE_SLUG,
    PAGE_SLUG,
    QUESTION_ID,
    SLUG,
    STALE,
    VERSION,
    WITH_BODY,
    errors,
)
from course.api.schemas import (
    CourseCreate,
    CourseOut,
    CourseUpdate,
    FrameworkOut,
    FrameworkSummary,
    ModuleCreate,
    ModuleOut,
    ModuleUpdate,
    PageCreate,
    PageOut,
    PageUpdate,
    QueryArgs,
    QuestionBody,
    QuestionFilter,
    QuestionOut,
    QuizIn,
    QuizOut,
)
from course.authoring import service as authoring
from course.authoring.document import quiz_to_dict
from course.authoring.models import Course, Module, Page, Quiz
from course.bank import service as bank
from course.extensions import db
from course.models.frameworks import Framework
from course.models.users import Organisation
from course.questions import service as questions

AUTHORS = ("tutor", "admin")
NO_ORGANISATION = (404, "Your account belongs to no organisation.")

frameworks_bp = Blueprint("api_frameworks", __name__, url_prefix="/api/v1/frameworks",
                          description="Frameworks (NOS and QCF units) with outcomes and criteria; read only.")
courses_bp = Blueprint("api_courses", __name__, url_prefix="/api/v1/courses",
                       description="Your organisation's courses, their modules, pages and quizzes.")
questions_bp = Blueprint("api_questions", __name__, url_prefix="/api/v1/questions",
                         description="Your organisation's question bank: versioned questions (docs/formats.md).")
BLUEPRINTS = (frameworks_bp, courses_bp, questions_bp)
for _blp in BLUEPRINTS:
    # Code-specific too: Flask prefers the app's handler for a code over a blueprint's class handler.
    for _code in (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429, 500):
        _blp.register_error_handler(_code, handle_error)
    _blp.register_error_handler(HTTPException, handle_error)


# Lost-update protection for courses, modules, pages and quizzes: each one's GET and save answer
# with an ETag, its version (``authoring.version_token``: updated_at to the microsecond, the
# same token as the web forms' hidden field). A PATCH/PUT that sends it back in If-Match is
# refused with 412 if someone saved the object since; without If-Match it applies as before.
ETAG_HEADER = {"ETag": {
    "description": "The object's version (when it was last saved); send it back in If-Match.",
    "schema": {"type": "string"},
}}
IF_MATCH = {
    "name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
    "description": "Optional: the ETag of the version you edited. If someone has saved the object "
                   "since, nothing is changed and the answer is 412 Precondition Failed (HTTP's "
                   "status for a failed If-Match; the web forms answer 409 for the same conflict). "
                   "Without If-Match the change is applied whatever the current version.",
}


def _if_match() -> list[str] | None:
    """The versions the request's If-Match header names (["*"] for any), None without one."""
    if "If-Match" not in request.headers:
        return None
    tags = request.if_match
    return ["*"] if tags.star_tag else [tag for tag in tags if tag]  # no version is ever ""


def _tagged(body: dict[str, Any], obj: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The response body with the object's version as its ETag header."""
    return body, {"ETag": quote_etag(authoring.version_token(obj))}


def _page(items: list[Any], pagination: Any) -> list[Any]:
    pagination.item_count = len(items)
    return items[pagination.first_item: pagination.last_item + 1]


def _commit_or_fail(work: Any) -> Any:
    """Run ``work()`` and commit; a service error becomes 409 or 422, and nothing is stored."""
    try:
        result = work()
        db.session.commit()
        return result
    except authoring.QuizItemsError as exc:
        db.session.rollback()
        errors: dict[str, list[str]] = {}
        for path, message in exc.problems:
            errors.setdefault(path.replace("[", ".").replace("]", ""), []).append(message)
        fail(422, "The quiz items cannot be used.", errors)
    except authoring.StaleEditError as exc:
        db.session.rollback()
        message = f"The {exc.kind} has changed since the version you edited; nothing was saved."
        fail(412, message, {"If-Match": [f"Someone saved the {exc.kind} after this version. GET it "
                                         "for its current ETag and apply your change to that."]})
    except authoring.ConflictError as exc:
        db.session.rollback()
        fail(409, exc.message, {exc.field or "_schema": [exc.message]})
    except authoring.AuthoringError as exc:
        db.session.rollback()
        fail(422, exc.message, {exc.field or "_schema": [exc.message]})
    except questions.QuestionProblems as exc:
        db.session.rollback()
        errors = {}
        for path, message in exc.problems:
            errors.setdefault(path or "_schema", []).append(message)
        fail(409 if exc.conflict else 422,
             "The question conflicts with stored data." if exc.conflict else "The question is not valid.", errors)


# --------------------------------------------------------------------------- frameworks


def _framework_out(fw: Framework) -> dict[str, Any]:
    return {
        "code": fw.code, "kind": fw.kind, "title": fw.title, "glh": fw.glh, "version": fw.version,
        "urn": fw.urn, "overview": fw.overview, "keywords": fw.keywords,
        "outcomes": [{
            "code": o.code, "ref": f"{fw.code}/{o.code}", "title": o.title, "kind": o.kind,
            "criteria": [{"code": c.code, "ref": f"{fw.code}/{c.code}", "kind": c.kind, "text": c.text,
                          "workplace": c.workplace} for c in o.criteria],
        } for o in fw.outcomes],
    }


@frameworks_bp.route("")
class Frameworks(MethodView):
    @api_roles(*AUTHORS)
    @frameworks_bp.arguments(QueryArgs, location="query")
    @frameworks_bp.response(200, FrameworkSummary(many=True))
    @frameworks_bp.paginate()
    @errors(frameworks_bp)
    def get(self, args: dict, pagination_parameters: Any) -> Any:
        """Every framework, by code."""
        rows = list(db.session.scalars(select(Framework).order_by(Framework.code)))
        return _page(rows, pagination_parameters)


@frameworks_bp.route("/<code>", parameters=[CODE])
class FrameworkDetail(MethodView):
    @api_roles(*AUTHORS)
    @frameworks_bp.response(200, FrameworkOut)
    @errors(frameworks_bp, (404, "No framework has this code."))
    def get(self, code: str) -> Any:
        """One framework with its outcomes and criteria."""
        fw = Framework.by_code(code)
        if fw is None:
            fail(404, f"No framework {code!r}.")
        return _framework_out(fw)


# --------------------------------------------------------------------------- courses


def _course_out(course: Course) -> dict[str, Any]:
    return {
        "slug": course.slug, "title": course.title, "description": course.description,
        "language": course.language, "frameworks": [fw.code for fw in course.frameworks],
        "modules": [m.slug for m in course.modules], "created_at": course.created_at,
        "updated_at": course.updated_at,
    }


def _course(slug: str) -> Course:
    course = authoring.get_course(organisation_id(), slug)
    if course is None:
        fail(404, f"Your organisation has no course {slug!r}.")
    return course


def _module(slug: str, module_slug: str) -> Module:
    module = authoring.get_module(_course(slug), module_slug)
    if module is None:
        fail(404, f"The course has no module {module_slug!r}.")
    return module


def _page_of(slug: str, module_slug: str, page_slug: str) -> Page:
    page = authoring.get_page(_module(slug, module_slug), page_slug)
    if page is None:
        fail(404, f"The module has no page {page_slug!r}.")
    return page


def _module_out(module: Module) -> dict[str, Any]:
    return {"slug": module.slug, "title": module.title, "position": module.position,
            "outcomes": list(module.outcomes), "target_minutes": module.target_minutes,
            "workplace": list(module.workplace), "pages": [p.slug for p in module.pages],
            "has_quiz": module.quiz is not None}


def _page_out(page: Page) -> dict[str, Any]:
    return {"slug": page.slug, "title": page.title, "position": page.position, "body": page.body,
            "html": page.html}


def _quiz_out(quiz: Quiz) -> dict[str, Any]:
    """The quiz as in the course document, plus the module it belongs to."""
    return {"module": quiz.module.slug, **quiz_to_dict(quiz)}


@courses_bp.route("")
class Courses(MethodView):
    @api_roles(*AUTHORS)
    @courses_bp.arguments(QueryArgs, location="query")
    @courses_bp.response(200, CourseOut(many=True))
    @courses_bp.paginate()
    @errors(courses_bp)
    def get(self, args: dict, pagination_parameters: Any) -> Any:
        """Your organisation's courses, by title."""
        org = api_user().organisation_id
        rows = authoring.courses_for(org) if org is not None else []
        return [_course_out(c) for c in _page(rows, pagination_parameters)]

    @api_roles(*AUTHORS)
    @courses_bp.arguments(CourseCreate)
    @courses_bp.response(201, CourseOut, headers=ETAG_HEADER)
    @errors(courses_bp, *WITH_BODY, NO_ORGANISATION, (409, "Your organisation already has a course with this slug."))
    def post(self, data: dict) -> Any:
        """Create a course built against frameworks (by code)."""
        org = organisation_id()
        organisation = db.session.get(Organisation, org)
        course = _commit_or_fail(lambda: authoring.create_course(
            organisation=organisation, user=api_user(), **data))
        return _tagged(_course_out(course), course)


@courses_bp.route("/<slug>", parameters=[SLUG])
class CourseDetail(MethodView):
    @api_roles(*AUTHORS)
    @courses_bp.response(200, CourseOut, headers=ETAG_HEADER)
    @errors(courses_bp, (404, "Your organisation has no course with this slug."))
    def get(self, slug: str) -> Any:
        """One course; its ETag is the version to send in If-Match when changing it."""
        course = _course(slug)
        return _tagged(_course_out(course), course)

    @api_roles(*AUTHORS)
    @courses_bp.arguments(CourseUpdate)
    @courses_bp.response(200, CourseOut, headers=ETAG_HEADER)
    @errors(courses_bp, *WITH_BODY, (404, "Your organisation has no course with this slug."),
            (409, "Your organisation already has a course with this slug."), 412)
    @courses_bp.doc(parameters=[IF_MATCH])
    def patch(self, data: dict, slug: str) -> Any:
        """Change a course's title, slug, description or language (If-Match: only if unchanged since)."""
        course = _course(slug)
        _commit_or_fail(lambda: authoring.update_course(course, **data, expected_version=_if_match()))
        return _tagged(_course_out(course), course)

    @api_roles(*AUTHORS)
    @courses_bp.response(204)
    @errors(courses_bp, 400, (404, "Your organisation has no course with this slug."),
            (409, "Learners are enrolled on the course."))
    def delete(self, slug: str) -> Any:
        """Delete a course with its modules, pages and quizzes."""
        course = _course(slug)
        _commit_or_fail(lambda: authoring.delete_course(course))
        return Response(status=204)


@courses_bp.route("/<slug>/modules", parameters=[SLUG])
class Modules(MethodView):
    @api_roles(*AUTHORS)
    @courses_bp.arguments(QueryArgs, location="query")
    @courses_bp.response(200, ModuleOut(many=True))
    @courses_bp.paginate()
    @errors(courses_bp, (404, "Your organisation has no course with this slug."))
    def get(self, args: dict, pagination_parameters: Any, slug: str) -> Any:
        """The course's modules in order."""
        return [_module_out(m) for m in _page(list(_course(slug).modules), pagination_parameters)]

    @api_roles(*AUTHORS)
    @courses_bp.arguments(ModuleCreate)
    @courses_bp.response(201, ModuleOut, headers=ETAG_HEADER)
    @errors(courses_bp, *WITH_BODY, (404, "Your organisation has no course with this slug."),
            (409, "The course already has a module with this slug."))
    def post(self, data: dict, slug: str) -> Any:
        """Add a module (default target minutes from its outcomes)."""
        course = _course(slug)
        module = _commit_or_fail(lambda: authoring.add_module(course, **data))
        return _tagged(_module_out(module), module)


@courses_bp.route("/<slug>/modules/<module_slug>", parameters=[SLUG, MODULE_SLUG])
class ModuleDetail(MethodView):
    @api_roles(*AUTHORS)
    @courses_bp.response(200, ModuleOut, headers=ETAG_HEADER)
    @errors(courses_bp, (404, "No such course or module."))
    def get(self, slug: str, module_slug: str) -> Any:
        """One module; its ETag is the version to send in If-Match when changing it."""
        module = _module(slug, module_slug)
        return _tagged(_module_out(module), module)

    @api_roles(*AUTHORS)
    @courses_bp.arguments(ModuleUpdate)
    @courses_bp.response(200, ModuleOut, headers=ETAG_HEADER)
    @errors(courses_bp, *WITH_BODY, (404, "No such course or module."),
            (409, "The course already has a module with this slug."), 412)
    @courses_bp.doc(parameters=[IF_MATCH])
    def patch(self, data: dict, slug: str, module_slug: str) -> Any:
        """Change a module; ``position`` moves it (If-Match: only if unchanged since)."""
        module = _module(slug, module_slug)
        position = data.pop("position", None)

        def work() -> Module:
            authoring.update_module(module, **data, expected_version=_if_match())
            if position is not None:
                authoring.move_module(module, position)
            return module

        _commit_or_fail(work)
        return _tagged(_module_out(module), module)

    @api_roles(*AUTHORS)
    @courses_bp.response(204)
    @errors(courses_bp, 400, (404, "No such course or module."),
            (409, "Learners have attempts at the module."))
    def delete(self, slug: str, module_slug: str) -> Any:
        """Delete a module with its pages and quiz."""
        module = _module(slug, module_slug)
        _commit_or_fail(lambda: authoring.delete_module(module))
        return Response(status=204)


@courses_bp.route("/<slug>/modules/<module_slug>/pages", parameters=[SLUG, MODULE_SLUG])
class Pages(MethodView):
    @api_roles(*AUTHORS)
    @courses_bp.arguments(QueryArgs, location="query")
    @courses_bp.response(200, PageOut(many=True))
    @courses_bp.paginate()
    @errors(courses_bp, (404, "No such course or module."))
    def get(self, args: dict, pagination_parameters: Any, slug: str, module_slug: str) -> Any:
        """The module's pages in order."""
        return [_page_out(p) for p in _page(list(_module(slug, module_slug).pages), pagination_parameters)]

    @api_roles(*AUTHORS)
    @courses_bp.arguments(PageCreate)
    @courses_bp.response(201, PageOut, headers=ETAG_HEADER)
    @errors(courses_bp, *WITH_BODY, (404, "No such course or module."),
            (409, "The module already has a page with this slug."))
    def post(self, data: dict, slug: str, module_slug: str) -> Any:
        """Add a page (Markdown body, rendered to sanitised HTML)."""
        module = _module(slug, module_slug)
        position = data.pop("position", None)

        def work() -> Page:
            page = authoring.add_page(module, **data)
            if position is not None:
                authoring.move_page(page, position)
            return page

        page = _commit_or_fail(work)
        return _tagged(_page_out(page), page)


@courses_bp.route("/<slug>/modules/<module_slug>/pages/<page_slug>", parameters=[SLUG, MODULE_SLUG, PAGE_SLUG])
class PageDetail(MethodView):
    @api_roles(*AUTHORS)
    @courses_bp.response(200, PageOut, headers=ETAG_HEADER)
    @errors(courses_bp, (404, "No such course, module or page."))
    def get(self, slug: str, module_slug: str, page_slug: str) -> Any:
        """One page; its ETag is the version to send in If-Match when changing it."""
        page = _page_of(slug, module_slug, page_slug)
        return _tagged(_page_out(page), page)

    @api_roles(*AUTHORS)
    @courses_bp.arguments(PageUpdate)
    @courses_bp.response(200, PageOut, headers=ETAG_HEADER)
    @errors(courses_bp, *WITH_BODY, (404, "No such course, module or page."),
            (409, "The module already has a page with this slug."), 412)
    @courses_bp.doc(parameters=[IF_MATCH])
    def patch(self, data: dict, slug: str, module_slug: str, page_slug: str) -> Any:
        """Change a page; ``position`` moves it (If-Match: only if unchanged since)."""
        page = _page_of(slug, module_slug, page_slug)
        position = data.pop("position", None)

        def work() -> Page:
            authoring.update_page(page, **data, expected_version=_if_match())
            if position is not None:
                authoring.move_page(page, position)
            return page

        _commit_or_fail(work)
        return _tagged(_page_out(page), page)

    @api_roles(*AUTHORS)
    @courses_bp.response(204)
    @errors(courses_bp, 400, (404, "No such course, module or page."))
    def delete(self, slug: str, module_slug: str, page_slug: str) -> Any:
        """Delete a page."""
        page = _page_of(slug, module_slug, page_slug)
        _commit_or_fail(lambda: authoring.delete_page(page))
        return Response(status=204)


@courses_bp.route("/<slug>/quizzes", parameters=[SLUG])
class Quizzes(MethodView):
    @api_roles(*AUTHORS)
    @courses_bp.arguments(QueryArgs, location="query")
    @courses_bp.response(200, QuizOut(many=True))
    @courses_bp.paginate()
    @errors(courses_bp, (404, "Your organisation has no course with this slug."))
    def get(self, args: dict, pagination_parameters: Any, slug: str) -> Any:
        """The quizzes of the course's modules, in module order."""
        quizzes = [m.quiz for m in _course(slug).modules if m.quiz is not None]
        return [_quiz_out(q) for q in _page(quizzes, pagination_parameters)]


@courses_bp.route("/<slug>/modules/<module_slug>/quiz", parameters=[SLUG, MODULE_SLUG])
class QuizDetail(MethodView):
    @api_roles(*AUTHORS)
    @courses_bp.response(200, QuizOut, headers=ETAG_HEADER)
    @errors(courses_bp, (404, "No such course or module, or the module has no quiz."))
    def get(self, slug: str, module_slug: str) -> Any:
        """The module's quiz; its ETag is the version to send in If-Match when changing it."""
        module = _module(slug, module_slug)
        if module.quiz is None:
            fail(404, f"Module {module_slug!r} has no quiz.")
        return _tagged(_quiz_out(module.quiz), module.quiz)

    @api_roles(*AUTHORS)
    @courses_bp.arguments(QuizIn)
    @courses_bp.response(200, QuizOut, headers=ETAG_HEADER)
    @errors(courses_bp, *WITH_BODY, (404, "No such course or module."),
            (412, STALE + " (Any If-Match fails while the module has no quiz.)"))
    @courses_bp.doc(parameters=[IF_MATCH])
    def put(self, data: dict, slug: str, module_slug: str) -> Any:
        """Create the module's quiz or change it; ``items`` (if given) replaces its items.

        With If-Match, only if the quiz is unchanged since that version (else 412)."""
        module = _module(slug, module_slug)
        items = data.pop("items", None)

        def work() -> Quiz:
            quiz = authoring.set_quiz(module, **data, expected_version=_if_match())
            if items is not None:
                authoring.set_quiz_items(quiz, items)
            return quiz

        quiz = _commit_or_fail(work)
        return _tagged(_quiz_out(quiz), quiz)

    @api_roles(*AUTHORS)
    @courses_bp.response(204)
    @errors(courses_bp, 400, (404, "No such course or module, or the module has no quiz."))
    def delete(self, slug: str, module_slug: str) -> Any:
        """Remove the module's quiz."""
        module = _module(slug, module_slug)
        if module.quiz is None:
            fail(404, f"Module {module_slug!r} has no quiz.")
        _commit_or_fail(lambda: authoring.delete_quiz(module))
        return Response(status=204)


# --------------------------------------------------------------------------- questions


def _question_out(row: Any) -> dict[str, Any]:
    return {"id": row.question_id, "version": row.version, "type": row.type, "title": row.title,
            "criteria": list(row.criteria), "tags": list(row.tags or []), "is_current": row.is_current,
            "in_use": row.in_use, "created_at": row.created_at, "question": dict(row.data)}


def _body(data: dict) -> dict:
    """The question JSON of a request body (its ``version`` is the server's to set)."""
    body = dict(data)
    body.pop("version", None)
    return body


def _edit(data: dict, question_id: str, problems: dict[str, list[str]] | None = None) -> dict:
    """The question JSON of an edit, whose ``id`` must be the question's (ids never change);
    422 with ``problems`` and that one, if any."""
    problems = dict(problems or {})
    if data.get("id") != question_id:
        problems["id"] = ["Missing data for required field." if "id" not in data
                          else f"The id is the question's own, {question_id!r}; it cannot change."]
    if problems:
        fail(422, "The question is not valid.", problems)
    return _body(data)


QUESTION = {"$ref": "#/components/schemas/Question"}
QUESTION_EXAMPLE = {
    "id": "relnet-court-of-protection", "type": "single_choice", "title": "Who rules on contact disputes",
    "stem": "A person lacks capacity to decide about contact with a relative, and the family and the "
            "care team cannot agree what is in their best interests. Who can make the final decision?",
    "criteria": ["QCF-RELNET/1.2"], "tags": ["mental capacity"],
    "options": [
        {"id": "a", "text": "The Court of Protection", "correct": True,
         "feedback": "Right: it decides under the Mental Capacity Act 2005 when there is a serious dispute."},
        {"id": "b", "text": "The care home manager", "correct": False,
         "feedback": "A manager takes part in a best interests decision, but cannot settle a dispute in law."},
    ],
}


def _question_body(schema: dict, **example: Any) -> dict:
    """The requestBody of an operation taking the question JSON (``document_questions``)."""
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": schema, "example": {**QUESTION_EXAMPLE, **example}}}}}


@questions_bp.route("")
class Questions(MethodView):
    @api_roles(*AUTHORS)
    @questions_bp.arguments(QuestionFilter, location="query")
    @questions_bp.response(200, QuestionOut(many=True))
    @questions_bp.paginate()
    @errors(questions_bp)
    def get(self, args: dict, pagination_parameters: Any) -> Any:
        """Current versions of your questions, by id; filter by type, criterion, tag, text (q)."""
        org = api_user().organisation_id
        rows = [] if org is None else questions.find_questions(
            org, type_name=args.get("type", ""), criterion=args.get("criterion", ""),
            tag=args.get("tag", ""), text=args.get("q", ""))
        return [_question_out(r) for r in _page(rows, pagination_parameters)]

    @api_roles(*AUTHORS)
    @questions_bp.arguments(QuestionBody)
    @questions_bp.response(201, QuestionOut)
    @errors(questions_bp, *WITH_BODY, NO_ORGANISATION, (409, "Your bank already has a question with this id."))
    @questions_bp.doc(**_question_body(QUESTION))
    def post(self, data: dict) -> Any:
        """Add a question (version 1); the body is the question JSON."""
        org = organisation_id()
        row = _commit_or_fail(lambda: questions.create_question(
            dict(_body(data), version=1), organisation_id=org, user=api_user()))
        return _question_out(row)


@questions_bp.route("/<question_id>", parameters=[QUESTION_ID])
class QuestionDetail(MethodView):
    @api_roles(*AUTHORS)
    @questions_bp.response(200, QuestionOut)
    @errors(questions_bp, (404, "Your bank has no question with this id."))
    def get(self, question_id: str) -> Any:
        """The current version of a question."""
        row = questions.get_current(organisation_id(), question_id)
        if row is None:
            fail(404, f"Your bank has no question {question_id!r}.")
        return _question_out(row)

    @api_roles(*AUTHORS)
    @questions_bp.response(204)
    @errors(questions_bp, 400, (404, "Your bank has no question with this id."),
            (409, "A quiz still needs the question."))
    def delete(self, question_id: str) -> Any:
        """Take the question out of the bank: deleted if no attempt ever used it, else retired (its
        versions stay for those attempts; it is no longer listed or drawn). 409 while a quiz holds
        it as a fixed question or a draw would be left short without it (``errors.id`` says which)."""
        org = organisation_id()
        if questions.get_current(org, question_id) is None:
            fail(404, f"Your bank has no question {question_id!r}.")
        _commit_or_fail(lambda: questions.remove_question(org, question_id))
        return Response(status=204)

    @api_roles(*AUTHORS)
    @questions_bp.arguments(QuestionBody)
    @questions_bp.response(200, QuestionOut)
    @errors(questions_bp, *WITH_BODY, (404, "Your bank has no question with this id."),
            (409, "Another version was saved since the one edited."))
    @questions_bp.doc(**_question_body({"allOf": [QUESTION], "required": ["version"]}, version=1))
    def put(self, data: dict, question_id: str) -> Any:
        """Save an edit. The body's ``version`` must be the current version (else 409: someone
        saved meanwhile). Edited in place while no attempt uses it, else saved as a new version."""
        org = organisation_id()
        if questions.get_current(org, question_id) is None:
            fail(404, f"Your bank has no question {question_id!r}.")
        base = data.get("version")
        bad_base = isinstance(base, bool) or not isinstance(base, int)
        body = _edit(data, question_id,
                     {"version": ["The version you edited (an integer) is required."]} if bad_base else None)
        row = _commit_or_fail(lambda: questions.update_question(
            question_id, body, organisation_id=org, user=api_user(), base_version=base))
        return _question_out(row)


@questions_bp.route("/<question_id>/versions", parameters=[QUESTION_ID])
class QuestionVersions(MethodView):
    @api_roles(*AUTHORS)
    @questions_bp.arguments(QueryArgs, location="query")
    @questions_bp.response(200, QuestionOut(many=True))
    @questions_bp.paginate()
    @errors(questions_bp, (404, "Your bank has no question with this id."))
    def get(self, args: dict, pagination_parameters: Any, question_id: str) -> Any:
        """Every version of a question, newest first."""
        rows = questions.versions(organisation_id(), question_id)
        if not rows:
            fail(404, f"Your bank has no question {question_id!r}.")
        return [_question_out(r) for r in _page(rows, pagination_parameters)]


@questions_bp.route("/<question_id>/versions/<int:version>", parameters=[QUESTION_ID, VERSION])
class QuestionVersionDetail(MethodView):
    @api_roles(*AUTHORS)
    @questions_bp.response(200, QuestionOut)
    @errors(questions_bp, (404, "Your bank has no such version of this question."))
    def get(self, question_id: str, version: int) -> Any:
        """One version of a question."""
        row = bank.get_version(question_id, version, organisation=organisation_id())
        if row is None:
            fail(404, f"Your bank has no version {version} of question {question_id!r}.")
        return _question_out(row)

    @api_roles(*AUTHORS)
    @questions_bp.arguments(QuestionBody)
    @questions_bp.response(200, QuestionOut)
    @errors(questions_bp, *WITH_BODY, (404, "Your bank has no such version of this question."),
            (409, "The version is in use or not current."))
    @questions_bp.doc(**_question_body(QUESTION, version=1))
    def put(self, data: dict, question_id: str, version: int) -> Any:
        """Change exactly this version, in place: 409 if it is not current or attempts use it."""
        org = organisation_id()
        row = bank.get_version(question_id, version, organisation=org)
        if row is None:
            fail(404, f"Your bank has no version {version} of question {question_id!r}.")
        if not row.is_current:
            fail(409, f"Version {version} is not the current version.",
                 {"version": [f"Version {version} is not the current version."]})
        body = _edit(data, question_id)
        saved = _commit_or_fail(lambda: questions.update_question(
            question_id, body, organisation_id=org, user=api_user(), base_version=version,
            in_place=True))
        return _question_out(saved)

"""The API's courses with their modules, pages and quizzes, in the user's organisation."""
from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from course.api.core import api_roles, api_user, fail, organisation_id
from course.api.docs import MODULE_SLUG, PAGE_SLUG, SLUG, STALE, WITH_BODY, errors
from course.api.resources import (
    AUTHORS,
    ETAG_HEADER,
    IF_MATCH,
    NO_ORGANISATION,
    api_blueprint,
    commit_or_fail,
    if_match,
    one_page,
    tagged,
)
from course.api.schemas import (
    CourseCreate,
    CourseOut,
    CourseUpdate,
    ModuleCreate,
    ModuleOut,
    ModuleUpdate,
    PageCreate,
    PageOut,
    PageUpdate,
    QueryArgs,
    QuizIn,
    QuizOut,
)
from course.authoring import service as authoring
from course.authoring import quizzes as authoring_quizzes
from course.authoring.document import quiz_to_dict
from course.authoring.models import Course, Module, Page, Quiz
from course.extensions import db
from course.models.users import Organisation

bp = api_blueprint("api_courses", "/api/v1/courses",
                   "Your organisation's courses, their modules, pages and quizzes.")


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


@bp.route("")
class Courses(MethodView):
    @api_roles(*AUTHORS)
    @bp.arguments(QueryArgs, location="query")
    @bp.response(200, CourseOut(many=True))
    @bp.paginate()
    @errors(bp)
    def get(self, args: dict, pagination_parameters: Any) -> Any:
        """Your organisation's courses, by title."""
        org = api_user().organisation_id
        rows = authoring.courses_for(org) if org is not None else []
        return [_course_out(c) for c in one_page(rows, pagination_parameters)]

    @api_roles(*AUTHORS)
    @bp.arguments(CourseCreate)
    @bp.response(201, CourseOut, headers=ETAG_HEADER)
    @errors(bp, *WITH_BODY, NO_ORGANISATION, (409, "Your organisation already has a course with this slug."))
    def post(self, data: dict) -> Any:
        """Create a course built against frameworks (by code)."""
        org = organisation_id()
        organisation = db.session.get(Organisation, org)
        course = commit_or_fail(lambda: authoring.create_course(
            organisation=organisation, user=api_user(), **data))
        return tagged(_course_out(course), course)


@bp.route("/<slug>", parameters=[SLUG])
class CourseDetail(MethodView):
    @api_roles(*AUTHORS)
    @bp.response(200, CourseOut, headers=ETAG_HEADER)
    @errors(bp, (404, "Your organisation has no course with this slug."))
    def get(self, slug: str) -> Any:
        """One course; its ETag is the version to send in If-Match when changing it."""
        course = _course(slug)
        return tagged(_course_out(course), course)

    @api_roles(*AUTHORS)
    @bp.arguments(CourseUpdate)
    @bp.response(200, CourseOut, headers=ETAG_HEADER)
    @errors(bp, *WITH_BODY, (404, "Your organisation has no course with this slug."),
            (409, "Your organisation already has a course with this slug."), 412)
    @bp.doc(parameters=[IF_MATCH])
    def patch(self, data: dict, slug: str) -> Any:
        """Change a course's title, slug, description or language (If-Match: only if unchanged since)."""
        course = _course(slug)
        commit_or_fail(lambda: authoring.update_course(course, **data, expected_version=if_match()))
        return tagged(_course_out(course), course)

    @api_roles(*AUTHORS)
    @bp.response(204)
    @errors(bp, 400, (404, "Your organisation has no course with this slug."),
            (409, "Learners are enrolled on the course."))
    def delete(self, slug: str) -> Any:
        """Delete a course with its modules, pages and quizzes."""
        course = _course(slug)
        commit_or_fail(lambda: authoring.delete_course(course))
        return Response(status=204)


@bp.route("/<slug>/modules", parameters=[SLUG])
class Modules(MethodView):
    @api_roles(*AUTHORS)
    @bp.arguments(QueryArgs, location="query")
    @bp.response(200, ModuleOut(many=True))
    @bp.paginate()
    @errors(bp, (404, "Your organisation has no course with this slug."))
    def get(self, args: dict, pagination_parameters: Any, slug: str) -> Any:
        """The course's modules in order."""
        return [_module_out(m) for m in one_page(list(_course(slug).modules), pagination_parameters)]

    @api_roles(*AUTHORS)
    @bp.arguments(ModuleCreate)
    @bp.response(201, ModuleOut, headers=ETAG_HEADER)
    @errors(bp, *WITH_BODY, (404, "Your organisation has no course with this slug."),
            (409, "The course already has a module with this slug."))
    def post(self, data: dict, slug: str) -> Any:
        """Add a module (default target minutes from its outcomes)."""
        course = _course(slug)
        module = commit_or_fail(lambda: authoring.add_module(course, **data))
        return tagged(_module_out(module), module)


@bp.route("/<slug>/modules/<module_slug>", parameters=[SLUG, MODULE_SLUG])
class ModuleDetail(MethodView):
    @api_roles(*AUTHORS)
    @bp.response(200, ModuleOut, headers=ETAG_HEADER)
    @errors(bp, (404, "No such course or module."))
    def get(self, slug: str, module_slug: str) -> Any:
        """One module; its ETag is the version to send in If-Match when changing it."""
        module = _module(slug, module_slug)
        return tagged(_module_out(module), module)

    @api_roles(*AUTHORS)
    @bp.arguments(ModuleUpdate)
    @bp.response(200, ModuleOut, headers=ETAG_HEADER)
    @errors(bp, *WITH_BODY, (404, "No such course or module."),
            (409, "The course already has a module with this slug."), 412)
    @bp.doc(parameters=[IF_MATCH])
    def patch(self, data: dict, slug: str, module_slug: str) -> Any:
        """Change a module; ``position`` moves it (If-Match: only if unchanged since)."""
        module = _module(slug, module_slug)
        position = data.pop("position", None)

        def work() -> Module:
            authoring.update_module(module, **data, expected_version=if_match())
            if position is not None:
                authoring.move_module(module, position)
            return module

        commit_or_fail(work)
        return tagged(_module_out(module), module)

    @api_roles(*AUTHORS)
    @bp.response(204)
    @errors(bp, 400, (404, "No such course or module."),
            (409, "Learners have attempts at the module."))
    def delete(self, slug: str, module_slug: str) -> Any:
        """Delete a module with its pages and quiz."""
        module = _module(slug, module_slug)
        commit_or_fail(lambda: authoring.delete_module(module))
        return Response(status=204)


@bp.route("/<slug>/modules/<module_slug>/pages", parameters=[SLUG, MODULE_SLUG])
class Pages(MethodView):
    @api_roles(*AUTHORS)
    @bp.arguments(QueryArgs, location="query")
    @bp.response(200, PageOut(many=True))
    @bp.paginate()
    @errors(bp, (404, "No such course or module."))
    def get(self, args: dict, pagination_parameters: Any, slug: str, module_slug: str) -> Any:
        """The module's pages in order."""
        return [_page_out(p) for p in one_page(list(_module(slug, module_slug).pages), pagination_parameters)]

    @api_roles(*AUTHORS)
    @bp.arguments(PageCreate)
    @bp.response(201, PageOut, headers=ETAG_HEADER)
    @errors(bp, *WITH_BODY, (404, "No such course or module."),
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

        page = commit_or_fail(work)
        return tagged(_page_out(page), page)


@bp.route("/<slug>/modules/<module_slug>/pages/<page_slug>", parameters=[SLUG, MODULE_SLUG, PAGE_SLUG])
class PageDetail(MethodView):
    @api_roles(*AUTHORS)
    @bp.response(200, PageOut, headers=ETAG_HEADER)
    @errors(bp, (404, "No such course, module or page."))
    def get(self, slug: str, module_slug: str, page_slug: str) -> Any:
        """One page; its ETag is the version to send in If-Match when changing it."""
        page = _page_of(slug, module_slug, page_slug)
        return tagged(_page_out(page), page)

    @api_roles(*AUTHORS)
    @bp.arguments(PageUpdate)
    @bp.response(200, PageOut, headers=ETAG_HEADER)
    @errors(bp, *WITH_BODY, (404, "No such course, module or page."),
            (409, "The module already has a page with this slug."), 412)
    @bp.doc(parameters=[IF_MATCH])
    def patch(self, data: dict, slug: str, module_slug: str, page_slug: str) -> Any:
        """Change a page; ``position`` moves it (If-Match: only if unchanged since)."""
        page = _page_of(slug, module_slug, page_slug)
        position = data.pop("position", None)

        def work() -> Page:
            authoring.update_page(page, **data, expected_version=if_match())
            if position is not None:
                authoring.move_page(page, position)
            return page

        commit_or_fail(work)
        return tagged(_page_out(page), page)

    @api_roles(*AUTHORS)
    @bp.response(204)
    @errors(bp, 400, (404, "No such course, module or page."))
    def delete(self, slug: str, module_slug: str, page_slug: str) -> Any:
        """Delete a page."""
        page = _page_of(slug, module_slug, page_slug)
        commit_or_fail(lambda: authoring.delete_page(page))
        return Response(status=204)


@bp.route("/<slug>/quizzes", parameters=[SLUG])
class Quizzes(MethodView):
    @api_roles(*AUTHORS)
    @bp.arguments(QueryArgs, location="query")
    @bp.response(200, QuizOut(many=True))
    @bp.paginate()
    @errors(bp, (404, "Your organisation has no course with this slug."))
    def get(self, args: dict, pagination_parameters: Any, slug: str) -> Any:
        """The quizzes of the course's modules, in module order."""
        quizzes = [m.quiz for m in _course(slug).modules if m.quiz is not None]
        return [_quiz_out(q) for q in one_page(quizzes, pagination_parameters)]


@bp.route("/<slug>/modules/<module_slug>/quiz", parameters=[SLUG, MODULE_SLUG])
class QuizDetail(MethodView):
    @api_roles(*AUTHORS)
    @bp.response(200, QuizOut, headers=ETAG_HEADER)
    @errors(bp, (404, "No such course or module, or the module has no quiz."))
    def get(self, slug: str, module_slug: str) -> Any:
        """The module's quiz; its ETag is the version to send in If-Match when changing it."""
        module = _module(slug, module_slug)
        if module.quiz is None:
            fail(404, f"Module {module_slug!r} has no quiz.")
        return tagged(_quiz_out(module.quiz), module.quiz)

    @api_roles(*AUTHORS)
    @bp.arguments(QuizIn)
    @bp.response(200, QuizOut, headers=ETAG_HEADER)
    @errors(bp, *WITH_BODY, (404, "No such course or module."),
            (412, STALE + " (Any If-Match fails while the module has no quiz.)"))
    @bp.doc(parameters=[IF_MATCH])
    def put(self, data: dict, slug: str, module_slug: str) -> Any:
        """Create the module's quiz or change it; ``items`` (if given) replaces its items.

        With If-Match, only if the quiz is unchanged since that version (else 412)."""
        module = _module(slug, module_slug)
        items = data.pop("items", None)

        def work() -> Quiz:
            quiz = authoring_quizzes.set_quiz(module, **data, expected_version=if_match())
            if items is not None:
                authoring_quizzes.set_quiz_items(quiz, items)
            return quiz

        quiz = commit_or_fail(work)
        return tagged(_quiz_out(quiz), quiz)

    @api_roles(*AUTHORS)
    @bp.response(204)
    @errors(bp, 400, (404, "No such course or module, or the module has no quiz."))
    def delete(self, slug: str, module_slug: str) -> Any:
        """Remove the module's quiz."""
        module = _module(slug, module_slug)
        if module.quiz is None:
            fail(404, f"Module {module_slug!r} has no quiz.")
        commit_or_fail(lambda: authoring_quizzes.delete_quiz(module))
        return Response(status=204)

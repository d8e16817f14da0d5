"""The API's question bank: the organisation's versioned questions (docs/formats.md)."""
from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView

from course.api.core import api_roles, api_user, fail, organisation_id
from course.api.docs import QUESTION_ID, VERSION, WITH_BODY, errors
from course.api.resources import AUTHORS, NO_ORGANISATION, api_blueprint, commit_or_fail, one_page
from course.api.schemas import QueryArgs, QuestionBody, QuestionFilter, QuestionOut
from course.bank import service as bank
from course.questions import service as question_service

bp = api_blueprint("api_questions", "/api/v1/questions",
                   "Your organisation's question bank: versioned questions (docs/formats.md).")


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


@bp.route("")
class Questions(MethodView):
    @api_roles(*AUTHORS)
    @bp.arguments(QuestionFilter, location="query")
    @bp.response(200, QuestionOut(many=True))
    @bp.paginate()
    @errors(bp)
    def get(self, args: dict, pagination_parameters: Any) -> Any:
        """Current versions of your questions, by id; filter by type, criterion, tag, text (q)."""
        org = api_user().organisation_id
        rows = [] if org is None else question_service.find_questions(
            org, type_name=args.get("type", ""), criterion=args.get("criterion", ""),
            tag=args.get("tag", ""), text=args.get("q", ""))
        return [_question_out(r) for r in one_page(rows, pagination_parameters)]

    @api_roles(*AUTHORS)
    @bp.arguments(QuestionBody)
    @bp.response(201, QuestionOut)
    @errors(bp, *WITH_BODY, NO_ORGANISATION, (409, "Your bank already has a question with this id."))
    @bp.doc(**_question_body(QUESTION))
    def post(self, data: dict) -> Any:
        """Add a question (version 1); the body is the question JSON."""
        org = organisation_id()
        row = commit_or_fail(lambda: question_service.create_question(
            dict(_body(data), version=1), organisation_id=org, user=api_user()))
        return _question_out(row)


@bp.route("/<question_id>", parameters=[QUESTION_ID])
class QuestionDetail(MethodView):
    @api_roles(*AUTHORS)
    @bp.response(200, QuestionOut)
    @errors(bp, (404, "Your bank has no question with this id."))
    def get(self, question_id: str) -> Any:
        """The current version of a question."""
        row = question_service.get_current(organisation_id(), question_id)
        if row is None:
            fail(404, f"Your bank has no question {question_id!r}.")
        return _question_out(row)

    @api_roles(*AUTHORS)
    @bp.response(204)
    @errors(bp, 400, (404, "Your bank has no question with this id."),
            (409, "A quiz still needs the question."))
    def delete(self, question_id: str) -> Any:
        """Take the question out of the bank: deleted if no attempt ever used it, else retired (its
        versions stay for those attempts; it is no longer listed or drawn). 409 while a quiz holds
        it as a fixed question or a draw would be left short without it (``errors.id`` says which)."""
        org = organisation_id()
        if question_service.get_current(org, question_id) is None:
            fail(404, f"Your bank has no question {question_id!r}.")
        commit_or_fail(lambda: question_service.remove_question(org, question_id))
        return Response(status=204)

    @api_roles(*AUTHORS)
    @bp.arguments(QuestionBody)
    @bp.response(200, QuestionOut)
    @errors(bp, *WITH_BODY, (404, "Your bank has no question with this id."),
            (409, "Another version was saved since the one edited."))
    @bp.doc(**_question_body({"allOf": [QUESTION], "required": ["version"]}, version=1))
    def put(self, data: dict, question_id: str) -> Any:
        """Save an edit. The body's ``version`` must be the current version (else 409: someone
        saved meanwhile). Edited in place while no attempt uses it, else saved as a new version."""
        org = organisation_id()
        if question_service.get_current(org, question_id) is None:
            fail(404, f"Your bank has no question {question_id!r}.")
        base = data.get("version")
        bad_base = isinstance(base, bool) or not isinstance(base, int)
        body = _edit(data, question_id,
                     {"version": ["The version you edited (an integer) is required."]} if bad_base else None)
        row = commit_or_fail(lambda: question_service.update_question(
            question_id, body, organisation_id=org, user=api_user(), base_version=base))
        return _question_out(row)


@bp.route("/<question_id>/versions", parameters=[QUESTION_ID])
class QuestionVersions(MethodView):
    @api_roles(*AUTHORS)
    @bp.arguments(QueryArgs, location="query")
    @bp.response(200, QuestionOut(many=True))
    @bp.paginate()
    @errors(bp, (404, "Your bank has no question with this id."))
    def get(self, args: dict, pagination_parameters: Any, question_id: str) -> Any:
        """Every version of a question, newest first."""
        rows = question_service.versions(organisation_id(), question_id)
        if not rows:
            fail(404, f"Your bank has no question {question_id!r}.")
        return [_question_out(r) for r in one_page(rows, pagination_parameters)]


@bp.route("/<question_id>/versions/<int:version>", parameters=[QUESTION_ID, VERSION])
class QuestionVersionDetail(MethodView):
    @api_roles(*AUTHORS)
    @bp.response(200, QuestionOut)
    @errors(bp, (404, "Your bank has no such version of this question."))
    def get(self, question_id: str, version: int) -> Any:
        """One version of a question."""
        row = bank.get_version(question_id, version, organisation=organisation_id())
        if row is None:
            fail(404, f"Your bank has no version {version} of question {question_id!r}.")
        return _question_out(row)

    @api_roles(*AUTHORS)
    @bp.arguments(QuestionBody)
    @bp.response(200, QuestionOut)
    @errors(bp, *WITH_BODY, (404, "Your bank has no such version of this question."),
            (409, "The version is in use or not current."))
    @bp.doc(**_question_body(QUESTION, version=1))
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
        saved = commit_or_fail(lambda: question_service.update_question(
            question_id, body, organisation_id=org, user=api_user(), base_version=version,
            in_place=True))
        return _question_out(saved)

"""The IQA's sign-off of question-to-criterion mappings, and the course gate that waits for it.

A question version is *signed* when a ``MappingSignoff`` of that question holds exactly the
criteria the version evidences (its own and its scenario steps', sorted). So a new version that
maps to the same criteria stays signed, and a version mapping to other criteria (a new version, or
an unused version edited in place) is *changed since signing* until an IQA signs it again.

The versions that matter are the ones a course's quizzes can contain: each fixed item's pinned
version and every current question a draw can take (``quiz_question_versions``), which is what a
SCORM export carries and what an attempt can draw.

With ``Course.require_signed_mappings`` on, a course with any unsigned question in a quiz cannot be
exported as SCORM (``export_problems``), and a summative quiz with one cannot be started by
learners (``quiz_gate_message``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from course.authoring.models import Course, Module
from course.authoring.quizzes import question_criteria, quiz_question_versions
from course.evidence import audit
from course.evidence.models import MappingSignoff
from course.extensions import db
from course.models.base import utcnow
from course.models.users import User
from scorm_export.checks import Problem

MAPPING_STATES = {"signed": "Signed", "unsigned": "Not signed", "changed": "Changed since signing"}


@dataclass(frozen=True)
class QuestionMapping:
    """One question version a module's quiz can contain, its criteria and its sign-off state."""

    question_id: str
    version: int
    title: str
    criteria: tuple[str, ...]  # sorted
    state: str  # signed | unsigned | changed
    signoff: MappingSignoff | None  # the matching sign-off, else the latest one of the question

    @property
    def state_label(self) -> str:
        return MAPPING_STATES[self.state]

    @property
    def signed(self) -> bool:
        return self.state == "signed"

    def describe(self) -> str:
        """ "q1 v2 (changed since signing)" for error messages."""
        note = " (changed since signing)" if self.state == "changed" else ""
        return f"{self.question_id} v{self.version}{note}"


@dataclass(frozen=True)
class ModuleMappings:
    """A module's quiz and every question version it can contain."""

    module: Module
    questions: list[QuestionMapping]

    @property
    def unsigned(self) -> list[QuestionMapping]:
        return [q for q in self.questions if not q.signed]


def _signoffs(organisation_id: int, question_ids: set[str]) -> dict[str, list[MappingSignoff]]:
    out: dict[str, list[MappingSignoff]] = {}
    if not question_ids:
        return out
    rows = db.session.scalars(select(MappingSignoff).where(
        MappingSignoff.organisation_id == organisation_id, MappingSignoff.question_id.in_(question_ids))
        .order_by(MappingSignoff.signed_at, MappingSignoff.id))
    for row in rows:
        out.setdefault(row.question_id, []).append(row)
    return out


def mapping_of(question: dict[str, Any], signoffs: list[MappingSignoff]) -> QuestionMapping:
    """The sign-off state of one question version (``question`` as the bank's JSON with id, version)."""
    criteria = tuple(sorted(question_criteria(question)))
    match = next((s for s in reversed(signoffs) if tuple(s.criteria or []) == criteria), None)
    if match is not None:
        state, shown = "signed", match
    elif signoffs:
        state, shown = "changed", signoffs[-1]
    else:
        state, shown = "unsigned", None
    return QuestionMapping(question["id"], question["version"], question.get("title", ""), criteria, state, shown)


def course_mappings(course: Course) -> list[ModuleMappings]:
    """Every module with a quiz, in course order, with the sign-off state of each question it can hold."""
    versions = quiz_question_versions(course)
    signoffs = _signoffs(course.organisation_id, {q["id"] for qs in versions.values() for q in qs})
    return [
        ModuleMappings(m, [mapping_of(q, signoffs.get(q["id"], [])) for q in versions.get(m.id, [])])
        for m in course.modules if m.quiz is not None
    ]


def module_mappings(course: Course, module: Module) -> ModuleMappings | None:
    return next((mm for mm in course_mappings(course) if mm.module.id == module.id), None)


# --------------------------------------------------------------------------- signing


class SignoffError(ValueError):
    """A sign-off the service refuses."""

    def __init__(self, message: str, field: str = "question_id") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _sign(course: Course, mapping: QuestionMapping, actor: User, comment: str) -> MappingSignoff:
    """Store the sign-off of one question version's criteria and its audit entry."""
    row = db.session.scalar(select(MappingSignoff).where(
        MappingSignoff.organisation_id == course.organisation_id, MappingSignoff.question_id == mapping.question_id,
        MappingSignoff.version == mapping.version))
    previous = mapping.signoff
    old = None if previous is None else {"version": previous.version, "criteria": list(previous.criteria or [])}
    if row is None:
        row = MappingSignoff(organisation_id=course.organisation_id, question_id=mapping.question_id,
                             version=mapping.version)
        db.session.add(row)
    # A version edited in place (no attempt used it yet) keeps its number: its sign-off row is
    # signed again, and the audit entry keeps the criteria signed before.
    row.criteria = list(mapping.criteria)
    row.signed_by_id = actor.id
    row.signed_at = utcnow()
    row.comment = comment
    db.session.flush()
    audit.record("mapping.signed", organisation_id=course.organisation_id, actor=actor, subject_type="question",
                 subject_id=mapping.question_id, course_id=course.id, old=old,
                 new={"version": mapping.version, "criteria": list(mapping.criteria)})
    return row


def _comment(comment: str | None) -> str:
    text = (comment or "").strip()
    if len(text) > 2000:
        raise SignoffError("A comment is at most 2,000 characters.", "comment")
    return text


def sign_question(course: Course, question_id: str, actor: User, comment: str | None = None) -> list[QuestionMapping]:
    """Sign every unsigned version of ``question_id`` the course's quizzes can contain; the ones signed.

    SignoffError when no quiz of the course uses the question, or it is signed already.
    """
    note = _comment(comment)
    found = [q for mm in course_mappings(course) for q in mm.questions if q.question_id == question_id]
    if not found:
        raise SignoffError(f"No quiz of this course uses a question {question_id[:120]!r}.")
    todo: dict[int, QuestionMapping] = {q.version: q for q in found if not q.signed}
    if not todo:
        raise SignoffError(f"Question {question_id!r} is already signed off.")
    for mapping in todo.values():
        _sign(course, mapping, actor, note)
    db.session.flush()
    return list(todo.values())


def sign_module(course: Course, module: Module, actor: User, comment: str | None = None) -> list[QuestionMapping]:
    """Sign every unsigned question version of the module's quiz at once; the ones signed (may be none)."""
    note = _comment(comment)
    mm = module_mappings(course, module)
    if mm is None:
        raise SignoffError("This module has no quiz.", "module")
    done: dict[tuple[str, int], QuestionMapping] = {}
    for mapping in mm.unsigned:
        if (mapping.question_id, mapping.version) not in done:
            _sign(course, mapping, actor, note)
            done[(mapping.question_id, mapping.version)] = mapping
    db.session.flush()
    return list(done.values())


# --------------------------------------------------------------------------- the course gate


def export_problems(course: Course) -> list[Problem]:
    """With the gate on, one blocking problem per module whose quiz holds unsigned questions."""
    if not course.require_signed_mappings:
        return []
    problems = []
    for mm in course_mappings(course):
        unsigned = mm.unsigned
        if unsigned:
            n = len(unsigned)
            problems.append(Problem(
                f"quiz {mm.module.slug}",
                f"module {mm.module.title!r}: {n} question{'' if n == 1 else 's'} not signed off by an internal "
                f"quality assurer: {', '.join(q.describe() for q in unsigned)}. This course requires every "
                "question's criteria mapping signed off before export (course settings).",
                severity="error", module=mm.module.slug, page="quiz"))
    return problems


def quiz_unsigned(module: Module) -> list[QuestionMapping]:
    """The unsigned questions holding back the module's summative quiz ([] when nothing does)."""
    course = module.course
    if not course.require_signed_mappings or module.quiz is None or module.quiz.mode != "summative":
        return []
    mm = module_mappings(course, module)
    return mm.unsigned if mm is not None else []


QUIZ_AWAITING_QA = ("This quiz is awaiting quality assurance: an internal quality assurer has not yet signed off "
                    "which criteria its questions evidence. It opens as soon as they have; ask your tutor when.")


def quiz_gate_message(module: Module) -> str | None:
    """The learner's message when the module's summative quiz may not open yet, else None."""
    return QUIZ_AWAITING_QA if quiz_unsigned(module) else None

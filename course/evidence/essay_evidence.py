"""A marked essay as workplace evidence: only for the criteria an assessor then judges met.

A tutor's mark says how well an essay answered its question; it says nothing about what the
learner does at work. So a marked essay never meets a criterion by itself: an assessor chooses to
offer it as a reflective account (``use_essay``), which claims the essay question's performance
criteria, and then judges it like any evidence, ticking only the criteria it really shows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from course.authoring.models import Course, Module
from course.evidence import audit
from course.evidence.decisions import ASSESSORS
from course.evidence.models import WorkplaceEvidence
from course.evidence.records import (EvidenceDenied, EvidenceInvalid, TITLE_MAX, is_enrolled, is_staff_of,
                                     ordered_criteria, snapshot)
from course.extensions import db
from course.learning.attempts import item_questions
from course.learning.models import AnswerMark, Attempt
from course.models.base import utcnow
from course.models.users import User


@dataclass(frozen=True)
class MarkedEssay:
    """One marked essay of a learner: the item, its part, the question, the answer and the mark."""

    item: AnswerMark
    part: str
    title: str
    stem: str
    answer: str
    score: float
    max: float
    comment: str
    criteria: list[str]
    evidence_id: int | None  # the evidence it already became, if any


def _part(item: AnswerMark) -> dict[str, Any]:
    return item_questions(item.attempt).get((item.question_id, item.version)) or {}


def _shown(question: dict[str, Any], part: str) -> dict[str, Any]:
    if part == "":
        return question
    step = next((s for s in question.get("steps", []) if s.get("id") == part), None)
    return step["question"] if step else {}


def essay_text(item: AnswerMark, part: str) -> tuple[str, str, str]:
    """(question title, question text, the learner's answer) of one essay."""
    question = _part(item)
    shown = _shown(question, part)
    answer = item.response if part == "" else (item.response or {}).get("answers", {}).get(part)
    title = shown.get("title") or question.get("title") or item.question_id
    return str(title), str(shown.get("stem") or ""), str(answer or "")


def essay_of(evidence: WorkplaceEvidence) -> tuple[str, str, str] | None:
    """(question title, question text, answer) of the essay the evidence came from, or None."""
    if evidence.answer_mark_id is None:
        return None
    item = db.session.get(AnswerMark, evidence.answer_mark_id)
    return essay_text(item, evidence.part) if item is not None else None


def performance_criteria(course: Course, item: AnswerMark, part: str) -> list[str]:
    """The essay question's criteria that only workplace evidence can meet, in course order."""
    question = _part(item)
    shown = _shown(question, part)
    tagged = set(shown.get("criteria") or question.get("criteria") or item.criteria or [])
    return [c.ref for c in ordered_criteria(course) if c.ref in tagged and (c.kind == "performance" or c.workplace)]


def marked_essays(course: Course, learner_id: int) -> list[MarkedEssay]:
    """The learner's essays on the course that a tutor has marked, oldest first."""
    items = db.session.scalars(
        select(AnswerMark).join(Attempt, AnswerMark.attempt_id == Attempt.id)
        .join(Module, Attempt.module_id == Module.id)
        .where(Module.course_id == course.id, Attempt.user_id == learner_id)
        .order_by(Attempt.submitted_at, Attempt.id, AnswerMark.position)).all()
    used = {(e.answer_mark_id, e.part): e.id for e in db.session.scalars(
        select(WorkplaceEvidence).where(WorkplaceEvidence.course_id == course.id,
                                        WorkplaceEvidence.learner_id == learner_id,
                                        WorkplaceEvidence.answer_mark_id.is_not(None)))}
    out = []
    for item in items:
        for part, info in (item.essays or {}).items():
            if info.get("score") is None:
                continue
            title, stem, answer = essay_text(item, part)
            out.append(MarkedEssay(item, part, title, stem, answer, float(info["score"]), float(info.get("max") or 0),
                                   str(info.get("comment") or ""), performance_criteria(course, item, part),
                                   used.get((item.id, part))))
    return out


def essay_item(user: User, item_id: int) -> AnswerMark:
    """An item mark on a course of ``user``'s organisation, else ``EvidenceDenied``."""
    item = db.session.get(AnswerMark, item_id)
    if item is None or not is_staff_of(user, item.attempt.module.course, ASSESSORS):
        raise EvidenceDenied("There is no such answer.")
    return item


def use_essay(item: AnswerMark, part: str, assessor: User, now: dt.datetime | None = None) -> WorkplaceEvidence:
    """Offer a marked essay as a reflective account claiming its question's performance criteria."""
    course = item.attempt.module.course
    learner = item.attempt.user
    if not is_staff_of(assessor, course, ASSESSORS) or not is_enrolled(learner, course):
        raise EvidenceDenied("There is no such answer.")
    info = (item.essays or {}).get(part)
    if info is None:
        raise EvidenceDenied("That answer has no such essay.")
    if info.get("score") is None:
        raise EvidenceInvalid({"essay": "A tutor has not marked this essay yet."})
    existing = db.session.scalar(select(WorkplaceEvidence.id).where(
        WorkplaceEvidence.answer_mark_id == item.id, WorkplaceEvidence.part == part))
    if existing is not None:
        raise EvidenceInvalid({"essay": "This essay is already evidence."})
    claimed = performance_criteria(course, item, part)
    if not claimed:
        raise EvidenceInvalid({"essay": "This essay's question is tagged with no performance criteria of the course, "
                                        "so it cannot be workplace evidence."})
    title, _, _ = essay_text(item, part)
    now = now or utcnow()
    submitted = item.attempt.submitted_at or item.attempt.started_at
    evidence = WorkplaceEvidence(
        course_id=course.id, learner_id=learner.id, recorded_by_id=assessor.id, kind="reflective_account",
        occurred_on=submitted.date(), title=f"Essay: {title}"[:TITLE_MAX],
        description=f"A marked essay from {item.attempt.module.title}, attempt {item.attempt.number}.",
        claimed=claimed, answer_mark_id=item.id, part=part)
    evidence.course = course
    db.session.add(evidence)
    db.session.flush()
    audit.record("evidence.recorded", organisation_id=course.organisation_id, actor=assessor, subject_type="evidence",
                 subject_id=evidence.id, course_id=course.id, learner_id=learner.id,
                 new=snapshot(evidence) | {"answer_mark_id": item.id, "part": part})
    return evidence

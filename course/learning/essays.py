"""Tutor marking: the queue of essays awaiting a tutor, and recording a tutor's score."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from course.authoring.models import Course, Module
from course.extensions import db
from course.learning.attempts import item_questions
from course.learning.errors import Invalid, NotFound
from course.learning.models import AnswerMark, Attempt
from course.learning.submission import _item_score, _summarise
from course.models.base import utcnow
from course.models.users import User


@dataclass
class PendingEssay:
    """One essay awaiting a tutor: the item, its part ("" or a scenario step id), its question."""

    item: AnswerMark
    part: str
    question: dict[str, Any]
    answer: str


def pending_essays(organisation_id: int, *, course: Course | None = None) -> list[PendingEssay]:
    """Unmarked essays in attempts on the organisation's courses, oldest submission first."""
    stmt = (
        select(AnswerMark)
        .join(Attempt, AnswerMark.attempt_id == Attempt.id)
        .join(Module, Attempt.module_id == Module.id)
        .join(Course, Module.course_id == Course.id)
        .where(AnswerMark.pending.is_(True), Course.organisation_id == organisation_id,
               Attempt.status == "pending_marking")
        .order_by(Attempt.submitted_at, Attempt.id, AnswerMark.position)
    )
    if course is not None:
        stmt = stmt.where(Course.id == course.id)
    out = []
    cache: dict[int, dict[tuple[str, int], dict[str, Any]]] = {}
    for item in db.session.scalars(stmt):
        by_key = cache.setdefault(item.attempt_id, item_questions(item.attempt))
        question = by_key.get((item.question_id, item.version))
        if question is None:
            continue
        for part, info in (item.essays or {}).items():
            if info.get("score") is None:
                shown = question if part == "" else next(s["question"] for s in question["steps"] if s["id"] == part)
                answer = item.response if part == "" else (item.response or {}).get("answers", {}).get(part)
                out.append(PendingEssay(item=item, part=part, question=shown, answer=str(answer or "")))
    return out


def get_answer_mark(item_id: int, organisation_id: int) -> AnswerMark:
    """An item mark on one of the organisation's courses, else ``NotFound``."""
    item = db.session.get(AnswerMark, item_id)
    if item is None or item.attempt.module.course.organisation_id != organisation_id:
        raise NotFound("There is no such answer.")
    return item


def mark_essay(
    item: AnswerMark, part: str, score: float, comment: str, *, tutor: User, now: dt.datetime | None = None
) -> Attempt:
    """Record a tutor's score (0..the part's points) and comment for one essay; re-total the attempt.

    The attempt's mark becomes final (``finished``) when its last essay is marked. A marked
    essay can be marked again (a correction): the totals follow.
    """
    essays = {k: dict(v) for k, v in (item.essays or {}).items()}
    if part not in essays:
        raise NotFound("That answer has no such essay.")
    maximum = essays[part]["max"]
    if not isinstance(score, (int, float)) or isinstance(score, bool) or not 0 <= score <= maximum:
        raise Invalid(f"score: expected a number from 0 to {maximum:g}")
    essays[part].update(score=round(float(score), 6), comment=comment.strip(), marked_by=tutor.id,
                        marked_at=(now or utcnow()).isoformat())
    item.essays = essays
    attempt = item.attempt
    question = item_questions(attempt)[(item.question_id, item.version)]
    item.pending = any(p["score"] is None for p in essays.values())
    item.score = _item_score(question, item)
    item.fraction = round(item.score / item.max_score, 6) if item.max_score else 0.0
    item.correct = None if item.pending else item.fraction == 1.0
    _summarise(attempt)
    db.session.flush()
    return attempt

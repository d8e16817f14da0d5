"""Submission: the Python engine marks every item of an attempt and totals it by the quiz's rules."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from course.extensions import db
from course.learning.answers import MAX_RESPONSE_CHARS, json_size
from course.learning.attempts import (
    attempt_snapshot,
    attempts_used,
    check_revision,
    in_time,
    item_questions,
)
from course.learning.errors import Conflict, Invalid, LearningError
from course.learning.grading import EPSILON
from course.learning.models import AnswerMark, Attempt
from course.models.base import utcnow
from question_bank.marking import ResponseError, mark, scenario_path, step_after
from question_bank.model import Question


def _committed(question: dict[str, Any], response: Any) -> Any:
    """A scenario response completed to the path its answers give (steps not reached score 0)."""
    if question["type"] != "scenario" or not isinstance(response, dict):
        return response
    answers = response.get("answers")
    if not isinstance(answers, dict):
        return response
    path = scenario_path(question, answers)
    return {"path": path, "answers": {k: v for k, v in answers.items() if k in path and v is not None}}


def _essay_parts(question: dict[str, Any], normalised: Any) -> dict[str, dict[str, Any]]:
    """The parts of an item a tutor must mark: {"": ...} for an essay, {stepId: ...} in a scenario."""
    if question["type"] == "essay" and normalised is not None:
        return {"": {"max": question["points"], "score": None, "comment": ""}}
    if question["type"] == "scenario" and isinstance(normalised, dict):
        parts = {}
        for step in question["steps"]:
            if step["id"] in normalised["path"] and step["question"]["type"] == "essay" \
                    and normalised["answers"].get(step["id"]) is not None:
                parts[step["id"]] = {"max": step["question"]["points"], "score": None, "comment": ""}
        return parts
    return {}


def _item_score(question: dict[str, Any], item: AnswerMark) -> float:
    """The item's score with the tutor's essay scores added to the automatic part."""
    essays = item.essays or {}
    if not essays:
        return item.auto_score
    tutor = sum(part["score"] or 0 for part in essays.values())
    if question["type"] == "essay":
        return round(min(tutor, question["points"]), 6)
    # Scenario: points x (sum of child scores on the path) / (sum of child points on the path).
    path = (item.response or {}).get("path", [])
    total = sum(s["question"]["points"] for s in question["steps"] if s["id"] in path)
    if not total:
        return item.auto_score
    auto_children = item.auto_score * total / question["points"]
    return round(question["points"] * (auto_children + tutor) / total, 6)


def _summarise(attempt: Attempt) -> None:
    """Totals, per-criterion results, pass and status from the item marks (the player's rules).

    While an essay is unmarked the attempt is ``pending_marking``: the provisional totals leave
    pending items out (as the player does) and ``passed`` is None. Once all are marked every item
    counts and the attempt is ``finished``.
    """
    snapshot = attempt.quiz_snapshot
    pending = any(m.pending for m in attempt.marks)
    score = maximum = 0.0
    crit: dict[str, dict[str, float]] = {}
    for item in attempt.marks:
        if item.pending:
            continue
        score += item.score
        maximum += item.max_score
        for ref in item.criteria:
            c = crit.setdefault(ref, {"score": 0.0, "max": 0.0})
            c["score"] += item.score
            c["max"] += item.max_score
    threshold = snapshot.get("criterion_threshold")
    pass_mark = snapshot.get("pass_mark", 0.8)
    bar = pass_mark if threshold is None else threshold
    results = {}
    for ref, c in crit.items():
        fraction = round(c["score"] / c["max"], 6) if c["max"] else 0.0
        results[ref] = {"score": round(c["score"], 6), "max": round(c["max"], 6), "fraction": fraction,
                        "met": fraction + EPSILON >= bar}
    attempt.score = round(score, 6)
    attempt.max_score = round(maximum, 6)
    attempt.fraction = round(score / maximum, 6) if maximum else 0.0
    attempt.criteria_results = results
    if pending:
        attempt.status = "pending_marking"
        attempt.passed = None
        attempt.finished_at = None
    else:
        attempt.status = "finished"
        attempt.passed = attempt.fraction + EPSILON >= pass_mark and (
            threshold is None or all(r["met"] for r in results.values())
        )
        attempt.finished_at = attempt.finished_at or utcnow()


def _unchecked_part(attempt: Attempt, index: int, by_key: dict, value: Any) -> Any:
    """What a submission may still change of an item: nothing of an answer checked (final), and of a
    scenario only the answer to the step it is on (its steps taken are the server's)."""
    key, checked = str(index), (attempt.checked or {}).get(str(index))
    if checked is None:
        return value
    entry = attempt.questions[index]
    question = by_key.get((entry["question"], entry["version"]))
    if question is None or question["type"] != "scenario" or not isinstance(value, dict):
        return None
    saved = attempt.responses.get(key) or {"path": [], "answers": {}}
    path, answers = list(saved.get("path", [])), dict(saved.get("answers", {}))
    on = step_after(question, answers, path)
    given = (value.get("answers") or {}) if isinstance(value.get("answers"), dict) else {}
    if on is not None and given.get(on) is not None:
        answers[on] = given[on]
    return {"path": path, "answers": answers}


def submit_attempt(
    attempt: Attempt,
    responses: Any = None,
    *,
    client_result: Any = None,
    revision: int | None = None,
    now: dt.datetime | None = None,
) -> Attempt:
    """Mark the attempt with the Python engine and close it; its mark is the one that counts.

    ``responses`` (a list by item index, as the player sends) are merged over the autosaved
    answers item by item (a ``None`` keeps the saved answer); after the quiz's time limit they
    are ignored and only the answers autosaved in time are marked. Idempotent: submitting a
    submitted attempt returns it unchanged. ``Conflict`` when the attempt limit was reached
    meanwhile (another attempt submitted); ``Invalid`` naming the item when an answer is
    malformed (nothing is stored then).
    """
    if not attempt.is_open:
        return attempt
    check_revision(attempt, revision)
    if responses is not None and not isinstance(responses, list):
        raise Invalid("responses: expected a list, one answer per item")
    if responses is not None and len(responses) > len(attempt.questions):
        raise Invalid(f"responses: {len(responses)} answers for {len(attempt.questions)} items")
    if json_size(responses) > MAX_RESPONSE_CHARS * max(1, len(attempt.questions)):
        raise Invalid("responses: too long")
    limit = attempt.quiz_snapshot.get("attempts") or 0
    if limit:
        used = attempts_used(attempt.user, attempt.module)
        if used >= limit:
            raise Conflict(f"You have used all {limit} attempts at this quiz.", attempt=attempt_snapshot(attempt))
    by_key = item_questions(attempt)
    merged = dict(attempt.responses)
    sent: set[int] = set()
    # After the time limit only what was autosaved in time counts, never answers sent late.
    for i, value in enumerate((responses or []) if in_time(attempt, now) else []):
        if value is not None and i < len(attempt.questions):
            value = _unchecked_part(attempt, i, by_key, value)
            if value is not None:
                merged[str(i)] = value
                sent.add(i)
    marks: list[AnswerMark] = []
    for i, entry in enumerate(attempt.questions):
        question = by_key.get((entry["question"], entry["version"]))
        if question is None:
            raise LearningError(f"item {i + 1}: question {entry['question']} version {entry['version']} is missing")
        response = _committed(question, merged.get(str(i)))
        if response is None and question["type"] == "ordering" and entry.get("order"):
            response = list(entry["order"])  # as the player does: the order shown is an answer
        try:
            result = mark(Question.trusted(question), response)
        except ResponseError as exc:
            if i in sent:  # the submission's own answer: the learner can put it right
                raise Invalid(f"item {i + 1}: {exc}", index=i) from None
            # A saved answer that cannot be marked (from before answers were checked on saving)
            # must never stop the attempt being submitted: it counts as not answered.
            result = mark(Question.trusted(question), None)
        essays = _essay_parts(question, result.response) if result.pending else {}
        marks.append(AnswerMark(
            position=i,
            question_id=entry["question"],
            version=entry["version"],
            response=result.response,
            auto_score=result.score,
            score=result.score,
            max_score=result.max,
            fraction=result.fraction,
            correct=result.correct,
            feedback=list(result.feedback),
            pending=result.pending,
            criteria=list(question.get("criteria") or []),
            essays=essays,
        ))
    attempt.responses = merged
    attempt.marks = marks
    attempt.submitted_at = now or utcnow()
    attempt.client_result = client_result if isinstance(client_result, dict) else None
    _summarise(attempt)
    db.session.flush()
    return attempt


QUIZ_REMOVED = ("Your tutor removed this quiz while your attempt was open: the answers you had saved "
                "were submitted and marked.")


def close_open_attempts(module: Any, note: str = QUIZ_REMOVED) -> int:
    """Submit every attempt in progress on the module with the answers saved, marked by the server,
    each with ``note`` for its learner; the number closed. Used before its quiz is removed, so no
    learner is left with an attempt nobody can finish."""
    open_ = db.session.scalars(
        select(Attempt).where(Attempt.module_id == module.id, Attempt.status == "in_progress")
    ).all()
    for attempt in open_:
        submit_attempt(attempt, None)
        attempt.closed_note = note
    db.session.flush()
    return len(open_)

"""Results: an attempt's mark as the player and the pages read it (``result_json``).

Each item's mark and feedback, a scenario's steps, the best answers, and the attempt's results by
criterion; the feedback texts and answers only where ``option_feedback_shown`` allows. Reads
only: nothing here writes.
"""
from __future__ import annotations

from typing import Any

from course.learning.attempt_criteria import attempt_criteria
from course.learning.attempts import item_questions, option_feedback_shown, without_texts
from course.learning.display import key_response
from course.learning.models import Attempt
from question_bank.marking import ResponseError, mark_step


def mark_json(result: Any) -> dict[str, Any]:
    """A mark as the learner's page gets it: Mark.to_dict without the normalised response and fraction."""
    return {k: v for k, v in result.to_dict().items() if k not in ("response", "fraction")}


def _step_marks(question: dict[str, Any] | None, response: Any) -> dict[str, dict[str, Any]]:
    """Each scenario step's own mark, for the learner's review (the item's mark is their total)."""
    if not question or question["type"] != "scenario" or not isinstance(response, dict):
        return {}
    answers = response.get("answers") or {}
    out = {}
    for step in response.get("path") or []:
        try:
            out[step] = mark_json(mark_step(question, step, answers.get(step)))
        except ResponseError:
            out[step] = {"score": 0.0, "max": 0.0, "correct": False, "feedback": [], "pending": False}
    return out


def result_json(attempt: Attempt, questions: dict[tuple[str, int], dict[str, Any]] | None = None) -> dict[str, Any]:
    """The server's mark as the player and the pages read it (each item's feedback, a scenario's steps;
    the feedback texts only where ``option_feedback_shown`` allows); ``questions``: the attempt's
    ``item_questions`` when the caller has them already."""
    done = attempt.status in ("finished", "pending_marking")
    by_key = (questions if questions is not None else item_questions(attempt)) if done else {}
    shown = done and option_feedback_shown(attempt)

    def steps_of(m: Any) -> dict[str, Any]:
        question = by_key.get((m.question_id, m.version))
        marks = _step_marks(question, m.response)
        if not shown:
            return {step: without_texts(mark) for step, mark in marks.items()}
        steps = {s["id"]: s["question"] for s in question["steps"]}
        return {step: {**mark, "answer": key_response(steps[step])} for step, mark in marks.items()}

    def key_of(m: Any) -> dict[str, Any]:
        """The best answer, with the explanations and never before them (no key reaches an open attempt)."""
        question = by_key.get((m.question_id, m.version))
        answer = key_response(question) if shown and question else None
        return {} if answer is None else {"answer": answer}

    return {
        "attempt": attempt.id,
        "number": attempt.number,
        "status": attempt.status,
        "score": attempt.score if done else None,
        "max": attempt.max_score if done else None,
        "fraction": attempt.fraction if done else None,
        "passed": attempt.passed,
        "pending": sum(1 for m in attempt.marks if m.pending) if done else 0,
        # Per criterion: the quiz rule in this attempt, and the criterion's state (course.evidence).
        "criteria": attempt_criteria(attempt),
        "items": [
            {"index": m.position, "question": m.question_id, "version": m.version, "score": m.score,
             "max": m.max_score, "correct": m.correct, "pending": m.pending,
             "feedback": m.feedback if shown else [],
             "comments": [p["comment"] for p in (m.essays or {}).values() if p.get("comment")], **key_of(m),
             **({"steps": steps_of(m)}
                if (by_key.get((m.question_id, m.version)) or {}).get("type") == "scenario" else {})}
            for m in attempt.marks
        ] if done else [],
    }

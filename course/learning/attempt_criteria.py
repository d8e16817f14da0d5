"""An attempt's results by criterion, as the player and the review page show them.

An attempt can only say whether the quiz's criterion rule was met *in that attempt*; whether the
criterion is met is the status function's answer (``course.evidence.status``), shown beside it, so
the learner reads the same state here as on their criteria page and as the tutor's criteria map.
"""
from __future__ import annotations

from typing import Any

from course.evidence.status import CriterionStatus, course_criteria, learner_statuses, quiz_can_show
from course.learning.models import Attempt

RULE_MET = "Quiz rule met in this attempt"
RULE_NOT_MET = "Quiz rule not met in this attempt"
QUIZ_CANNOT_MEET = "A quiz cannot meet this criterion: it needs workplace evidence judged by an assessor."
PRACTICE = "A practice (formative) quiz: its results do not count as evidence."


def _note(can_show: bool, summative: bool) -> str:
    if not can_show:
        return QUIZ_CANNOT_MEET
    if not summative:
        return PRACTICE
    return ""


def attempt_criteria(attempt: Attempt) -> list[dict[str, Any]]:
    """Each criterion the attempt's questions evidence: its score in the attempt, whether the quiz
    rule was met in it (``met``, as the player's SCORM objectives use it) with those words, a note
    when the attempt cannot count, and the criterion's current state with its reasons."""
    results = attempt.criteria_results or {}
    if not results:
        return []
    module = attempt.module
    course = module.course
    statuses: dict[str, CriterionStatus] = learner_statuses(course, attempt.user_id)
    kinds = {c.ref: quiz_can_show(c.kind, c.workplace) for c in course_criteria(course)}
    quiz = module.quiz
    summative = (quiz.mode if quiz is not None else attempt.quiz_snapshot.get("mode")) == "summative"
    out = []
    for ref, values in results.items():
        status = statuses.get(ref)
        out.append({
            "ref": ref, **values,
            "attempt_result": RULE_MET if values.get("met") else RULE_NOT_MET,
            "note": _note(kinds.get(ref, True), summative),
            "state": status.state if status else None,
            "label": status.label if status else "Not in the course's frameworks",
            "reasons": list(status.reasons) if status else [],
        })
    return out

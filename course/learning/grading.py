"""Grading over attempts: a learner's grade on a module by the quiz's grading method."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from course.authoring.models import Module
from course.extensions import db
from course.learning.models import Attempt
from course.models.users import User

EPSILON = 1e-9
GRADING_METHODS = ("highest", "last", "first", "average")


@dataclass
class Grade:
    """A learner's grade on a module's quiz by its grading method (over finished attempts)."""

    method: str
    fraction: float | None = None
    passed: bool | None = None
    attempt: Attempt | None = None
    attempts: int = 0
    criteria: dict[str, dict[str, Any]] = field(default_factory=dict)


def grade(attempts: Iterable[Attempt], *, method: str, pass_mark: float, criterion_threshold: float | None) -> Grade:
    """Combine finished attempts: ``highest`` (ties: the passed, then the earlier one), ``last``,
    ``first``, or ``average`` (mean fraction; each criterion's mean over the attempts that
    evidenced it; passed by the same rule as one attempt)."""
    if method not in GRADING_METHODS:
        raise ValueError(f"unknown grading method {method!r}")
    done = sorted((a for a in attempts if a.status == "finished"), key=lambda a: a.number)
    out = Grade(method=method, attempts=len(done))
    if not done:
        return out
    if method == "average":
        fraction = round(sum(a.fraction or 0.0 for a in done) / len(done), 6)
        bar = pass_mark if criterion_threshold is None else criterion_threshold
        sums: dict[str, list[float]] = {}
        for a in done:
            for ref, r in (a.criteria_results or {}).items():
                sums.setdefault(ref, []).append(r["fraction"])
        criteria = {}
        for ref, values in sums.items():
            f = round(sum(values) / len(values), 6)
            criteria[ref] = {"fraction": f, "met": f + EPSILON >= bar}
        out.fraction = fraction
        out.criteria = criteria
        out.passed = fraction + EPSILON >= pass_mark and (
            criterion_threshold is None or all(c["met"] for c in criteria.values())
        )
        return out
    if method == "highest":
        chosen = max(done, key=lambda a: (a.fraction or 0.0, bool(a.passed), -a.number))
    elif method == "last":
        chosen = done[-1]
    else:
        chosen = done[0]
    out.attempt = chosen
    out.fraction = chosen.fraction
    out.passed = chosen.passed
    out.criteria = {ref: {"fraction": r["fraction"], "met": r["met"]} for ref, r in (chosen.criteria_results or {}).items()}
    return out


def module_grade(user: User, module: Module) -> Grade:
    """The learner's grade on the module's quiz, by the quiz's current grading method."""
    quiz = module.quiz
    if quiz is None:
        return Grade(method="highest")
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.module_id == module.id)
    ).all()
    return grade(attempts, method=quiz.grading, pass_mark=quiz.pass_mark, criterion_threshold=quiz.criterion_threshold)

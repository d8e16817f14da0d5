"""Which assessment decisions an internal quality assurer (IQA) reviews: the course's sampling plan
and the sample it gives.

The sample is deterministic: the same decisions and plan always give the same sample, so two IQAs
(or one IQA on two days) see the same list, and an external quality assurer can re-derive it.
Within each group the decisions with the lowest ``stable_rank`` (a SHA-256 of the decision id, not
a random draw) are chosen.

Strategies (``SAMPLING_STRATEGIES``):

- ``every_assessor_quarterly``: for each assessor and calendar quarter, ``percentage`` of that
  assessor's decisions in the quarter, rounded up: at least one.
- ``new_assessor_fully``: every decision of the assessors the plan names as new; the others as in
  ``every_assessor_quarterly``. Taking an assessor off the list moves them to the quarterly sample.
- ``percentage``: ``percentage`` of all eligible decisions, rounded up, plus one decision of any
  assessor that share left out (every strategy samples at least one decision per assessor).

Eligible: the course's current decisions (a superseded one was replaced by a newer judgement) made
on or before ``today``, narrowed by the plan's filters (learners, assessors, criteria, evidence
kinds; an empty filter means all).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from course.authoring.models import Course
from course.evidence import audit
from course.evidence.models import (
    EVIDENCE_KINDS,
    SAMPLING_STRATEGIES,
    CriterionDecision,
    IqaReview,
    SamplingPlan,
    WorkplaceEvidence,
)
from course.extensions import db
from course.models.users import User


class IqaError(ValueError):
    """Input the IQA services refuse; ``field`` names the form field it is about."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def stable_rank(decision_id: int) -> str:
    """The decision's place in every sample draw: a hash of its id, the same on every run."""
    return hashlib.sha256(f"decision:{decision_id}".encode()).hexdigest()


def quarter_of(moment: dt.datetime | dt.date) -> str:
    """The calendar quarter of a date, e.g. "2026 Q4"."""
    return f"{moment.year} Q{(moment.month - 1) // 3 + 1}"


def share(percentage: int, count: int) -> int:
    """``percentage`` of ``count`` decisions, rounded up (at least one of a non-empty group)."""
    return max(1, math.ceil(count * percentage / 100)) if count else 0


# --------------------------------------------------------------------------- the plan


PLAN_FIELDS = ("strategy", "percentage", "learner_ids", "assessor_ids", "criteria", "evidence_kinds",
               "new_assessor_ids")


def plan_for(course: Course) -> SamplingPlan:
    """The course's sampling plan, or the default one (not saved) while it has none."""
    plan = db.session.scalar(select(SamplingPlan).where(SamplingPlan.course_id == course.id))
    if plan is None:
        plan = SamplingPlan(course_id=course.id, strategy="every_assessor_quarterly", percentage=25,
                            learner_ids=[], assessor_ids=[], criteria=[], evidence_kinds=[], new_assessor_ids=[])
    return plan


def plan_dict(plan: SamplingPlan) -> dict[str, Any]:
    """The plan as the audit trail records it."""
    return {
        "strategy": plan.strategy, "percentage": plan.percentage,
        "learner_ids": sorted(plan.learner_ids or []), "assessor_ids": sorted(plan.assessor_ids or []),
        "criteria": sorted(plan.criteria or []), "evidence_kinds": sorted(plan.evidence_kinds or []),
        "new_assessor_ids": sorted(plan.new_assessor_ids or []),
    }


@dataclass(frozen=True)
class PlanChoices:
    """What the plan's filters may name for a course (the form offers exactly these)."""

    learners: dict[int, str]
    assessors: dict[int, str]
    criteria: dict[str, str]
    evidence_kinds: dict[str, str] = field(default_factory=lambda: dict(EVIDENCE_KINDS))


def plan_choices(course: Course) -> PlanChoices:
    """The course's learners, its assessors (and anyone who has judged its evidence), its criteria."""
    from course.evidence.status import course_criteria
    from course.learning.models import Enrolment

    learners = db.session.execute(
        select(User.id, User.name).join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.course_id == course.id).order_by(User.name, User.id)
    ).all()
    deciders = set(db.session.scalars(
        select(CriterionDecision.assessor_id).where(CriterionDecision.course_id == course.id,
                                                    CriterionDecision.assessor_id.is_not(None))))
    assessors = db.session.execute(
        select(User.id, User.name).where(User.organisation_id == course.organisation_id,
                                         (User.role == "assessor") | User.id.in_(deciders | {0}))
        .order_by(User.name, User.id)
    ).all()
    return PlanChoices(
        learners={i: n for i, n in learners}, assessors={i: n for i, n in assessors},
        criteria={c.ref: f"{c.ref}: {c.text}" for c in course_criteria(course)},
    )


def _ids(values: Any, allowed: dict[int, str], field_name: str, label: str) -> list[int]:
    out: set[int] = set()
    for value in values or []:
        text = str(value).strip()
        if not text.isdigit() or int(text) not in allowed:
            raise IqaError(f"{label}: {text[:40]!r} is not one of this course's {label.lower()}.", field_name)
        out.add(int(text))
    return sorted(out)


def _names(values: Any, allowed: dict[str, str], field_name: str, label: str) -> list[str]:
    out: set[str] = set()
    for value in values or []:
        text = str(value).strip()
        if text not in allowed:
            raise IqaError(f"{label}: {text[:60]!r} is not one of this course's {label.lower()}.", field_name)
        out.add(text)
    return sorted(out)


def save_plan(course: Course, actor: User, *, strategy: Any, percentage: Any, learner_ids: Any = (),
              assessor_ids: Any = (), criteria: Any = (), evidence_kinds: Any = (),
              new_assessor_ids: Any = ()) -> tuple[SamplingPlan, bool]:
    """Check and store the course's plan; (plan, whether it changed). Flushes, never commits.

    Everything is checked before anything is set, so a refused plan leaves the stored one as it was.
    A change writes a "plan.changed" audit entry with the plan before and after.
    """
    if strategy not in SAMPLING_STRATEGIES:
        raise IqaError(f"Strategy is one of: {'; '.join(SAMPLING_STRATEGIES.values())}.", "strategy")
    text = str(percentage if percentage is not None else "").strip()
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise IqaError("Percentage is a whole number from 1 to 100.", "percentage")
    choices = plan_choices(course)
    wanted = {
        "strategy": strategy, "percentage": int(text),
        "learner_ids": _ids(learner_ids, choices.learners, "learner_ids", "Learners"),
        "assessor_ids": _ids(assessor_ids, choices.assessors, "assessor_ids", "Assessors"),
        "criteria": _names(criteria, choices.criteria, "criteria", "Criteria"),
        "evidence_kinds": _names(evidence_kinds, choices.evidence_kinds, "evidence_kinds", "Evidence kinds"),
        "new_assessor_ids": _ids(new_assessor_ids, choices.assessors, "new_assessor_ids", "New assessors"),
    }
    plan = plan_for(course)
    stored = plan.id is not None
    old = plan_dict(plan) if stored else None
    if old == wanted:
        return plan, False
    for name in PLAN_FIELDS:
        setattr(plan, name, wanted[name])
    plan.updated_by_id = actor.id
    if not stored:
        db.session.add(plan)
    db.session.flush()
    audit.record("plan.changed", organisation_id=course.organisation_id, actor=actor, subject_type="sampling_plan",
                 subject_id=plan.id, course_id=course.id, old=old, new=wanted)
    db.session.flush()
    return plan, True


# --------------------------------------------------------------------------- the sample


@dataclass(frozen=True)
class Sampled:
    """One decision in the sample, why it was chosen, and the IQA's latest review of it."""

    decision: CriterionDecision
    evidence: WorkplaceEvidence
    reason: str
    review: IqaReview | None

    @property
    def reviewed(self) -> bool:
        return self.review is not None


@dataclass
class Sample:
    """The decisions to review, in decision order, with the words explaining the selection."""

    plan: SamplingPlan
    today: dt.date
    eligible: int
    items: list[Sampled]
    explanation: list[str]

    @property
    def ids(self) -> list[int]:
        return [s.decision.id for s in self.items]

    @property
    def reviewed_count(self) -> int:
        return sum(1 for s in self.items if s.reviewed)


def eligible_decisions(course: Course, plan: SamplingPlan, today: dt.date
                       ) -> list[tuple[CriterionDecision, WorkplaceEvidence]]:
    """The course's current decisions up to ``today`` that the plan's filters let through."""
    stmt = (
        select(CriterionDecision, WorkplaceEvidence)
        .join(WorkplaceEvidence, WorkplaceEvidence.id == CriterionDecision.evidence_id)
        .where(CriterionDecision.course_id == course.id, CriterionDecision.superseded.is_(False))
        .order_by(CriterionDecision.id)
    )
    if plan.learner_ids:
        stmt = stmt.where(CriterionDecision.learner_id.in_(plan.learner_ids))
    if plan.assessor_ids:
        stmt = stmt.where(CriterionDecision.assessor_id.in_(plan.assessor_ids))
    if plan.criteria:
        stmt = stmt.where(CriterionDecision.criterion_ref.in_(plan.criteria))
    if plan.evidence_kinds:
        stmt = stmt.where(WorkplaceEvidence.kind.in_(plan.evidence_kinds))
    return [(d, e) for d, e in db.session.execute(stmt).all() if d.decided_at.date() <= today]


def _lowest(rows: list[tuple[CriterionDecision, WorkplaceEvidence]], n: int
            ) -> list[tuple[CriterionDecision, WorkplaceEvidence]]:
    return sorted(rows, key=lambda r: stable_rank(r[0].id))[:n]


def sample(course: Course, today: dt.date, plan: SamplingPlan | None = None) -> Sample:
    """The decisions the course's plan (or ``plan``) selects for review on ``today``."""
    plan = plan if plan is not None else plan_for(course)
    rows = eligible_decisions(course, plan, today)
    names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_({d.assessor_id for d, _ in rows if d.assessor_id} | set(plan.new_assessor_ids or []) | {0}))).all())

    def who(assessor_id: int | None) -> str:
        return names.get(assessor_id, "an unknown assessor") if assessor_id else "an unknown assessor"

    chosen: dict[int, str] = {}
    explanation = [f"{len(rows)} current decision{'' if len(rows) == 1 else 's'} made up to "
                   f"{today.isoformat()} match the plan's filters."]
    new_ids = set(plan.new_assessor_ids or []) if plan.strategy == "new_assessor_fully" else set()
    if plan.strategy in ("every_assessor_quarterly", "new_assessor_fully"):
        groups: dict[tuple[int | None, str], list[tuple[CriterionDecision, WorkplaceEvidence]]] = defaultdict(list)
        for d, e in rows:
            if d.assessor_id in new_ids:
                chosen[d.id] = f"Every decision of {who(d.assessor_id)}, a new assessor."
            else:
                groups[(d.assessor_id, quarter_of(d.decided_at))].append((d, e))
        for (assessor_id, quarter), group in groups.items():
            n = share(plan.percentage, len(group))
            for d, _ in _lowest(group, n):
                chosen[d.id] = (f"{who(assessor_id)}, {quarter}: {n} of {len(group)} decision"
                                f"{'' if len(group) == 1 else 's'} ({plan.percentage}% rounded up, at least one).")
        if new_ids:
            explanation.append("Every decision of a new assessor (" + ", ".join(sorted(who(i) for i in new_ids))
                               + ") is sampled.")
        explanation.append(f"For every {'other ' if new_ids else ''}assessor, {plan.percentage}% of their "
                           "decisions in each calendar quarter, rounded up, and at least one.")
    else:
        n = share(plan.percentage, len(rows))
        for d, _ in _lowest(rows, n):
            chosen[d.id] = f"{n} of {len(rows)} eligible decisions ({plan.percentage}% rounded up)."
        explanation.append(f"{plan.percentage}% of them, rounded up: {n}.")
        by_assessor: dict[int | None, list[tuple[CriterionDecision, WorkplaceEvidence]]] = defaultdict(list)
        for d, e in rows:
            by_assessor[d.assessor_id].append((d, e))
        topped = 0
        for assessor_id, group in by_assessor.items():
            if not any(d.id in chosen for d, _ in group):
                d, _ = _lowest(group, 1)[0]
                chosen[d.id] = f"At least one decision of every assessor: {who(assessor_id)}."
                topped += 1
        if topped:
            explanation.append(f"Plus {topped} decision{'' if topped == 1 else 's'} so that every assessor "
                               "has at least one sampled.")
    explanation.append("Within each group the same decisions are always chosen (ordered by a fixed hash of "
                       "each decision's number, not at random), so the sample changes only when decisions do.")
    reviews: dict[int, IqaReview] = {}
    if chosen:
        for review in db.session.scalars(select(IqaReview).where(IqaReview.decision_id.in_(chosen))
                                          .order_by(IqaReview.id)):
            reviews[review.decision_id] = review  # the latest review of each decision
    items = [Sampled(d, e, chosen[d.id], reviews.get(d.id)) for d, e in rows if d.id in chosen]
    return Sample(plan, today, len(rows), items, explanation)

"""A criterion's status for a learner: decided here, once, and read by every page, report and API.

``decide`` is pure: it takes the facts about one learner and one criterion and returns the state
with the reasons a person can read. ``course_statuses`` gathers the facts for a course's criteria
and any number of learners in a fixed number of queries, then calls ``decide`` for each.

The rules, in order (the first that applies wins):

1. An assessor's current decision on the criterion decides it (the newest standing decision on
   any piece of evidence; but once met on one piece, referring another does not undo it). ``met`` becomes "IQA confirmed"
   when an internal quality assurer agreed with that decision, and "sent back by IQA" when the IQA
   returned it with actions. ``referred`` stays referred until new evidence claims the criterion
   after the referral; then it is "evidence submitted" again.
2. A knowledge criterion (not one that must be assessed at work) whose rule was met in a finished
   attempt at a *summative* quiz is "knowledge shown". A formative (practice) quiz never counts.
3. Evidence that claims the criterion and awaits the assessor makes it "evidence submitted".
4. Otherwise it is "not started".

A criterion is *achieved* when it is met (or IQA confirmed), or when it is a knowledge criterion
with knowledge shown. A quiz can never achieve a performance or workplace criterion: only an
assessor's decision on workplace evidence can.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from course.authoring.models import Course, CourseFramework, Module, Quiz
from course.extensions import db
from course.models.frameworks import Criterion, Framework, Outcome

# Every state a criterion can be in, with the words pages show for it.
STATES: dict[str, str] = {
    "not_started": "Not started",
    "knowledge_shown": "Knowledge shown",
    "evidence_submitted": "Evidence submitted",
    "referred": "Referred",
    "met": "Met",
    "iqa_returned": "Sent back by IQA",
    "iqa_confirmed": "IQA confirmed",
}


@dataclass(frozen=True)
class QuizResult:
    """A finished summative attempt whose criterion rule was met for this criterion."""

    attempt_id: int
    module_title: str
    attempt_number: int
    finished_at: dt.datetime | None
    fraction: float


@dataclass(frozen=True)
class PendingEvidence:
    """Workplace evidence claiming the criterion that the assessor has not yet judged."""

    evidence_id: int
    title: str
    kind: str
    submitted_at: dt.datetime


@dataclass(frozen=True)
class Decision:
    """The assessor's current decision on the criterion, with the IQA's latest review of it."""

    decision_id: int
    evidence_id: int
    evidence_title: str
    outcome: str  # met | referred
    comment: str
    assessor: str
    decided_at: dt.datetime
    review_outcome: str | None = None  # agreed | action | None
    review_by: str = ""
    reviewed_at: dt.datetime | None = None
    review_actions: str = ""


@dataclass
class CriterionFacts:
    """Everything known about one learner and one criterion."""

    ref: str
    kind: str  # knowledge | performance
    workplace: bool  # must be assessed in a real work environment
    quiz: list[QuizResult] = field(default_factory=list)
    pending: list[PendingEvidence] = field(default_factory=list)
    decision: Decision | None = None


@dataclass(frozen=True)
class CriterionStatus:
    """One criterion's state for one learner, and why."""

    ref: str
    state: str
    achieved: bool
    reasons: tuple[str, ...]
    decision: Decision | None
    quiz: tuple[QuizResult, ...]
    pending: tuple[PendingEvidence, ...]

    @property
    def label(self) -> str:
        return STATES[self.state]

    def as_dict(self) -> dict[str, object]:
        """The JSON form the API and the downloads use."""
        d = self.decision
        return {
            "ref": self.ref, "state": self.state, "label": self.label, "achieved": self.achieved,
            "reasons": list(self.reasons),
            "decision": None if d is None else {
                "outcome": d.outcome, "assessor": d.assessor, "decided_at": d.decided_at.isoformat(),
                "evidence_id": d.evidence_id, "evidence_title": d.evidence_title, "comment": d.comment,
                "iqa": None if d.review_outcome is None else {
                    "outcome": d.review_outcome, "by": d.review_by,
                    "at": d.reviewed_at.isoformat() if d.reviewed_at else None, "actions": d.review_actions},
            },
            "quiz_attempts": [q.attempt_id for q in self.quiz],
            "pending_evidence": [p.evidence_id for p in self.pending],
        }


def quiz_can_show(kind: str, workplace: bool) -> bool:
    """Whether a quiz may show this criterion: knowledge criteria not reserved to the workplace."""
    return kind == "knowledge" and not workplace


def _date(value: dt.datetime | None) -> str:
    return value.date().isoformat() if value else "undated"


def decide(facts: CriterionFacts) -> CriterionStatus:
    """The criterion's state for the learner, by the rules in this module's docstring."""
    reasons: list[str] = []
    quiz_counts = quiz_can_show(facts.kind, facts.workplace)
    for q in facts.quiz:
        if quiz_counts:
            reasons.append(f"Quiz rule met in {q.module_title}, attempt {q.attempt_number} "
                           f"({round(q.fraction * 100)}%, {_date(q.finished_at)}).")
    if facts.quiz and not quiz_counts:
        reasons.append("Answered in a quiz, but a quiz cannot meet a workplace criterion: "
                       "an assessor must judge workplace evidence.")
    for p in facts.pending:
        reasons.append(f"Evidence \u201c{p.title}\u201d submitted {_date(p.submitted_at)}, awaiting the assessor.")
    d = facts.decision
    state: str
    if d is not None:
        verb = "met" if d.outcome == "met" else "referred"
        reasons.insert(0, f"Assessor {d.assessor or 'unknown'} judged it {verb} on {_date(d.decided_at)} "
                          f"against \u201c{d.evidence_title}\u201d" + (f": {d.comment}" if d.comment else "."))
        if d.outcome == "met":
            if d.review_outcome == "agreed":
                state = "iqa_confirmed"
                reasons.insert(1, f"IQA {d.review_by or 'unknown'} agreed on {_date(d.reviewed_at)}.")
            elif d.review_outcome == "action":
                state = "iqa_returned"
                reasons.insert(1, f"IQA {d.review_by or 'unknown'} sent it back on {_date(d.reviewed_at)}"
                                  + (f": {d.review_actions}" if d.review_actions else "."))
            else:
                state = "met"
        elif any(p.submitted_at > d.decided_at for p in facts.pending):
            state = "evidence_submitted"
        else:
            state = "referred"
    elif quiz_counts and facts.quiz:
        state = "knowledge_shown"
    elif facts.pending:
        state = "evidence_submitted"
    else:
        state = "not_started"
        if not reasons:
            reasons.append("No summative quiz result or workplace evidence yet." if quiz_counts
                           else "Needs workplace evidence judged by an assessor.")
    achieved = state in ("met", "iqa_confirmed") or (state == "knowledge_shown")
    return CriterionStatus(facts.ref, state, achieved, tuple(reasons), d, tuple(facts.quiz), tuple(facts.pending))


# ---------------------------------------------------------------- gathering the facts


@dataclass(frozen=True)
class CourseCriterion:
    """A criterion of one of the course's frameworks, in framework and outcome order."""

    ref: str
    framework: str
    outcome: str
    code: str
    text: str
    kind: str
    workplace: bool


def course_criteria(course: Course) -> list[CourseCriterion]:
    """Every criterion of the course's frameworks; workplace if the unit or any module says so."""
    module_workplace = {
        ref for (refs,) in db.session.execute(select(Module.workplace).where(Module.course_id == course.id))
        for ref in (refs or [])
    }
    # Criterion.position counts within its outcome, so outcomes are ordered first.
    rows = db.session.execute(
        select(Framework.code, Criterion.code, Criterion.text, Criterion.kind, Criterion.workplace, Outcome.code)
        .join(CourseFramework, CourseFramework.framework_id == Framework.id)
        .join(Criterion, Criterion.framework_id == Framework.id)
        .join(Outcome, Criterion.outcome_id == Outcome.id)
        .where(CourseFramework.course_id == course.id)
        .order_by(CourseFramework.position, Outcome.position, Criterion.position)
    ).all()
    out = []
    for fw, code, text, kind, workplace, outcome_code in rows:
        ref = f"{fw}/{code}"
        out.append(CourseCriterion(ref, fw, outcome_code, code, text, kind,
                                   bool(workplace) or ref in module_workplace))
    return out


def _quiz_results(course: Course, learner_ids: list[int]) -> dict[tuple[int, str], list[QuizResult]]:
    from course.learning.models import Attempt

    out: dict[tuple[int, str], list[QuizResult]] = defaultdict(list)
    rows = db.session.execute(
        select(Attempt.user_id, Attempt.id, Attempt.number, Attempt.finished_at, Attempt.criteria_results,
               Module.title)
        .join(Module, Attempt.module_id == Module.id)
        .join(Quiz, Quiz.module_id == Module.id)
        .where(Module.course_id == course.id, Attempt.user_id.in_(learner_ids), Attempt.status == "finished",
               Quiz.mode == "summative")
        .order_by(Attempt.finished_at, Attempt.id)
    ).all()
    for user_id, attempt_id, number, finished_at, results, title in rows:
        for ref, r in (results or {}).items():
            if r.get("met"):
                out[(user_id, ref)].append(QuizResult(attempt_id, title, number, finished_at, float(r.get("fraction") or 0)))
    return out


def _evidence_facts(course: Course, learner_ids: list[int]) -> tuple[
        dict[tuple[int, str], list[PendingEvidence]], dict[tuple[int, str], Decision]]:
    from course.evidence.models import CriterionDecision, IqaReview, WorkplaceEvidence
    from course.models.users import User

    pending: dict[tuple[int, str], list[PendingEvidence]] = defaultdict(list)
    decisions: dict[tuple[int, str], Decision] = {}
    evidence = db.session.scalars(
        select(WorkplaceEvidence).where(WorkplaceEvidence.course_id == course.id,
                                        WorkplaceEvidence.learner_id.in_(learner_ids))
        .order_by(WorkplaceEvidence.created_at, WorkplaceEvidence.id)
    ).all()
    titles = {e.id: e.title for e in evidence}
    decided_on: set[tuple[int, str]] = set()
    rows = db.session.scalars(
        select(CriterionDecision).where(CriterionDecision.course_id == course.id,
                                        CriterionDecision.learner_id.in_(learner_ids),
                                        CriterionDecision.superseded.is_(False))
        .order_by(CriterionDecision.decided_at, CriterionDecision.id)
    ).all()
    names = dict(db.session.execute(select(User.id, User.name).where(
        User.id.in_({r.assessor_id for r in rows if r.assessor_id} | {0}))).all())
    reviews: dict[int, IqaReview] = {}
    if rows:
        for review in db.session.scalars(
            select(IqaReview).where(IqaReview.decision_id.in_([r.id for r in rows])).order_by(IqaReview.id)
        ):
            reviews[review.decision_id] = review  # the latest review of each decision
        names.update(db.session.execute(select(User.id, User.name).where(
            User.id.in_({r.iqa_id for r in reviews.values() if r.iqa_id} | {0}))).all())
    for r in rows:
        decided_on.add((r.evidence_id, r.criterion_ref))
        review = reviews.get(r.id)
        key = (r.learner_id, r.criterion_ref)
        # Rows are in decision order, so the newest standing decision wins, except that a criterion
        # once met stays met: referring a later, weaker piece of evidence does not undo it.
        if r.outcome != "met" and key in decisions and decisions[key].outcome == "met":
            continue
        decisions[key] = Decision(
            r.id, r.evidence_id, titles.get(r.evidence_id, ""), r.outcome, r.comment,
            names.get(r.assessor_id, "") if r.assessor_id else "", r.decided_at,
            review.outcome if review else None, names.get(review.iqa_id, "") if review and review.iqa_id else "",
            review.reviewed_at if review else None, review.actions if review else "")
    for e in evidence:
        if e.assessed_at is not None:
            continue
        for ref in e.claimed or []:
            if (e.id, ref) not in decided_on:
                pending[(e.learner_id, ref)].append(PendingEvidence(e.id, e.title, e.kind, e.created_at))
    return pending, decisions


def course_statuses(course: Course, learner_ids: Iterable[int]) -> dict[int, dict[str, CriterionStatus]]:
    """Every criterion of the course for each learner: ``{learner_id: {ref: CriterionStatus}}``."""
    ids = sorted(set(learner_ids))
    if not ids:
        return {}
    criteria = course_criteria(course)
    quiz = _quiz_results(course, ids)
    pending, decisions = _evidence_facts(course, ids)
    out: dict[int, dict[str, CriterionStatus]] = {}
    for learner_id in ids:
        out[learner_id] = {
            c.ref: decide(CriterionFacts(
                c.ref, c.kind, c.workplace, quiz.get((learner_id, c.ref), []),
                pending.get((learner_id, c.ref), []), decisions.get((learner_id, c.ref))))
            for c in criteria
        }
    return out


def learner_statuses(course: Course, learner_id: int) -> dict[str, CriterionStatus]:
    """Every criterion of the course for one learner, in framework order."""
    return course_statuses(course, [learner_id]).get(learner_id, {})


def count_states(statuses: Iterable[CriterionStatus]) -> dict[str, int]:
    """How many criteria are in each state (every state present, zero if none)."""
    counts = dict.fromkeys(STATES, 0)
    for s in statuses:
        counts[s.state] += 1
    return counts

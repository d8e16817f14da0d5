"""Internal quality assurance of assessment decisions, and the course's audit trail as a table.

The sampling plan and its sample live in ``course.evidence.sampling``, the sign-off of question
mappings in ``course.evidence.signoff``; this module holds the IQA's review of one decision and
the audit trail's reading (filters, the old -> new changes, the CSV rows).

A review is never edited: a second look at the same decision is a new ``IqaReview`` row, and the
latest one is what ``course.evidence.status`` reads (agreed -> "IQA confirmed", action -> "sent
back by IQA").
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from course.authoring.models import Course
from course.evidence import audit
from course.evidence.models import REVIEW_OUTCOMES, AuditEntry, CriterionDecision, IqaReview
from course.evidence.sampling import IqaError
from course.extensions import db
from course.models.users import User
from course.reports.export import Table

COMMENT_CHARS = 5000
REVIEW_LABELS = {"agreed": "Agreed", "action": "Sent back with actions"}


def course_decision(course: Course, decision_id: int) -> CriterionDecision | None:
    """One decision on the course's evidence (None: not this course's, so not the user's to see)."""
    decision = db.session.get(CriterionDecision, decision_id)
    return decision if decision is not None and decision.course_id == course.id else None


def review_decision(course: Course, decision: CriterionDecision, actor: User, *, outcome: Any,
                    comment: Any = "", actions: Any = "") -> IqaReview:
    """Record the IQA's verdict on ``decision`` as a new review row and a "review.made" entry.

    ``outcome`` "agreed", or "action" with the actions the assessor must take (required).
    Refused, with nothing stored: another course's decision, a superseded one, the reviewer's own
    decision, an unknown outcome, missing or over-long text. Flushes, never commits.
    """
    if decision.course_id != course.id:
        raise IqaError("That decision is not on this course.", "decision")
    if decision.superseded:
        raise IqaError("A newer decision replaced this one: review the current decision instead.", "decision")
    if decision.assessor_id == actor.id:
        raise IqaError("You made this decision: another quality assurer must review it.", "decision")
    if outcome not in REVIEW_OUTCOMES:
        raise IqaError("Choose whether you agree with the decision or send it back with actions.", "outcome")
    comment_text = str(comment or "").strip()
    actions_text = str(actions or "").strip()
    if len(comment_text) > COMMENT_CHARS:
        raise IqaError(f"Comment is at most {COMMENT_CHARS:,} characters.", "comment")
    if len(actions_text) > COMMENT_CHARS:
        raise IqaError(f"Actions is at most {COMMENT_CHARS:,} characters.", "actions")
    if outcome == "action" and not actions_text:
        raise IqaError("Say what the assessor must do: actions are required when you send a decision back.",
                       "actions")
    if outcome == "agreed":
        actions_text = ""
    previous = db.session.scalar(select(IqaReview).where(IqaReview.decision_id == decision.id)
                                 .order_by(IqaReview.id.desc()))
    review = IqaReview(decision_id=decision.id, iqa_id=actor.id, outcome=outcome, comment=comment_text,
                       actions=actions_text)
    db.session.add(review)
    db.session.flush()
    audit.record(
        "review.made", organisation_id=course.organisation_id, actor=actor, subject_type="decision",
        subject_id=decision.id, course_id=course.id, learner_id=decision.learner_id,
        old=None if previous is None else {"outcome": previous.outcome, "actions": previous.actions},
        new={"outcome": outcome, "comment": comment_text, "actions": actions_text,
             "criterion": decision.criterion_ref, "review_id": review.id},
    )
    db.session.flush()
    return review


# --------------------------------------------------------------------------- the audit trail

AUDIT_ACTIONS = {
    "evidence.recorded": "Evidence recorded",
    "decision.made": "Decision made",
    "decision.changed": "Decision changed",
    "review.made": "IQA review",
    "mapping.signed": "Mapping signed off",
    "plan.changed": "Sampling plan changed",
}
MAX_AUDIT_ROWS = 5000  # the page and the CSV stop here; narrow by learner or action for older entries


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as people read it."""

    entry: AuditEntry
    who: str
    learner: str
    changes: list[tuple[str, str, str]]  # (field, old, new), only the fields that differ

    @property
    def action_label(self) -> str:
        return AUDIT_ACTIONS.get(self.entry.action, self.entry.action)

    @property
    def subject(self) -> str:
        return f"{self.entry.subject_type.replace('_', ' ')} {self.entry.subject_id}"


def _text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)


def changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[tuple[str, str, str]]:
    """The fields that differ between ``old`` and ``new``, in ``new``'s order, as text."""
    old, new = old or {}, new or {}
    keys = list(new) + [k for k in old if k not in new]
    return [(k, _text(old.get(k)), _text(new.get(k))) for k in keys if old.get(k) != new.get(k)]


def audit_learners(course: Course) -> dict[int, str]:
    """The learners the course's audit trail names, for its filter."""
    ids = set(db.session.scalars(select(AuditEntry.learner_id).where(
        AuditEntry.organisation_id == course.organisation_id, AuditEntry.course_id == course.id,
        AuditEntry.learner_id.is_not(None)).distinct()))
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids | {0}))
                                   .order_by(User.name, User.id)).all())


def audit_rows(course: Course, *, learner_id: int | None = None, action: str | None = None) -> list[AuditRow]:
    """The course's audit entries, newest first, narrowed by learner and action."""
    stmt = select(AuditEntry).where(AuditEntry.organisation_id == course.organisation_id,
                                    AuditEntry.course_id == course.id)
    if learner_id is not None:
        stmt = stmt.where(AuditEntry.learner_id == learner_id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    entries = list(db.session.scalars(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                                      .limit(MAX_AUDIT_ROWS)))
    people = {e.actor_id for e in entries} | {e.learner_id for e in entries}
    names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_({p for p in people if p} | {0}))).all())
    return [AuditRow(e, names.get(e.actor_id, "(system)") if e.actor_id else "(system)",
                     names.get(e.learner_id, "") if e.learner_id else "", changes(e.old, e.new)) for e in entries]


def _json(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))


def audit_table(course: Course, rows: list[AuditRow]) -> Table:
    """The audit trail as a CSV table: one row per entry, old and new as compact JSON."""
    return Table(
        title=f"Audit trail {course.slug}",
        headers=["When (UTC)", "Who", "Action", "Subject", "Learner", "Old", "New"],
        rows=[[r.entry.at.strftime("%Y-%m-%d %H:%M:%S"), r.who, r.entry.action, r.subject, r.learner,
               _json(r.entry.old), _json(r.entry.new)] for r in rows],
    )

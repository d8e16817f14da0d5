"""The assessor's decision: each criterion a piece of evidence claims judged met or referred.

A decision row is never edited. Judging a criterion again with a different outcome or comment
writes a new ``CriterionDecision`` whose ``supersedes_id`` names the old one, marks the old one
superseded, and audits "decision.changed" with both; a first judgement audits "decision.made".
A decision cannot be taken back to "not judged": the record would lose what was decided.

``judge`` checks every choice before writing any, so a bad one leaves nothing half-saved.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from course.authoring.models import Course
from course.evidence import audit
from course.evidence.models import CriterionDecision, WorkplaceEvidence
from course.evidence.records import EvidenceDenied, EvidenceInvalid, is_staff_of, needs_declaration
from course.extensions import db
from course.models.base import utcnow
from course.models.users import User

COMMENT_MAX = 5_000
NOT_JUDGED = ""
OUTCOME_LABELS: dict[str, str] = {"met": "Met", "referred": "Referred", NOT_JUDGED: "Not judged"}
ASSESSORS = ("assessor", "admin")


def can_assess(user: User, evidence: WorkplaceEvidence) -> bool:
    """An assessor or admin of the course's organisation."""
    return is_staff_of(user, evidence.course, ASSESSORS)


def current_decisions(evidence: WorkplaceEvidence) -> dict[str, CriterionDecision]:
    """The evidence's standing decision per criterion (the newest row not superseded)."""
    out: dict[str, CriterionDecision] = {}
    for row in sorted(evidence.decisions, key=lambda d: (d.decided_at, d.id)):
        if not row.superseded:
            out[row.criterion_ref] = row
    return out


def _as_dict(row: CriterionDecision) -> dict[str, Any]:
    return {"decision_id": row.id, "criterion": row.criterion_ref, "outcome": row.outcome, "comment": row.comment,
            "assessor_id": row.assessor_id, "decided_at": row.decided_at.isoformat()}


def _check(evidence: WorkplaceEvidence, choices: Mapping[str, tuple[str, str]],
           current: dict[str, CriterionDecision]) -> dict[str, tuple[str, str]]:
    """The choices that change something, or ``EvidenceInvalid`` naming each bad criterion."""
    errors: dict[str, str] = {}
    if needs_declaration(evidence):
        errors["declaration"] = "The learner has not yet declared this evidence their own work; it cannot be judged."
    claimed = list(evidence.claimed or [])
    changes: dict[str, tuple[str, str]] = {}
    for ref, (outcome, comment) in choices.items():
        outcome = (outcome or "").strip()
        comment = (comment or "").strip().replace("\r\n", "\n")
        if ref not in claimed:
            errors[ref[:100]] = "This evidence does not claim this criterion; only claimed criteria can be judged."
        elif outcome not in OUTCOME_LABELS:
            errors[ref] = "Choose met, referred or not judged."
        elif len(comment) > COMMENT_MAX:
            errors[ref] = f"The comment is {len(comment):,} characters; at most {COMMENT_MAX:,}."
        elif outcome == NOT_JUDGED:
            if ref in current:
                errors[ref] = "A decision cannot be taken back; change it to met or referred instead."
            elif comment:
                errors[ref] = "Choose met or referred for a comment to be kept."
        elif outcome == "referred" and not comment:
            errors[ref] = "Say why it is referred: a comment is required."
        else:
            old = current.get(ref)
            if old is None or (old.outcome, old.comment) != (outcome, comment):
                changes[ref] = (outcome, comment)
    if errors:
        raise EvidenceInvalid(errors)
    if not changes and not any(ref in current for ref in claimed):
        raise EvidenceInvalid({"decision": "Judge at least one criterion met or referred."})
    return changes


def judge(evidence: WorkplaceEvidence, assessor: User, choices: Mapping[str, tuple[str, str]],
          now: dt.datetime | None = None) -> list[CriterionDecision]:
    """Record the assessor's ``{criterion_ref: (outcome, comment)}`` for the evidence; the new rows.

    ``outcome`` is "met", "referred" or "" (not judged). Unchanged choices write nothing.
    ``assessed_at`` is set once every claimed criterion has a decision.
    """
    if not can_assess(assessor, evidence):
        raise EvidenceDenied("There is no such evidence.")
    current = current_decisions(evidence)
    changes = _check(evidence, choices, current)
    now = now or utcnow()
    written = []
    for ref in [r for r in evidence.claimed if r in changes]:
        outcome, comment = changes[ref]
        old = current.get(ref)
        row = CriterionDecision(evidence_id=evidence.id, course_id=evidence.course_id, learner_id=evidence.learner_id,
                                criterion_ref=ref, outcome=outcome, comment=comment, assessor_id=assessor.id,
                                decided_at=now, supersedes_id=old.id if old else None)
        if old is not None:
            old.superseded = True
        evidence.decisions.append(row)
        db.session.flush()
        audit.record("decision.changed" if old else "decision.made", organisation_id=evidence.course.organisation_id,
                     actor=assessor, subject_type="decision", subject_id=row.id, course_id=evidence.course_id,
                     learner_id=evidence.learner_id, old=_as_dict(old) if old else None,
                     new=_as_dict(row) | {"evidence_id": evidence.id})
        written.append(row)
        current[ref] = row
    evidence.assessed_at = now if all(ref in current for ref in evidence.claimed) else None
    db.session.flush()
    return written


# ---------------------------------------------------------------- the assessor's queue


@dataclass(frozen=True)
class Queue:
    """Evidence awaiting the assessor, oldest first, and how many wait for the learner's declaration."""

    ready: list[WorkplaceEvidence]
    awaiting_declaration: int


def assessment_queue(organisation_id: int | None, course_id: int | None = None) -> Queue:
    """The organisation's evidence not yet fully assessed (on one course when ``course_id`` is given)."""
    if organisation_id is None:
        return Queue([], 0)
    stmt = (select(WorkplaceEvidence).join(Course, WorkplaceEvidence.course_id == Course.id)
            .where(Course.organisation_id == organisation_id, WorkplaceEvidence.assessed_at.is_(None))
            .order_by(WorkplaceEvidence.created_at, WorkplaceEvidence.id))
    if course_id is not None:
        stmt = stmt.where(Course.id == course_id)
    ready, waiting = [], 0
    for evidence in db.session.scalars(stmt):
        if needs_declaration(evidence):
            waiting += 1
        else:
            ready.append(evidence)
    return Queue(ready, waiting)

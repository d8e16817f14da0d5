"""The record of evidence: workplace evidence, assessors' decisions, IQA sampling and sign-offs, audit.

How the rows fit together (``course.evidence.status`` reads them to decide each criterion):

- ``WorkplaceEvidence``: something a learner did at work, recorded by the learner or a tutor for
  one course: its kind (observation, professional discussion, witness testimony, product,
  reflective account), the date it happened, a description, the criteria it *claims*
  (``claimed``, ``FRAMEWORK/CODE`` references) and optionally the essay answer it came from
  (``answer_mark_id`` + ``part``). ``declared_at`` is the learner's declaration that the work is
  their own. Files hang off it as ``EvidenceFile`` rows, checked by content.
- ``CriterionDecision``: an assessor's judgement of one piece of evidence against one criterion:
  ``met`` or ``referred``, with a comment. Rows are never edited: a changed judgement is a new row
  (``supersedes_id`` names the one it replaces) and an audit entry, so the history stays readable.
  The current decision for a learner and criterion is the newest row not superseded.
- ``SamplingPlan``: one per course; which decisions an internal quality assurer samples.
- ``IqaReview``: the IQA's verdict on one sampled decision: ``agreed`` or ``action`` (sent back to
  the assessor with the actions to take).
- ``MappingSignoff``: an IQA's sign-off that one question version's criteria are the right ones.
  It holds the criteria it signed, so a later version that maps differently needs signing again.
- ``AuditEntry``: who did what, when, to which record, with the values before and after.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.authoring.models import Course
from course.extensions import db
from course.models.base import TimestampMixin, utcnow
from course.models.users import Organisation, User

# The kinds of workplace evidence UK awarding bodies name, in the order forms list them.
EVIDENCE_KINDS: dict[str, str] = {
    "observation": "Observation",
    "professional_discussion": "Professional discussion",
    "witness_testimony": "Witness testimony",
    "product": "Work product",
    "reflective_account": "Reflective account",
}
DECISION_OUTCOMES: tuple[str, ...] = ("met", "referred")
REVIEW_OUTCOMES: tuple[str, ...] = ("agreed", "action")
SAMPLING_STRATEGIES: dict[str, str] = {
    "every_assessor_quarterly": "Every assessor, each quarter",
    "new_assessor_fully": "Every decision of a new assessor, then every assessor each quarter",
    "percentage": "A fixed share of all decisions",
}


def _in(column: str, values: Any) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class WorkplaceEvidence(TimestampMixin, db.Model):
    """One piece of workplace evidence a learner offers for criteria of a course."""

    __tablename__ = "workplace_evidence"
    __table_args__ = (CheckConstraint(_in("kind", EVIDENCE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # FRAMEWORK/CODE references the evidence claims; the assessor decides which are met.
    claimed: Mapped[list[str]] = mapped_column(default=list)
    # A marked essay offered as evidence: the item mark and the part ("" or a scenario step id).
    answer_mark_id: Mapped[int | None] = mapped_column(ForeignKey("answer_mark.id", ondelete="SET NULL"))
    part: Mapped[str] = mapped_column(String(64), default="")
    # When the learner declared the work their own (None: not declared).
    declared_at: Mapped[dt.datetime | None]
    # Set when an assessor has judged every claimed criterion; None while any await a decision.
    assessed_at: Mapped[dt.datetime | None]

    course: Mapped[Course] = relationship()
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="evidence", cascade="all, delete-orphan", order_by="EvidenceFile.id"
    )
    decisions: Mapped[list[CriterionDecision]] = relationship(
        back_populates="evidence", order_by="CriterionDecision.id"
    )

    @property
    def kind_label(self) -> str:
        return EVIDENCE_KINDS.get(self.kind, self.kind)


class EvidenceFile(db.Model):
    """A file attached to workplace evidence (type checked by content, size bounded)."""

    __tablename__ = "evidence_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("workplace_evidence.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    evidence: Mapped[WorkplaceEvidence] = relationship(back_populates="files")


class CriterionDecision(db.Model):
    """An assessor's judgement of one piece of evidence against one criterion (never edited)."""

    __tablename__ = "criterion_decision"
    __table_args__ = (
        CheckConstraint(_in("outcome", DECISION_OUTCOMES), name="outcome"),
        Index("ix_criterion_decision_learner", "course_id", "learner_id", "criterion_ref"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("workplace_evidence.id", ondelete="CASCADE"), index=True)
    # Copied from the evidence so status and sampling queries need no join.
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    criterion_ref: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The decision this one replaces (a changed judgement); the replaced row stays as history.
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("criterion_decision.id", ondelete="SET NULL"))
    superseded: Mapped[bool] = mapped_column(default=False)

    evidence: Mapped[WorkplaceEvidence] = relationship(back_populates="decisions")
    assessor: Mapped[User | None] = relationship(foreign_keys=[assessor_id])
    reviews: Mapped[list[IqaReview]] = relationship(back_populates="decision", order_by="IqaReview.id")


class SamplingPlan(TimestampMixin, db.Model):
    """Which of a course's assessment decisions its internal quality assurers sample."""

    __tablename__ = "sampling_plan"
    __table_args__ = (
        UniqueConstraint("course_id"),
        CheckConstraint(_in("strategy", SAMPLING_STRATEGIES), name="strategy"),
        CheckConstraint("percentage BETWEEN 1 AND 100", name="percentage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    strategy: Mapped[str] = mapped_column(String(32), default="every_assessor_quarterly")
    # Share of the eligible decisions sampled (every strategy samples at least one per assessor).
    percentage: Mapped[int] = mapped_column(default=25)
    # Narrowing filters; an empty list means "all".
    learner_ids: Mapped[list[int]] = mapped_column(default=list)
    assessor_ids: Mapped[list[int]] = mapped_column(default=list)
    criteria: Mapped[list[str]] = mapped_column(default=list)
    evidence_kinds: Mapped[list[str]] = mapped_column(default=list)
    # Assessors treated as new: every decision of theirs is sampled.
    new_assessor_ids: Mapped[list[int]] = mapped_column(default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    course: Mapped[Course] = relationship()


class IqaReview(db.Model):
    """An internal quality assurer's verdict on one assessment decision (never edited)."""

    __tablename__ = "iqa_review"
    __table_args__ = (CheckConstraint(_in("outcome", REVIEW_OUTCOMES), name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("criterion_decision.id", ondelete="CASCADE"), index=True)
    iqa_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    # What the assessor must do when the decision is sent back ("" when agreed).
    actions: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    decision: Mapped[CriterionDecision] = relationship(back_populates="reviews")
    iqa: Mapped[User | None] = relationship()


class MappingSignoff(db.Model):
    """An IQA's sign-off of one question version's criteria (valid while the mapping is unchanged)."""

    __tablename__ = "mapping_signoff"
    __table_args__ = (UniqueConstraint("organisation_id", "question_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int]
    # The FRAMEWORK/CODE references signed, sorted; a version mapping to others is unsigned.
    criteria: Mapped[list[str]] = mapped_column(default=list)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    comment: Mapped[str] = mapped_column(Text, default="")

    signed_by: Mapped[User | None] = relationship()


class AuditEntry(db.Model):
    """One change to the record of evidence: who, when, what, and the values before and after."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    # A dotted verb, e.g. "evidence.recorded", "decision.made", "decision.changed", "review.made",
    # "mapping.signed", "plan.changed".
    action: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(100))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"), index=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    old: Mapped[dict[str, Any] | None]
    new: Mapped[dict[str, Any] | None]

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    organisation: Mapped[Organisation] = relationship()

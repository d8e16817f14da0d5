"""The audit trail of the record of evidence: one ``AuditEntry`` per change, written with it.

Call ``record`` in the same transaction as the change it describes, so a change and its entry are
saved together or not at all. Entries are only ever added.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from course.evidence.models import AuditEntry
from course.extensions import db
from course.models.users import User


def record(action: str, *, organisation_id: int, actor: User | None, subject_type: str, subject_id: Any,
           course_id: int | None = None, learner_id: int | None = None,
           old: dict[str, Any] | None = None, new: dict[str, Any] | None = None) -> AuditEntry:
    """Add an audit entry for ``action`` on ``subject_type`` ``subject_id`` (not committed)."""
    entry = AuditEntry(
        organisation_id=organisation_id, actor_id=actor.id if actor is not None else None, action=action,
        subject_type=subject_type, subject_id=str(subject_id), course_id=course_id, learner_id=learner_id,
        old=old, new=new,
    )
    db.session.add(entry)
    return entry


def entries(organisation_id: int, *, course_id: int | None = None, learner_id: int | None = None,
            subject_type: str | None = None, subject_id: Any = None, limit: int | None = None) -> list[AuditEntry]:
    """The organisation's audit entries, newest first, narrowed by the arguments given."""
    stmt = select(AuditEntry).where(AuditEntry.organisation_id == organisation_id)
    if course_id is not None:
        stmt = stmt.where(AuditEntry.course_id == course_id)
    if learner_id is not None:
        stmt = stmt.where(AuditEntry.learner_id == learner_id)
    if subject_type is not None:
        stmt = stmt.where(AuditEntry.subject_type == subject_type)
    if subject_id is not None:
        stmt = stmt.where(AuditEntry.subject_id == str(subject_id))
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))

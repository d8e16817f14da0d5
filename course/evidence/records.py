"""Recording workplace evidence: what a learner did at work, the criteria it claims, its files, and
the learner's declaration that it is their own work.

Who may do what (the views give a 404 for anything outside these, so nobody learns what exists):
- the learner records, edits, withdraws and adds files to their own evidence, and declares it;
- a tutor, assessor or admin of the course's organisation records evidence for a learner enrolled
  on the course, and edits, withdraws or adds files to it (they cannot declare for the learner);
- an IQA of the organisation reads it.
Evidence can be changed only while no assessor's decision exists on it: after that the decision
would describe something that is no longer there.

Every function validates everything first, then writes, then adds audit entries in the same
session; nothing commits here (the views commit once per request).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select

from course.authoring.models import Course
from course.evidence import audit, files
from course.evidence.models import EVIDENCE_KINDS, CriterionDecision, EvidenceFile, WorkplaceEvidence
from course.evidence.status import CourseCriterion, course_criteria
from course.extensions import db
from course.learning.models import Enrolment
from course.models.base import utcnow
from course.models.frameworks import Framework, Outcome
from course.models.users import User

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
# The words the learner's declaration checkbox carries, stored nowhere else so they cannot drift.
DECLARATION = ("I declare that this evidence is my own work, that it is a true record of what I did, "
               "and that the people named in it agreed to be named.")
RECORDERS = ("learner", "tutor", "assessor", "admin")
STAFF = ("admin", "tutor", "assessor", "iqa")


class EvidenceInvalid(ValueError):
    """Input refused; ``errors`` maps each field to what is wrong with it. Nothing was written."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


class EvidenceDenied(LookupError):
    """The user may not see or do this (the views answer 404)."""


@dataclass(frozen=True)
class FileUpload:
    """A file as the browser sent it."""

    filename: str
    data: bytes


# ---------------------------------------------------------------- who may do what


def is_staff_of(user: User, course: Course, roles: Iterable[str] = STAFF) -> bool:
    """Whether ``user`` holds one of ``roles`` in the course's organisation."""
    return user.role in roles and user.organisation_id is not None and user.organisation_id == course.organisation_id


def can_view(user: User, evidence: WorkplaceEvidence) -> bool:
    """The learner themself, or staff of the course's organisation."""
    return (user.role == "learner" and user.id == evidence.learner_id) or is_staff_of(user, evidence.course)


def can_change(user: User, evidence: WorkplaceEvidence) -> bool:
    """The learner themself, or a tutor, assessor or admin of the course's organisation."""
    return (user.role == "learner" and user.id == evidence.learner_id) or is_staff_of(
        user, evidence.course, ("tutor", "assessor", "admin"))


def visible_evidence(user: User, evidence_id: int) -> WorkplaceEvidence:
    """The evidence if ``user`` may see it, else ``EvidenceDenied``."""
    evidence = db.session.get(WorkplaceEvidence, evidence_id)
    if evidence is None or not can_view(user, evidence):
        raise EvidenceDenied("There is no such evidence.")
    return evidence


def is_enrolled(learner: User, course: Course) -> bool:
    """Whether ``learner`` is a learner enrolled on ``course``."""
    return learner.role == "learner" and db.session.scalar(
        select(exists().where(Enrolment.user_id == learner.id, Enrolment.course_id == course.id))) is True


def check_recorder(actor: User, course: Course, learner: User) -> None:
    """``EvidenceDenied`` unless ``actor`` may record evidence for ``learner`` on ``course``."""
    own = actor.role == "learner" and actor.id == learner.id
    if not (own or is_staff_of(actor, course, ("tutor", "assessor", "admin"))) or not is_enrolled(learner, course):
        raise EvidenceDenied("There is no such learner on this course.")


def has_decision(evidence: WorkplaceEvidence) -> bool:
    """Whether an assessor has decided anything on this evidence (it is then fixed)."""
    return db.session.scalar(select(exists().where(CriterionDecision.evidence_id == evidence.id))) is True


def needs_declaration(evidence: WorkplaceEvidence) -> bool:
    """Evidence the learner recorded must carry their declaration before it is judged."""
    return evidence.recorded_by_id == evidence.learner_id and evidence.declared_at is None


# ---------------------------------------------------------------- checking input


def ordered_criteria(course: Course) -> list[CourseCriterion]:
    """The course's criteria by framework, then outcome, then criterion: the order pickers show
    and claims are stored in (criterion positions count within their outcome)."""
    criteria = course_criteria(course)
    frameworks = list(dict.fromkeys(c.framework for c in criteria))
    outcome_position = {(fw, code): position for fw, code, position in db.session.execute(
        select(Framework.code, Outcome.code, Outcome.position).join(Outcome, Outcome.framework_id == Framework.id)
        .where(Framework.code.in_(frameworks)))} if frameworks else {}
    return sorted(criteria, key=lambda c: (frameworks.index(c.framework), outcome_position.get((c.framework, c.outcome), 0)))


@dataclass(frozen=True)
class EvidenceFields:
    """The checked fields of a piece of evidence."""

    kind: str
    occurred_on: dt.date
    title: str
    description: str
    claimed: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "occurred_on": self.occurred_on.isoformat(), "title": self.title,
                "description": self.description, "claimed": list(self.claimed)}


def _date(value: Any, today: dt.date) -> tuple[dt.date | None, str | None]:
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = str(value or "").strip()
        if not text:
            return None, "Enter the date it happened."
        try:
            value = dt.date.fromisoformat(text)
        except ValueError:
            return None, "Enter a real date as YYYY-MM-DD, for example 2026-03-31."
    if value > today:
        return None, "The date cannot be in the future."
    return value, None


def check_fields(course: Course, *, kind: Any, occurred_on: Any, title: Any, description: Any,
                 claimed: Sequence[Any], today: dt.date | None = None) -> EvidenceFields:
    """The fields, checked against the course; ``EvidenceInvalid`` naming every bad field."""
    errors: dict[str, str] = {}
    kind = str(kind or "").strip()
    if kind not in EVIDENCE_KINDS:
        errors["kind"] = "Choose the kind of evidence: " + ", ".join(v.lower() for v in EVIDENCE_KINDS.values()) + "."
    day, problem = _date(occurred_on, today or utcnow().date())
    if problem:
        errors["occurred_on"] = problem
    title = str(title or "").strip()
    if not title:
        errors["title"] = "Enter a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"The title is {len(title):,} characters; at most {TITLE_MAX:,}."
    description = str(description or "").strip().replace("\r\n", "\n")
    if not description:
        errors["description"] = "Describe what you did and how it shows the criteria."
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = f"The description is {len(description):,} characters; at most {DESCRIPTION_MAX:,}."
    order = [c.ref for c in ordered_criteria(course)]
    wanted = {str(ref).strip() for ref in claimed if str(ref).strip()}
    unknown = sorted(wanted - set(order))
    if unknown:
        shown = ", ".join(ref[:100] for ref in unknown[:5]) + (" and more" if len(unknown) > 5 else "")
        errors["claimed"] = f"Not a criterion of this course: {shown}."
    elif not wanted:
        errors["claimed"] = "Choose at least one criterion the evidence shows."
    if errors:
        raise EvidenceInvalid(errors)
    assert day is not None
    return EvidenceFields(kind, day, title, description, [ref for ref in order if ref in wanted])


def _check_uploads(uploads: Sequence[FileUpload], already: int) -> list[tuple[FileUpload, str, str]]:
    limit = files.max_files()
    if already + len(uploads) > limit:
        raise EvidenceInvalid({"files": f"A piece of evidence holds at most {limit} files; "
                                        f"it has {already} and {len(uploads)} more were sent."})
    checked, problems = [], []
    for upload in uploads:
        try:
            name, content_type = files.check_file(upload.filename, upload.data)
        except ValueError as exc:
            problems.append(str(exc))
        else:
            checked.append((upload, name, content_type))
    if problems:
        raise EvidenceInvalid({"files": "; ".join(problems) + "."})
    return checked


def _check_declaration(actor: User, learner_id: int, declaration: str | None) -> None:
    if declaration is not None and (actor.role != "learner" or actor.id != learner_id):
        raise EvidenceInvalid({"declaration": "Only the learner can declare the evidence their own."})
    if declaration is not None and declaration.strip() != DECLARATION:
        raise EvidenceInvalid({"declaration": "Tick the declaration exactly as it is worded."})


# ---------------------------------------------------------------- writing


def _add_files(evidence: WorkplaceEvidence, checked: list[tuple[FileUpload, str, str]], actor: User,
               now: dt.datetime) -> list[EvidenceFile]:
    added = []
    for upload, name, content_type in checked:
        row = EvidenceFile(filename=name, content_type=content_type, size=len(upload.data),
                           sha256=files.sha256(upload.data), data=upload.data, uploaded_at=now)
        evidence.files.append(row)
        added.append(row)
    db.session.flush()
    for row in added:
        _audit("evidence.file_added", evidence, actor, new={
            "file_id": row.id, "filename": row.filename, "content_type": row.content_type, "size": row.size,
            "sha256": row.sha256})
    return added


def _audit(action: str, evidence: WorkplaceEvidence, actor: User, *, old: dict[str, Any] | None = None,
           new: dict[str, Any] | None = None) -> None:
    audit.record(action, organisation_id=evidence.course.organisation_id, actor=actor, subject_type="evidence",
                 subject_id=evidence.id, course_id=evidence.course_id, learner_id=evidence.learner_id, old=old, new=new)


def snapshot(evidence: WorkplaceEvidence) -> dict[str, Any]:
    """The evidence's fields as the audit trail keeps them."""
    return {"kind": evidence.kind, "occurred_on": evidence.occurred_on.isoformat(), "title": evidence.title,
            "description": evidence.description, "claimed": list(evidence.claimed or []),
            "declared_at": evidence.declared_at.isoformat() if evidence.declared_at else None}


def record_evidence(course: Course, learner: User, actor: User, *, kind: Any, occurred_on: Any, title: Any,
                    description: Any, claimed: Sequence[Any], uploads: Sequence[FileUpload] = (),
                    declaration: str | None = None, now: dt.datetime | None = None) -> WorkplaceEvidence:
    """Record a new piece of evidence for ``learner`` on ``course``, with its files and, when the
    learner records it and ticks it, their declaration (``declaration`` = the text they ticked)."""
    check_recorder(actor, course, learner)
    now = now or utcnow()
    fields = check_fields(course, kind=kind, occurred_on=occurred_on, title=title, description=description,
                          claimed=claimed, today=now.date())
    checked = _check_uploads(uploads, 0)
    _check_declaration(actor, learner.id, declaration)
    evidence = WorkplaceEvidence(course_id=course.id, learner_id=learner.id, recorded_by_id=actor.id,
                                 kind=fields.kind, occurred_on=fields.occurred_on, title=fields.title,
                                 description=fields.description, claimed=fields.claimed,
                                 declared_at=now if declaration is not None else None)
    evidence.course = course
    db.session.add(evidence)
    db.session.flush()
    _audit("evidence.recorded", evidence, actor, new=snapshot(evidence))
    _add_files(evidence, checked, actor, now)
    return evidence


def _check_changeable(evidence: WorkplaceEvidence, actor: User) -> None:
    if not can_change(actor, evidence):
        raise EvidenceDenied("There is no such evidence.")
    if has_decision(evidence):
        raise EvidenceInvalid({"evidence": "An assessor has judged this evidence, so it can no longer be changed."})


def update_evidence(evidence: WorkplaceEvidence, actor: User, *, kind: Any, occurred_on: Any, title: Any,
                    description: Any, claimed: Sequence[Any], now: dt.datetime | None = None) -> WorkplaceEvidence:
    """Change the evidence's fields. A changed piece is no longer what the learner declared, so
    the declaration is cleared and the learner declares again."""
    _check_changeable(evidence, actor)
    now = now or utcnow()
    fields = check_fields(evidence.course, kind=kind, occurred_on=occurred_on, title=title,
                          description=description, claimed=claimed, today=now.date())
    old = snapshot(evidence)
    if fields.as_dict() == {k: v for k, v in old.items() if k != "declared_at"}:
        return evidence
    evidence.kind, evidence.occurred_on, evidence.title = fields.kind, fields.occurred_on, fields.title
    evidence.description, evidence.claimed = fields.description, fields.claimed
    evidence.declared_at = None
    db.session.flush()
    _audit("evidence.changed", evidence, actor, old=old, new=snapshot(evidence))
    return evidence


def add_files(evidence: WorkplaceEvidence, actor: User, uploads: Sequence[FileUpload],
              now: dt.datetime | None = None) -> list[EvidenceFile]:
    """Attach files; like any change, this clears the learner's declaration."""
    _check_changeable(evidence, actor)
    if not uploads:
        raise EvidenceInvalid({"files": "Choose at least one file."})
    checked = _check_uploads(uploads, len(evidence.files))
    now = now or utcnow()
    if evidence.declared_at is not None:
        old = {"declared_at": evidence.declared_at.isoformat()}
        evidence.declared_at = None
        _audit("evidence.declaration_cleared", evidence, actor, old=old, new={"declared_at": None})
    return _add_files(evidence, checked, actor, now)


def withdraw_evidence(evidence: WorkplaceEvidence, actor: User) -> None:
    """Delete the evidence and its files; the audit entry keeps what it said and which files it had."""
    _check_changeable(evidence, actor)
    old = snapshot(evidence) | {"files": [{"filename": f.filename, "sha256": f.sha256} for f in evidence.files]}
    _audit("evidence.withdrawn", evidence, actor, old=old)
    db.session.delete(evidence)
    db.session.flush()


def declare(evidence: WorkplaceEvidence, actor: User, declaration: str | None,
            now: dt.datetime | None = None) -> WorkplaceEvidence:
    """The learner declares the evidence their own, by ticking ``DECLARATION``."""
    if not (actor.role == "learner" and actor.id == evidence.learner_id):
        raise EvidenceDenied("There is no such evidence.")
    if declaration is None:
        raise EvidenceInvalid({"declaration": "Tick the declaration to confirm the evidence is your own work."})
    _check_declaration(actor, evidence.learner_id, declaration)
    if evidence.declared_at is not None:
        return evidence
    evidence.declared_at = now or utcnow()
    db.session.flush()
    _audit("evidence.declared", evidence, actor, old={"declared_at": None},
           new={"declared_at": evidence.declared_at.isoformat(), "declaration": DECLARATION})
    return evidence


# ---------------------------------------------------------------- reading


def learner_evidence(course: Course, learner_id: int) -> list[WorkplaceEvidence]:
    """The learner's evidence on the course, newest first."""
    return list(db.session.scalars(
        select(WorkplaceEvidence).where(WorkplaceEvidence.course_id == course.id,
                                        WorkplaceEvidence.learner_id == learner_id)
        .order_by(WorkplaceEvidence.created_at.desc(), WorkplaceEvidence.id.desc())))


def visible_file(user: User, file_id: int) -> EvidenceFile:
    """A file of evidence ``user`` may see, else ``EvidenceDenied``."""
    found = db.session.get(EvidenceFile, file_id)
    if found is None or not can_view(user, found.evidence):
        raise EvidenceDenied("There is no such file.")
    return found


def progress_label(evidence: WorkplaceEvidence, *, for_learner: bool) -> str:
    """Where the evidence is in its journey, in the words its list shows."""
    if needs_declaration(evidence):
        return "Awaiting your declaration" if for_learner else "Awaiting the learner's declaration"
    decided = {d.criterion_ref for d in evidence.decisions if not d.superseded}
    if not decided:
        return "Awaiting the assessor"
    if evidence.assessed_at is None:
        return "Partly assessed"
    return "Assessed"

"""Subject access (UK GDPR article 15): everything the app holds about one learner, as one ZIP.

``data.json`` holds the records, ``README.txt`` says what each part is, and ``evidence/`` holds
the files they uploaded. Other people appear only as the names of staff who recorded, decided or
reviewed something about the learner (that is part of the learner's record).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from typing import Any

from sqlalchemy import select

from course.authoring.models import Course, Module
from course.evidence.models import AuditEntry, CriterionDecision, WorkplaceEvidence
from course.extensions import db
from course.learning.models import (
    Attempt,
    Enrolment,
    ModuleProgress,
    OfflineLearning,
    TimeLog,
    TimeOnTask,
)
from course.models.base import utcnow
from course.models.users import User

FORMAT_VERSION = 1

README = """\
Your data from carecourse
=========================

This archive holds everything carecourse stores about you, as of {generated}.

data.json      Your records, in JSON:
  profile        your name, email address, role, organisation and account dates
  enrolments     the courses you are enrolled on, your cohort, who enrolled you and how long
                 the course keeps assessment records (retention_years)
  attempts       each quiz attempt: status, dates, score, pass, the result per criterion, and
                 each answer with its mark, the feedback shown and any tutor's essay marking
  time           online time per module, the same per day, pages reached, and the offline
                 learning your tutors recorded
  evidence       your workplace evidence: what it claims, your declaration and its files
  decisions      assessors' decisions on your evidence, each with its IQA reviews
  audit          the audit trail of changes to your record (who did what, when)
evidence/      the files you (or your tutor) uploaded as evidence, in folders by evidence id;
               each file is listed in data.json under evidence[].files[].path.

Names of other people appear only where a member of staff recorded, decided or reviewed
something in your record. Question wording is not included: answers are listed by question
id and version.

Ask your training provider if anything is wrong or missing.
"""


def _when(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    return value.isoformat()


class _Names:
    """Staff names by id, loaded as needed (None for a deleted account)."""

    def __init__(self) -> None:
        self._cache: dict[int, str | None] = {}

    def __call__(self, user_id: int | None) -> str | None:
        if user_id is None:
            return None
        if user_id not in self._cache:
            user = db.session.get(User, user_id)
            self._cache[user_id] = user.name if user is not None else None
        return self._cache[user_id]


def _course(course: Course | None) -> dict[str, Any] | None:
    return None if course is None else {"id": course.id, "title": course.title, "slug": course.slug}


def _module(module: Module | None) -> dict[str, Any] | None:
    return None if module is None else {"id": module.id, "title": module.title, "course_id": module.course_id}


def _answers(attempt: Attempt, name: Any) -> list[dict[str, Any]]:
    if not attempt.marks:  # not submitted yet: the answers given so far, unmarked
        return [{"position": int(position), "response": response, "marked": False}
                for position, response in sorted(attempt.responses.items(), key=lambda kv: int(kv[0]))]
    answers = []
    for mark in attempt.marks:
        essays = {part: {**essay, "marked_by": name(essay.get("marked_by"))}
                  for part, essay in (mark.essays or {}).items()}
        answers.append({"position": mark.position, "question_id": mark.question_id, "version": mark.version,
                        "response": mark.response, "score": mark.score, "max_score": mark.max_score,
                        "correct": mark.correct, "feedback": list(mark.feedback or []),
                        "awaiting_marking": mark.pending, "criteria": list(mark.criteria or []),
                        "essay_marking": essays, "marked": True})
    return answers


def build_data(user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """The learner's records as the JSON-ready dict ``data.json`` holds."""
    name = _Names()
    uid = user.id
    enrolments = db.session.scalars(select(Enrolment).where(Enrolment.user_id == uid).order_by(Enrolment.id))
    attempts = db.session.scalars(select(Attempt).where(Attempt.user_id == uid).order_by(Attempt.id))
    evidence = db.session.scalars(select(WorkplaceEvidence).where(WorkplaceEvidence.learner_id == uid)
                                  .order_by(WorkplaceEvidence.id))
    decisions = db.session.scalars(select(CriterionDecision).where(CriterionDecision.learner_id == uid)
                                   .order_by(CriterionDecision.id))
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.learner_id == uid)
                                 .order_by(AuditEntry.at, AuditEntry.id))

    def rows(model: Any, *order: Any) -> list[Any]:
        column = model.learner_id if hasattr(model, "learner_id") else model.user_id
        return list(db.session.scalars(select(model).where(column == uid).order_by(*order, model.id)))

    return {
        "format": "carecourse-subject-access", "version": FORMAT_VERSION,
        "generated_at": _when(now or utcnow()),
        "profile": {"id": uid, "name": user.name, "email": user.email, "role": user.role,
                    "organisation": user.organisation.name if user.organisation else None,
                    "active": user.active, "created_at": _when(user.created_at),
                    "last_login_at": _when(user.last_login_at)},
        "enrolments": [{"course": _course(e.course), "cohort": e.cohort, "enrolled_at": _when(e.enrolled_at),
                        "enrolled_by": name(e.enrolled_by_id),
                        "retention_years": e.course.assessment_retention_years} for e in enrolments],
        "attempts": [{"id": a.id, "module": _module(a.module), "quiz": (a.quiz_snapshot or {}).get("title"),
                      "number": a.number, "status": a.status, "started_at": _when(a.started_at),
                      "submitted_at": _when(a.submitted_at), "finished_at": _when(a.finished_at),
                      "score": a.score, "max_score": a.max_score, "fraction": a.fraction, "passed": a.passed,
                      "criteria_results": a.criteria_results, "closed_note": a.closed_note,
                      "answers": _answers(a, name)} for a in attempts],
        "time": {
            "modules": [{"module": _module(t.module), "seconds": t.seconds,
                         "last_active_at": _when(t.last_heartbeat_at)} for t in rows(TimeOnTask)],
            "days": [{"module_id": t.module_id, "day": _when(t.day), "seconds": t.seconds}
                     for t in rows(TimeLog, TimeLog.day)],
            "progress": [{"module": _module(p.module), "pages_seen": p.pages_seen, "pages_done": p.pages_done}
                         for p in rows(ModuleProgress)],
            "offline_learning": [{"course": _course(o.course), "date": _when(o.date), "minutes": o.minutes,
                                  "kind": o.kind, "activity": o.activity, "outcomes": list(o.outcomes or []),
                                  "recorded_by": name(o.recorded_by_id)}
                                 for o in rows(OfflineLearning, OfflineLearning.date)],
        },
        "evidence": [{"id": ev.id, "course": _course(ev.course), "kind": ev.kind,
                      "occurred_on": _when(ev.occurred_on),
                      "title": ev.title, "description": ev.description, "claimed": list(ev.claimed or []),
                      "declared_at": _when(ev.declared_at), "assessed_at": _when(ev.assessed_at),
                      "recorded_by": name(ev.recorded_by_id), "from_answer": ev.answer_mark_id,
                      "files": [{"filename": f.filename, "content_type": f.content_type, "size": f.size,
                                 "sha256": f.sha256, "uploaded_at": _when(f.uploaded_at),
                                 "path": file_path(ev.id, f.id, f.filename)} for f in ev.files]}
                     for ev in evidence],
        "decisions": [{"id": d.id, "evidence_id": d.evidence_id, "course_id": d.course_id,
                       "criterion": d.criterion_ref, "outcome": d.outcome, "comment": d.comment,
                       "assessor": name(d.assessor_id), "decided_at": _when(d.decided_at),
                       "superseded": d.superseded, "supersedes": d.supersedes_id,
                       "iqa_reviews": [{"outcome": r.outcome, "comment": r.comment, "actions": r.actions,
                                        "iqa": name(r.iqa_id), "reviewed_at": _when(r.reviewed_at)}
                                       for r in d.reviews]} for d in decisions],
        "audit": [{"at": _when(e.at), "action": e.action, "by": name(e.actor_id), "subject": e.subject_type,
                   "subject_id": e.subject_id, "course_id": e.course_id, "old": e.old, "new": e.new}
                  for e in entries],
    }


def file_path(evidence_id: int, file_id: int, filename: str) -> str:
    """Where an evidence file sits in the ZIP: unique by id, with a name safe on every system."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("._") or "file"
    return f"evidence/{evidence_id}/{file_id}-{safe[:120]}"


def build_zip(user: User, now: dt.datetime | None = None) -> bytes:
    """The subject-access ZIP for ``user``: data.json, README.txt and their evidence files."""
    now = now or utcnow()
    data = build_data(user, now)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(generated=data["generated_at"]))
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True))
        for ev in db.session.scalars(select(WorkplaceEvidence).where(WorkplaceEvidence.learner_id == user.id)
                                     .order_by(WorkplaceEvidence.id)):
            for f in ev.files:
                archive.writestr(file_path(ev.id, f.id, f.filename), f.data)
    return buffer.getvalue()

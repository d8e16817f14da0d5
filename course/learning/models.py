"""Learning records: enrolments, quiz attempts and their item marks, time on task, offline learning.

Who reads what (the reports area builds on these):

- ``Enrolment``: a learner on a course (one row per user and course), with a free-text cohort.
- ``Attempt``: one go at a module's quiz. ``questions`` is the list ``assemble_quiz`` gave for
  ``seed`` (``[{question, version, order, step_orders?}]``), ``responses`` the answers keyed by
  item index as a string (``{"0": "b", "3": {"path": [...], "answers": {...}}}``). Once
  ``status`` is ``finished`` the mark is final: ``score``/``max_score``/``fraction``/``passed``
  and ``criteria_results`` ``{ref: {score, max, fraction, met}}``. ``pending_marking`` means an
  essay awaits a tutor; the provisional score leaves essays at 0 and ``passed`` is None.
- ``AnswerMark``: the server's mark of one item of a submitted attempt (``position`` = index in
  ``Attempt.questions``); ``essays`` holds the tutor-marked parts (``{"": {...}}`` for an essay
  item, ``{stepId: {...}}`` for essay steps of a scenario), each ``{max, score|None, comment,
  marked_by, marked_at}``.
- ``TimeOnTask``: seconds of active online time credited per learner and module (never more than
  wall-clock time), and ``TimeLog`` the same split per UTC day (the hours report).
- ``ModuleProgress``: pages seen per learner and module, and the player's state for a module
  without a quiz.
- ``OfflineLearning``: guided learning a tutor records (date, minutes, activity, outcomes); it
  counts toward GLH with the online time.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.authoring.models import Course, Module, Quiz
from course.extensions import db
from course.models.base import TimestampMixin, utcnow
from course.models.users import User

ATTEMPT_STATUSES: tuple[str, ...] = ("in_progress", "submitted", "pending_marking", "finished")
# Kinds of time a tutor logs away from the player, with the words pages show.
OFFLINE_KINDS: dict[str, str] = {
    "guided_session": "Guided session (tutor-led)",
    "assessment": "Supervised assessment or observation",
    "off_the_job": "Off-the-job training",
}


class Enrolment(TimestampMixin, db.Model):
    """A learner enrolled on a course."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    cohort: Mapped[str] = mapped_column(String(100), default="")
    enrolled_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    enrolled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    enrolled_by: Mapped[User | None] = relationship(foreign_keys=[enrolled_by_id])

    def __repr__(self) -> str:
        return f"<Enrolment user={self.user_id} course={self.course_id}>"


class Attempt(TimestampMixin, db.Model):
    """One learner's go at a module's quiz, replayable from its seed."""

    __tablename__ = "attempt"
    __table_args__ = (
        # Two tabs opening a module at once cannot both create attempt n: one insert fails.
        UniqueConstraint("user_id", "module_id", "number"),
        CheckConstraint(
            "status IN ('in_progress', 'submitted', 'pending_marking', 'finished')", name="status"
        ),
        # Covers the progress report's per-module aggregates, so SQLite reads the index instead
        # of every (wide, JSON-carrying) attempt row: 0.9-2.2 s -> 0.2-0.4 s at 500,000 attempts.
        Index("ix_attempt_module_report", "module_id", "status", "passed", "user_id", "fraction"),
        CheckConstraint("number >= 1", name="number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("course_module.id", ondelete="CASCADE"), index=True
    )
    quiz_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_quiz.id", ondelete="SET NULL"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)  # 0 .. 2**32 - 1
    # The quiz as it was when the attempt began: {title, pass_mark, criterion_threshold, attempts,
    # grading, shuffle, feedback, time_limit_minutes, mode, option_feedback, shuffle_options, items}
    # (snapshots from before quiz modes lack the last three: formative) plus "bank": [[id, version], ...],
    # every question version the draws could take, so the player replays the same assembly.
    quiz_snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    state: Mapped[dict[str, Any] | None]
    location: Mapped[str | None] = mapped_column(String(255))
    responses: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Answers the server marked as they were checked, final from then on (README: Learning):
    # {"3": {score, max, correct, feedback, pending}} for a question; for a scenario
    # {"1": {"steps": {step: mark, or {} when feedback comes after submission}, "next": step or None}}.
    checked: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Why the attempt was closed by someone other than the learner, shown to them (or None).
    closed_note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="in_progress", index=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    fraction: Mapped[float | None]
    passed: Mapped[bool | None]
    criteria_results: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The player's own result at submission ({score, max, ...}), kept to spot disagreements only.
    client_result: Mapped[dict[str, Any] | None]
    # The mapper's version counter: bumped on every update; a write based on an older revision
    # fails with StaleDataError (and the request is retried on fresh data).
    revision: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": revision}

    user: Mapped[User] = relationship()
    module: Mapped[Module] = relationship()
    quiz: Mapped[Quiz | None] = relationship()
    marks: Mapped[list[AnswerMark]] = relationship(
        back_populates="attempt", order_by="AnswerMark.position", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        """Whether answers may still be given."""
        return self.status == "in_progress"

    def __repr__(self) -> str:
        return f"<Attempt {self.id} user={self.user_id} module={self.module_id} #{self.number} {self.status}>"


class AnswerMark(db.Model):
    """The server's mark of one item of a submitted attempt, with any tutor marking of essays."""

    __tablename__ = "answer_mark"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # index in Attempt.questions
    question_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    response: Mapped[Any | None] = mapped_column(db.JSON)  # normalised by the engine
    # Automatic part (essays count 0 here), then the final score once every essay is marked.
    auto_score: Mapped[float] = mapped_column(default=0.0)
    score: Mapped[float] = mapped_column(default=0.0)
    max_score: Mapped[float] = mapped_column(default=0.0)
    fraction: Mapped[float] = mapped_column(default=0.0)
    correct: Mapped[bool | None]
    feedback: Mapped[list[str]] = mapped_column(default=list)
    pending: Mapped[bool] = mapped_column(default=False, index=True)
    criteria: Mapped[list[str]] = mapped_column(default=list)
    essays: Mapped[dict[str, Any]] = mapped_column(default=dict)

    attempt: Mapped[Attempt] = relationship(back_populates="marks")


class TimeOnTask(db.Model):
    """Active online seconds credited to a learner on a module."""

    __tablename__ = "time_on_task"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("course_module.id", ondelete="CASCADE"), index=True
    )
    seconds: Mapped[int] = mapped_column(Integer, default=0)
    last_heartbeat_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()
    module: Mapped[Module] = relationship()


class TimeLog(db.Model):
    """Seconds credited per learner, module and UTC day."""

    __tablename__ = "time_log"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("course_module.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    seconds: Mapped[int] = mapped_column(Integer, default=0)


class ModuleProgress(TimestampMixin, db.Model):
    """How far a learner got through a module's pages; the player state when it has no quiz."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("course_module.id", ondelete="CASCADE"), index=True
    )
    pages_seen: Mapped[int] = mapped_column(Integer, default=0)  # highest page reached, 1-based
    pages_done: Mapped[bool] = mapped_column(default=False)  # reached the last page
    state: Mapped[dict[str, Any] | None]
    location: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship()
    module: Mapped[Module] = relationship()


class OfflineLearning(TimestampMixin, db.Model):
    """Guided learning away from the screen (a workshop, supervision...), recorded by a tutor."""

    __tablename__ = "offline_learning"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes"),
        CheckConstraint("kind IN ('guided_session', 'assessment', 'off_the_job')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(Text)
    # What kind of time it was (OFFLINE_KINDS): guided sessions and supervised assessment count
    # toward GLH; off-the-job training (apprentices) toward TQT and the off-the-job record.
    kind: Mapped[str] = mapped_column(String(16), default="guided_session")
    # FRAMEWORK/OUTCOME or FRAMEWORK/CODE references the activity covered.
    outcomes: Mapped[list[str]] = mapped_column(default=list)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    course: Mapped[Course] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])

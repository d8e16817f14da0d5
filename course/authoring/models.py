"""Courses built against frameworks: modules in order, pages, one quiz per module, uploads.

A course maps one to one onto the course document of docs/formats.md ("Course document");
``course.authoring.document`` converts between the two.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.extensions import db
from course.models.base import TimestampMixin
from course.models.frameworks import Framework
from course.models.users import Organisation, User

GRADING_METHODS: tuple[str, ...] = ("highest", "last", "first", "average")
FEEDBACK_MODES: tuple[str, ...] = ("immediate", "after_submission")
# Formative: practice, today's behaviour. Summative: the quiz whose result is evidence of knowledge.
QUIZ_MODES: tuple[str, ...] = ("formative", "summative")
# When a learner may read the feedback texts of a mark (per option, per gap, general).
OPTION_FEEDBACK: tuple[str, ...] = ("always", "after_final_attempt", "never")


class Course(TimestampMixin, db.Model):
    """What is taught: modules in order, built against one or more frameworks."""

    __tablename__ = "course"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(35), default="en-GB")
    # The provider's quality gate: while on, severe item-quality findings (question_bank.quality)
    # and a quiz a learner with no knowledge is expected to pass stop the SCORM download.
    block_export_on_findings: Mapped[bool] = mapped_column(default=False)
    # Every question's criteria must be signed off by an IQA before the SCORM export or a
    # summative quiz goes live (course.evidence).
    require_signed_mappings: Mapped[bool] = mapped_column(default=False)
    # Whole years a learner's assessment records on this course are kept after their last activity
    # on it (course.privacy.retention); awarding bodies set the figure, commonly 3.
    assessment_retention_years: Mapped[int] = mapped_column(default=3)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Raised by one on every change to what the player shows (the course, its frameworks, modules
    # and pages: course/learning/content_version.py), so caches keyed by (id, content_version)
    # stay right across processes: each request reads this one number from the database.
    content_version: Mapped[int] = mapped_column(default=1, server_default="1")

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    course_frameworks: Mapped[list[CourseFramework]] = relationship(
        back_populates="course",
        order_by="CourseFramework.position",
        cascade="all, delete-orphan",
    )
    modules: Mapped[list[Module]] = relationship(
        back_populates="course",
        order_by="Module.position",
        cascade="all, delete-orphan",
    )
    uploads: Mapped[list[Upload]] = relationship(
        back_populates="course",
        order_by="Upload.filename",
        cascade="all, delete-orphan",
    )

    @property
    def frameworks(self) -> list[Framework]:
        """The frameworks the course is built against, in the course's order."""
        return [cf.framework for cf in self.course_frameworks]

    @classmethod
    def by_slug(cls, organisation_id: int, slug: str) -> Course | None:
        """The organisation's course with this slug, or None."""
        return db.session.scalar(
            select(cls).where(cls.organisation_id == organisation_id, cls.slug == slug)
        )

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class CourseFramework(db.Model):
    """A framework a course is built against, with its place in the course's list."""

    __tablename__ = "course_framework"
    __table_args__ = (UniqueConstraint("course_id", "framework_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("framework.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int]

    course: Mapped[Course] = relationship(back_populates="course_frameworks")
    framework: Mapped[Framework] = relationship()


class Module(TimestampMixin, db.Model):
    """One teaching unit, usually one outcome: pages, then a quiz; with target guided minutes."""

    __tablename__ = "course_module"
    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        CheckConstraint("target_minutes >= 0", name="target_minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    # FRAMEWORK/OUTCOME references it teaches, e.g. ["HSCCLD327/K.1"].
    outcomes: Mapped[list[str]] = mapped_column(default=list)
    target_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # Performance criteria (FRAMEWORK/CODE) this module prepares for, assessed at work.
    workplace: Mapped[list[str]] = mapped_column(default=list)

    course: Mapped[Course] = relationship(back_populates="modules")
    pages: Mapped[list[Page]] = relationship(
        back_populates="module",
        order_by="Page.position",
        cascade="all, delete-orphan",
    )
    quiz: Mapped[Quiz | None] = relationship(
        back_populates="module", cascade="all, delete-orphan", uselist=False
    )

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"


class Page(TimestampMixin, db.Model):
    """A content page of a module: Markdown body and its sanitised HTML, rendered on save."""

    __tablename__ = "course_page"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("course_module.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str] = mapped_column(Text, default="")

    module: Mapped[Module] = relationship(back_populates="pages")


class Quiz(TimestampMixin, db.Model):
    """A module's quiz: settings and items as in the course document (fixed versions and draws)."""

    __tablename__ = "course_quiz"
    __table_args__ = (
        CheckConstraint("grading IN ('highest', 'last', 'first', 'average')", name="grading"),
        CheckConstraint("feedback IN ('immediate', 'after_submission')", name="feedback"),
        CheckConstraint("attempts >= 0", name="attempts"),
        CheckConstraint("mode IN ('formative', 'summative')", name="mode"),
        CheckConstraint("option_feedback IN ('always', 'after_final_attempt', 'never')", name="option_feedback"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("course_module.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(String(300))
    pass_mark: Mapped[float] = mapped_column(default=0.8)
    criterion_threshold: Mapped[float | None]
    attempts: Mapped[int] = mapped_column(default=0)  # 0: unlimited
    grading: Mapped[str] = mapped_column(String(16), default="highest")
    shuffle: Mapped[bool] = mapped_column(default=False)
    feedback: Mapped[str] = mapped_column(String(20), default="immediate")
    time_limit_minutes: Mapped[int | None]
    mode: Mapped[str] = mapped_column(String(16), default="formative")
    option_feedback: Mapped[str] = mapped_column(String(24), default="always")
    # Shuffle every choice and matching question's options, whatever the question's own "shuffle".
    shuffle_options: Mapped[bool] = mapped_column(default=False)
    # [{"question": id, "version": n} | {"draw": {"count": n, "criterion": ref | "tag": t}}]
    items: Mapped[list[dict[str, Any]]] = mapped_column(default=list)

    module: Mapped[Module] = relationship(back_populates="quiz")


class Upload(TimestampMixin, db.Model):
    """An image uploaded for a course, served at ``/courses/<slug>/files/<filename>``."""

    __tablename__ = "course_upload"
    __table_args__ = (UniqueConstraint("course_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]

    course: Mapped[Course] = relationship(back_populates="uploads")
